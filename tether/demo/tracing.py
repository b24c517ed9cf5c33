"""Synthetic partner data for the demo register: one DWP-like and one housing-like extract in which some of the
demo's missing registrants reappear (moved house, with a typo, a nickname, an alias surname or a date-of-birth
slip), among made-up strangers, and a linkage run on each, so the tracing pages show leads on open cases. Every
source, file and record is marked synthetic. Seeded: the same seed gives the same extracts."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

from tether.access.models import Force
from tether.casework.models import Case
from tether.core import clock
from tether.register.models import Address, Person, PersonName
from tether.tracing import extracts, synthetic
from tether.tracing.models import PartnerSource
from tether.tracing.services import system_load_and_run

LABEL = "demo"
LAWFUL_BASIS = ("Synthetic demo data: no real agency shared anything. (A real source would cite DPA 2018 Part 3, "
                "law enforcement purposes, and its data-sharing agreement.)")
# (source name, agency kind, forces served, planted registrants, strangers, record id prefix)
SOURCES = (
    ("DWP (synthetic demo)", "dwp", ("MPS", "GMP"), 8, 140, "SYN-DWP"),
    ("Housing (synthetic demo)", "housing", ("MPS",), 5, 90, "SYN-HSG"),
)


def _missing_people(force_codes: tuple[str, ...], today: date) -> list[dict[str, Any]]:
    """The registrants with an open missing or wanted case in these forces, as extract-shaped rows."""
    cases = Case.objects.filter(closed_on__isnull=True, opened_on__lte=today, force__code__in=force_codes)
    ids = sorted(set(cases.values_list("person_id", flat=True)))
    names = {n.person_id: n for n in PersonName.objects.filter(person_id__in=ids).order_by("valid_from", "id")}
    homes = {a.person_id: a for a in Address.objects.filter(person_id__in=ids).order_by("valid_from", "id")}
    out = []
    for p in Person.objects.filter(pk__in=ids).order_by("pk"):
        name, home = names.get(p.pk), homes.get(p.pk)
        if name is None:
            continue
        out.append({"key": str(p.pk), "given_names": name.given_names.split(" ")[0], "family_name": name.family_name,
                    "date_of_birth": p.date_of_birth, "ni_number": p.ni_number or "",
                    "address_line_1": home.line1 if home else "", "address_line_2": "",
                    "town": home.town if home else "", "postcode": home.postcode if home else ""})
    return out


def populate(seed: int = 2018, today: date | None = None) -> dict[str, Any]:
    """Load the synthetic extracts and run linkage on each (scope: open missing and wanted cases)."""
    started = time.perf_counter()
    today = today or clock.today()
    rng = random.Random(seed * 104729)
    fake = synthetic._faker(seed)
    summary: dict[str, Any] = {"sources": [], "synthetic": True}
    for name, kind, codes, planted, strangers, prefix in SOURCES:
        forces = list(Force.objects.filter(code__in=codes))
        candidates = _missing_people(codes, today)
        if not forces or not candidates or PartnerSource.objects.filter(name=name).exists():
            continue
        rows = []
        for src in rng.sample(candidates, min(planted, len(candidates))):
            extra = rng.sample([k for k in synthetic.PERTURBATIONS if k != "moved"], 1)
            rows.append(synthetic.perturb(src, ("moved", *extra), fake, rng))
        rows += [synthetic.person(fake, rng, "") for _ in range(strangers)]
        rng.shuffle(rows)
        for i, row in enumerate(rows, 1):
            row["record_id"] = f"{prefix}-{i:04d}"
            row["from_date"] = today - timedelta(days=rng.randint(20, 400))
        parsed = extracts.read_extract(synthetic.to_csv(rows), f"{prefix.lower()}-synthetic.csv", today)
        if not parsed.ok:  # a generated row the checks refuse: leave the demo without this source
            continue
        run = system_load_and_run(name=name, kind=kind, lawful_basis=LAWFUL_BASIS, retention_days=180,
                                  dsa_reference="SYNTHETIC-DEMO", forces=forces, parsed=parsed,
                                  filename=f"{prefix.lower()}-synthetic.csv", actor_label=LABEL)
        summary["sources"].append({"source": name, "rows": len(rows), "leads": run.leads_created})
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary
