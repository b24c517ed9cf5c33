import gc
import itertools
import os
from typing import Any

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Everything loaded so far lives as long as the process: keep it out of the cyclic garbage collector's full passes,
# which otherwise scan it again and again. A full pass over what a served process holds took 100 to 360 ms in a
# gunicorn worker under load (every request the worker was serving waited), and about 50 ms in one thread alone.
# The URLconf is loaded first: it imports every view and API route (about 500 modules) that the first request would
# otherwise import after the freeze.
get_resolver().url_patterns  # noqa: B018 - loaded for its imports
gc.freeze()

WARM_REQUESTS = 100
"""After this many requests, what the first ones loaded and kept (compiled templates, modules a page imports when
first shown, caches) is frozen too, once; a full pass then takes a few milliseconds."""
_served = itertools.count(1)


def _freeze_when_warm(**kwargs: Any) -> None:
    if next(_served) == WARM_REQUESTS:
        request_finished.disconnect(_freeze_when_warm)
        gc.collect()  # the garbage of the requests in flight is collected first, not kept for good
        gc.freeze()


request_finished.connect(_freeze_when_warm)
