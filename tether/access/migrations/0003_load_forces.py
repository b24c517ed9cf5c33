"""Load the 45 UK territorial police forces (code, name, country) from data/forces.csv."""

from django.db import migrations

from tether.access.forces import load_forces


def load(apps, schema_editor):
    load_forces(apps.get_model("access", "Force"))


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
