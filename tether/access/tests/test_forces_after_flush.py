"""The forces are reference data: a flush (every transactional test ends with one) puts them back at once, so no
test or operator depends on what ran before."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tether.access.forces import FORCE_COUNT
from tether.access.models import Force


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_45_forces_in_place() -> None:
    Force.objects.filter(code="CAM").delete()
    call_command("flush", verbosity=0, interactive=False)
    assert Force.objects.count() == FORCE_COUNT
    assert Force.objects.filter(code="CAM").exists()

