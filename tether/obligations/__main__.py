"""``python -m tether.obligations < facts.json``: print the outcome JSON (exit 0) or the error (exit 2)."""

from __future__ import annotations

import sys

from .contract import run_cli


def main() -> int:
    status, text = run_cli(sys.stdin.read())
    sys.stdout.write(text + "\n")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
