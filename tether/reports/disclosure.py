"""Disclosure control: turn a raw ``Table`` into a ``PublishedTable`` that is safe to publish. Pure: no Django.

The rules (``Policy``; ``docs/disclosure.md`` explains them with examples):

1. A true zero is shown as ``0``.
2. Primary suppression: a count of 1 to ``threshold - 1`` is shown as ``"<threshold"`` (``"<5"``).
3. Every other count is rounded to the nearest ``rounding``, halves rounded up (``rounding=1``: exact).
   The policy is checked so that a count of ``threshold`` or more never rounds below the threshold (and so
   never to 0): ``rounding <= threshold`` and ``threshold`` itself must round to at least ``threshold``.
4. Row, column and grand totals are computed from the unrounded counts, then rounded and suppressed by the
   same rules (so they may not equal the sum of the rounded figures). With ``exact_national_totals`` a table
   marked ``national`` shows its grand total exactly (still ``"<threshold"`` when below the threshold).
5. Secondary suppression: the published figures are read as constraints (a rounded figure is an interval,
   ``"<5"`` is 1..4, ``"[c]"`` inside the table is at least the threshold, a ``"[c]"`` total at least 1) and
   every row and column, the totals included, is a sum. Whenever those constraints pin a hidden figure to a
   single value (``recoverable_cells``), the smallest non-zero published figure in its row or column is
   hidden as ``"[c]"`` too (inner cells before totals), until nothing hidden can be pinned. Zeros are never
   hidden: they are true zeros.

``recoverable_cells`` propagates interval bounds over the row, column and total sums until nothing changes.
The property tests in ``tests/test_disclosure.py`` check it against a brute-force enumeration of every raw
table consistent with a small published table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from typing import Final

from tether.reports.tables import Series, Table

PRIMARY: Final = "primary"
SECONDARY: Final = "secondary"
HIDDEN_TEXT: Final = "[c]"
MARGIN: Final = "\x00total"  # the key for a total in ``recoverable_cells`` keys: (row, MARGIN), (MARGIN, col)
_INF: Final = 10**15  # "no upper bound" in the interval arithmetic (far above any count Tether holds)
MAX_THRESHOLD: Final = 1000
_MAX_SWEEPS: Final = 10_000

Key = tuple[str, str]


def round_half_up(count: int, rounding: int) -> int:
    """``count`` rounded to the nearest multiple of ``rounding``, halves up (12.5 -> 15 for rounding 5)."""
    return ((2 * count + rounding) // (2 * rounding)) * rounding


@dataclass(frozen=True)
class Policy:
    """The disclosure-control rules applied to a table; recorded with every output."""

    name: str = "Tether standard"
    threshold: int = 5  # counts 1..threshold-1 shown as "<threshold" (e.g. threshold 8 hides 1-7)
    rounding: int = 5  # other counts rounded to the nearest `rounding` (1 = no rounding)
    exact_national_totals: bool = False  # a table with national=True may publish its grand total exactly
    secondary: bool = True  # secondary suppression so no hidden cell is recoverable by subtraction

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip() or len(self.name) > 100:
            raise ValueError("name: must be text of 1 to 100 characters")
        for name, low, high in (("threshold", 3, MAX_THRESHOLD), ("rounding", 1, MAX_THRESHOLD)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name}: must be a whole number")
            if not low <= value <= high:
                raise ValueError(f"{name}: must be between {low} and {high}")
        for name in ("exact_national_totals", "secondary"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}: must be true or false")
        if self.rounding > self.threshold:
            raise ValueError("rounding: must not be more than the threshold (a count could round to 0)")
        if round_half_up(self.threshold, self.rounding) < self.threshold:
            raise ValueError(
                f"rounding: a count of {self.threshold} would round to "
                f"{round_half_up(self.threshold, self.rounding)}, below the threshold; choose a threshold that "
                f"is a multiple of {self.rounding} or rounds up"
            )

    @property
    def hidden_text(self) -> str:
        return f"<{self.threshold}"

    def to_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Policy:
        """A policy from its ``to_dict`` form; missing fields take the defaults. ValueError names the field."""
        if not isinstance(d, Mapping):
            raise ValueError("policy: must be an object")
        known = {f.name for f in fields(cls)}
        for key in d:
            if key not in known:
                raise ValueError(f"{key}: unknown policy field")
        return cls(**{k: v for k, v in d.items()})  # type: ignore[arg-type]  # __post_init__ checks types

    def describe(self) -> str:
        """One plain-English paragraph for downloads and FOI letters."""
        parts = [
            f'Figures have been through disclosure control (policy "{self.name}").',
            f'Counts of 1 to {self.threshold - 1} are shown as "{self.hidden_text}".',
        ]
        if self.rounding > 1:
            parts.append(f"Other counts are rounded to the nearest {self.rounding}.")
        parts.append("A true zero is shown as 0.")
        parts.append(
            "Totals are calculated from the unrounded figures and then "
            + ("rounded and suppressed in the same way, so they may not equal the sum of the figures shown."
               if self.rounding > 1 else "suppressed in the same way.")
        )
        if self.secondary:
            parts.append(
                f'Where a hidden figure could otherwise be worked out from the others in its row or column, '
                f'further figures are hidden and shown as "{HIDDEN_TEXT}".'
            )
        if self.exact_national_totals:
            parts.append("A national grand total is shown exactly.")
        parts.append("No figure identifies a person.")
        return " ".join(parts)


STANDARD = Policy()


@dataclass(frozen=True)
class Cell:
    text: str  # what is shown: "0", "<5", "15", or "[c]" for a secondary-suppressed cell
    value: int | None  # the published number (rounded), None when suppressed
    suppressed: str = ""  # "" | "primary" | "secondary"

    @property
    def hidden(self) -> bool:
        return self.value is None

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "value": self.value, "suppressed": self.suppressed}


@dataclass(frozen=True)
class PublishedTable:
    title: str
    row_label: str
    col_label: str
    measure: str
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    as_of: date
    period: tuple[date, date] | None
    notes: tuple[str, ...]
    cells: Mapping[tuple[str, str], Cell]
    row_totals: Mapping[str, Cell]
    col_totals: Mapping[str, Cell]
    total: Cell
    policy: Policy
    total_exact: bool = False  # the grand total is exact (a national total under exact_national_totals)

    def cell(self, row: str, col: str) -> Cell:
        return self.cells[(row, col)]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready. Holds only what is shown: a hidden figure has ``value`` null, never its raw count."""
        return {
            "title": self.title,
            "row_label": self.row_label,
            "col_label": self.col_label,
            "measure": self.measure,
            "as_of": self.as_of.isoformat(),
            "period": [self.period[0].isoformat(), self.period[1].isoformat()] if self.period else None,
            "rows": list(self.rows),
            "cols": list(self.cols),
            "cells": [
                {"row": r, "col": c, **self.cells[(r, c)].to_dict()} for r in self.rows for c in self.cols
            ],
            "row_totals": [{"row": r, **self.row_totals[r].to_dict()} for r in self.rows],
            "col_totals": [{"col": c, **self.col_totals[c].to_dict()} for c in self.cols],
            "total": self.total.to_dict(),
            "total_exact": self.total_exact,
            "notes": list(self.notes),
            "policy": self.policy.to_dict(),
            "policy_description": self.policy.describe(),
        }

    def entry(self, key: Key) -> Cell:
        """A cell or total by its ``recoverable_cells`` key."""
        row, col = key
        if row == MARGIN and col == MARGIN:
            return self.total
        if col == MARGIN:
            return self.row_totals[row]
        if row == MARGIN:
            return self.col_totals[col]
        return self.cells[key]


