"""An index of (name word, date of birth): a search with a name and a partial date of birth (a year, a year and
month) reads only the keys of people with one of the word's spellings born in the range."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("identity", "0004_namekey_date_of_birth"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="namekey",
            index=models.Index(fields=["token", "date_of_birth"], include=("person",),
                               name="identity_namekey_tok_dob"),
        ),
    ]
