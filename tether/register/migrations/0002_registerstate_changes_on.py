"""RegisterState.changes_on: the day the stored outcome may stop holding, indexed for the daily sweep.

Outcomes stored before this field existed do not know theirs, so each is marked as due for re-evaluation
from the day it was evaluated: the first daily sweep after the upgrade re-evaluates every registrant once
(as a recompute would) and stores the real date."""

from django.db import migrations, models
from django.db.models import F


def mark_for_reevaluation(apps, schema_editor):
    RegisterState = apps.get_model("register", "RegisterState")
    RegisterState.objects.using(schema_editor.connection.alias).update(changes_on=F("evaluated_on"))


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="registerstate",
            name="changes_on",
            field=models.DateField(blank=True, db_index=True, null=True),
        ),
        migrations.RunPython(mark_for_reevaluation, migrations.RunPython.noop),
    ]