# --- publishing ---------------------------------------------------------------------------------------------


def _shown(count: int, policy: Policy, *, exact: bool = False) -> Cell:
    """Primary suppression and rounding for one count."""
    if count < 0:
        raise ValueError(f"counts must not be negative (got {count})")
    if count == 0:
        return Cell("0", 0)
    if count < policy.threshold:
        return Cell(policy.hidden_text, None, PRIMARY)
    value = count if exact else round_half_up(count, policy.rounding)
    return Cell(str(value), value)


def _lines(rows: tuple[str, ...], cols: tuple[str, ...]) -> Iterator[tuple[Key, tuple[Key, ...]]]:
    """Every sum in the table with margins: (key of the total, keys of its parts)."""
    for r in rows:
        yield (r, MARGIN), tuple((r, c) for c in cols)
    for c in cols:
        yield (MARGIN, c), tuple((r, c) for r in rows)
    yield (MARGIN, MARGIN), tuple((MARGIN, c) for c in cols)
    yield (MARGIN, MARGIN), tuple((r, MARGIN) for r in rows)


@lru_cache(maxsize=64)
def _line_list(rows: tuple[str, ...], cols: tuple[str, ...]) -> tuple[tuple[Key, tuple[Key, ...]], ...]:
    """``_lines`` made once per table shape: secondary suppression reads them again on every round."""
    return tuple(_lines(rows, cols))


