"""The project's rules about its own shape, as checks that fail (README "Map of the code"):

- packages depend one way (import-linter's layers contract in pyproject.toml): an upward import, even one inside a
  function, breaks the build;
- every role question is asked in ``tether/access/permissions.py``: no other module compares a role.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_tree(dest: Path) -> None:
    for name in ("tether", "config"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns(
            "node_modules", "__pycache__", "*.html", "assets", "data", "*.scss", "*.js", "*.css"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],  # noqa: S603
                          cwd=tree, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed in this environment")
def test_the_layers_contract_holds_and_fails_on_a_new_upward_import(tmp_path: Path) -> None:
    _copy_tree(tmp_path)
    assert _lint(tmp_path).returncode == 0

    # an upward import hidden inside a function: access (low) reaching into the register (above it)
    permissions = tmp_path / "tether" / "access" / "permissions.py"
    permissions.write_text(permissions.read_text() + "\n\ndef _sneaky() -> None:\n"
                           "    from tether.register.models import Person  # noqa: F401\n")
    broken = _lint(tmp_path)
    assert broken.returncode != 0
    assert "tether.access.permissions -> tether.register.models" in broken.stdout


def _role_comparisons(path: Path) -> list[int]:
    """Lines comparing a role: ``x.role == ...``, ``getattr(x, "role") in ...``, ``... != Role.X``."""

    def is_role(node: ast.AST) -> bool:
        if isinstance(node, ast.Attribute):
            return node.attr == "role" or (isinstance(node.value, ast.Name) and node.value.id == "Role")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
            return len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value == "role"
        return False

    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Compare) and any(is_role(n) for n in [node.left, *node.comparators]):
            lines.append(node.lineno)
    return lines


def test_only_the_permissions_module_compares_roles() -> None:
    allowed = {ROOT / "tether" / "access" / "permissions.py"}
    found = {}
    for path in (ROOT / "tether").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "conftest.py" or path in allowed:
            continue
        if lines := _role_comparisons(path):
            found[str(path.relative_to(ROOT))] = lines
    assert found == {}, f"ask tether.access.permissions instead of comparing roles: {found}"


def test_the_role_check_finds_a_comparison(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f(user):\n    return user.role == Role.OFFICER or getattr(user, 'role', None) in R\n")
    assert _role_comparisons(sample) == [2, 2]
