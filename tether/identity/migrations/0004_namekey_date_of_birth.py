"""Each name key carries its person's date of birth (copied from the register, kept in step by every write), with
an index on it: a search with a date of birth reads only the keys of the people born on the dates it may be."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def _copy_dates_of_birth(apps, schema_editor):
    NameKey = apps.get_model("identity", "NameKey")
    Person = apps.get_model("register", "Person")
    NameKey.objects.update(date_of_birth=Subquery(
        Person.objects.filter(pk=OuterRef("person_id")).values("date_of_birth")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("identity", "0003_merge_proposal"),
        ("register", "0004_person_date_of_death"),
    ]

    operations = [
        migrations.AddField(
            model_name="namekey",
            name="date_of_birth",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(_copy_dates_of_birth, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="namekey",
            index=models.Index(fields=["date_of_birth"], include=("token", "person"), name="identity_namekey_dob"),
        ),
    ]
