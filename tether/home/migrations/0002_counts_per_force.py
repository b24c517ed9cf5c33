"""The dashboard's stored counts are kept with their force's version (a row per force in ``CountsVersion``): the
counts stored under the one version every force shared are dropped, to be counted again."""

from django.db import migrations


def drop_stored(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("home", "DashboardCounts").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('home', '0001_page_speed'),
    ]

    operations = [
        migrations.RunPython(drop_stored, migrations.RunPython.noop),
    ]
