"""Migration operations shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def drop_covered_index(table: str, column: str, name: str, *, like: bool = False) -> migrations.RunPython:
    """Drop the single-column index ``name`` on ``table.column`` that another index starting with that column
    already serves (a foreign key's own index beside a composite index that leads with it). Dropped by name on
    both databases: no table rebuild on SQLite, no foreign key dropped and validated again on PostgreSQL, as
    ``AlterField(db_index=False)`` would do. PostgreSQL's ``<name>_like`` index (text pattern matching) goes with
    it; ``like`` restores that too when the migration is reversed."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for index in (name, f"{name}_like"):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{index}"')

    def backward(apps: Any, schema_editor: Any) -> None:
        schema_editor.execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
        if like and schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'CREATE INDEX "{name}_like" ON "{table}" ("{column}" varchar_pattern_ops)')

    return migrations.RunPython(forward, backward)
