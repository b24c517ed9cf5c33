"""The sign-in backend: Django's, reading the signed-in user's force with the user.

Every request reads its user (``AuthenticationMiddleware``), and every audited one names the user's force in its
event (``User.label``): read together, that is one statement a request rather than two."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = User._default_manager.select_related("force").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
