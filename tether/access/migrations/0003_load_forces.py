"""Load the 45 UK territorial police forces (code, name, country) from data/forces.csv."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "forces.csv"


def load(apps, schema_editor):
    Force = apps.get_model("access", "Force")
    with CSV.open(newline="") as fh:
        for row in csv.DictReader(fh):
            Force.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "country": row["country"],
                    "published_rso_count": int(row["rso_count"]) if row["rso_count"] else None,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
