"""No index is served by another: each costs every insert, update and delete on its table (the register writes a
million notifications, the sweep a breach, a task and an audit event per newly overdue duty), so an index whose
columns lead another index is dropped (``core.migration_ops.drop_covered_index``)."""

from __future__ import annotations

from django.apps import apps
from django.db import models

# (model, column): kept although another index leads with the column, and why
KEPT = {
    ("audit.AuditEvent", "action"): "on PostgreSQL a pattern index (varchar_pattern_ops: audit_action_like_idx), which "
                                    "serves the audit search's action prefix; SQLite has no such opclass",
}


def _indexes(model: type[models.Model]) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """(the indexes that could be dropped, every index that serves lookups by its leading columns), as columns."""
    def column(name: str) -> str:
        return model._meta.get_field(name.lstrip("-")).column

    droppable: list[tuple[str, ...]] = []
    serving: list[tuple[str, ...]] = [(model._meta.pk.column,)]
    for f in model._meta.local_concrete_fields:
        if f.primary_key:
            continue
        if f.unique:
            serving.append((f.column,))
        elif f.db_index:
            cols = (f.column,)
            droppable.append(cols)
            serving.append(cols)
    for index in model._meta.indexes:
        if index.condition is None and index.fields:
            cols = tuple(column(n) for n in index.fields)
            droppable.append(cols)
            serving.append(cols)
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None and constraint.fields:
            serving.append(tuple(column(n) for n in constraint.fields))
    for together in model._meta.unique_together:
        serving.append(tuple(column(n) for n in together))
    return droppable, serving


def test_no_index_is_served_by_another():
    covered = []
    for model in apps.get_models():
        if not model.__module__.startswith("tether.") or not model._meta.managed or model._meta.proxy:
            continue
        droppable, serving = _indexes(model)
        for cols in droppable:
            others = [s for s in serving if s is not cols and s[: len(cols)] == cols]  # longer, or the same twice
            kept = len(cols) == 1 and (model._meta.label, cols[0]) in KEPT
            if others and not kept:
                covered.append(f"{model._meta.label} {cols} is served by {others[0]}")
    assert not covered, "\n".join(covered)


def test_the_kept_indexes_still_exist():
    for (label, column), _why in KEPT.items():
        model = apps.get_model(label)
        assert any(f.column == column and f.db_index for f in model._meta.local_concrete_fields) or any(
            [model._meta.get_field(name).column for name in index.fields] == [column] for index in model._meta.indexes
        ), label