def _is_margin(key: Key) -> bool:
    return MARGIN in key


def _known_bounds(cell: Cell, key: Key, policy: Policy, exact: bool) -> tuple[int, int]:
    """What a reader learns about one figure from how it is shown, before any arithmetic."""
    t, r = policy.threshold, policy.rounding
    if cell.suppressed == PRIMARY:
        return 1, t - 1
    if cell.suppressed == SECONDARY:
        # Complements are chosen among published non-zero figures, which are at least the threshold; a total
        # below the threshold may also be shown as [c] (when "<t" would pin its parts), so a total is only >= 1.
        return (1 if _is_margin(key) else t), _INF
    assert cell.value is not None
    if cell.value == 0:
        return 0, 0
    if exact or r == 1:
        return cell.value, cell.value
    v = cell.value
    return max(t, (2 * v - r + 1) // 2), (2 * v + r - 1) // 2


def cell_bounds(pt: PublishedTable) -> dict[Key, tuple[int, int]]:
    """Bounds on every figure (cells and totals) implied by the published table, by propagating interval
    bounds over each row, column and total sum until nothing changes. An upper bound of ``10**15`` means
    unbounded. The true counts always lie inside these bounds."""
    keys: list[Key] = [(r, c) for r in pt.rows for c in pt.cols]
    keys += [(r, MARGIN) for r in pt.rows] + [(MARGIN, c) for c in pt.cols] + [(MARGIN, MARGIN)]
    lo: dict[Key, int] = {}
    hi: dict[Key, int] = {}
    for key in keys:
        exact = pt.total_exact and key == (MARGIN, MARGIN)
        lo[key], hi[key] = _known_bounds(pt.entry(key), key, pt.policy, exact)
    lines = _line_list(pt.rows, pt.cols)
    for _ in range(_MAX_SWEEPS):
        changed = False
        for total, parts in lines:
            # Bounds read at the start of the line: older bounds are looser, so every step stays sound.
            sum_lo = sum(lo[p] for p in parts)
            unbounded = sum(1 for p in parts if hi[p] >= _INF)
            finite_hi = sum(hi[p] for p in parts if hi[p] < _INF)
            if sum_lo > lo[total]:
                lo[total], changed = sum_lo, True
            if not unbounded and finite_hi < hi[total]:
                hi[total], changed = finite_hi, True
            for p in parts:
                if hi[total] < _INF:
                    new_hi = hi[total] - (sum_lo - lo[p])
                    if new_hi < hi[p]:
                        hi[p], changed = new_hi, True
                others_unbounded = unbounded - (1 if hi[p] >= _INF else 0)
                if not others_unbounded:
                    others_hi = finite_hi - (hi[p] if hi[p] < _INF else 0)
                    new_lo = lo[total] - others_hi
                    if new_lo > lo[p]:
                        lo[p], changed = new_lo, True
        if not changed:
            break
    else:  # pragma: no cover - the bounds are integers that only tighten; real tables settle in a few sweeps
        raise RuntimeError("disclosure bounds did not settle")
    return {k: (lo[k], hi[k]) for k in keys}


def recoverable_cells(pt: PublishedTable) -> set[tuple[str, str]]:
    """Hidden figures the published table pins to a single value. Keys are ``(row, col)`` for a cell,
    ``(row, MARGIN)`` for a row total, ``(MARGIN, col)`` for a column total and ``(MARGIN, MARGIN)`` for
    the grand total. Empty for every table ``publish`` returns."""
    bounds = cell_bounds(pt)
    return {k for k, (lo, hi) in bounds.items() if pt.entry(k).hidden and lo == hi}


def _check_labels(table: Table) -> None:
    for label in (*table.rows, *table.cols):
        if label == MARGIN:
            raise ValueError("a row or column label clashes with the totals key")
    if len(set(table.rows)) != len(table.rows) or len(set(table.cols)) != len(table.cols):
        raise ValueError("row and column labels must be unique")
    for (r, c), count in table.cells.items():
        if r not in table.rows or c not in table.cols:
            raise ValueError(f"cell ({r!r}, {c!r}) is outside the table's rows and columns")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"cell ({r!r}, {c!r}) must be a whole number of at least 0")


