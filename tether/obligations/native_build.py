"""Build the compiled rules engine (``native.py``): ``python -m tether.obligations.native_build [--quiet]``."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from .native import _READY, COMPILED, HERE, ROOT, build_dir


def outcome_digest() -> str:
    """One digest of the engine's outcomes on the identity fixture's histories (``test_outcome_identity``)."""
    import importlib

    fixture = importlib.import_module("tether.obligations.tests.test_outcome_identity")
    return hashlib.sha256("\n".join(fixture.digests()).encode()).hexdigest()


def build(*, quiet: bool = False) -> Path:
    """Compile ``COMPILED`` into ``build_dir()`` and check the compiled outcomes against the source's."""
    import shutil
    import subprocess
    import tempfile

    target = build_dir()
    if (target / _READY).is_file():
        return target
    for old in (ROOT / "build").glob("engine-*"):
        shutil.rmtree(old, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="tether-engine-") as tmp:
        work = Path(tmp)
        package = work / "tether" / "obligations"
        package.mkdir(parents=True)
        (work / "tether" / "__init__.py").write_text("")
        (package / "__init__.py").write_text("")  # the compiled modules import only each other and types.py
        for name in (*COMPILED, "types"):
            shutil.copy2(HERE / f"{name}.py", package / f"{name}.py")
        subprocess.run(  # noqa: S603  (our own interpreter and file names)
            [sys.executable, "-m", "mypyc", *(f"tether/obligations/{name}.py" for name in COMPILED)],
            cwd=work, check=True, stdout=subprocess.DEVNULL if quiet else None,
            stderr=subprocess.DEVNULL if quiet else None,
        )
        (target / "obligations").mkdir(parents=True)
        for lib in work.glob("*.so"):
            shutil.copy2(lib, target / lib.name)
        for module in package.glob("*.so"):
            shutil.copy2(module, target / "obligations" / module.name)
    check = [sys.executable, "-c", "from tether.obligations import native, native_build; print(native.active(), "
             "native_build.outcome_digest())"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    compiled = subprocess.run(check, env={**env, "TETHER_ENGINE": "unchecked"}, capture_output=True,  # noqa: S603
                              text=True, check=True).stdout.split()
    plain = subprocess.run(check, env={**env, "TETHER_ENGINE": "python"}, capture_output=True, text=True,  # noqa: S603
                            check=True).stdout.split()
    if compiled[0] != "compiled" or plain[0] != "python" or compiled[1] != plain[1]:
        shutil.rmtree(target, ignore_errors=True)
        raise SystemExit(f"the compiled engine is not used, or its outcomes differ: {compiled} != {plain}")
    (target / _READY).write_text(f"{compiled[1]}\n")
    return target


if __name__ == "__main__":
    quiet = "--quiet" in sys.argv[1:]
    print(f"rules engine compiled into {build(quiet=quiet)} (outcomes identical to the source's)")
