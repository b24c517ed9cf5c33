"""Search indexes: the trigram index answers at once after writes, and postcodes (full or district) are indexed.

- ``identity_token_trgm`` without GIN's pending list (``fastupdate = off``): with it, words added by writes wait
  in an unindexed list until a vacuum, and the planner, costing that list, stops using the index (every
  "spelt like" lookup became a scan of the vocabulary). New words are few; each goes straight into the index.
- ``identity_address_postcode``: any address ever held, by full postcode or by district (a prefix:
  ``varchar_pattern_ops`` on PostgreSQL).
"""

from django.db import migrations


def _up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX IF EXISTS identity_token_trgm SET (fastupdate = off)")
        schema_editor.execute("SELECT gin_clean_pending_list('identity_token_trgm'::regclass)")
        schema_editor.execute("CREATE INDEX IF NOT EXISTS identity_address_postcode "
                              "ON people_address (postcode varchar_pattern_ops)")
    else:
        schema_editor.execute("CREATE INDEX IF NOT EXISTS identity_address_postcode ON people_address (postcode)")


def _down(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS identity_address_postcode")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX IF EXISTS identity_token_trgm SET (fastupdate = on)")


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]

    operations = [migrations.RunPython(_up, _down)]
