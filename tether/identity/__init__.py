"""Identity: find a person however their name is written, catch duplicates on entry, merge two records of one
person with their history.

Public API for the packages above: ``search.search_people`` / ``search.SearchTerms`` (the register search),
``duplicates.scan`` (likely duplicate pairs) and ``services.merge_people`` / ``services.unmerge``. The register
hears from identity only through ``tether.register.extensions`` (people written, duplicate finders, person panel).
"""
