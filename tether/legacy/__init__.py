"""Migration histories of apps whose models moved into another package.

Each sub-package is an app with no code of its own: it keeps the label and the migrations of an app that
existed before (``people``, ``cases``, ``compliance``), so databases created then upgrade in place and new
databases build the same tables. Its last migration hands its models to their new app (state only: the tables
keep their names through ``db_table``). Nothing may import from here.
"""