def _build(table: Table, policy: Policy, entries: Mapping[Key, Cell], total_exact: bool) -> PublishedTable:
    return PublishedTable(
        title=table.title, row_label=table.row_label, col_label=table.col_label, measure=table.measure,
        rows=table.rows, cols=table.cols, as_of=table.as_of, period=table.period, notes=table.notes,
        cells={(r, c): entries[(r, c)] for r in table.rows for c in table.cols},
        row_totals={r: entries[(r, MARGIN)] for r in table.rows},
        col_totals={c: entries[(MARGIN, c)] for c in table.cols},
        total=entries[(MARGIN, MARGIN)], policy=policy, total_exact=total_exact,
    )


def publish(table: Table, policy: Policy = STANDARD) -> PublishedTable:
    """The table after disclosure control: the only form pages, downloads, the API and the CLI may show."""
    _check_labels(table)
    raw: dict[Key, int] = {(r, c): table.count(r, c) for r in table.rows for c in table.cols}
    raw.update({(r, MARGIN): table.row_total(r) for r in table.rows})
    raw.update({(MARGIN, c): table.col_total(c) for c in table.cols})
    raw[(MARGIN, MARGIN)] = table.total()
    total_exact = policy.exact_national_totals and table.national and raw[(MARGIN, MARGIN)] >= policy.threshold
    entries: dict[Key, Cell] = {
        k: _shown(v, policy, exact=total_exact and k == (MARGIN, MARGIN)) for k, v in raw.items()
    }
    if policy.secondary:
        _secondary(table, policy, raw, entries, total_exact)
    return _build(table, policy, entries, total_exact)


def _secondary(table: Table, policy: Policy, raw: Mapping[Key, int], entries: dict[Key, Cell], exact: bool) -> None:
    """Hide complements until no hidden figure is pinned (changes ``entries`` in place)."""
    order = {k: i for i, k in enumerate(raw)}
    lines = _line_list(table.rows, table.cols)

    def lines_of(key: Key) -> list[tuple[Key, tuple[Key, ...]]]:
        return [(t, ps) for t, ps in lines if key == t or key in ps]

    def hide(key: Key) -> None:
        entries[key] = Cell(HIDDEN_TEXT, None, SECONDARY)

    def candidates(line_keys: Iterable[Key]) -> list[Key]:
        return [k for k in line_keys if not entries[k].hidden and raw[k] > 0]

    for _ in range(len(raw) + 1):
        pinned = sorted(recoverable_cells(_build(table, policy, entries, exact)), key=lambda k: (raw[k], order[k]))
        if not pinned:
            return
        # Work on the line that gives a figure away most directly (fewest hidden figures), then hide the
        # smallest non-zero figure published in it: an inner figure if there is one, else the line's total.
        options: list[tuple[int, int, int, Key]] = []
        for key in pinned:
            for total, parts in lines_of(key):
                line = (*parts, total)
                found = candidates(k for k in parts if k != key) or candidates(k for k in (total,) if k != key)
                if found:
                    best = min(found, key=lambda k: (raw[k], order[k]))
                    hidden_here = sum(1 for k in line if entries[k].hidden)
                    options.append((hidden_here, raw[best], order[best], best))
        choice: Key | None = min(options)[3] if options else None
        if choice is None:
            # Every figure beside the pinned ones is hidden or zero: the pin comes from a "<threshold" total
            # (e.g. four "<5" cells under a "<5" total are each 1). Show such a total as [c] instead.
            for key in pinned:
                lines_here = sorted(lines_of(key), key=lambda line: -len(line[1]))
                primary_totals = [t for t, _ps in lines_here if entries[t].suppressed == PRIMARY]
                if entries[key].suppressed == PRIMARY and _is_margin(key):
                    primary_totals.insert(0, key)
                if primary_totals:
                    choice = primary_totals[0]
                    break
        if choice is None:  # pragma: no cover - not reachable for tables of counts; fail closed
            raise RuntimeError("secondary suppression could not protect the table")
        hide(choice)
    raise RuntimeError("secondary suppression did not settle")  # pragma: no cover


def publish_series(series: Series, policy: Policy = STANDARD) -> tuple[tuple[date, Cell], ...]:
    """Each point after primary suppression and rounding (a series has no sums to protect)."""
    return tuple((day, _shown(count, policy)) for day, count in series.points)


def rate(numerator: Cell, denominator: int, per: int = 100) -> str:
    """A rate from a published numerator: ``"[c]"`` when the numerator is hidden, ``""`` with no denominator."""
    if denominator <= 0:
        return ""
    if numerator.value is None:
        return HIDDEN_TEXT
    return f"{numerator.value * per / denominator:.1f}"

