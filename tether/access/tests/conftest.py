from __future__ import annotations

PASSWORD = "correct-horse-battery"  # the personas' password (tether/conftest.py)

