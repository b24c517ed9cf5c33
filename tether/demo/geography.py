"""Force sizes and force-area geography for the synthetic register.

Sizing (see the domain notes, §14 "Scale parameters", and tether/access/data/forces.csv):

- England and Wales: 70,052 RSOs in the community at 31 March 2024 (MAPPA annual report). Forces with
  a published count keep it; the remainder is shared across the E&W forces with no published count in
  proportion to a rough resident-population proxy (millions, rounded; a sizing aid only).
- Police Scotland: 4,948 (Scottish MAPPA national overview 2023-24, in the community).
- PSNI: ASSUMPTION. No published count was found (domain.md §16 gap 14); 2,000 is a round figure of
  roughly the same rate per head as Scotland. Replace it when a published figure is found.

Postcode areas are the real postcode *letters* of each force area so the data looks plausible; the
district numbers and inward codes are random, so a generated postcode is not claimed to exist.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from tether.access.forces import FORCES_CSV

MISSING_CSV = Path(__file__).resolve().parent.parent / "access" / "data" / "missing-2018.csv"

ENGLAND_WALES_TOTAL = 70_052
SCOTLAND_TOTAL = 4_948
NORTHERN_IRELAND_ASSUMED = 2_000  # ASSUMPTION: no published PSNI count (see module docstring)

# Resident population, millions (rounded; used only to share the E&W remainder between forces that
# published no count). Forces with a published count do not need one.
POPULATION_PROXY = {
    "BDP": 0.70, "CAM": 0.90, "CHE": 1.10, "COL": 0.01, "CLE": 0.57, "CUM": 0.50, "DOR": 0.78, "ESS": 1.85,
    "GLO": 0.65, "HUM": 0.94, "KEN": 1.90, "LEI": 1.10, "LIN": 0.77, "MER": 1.42, "MPS": 8.90, "NOR": 0.92,
    "NYP": 0.83, "NTH": 0.79, "NOT": 1.16, "SUF": 0.76, "SUR": 1.20, "SUS": 1.70, "WAR": 0.60, "WIL": 0.73,
}

# Postcode area letters per force area (district numbers and inward codes are generated).
POSTCODE_AREAS = {
    "ASP": ("BS", "BA", "TA"), "BDP": ("LU", "MK"), "CAM": ("CB", "PE"), "CHE": ("CH", "CW", "WA"),
    "COL": ("EC",), "CLE": ("TS",), "CUM": ("CA", "LA"), "DER": ("DE", "S"), "DCP": ("EX", "PL", "TQ", "TR"),
    "DOR": ("BH", "DT"), "DUR": ("DH", "DL"), "DPP": ("SA", "LD", "SY"), "ESS": ("CM", "CO", "SS"),
    "GLO": ("GL",), "GMP": ("M", "BL", "OL", "SK", "WN"), "GWE": ("NP",), "HAM": ("SO", "PO"),
    "HER": ("AL", "SG", "WD"), "HUM": ("HU", "DN"), "KEN": ("CT", "ME", "TN", "DA"),
    "LAN": ("PR", "BB", "FY", "LA"), "LEI": ("LE",), "LIN": ("LN", "PE"), "MER": ("L", "CH"),
    "MPS": ("E", "N", "NW", "SE", "SW", "W", "CR", "BR", "HA", "UB", "IG", "RM", "EN", "SM", "TW"),
    "NOR": ("NR",), "NWP": ("LL", "CH"), "NYP": ("YO", "HG"), "NTH": ("NN",), "NUM": ("NE", "SR"),
    "NOT": ("NG",), "SWP": ("CF", "SA"), "SYP": ("S", "DN"), "STA": ("ST", "WS"), "SUF": ("IP",),
    "SUR": ("GU", "KT", "RH"), "SUS": ("BN", "RH"), "TVP": ("OX", "RG", "SL", "HP"), "WAR": ("CV",),
    "WMC": ("WR", "HR", "TF"), "WMP": ("B", "WV", "WS", "DY"), "WYP": ("LS", "BD", "HD", "HX", "WF"),
    "WIL": ("SN", "SP"), "PSOS": ("G", "EH", "AB", "DD", "KA", "PA", "FK", "KY", "IV", "ML"), "PSNI": ("BT",),
}

# Open missing/wanted cases at full national size. Forces in missing-2018.csv use that count; GMP (not
# in the 2018 file) uses the 2015 PA FOI figure (25); Police Scotland 13 (12 wanted + 1 missing, Mar 2024,
# all believed abroad); PSNI 5 (2008 FOI). Every other force shares the rest of a national rate of 0.7%.
NATIONAL_MISSING_RATE = 0.007
MISSING_OVERRIDES = {"GMP": 25, "PSOS": 13, "PSNI": 5}
BELIEVED_ABROAD = {"PSOS": 1.0, "WMP": 14 / 46}
BELIEVED_ABROAD_DEFAULT = 0.45
WANTED_SHARE = {"PSOS": 12 / 13}
WANTED_SHARE_DEFAULT = 0.45


@dataclass(frozen=True)
class ForceInfo:
    code: str
    name: str
    country: str
    full_size: int  # registrants at full national size
    missing_rate: float  # probability that a registrant has an open missing/wanted case

    @property
    def jurisdiction(self) -> str:
        return {"scotland": "scotland", "northern-ireland": "northern-ireland"}.get(self.country, "england-wales")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _full_sizes(rows: list[dict[str, str]]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    ew = [r for r in rows if r["country"] in ("england", "wales")]
    published = {r["code"]: int(r["rso_count"]) for r in ew if r["rso_count"]}
    sizes.update(published)
    rest = [r["code"] for r in ew if not r["rso_count"]]
    remainder = ENGLAND_WALES_TOTAL - sum(published.values())
    weights = {c: POPULATION_PROXY.get(c, 1.0) for c in rest}
    sizes.update(_apportion(remainder, weights, floor_one=True))
    for r in rows:
        if r["country"] == "scotland":
            sizes[r["code"]] = SCOTLAND_TOTAL
        elif r["country"] == "northern-ireland":
            sizes[r["code"]] = NORTHERN_IRELAND_ASSUMED
    return sizes


def _apportion(total: int, weights: dict[str, float], *, floor_one: bool) -> dict[str, int]:
    """Share ``total`` in proportion to ``weights`` (largest remainder); each at least 1 if ``floor_one``."""
    if total <= 0 or not weights:
        return {c: 0 for c in weights}
    wsum = sum(weights.values())
    quotas = {c: total * w / wsum for c, w in weights.items()}
    out = {c: int(q) for c, q in quotas.items()}
    if floor_one and total >= len(weights):
        out = {c: max(1, n) for c, n in out.items()}
    diff = total - sum(out.values())
    if diff > 0:
        for c in sorted(quotas, key=lambda c: (-(quotas[c] - int(quotas[c])), c))[:diff]:
            out[c] += 1
    while diff < 0:  # the floor of 1 overshot: take back from the largest
        for c in sorted(out, key=lambda c: (-out[c], c)):
            if diff == 0:
                break
            if out[c] > 1:
                out[c] -= 1
                diff += 1
    return out


def _forces() -> dict[str, ForceInfo]:
    rows = _read_csv(FORCES_CSV)
    sizes = _full_sizes(rows)
    known = {r["force_code"]: int(r["missing_count"]) for r in _read_csv(MISSING_CSV)}
    known.update(MISSING_OVERRIDES)
    total = sum(sizes.values())
    others = [c for c in sizes if c not in known]
    other_rate = max(0.0, NATIONAL_MISSING_RATE * total - sum(known.values())) / sum(sizes[c] for c in others)
    out = {}
    for r in rows:
        code = r["code"]
        rate = min(0.05, known[code] / sizes[code]) if code in known else other_rate
        out[code] = ForceInfo(code=code, name=r["name"], country=r["country"], full_size=sizes[code], missing_rate=rate)
    return out


FORCES: dict[str, ForceInfo] = _forces()
FULL_SIZE = sum(f.full_size for f in FORCES.values())


def force_counts(registrants: int | None) -> dict[str, int]:
    """Registrants per force: the full national size, or ``registrants`` shared in the same proportions
    (every force at least 1 when ``registrants`` >= 45)."""
    if registrants is None:
        return {c: f.full_size for c, f in FORCES.items()}
    if registrants < 0:
        raise ValueError("registrants must be zero or more")
    return _apportion(registrants, {c: float(f.full_size) for c, f in FORCES.items()}, floor_one=True)
