"""Stored caseload and capacity counts are kept per force, each with its force's version (a row per force in
``FiguresVersion``): the counts stored under the one version every force shared are dropped, to be counted again."""

from django.db import migrations


def drop_stored(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("management", "StoredFigures").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('management', '0002_stored_figures'),
    ]

    operations = [
        migrations.RunPython(drop_stored, migrations.RunPython.noop),
    ]
