"""Sessions with an idle timeout, written only when the deadline moves by more than ``SESSION_REFRESH_SECONDS``.

The idle timeout is the stored session's ``expire_date`` (the database backend reads a session only while it is in
the future) and the cookie's age, both ``SESSION_COOKIE_AGE`` on from the session's last write. Writing the session
on every request (``SESSION_SAVE_EVERY_REQUEST``) keeps that deadline exact at the cost of one ``UPDATE`` a request.
Here a request that changes nothing in the session writes it (and sends the cookie again) only when the new deadline
would be more than ``SESSION_REFRESH_SECONDS`` after the stored one. So a session is always cut off no later than
``SESSION_COOKIE_AGE`` after its last request, and at most ``SESSION_REFRESH_SECONDS`` sooner: the timeout never
grows, it can only come that much early. A session that changes (sign-in, two-factor, a message) is written as
before; an emptied one is deleted as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse


class SessionStore(DbSessionStore):
    """The database store, remembering the deadline stored with the session it read (``stored_expiry``)."""

    stored_expiry: datetime | None = None

    def _get_session_from_db(self) -> Any:
        s = super()._get_session_from_db()  # type: ignore[misc]  # not in the stubs
        self.stored_expiry = s.expire_date if s is not None else None
        return s


def _refresh() -> timedelta:
    """``SESSION_REFRESH_SECONDS``, at most a tenth of the idle timeout (a short timeout still restarts)."""
    return timedelta(seconds=min(getattr(settings, "SESSION_REFRESH_SECONDS", 60), settings.SESSION_COOKIE_AGE / 10))


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, marking an unchanged stored session for writing when its deadline would move by more than
    ``SESSION_REFRESH_SECONDS`` (module doc); use with ``SESSION_SAVE_EVERY_REQUEST = False``."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (session is not None and not session.modified and session.session_key
                and not session.get_expire_at_browser_close()):
            session._get_session()  # read it if the request did not (the deadline it holds)
            stored = getattr(session, "stored_expiry", None)
            if stored is not None and not session.is_empty() and session.get_expiry_date() - stored > _refresh():
                session.modified = True
        return super().process_response(request, response)
