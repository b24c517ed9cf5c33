"""Instructions per rules-engine evaluation, counted by valgrind's callgrind: a figure that does not move with the
load of a shared machine (wall-clock does).

Run: ``.venv/bin/python bench/rules_instructions.py [--size N] [--seed S]``

Runs this script under ``valgrind --tool=callgrind`` twice, once evaluating ``--size`` of bench_rules.py's histories
(after a warm-up pass over them) and once only generating and warming them, and prints the difference divided by
``--size`` (the instructions of one evaluation) for the compiled engine (when built) and the source
(``TETHER_ENGINE=python``). Convert to evaluations per second with the machine's instructions per second (measured
separately, e.g. ``perf stat`` or callgrind's count over a timed quiet run).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _inner(size: int, seed: int, evaluate_them: bool) -> None:
    from tether.obligations import evaluate
    from tether.obligations.tests.histories import histories

    cases = histories(size, seed)
    for facts, as_of in cases:  # warm-up: caches filled, as in bench_rules.py's timed passes
        evaluate(facts, as_of)
    if evaluate_them:
        for facts, as_of in cases:
            evaluate(facts, as_of)


def _count(size: int, seed: int, evaluate_them: bool, engine: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__, "--inner",
             "--size", str(size), "--seed", str(seed), *([] if evaluate_them else ["--no-evaluate"])],
            env={**os.environ, "TETHER_ENGINE": engine}, capture_output=True, text=True, check=True)
        m = re.search(r"Collected\s*:\s*(\d+)", run.stderr)
        if not m:
            raise SystemExit(run.stderr[-2000:])
        return int(m.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261101)
    parser.add_argument("--engine", choices=("default", "python", "both"), default="both")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-evaluate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        _inner(args.size, args.seed, not args.no_evaluate)
        if not args.no_evaluate:
            from tether.obligations import native

            print(native.active())
        return 0
    out: dict[str, object] = {"benchmark": "rules_instructions", "size": args.size, "seed": args.seed}
    engines = {"default": [""], "python": ["python"], "both": ["", "python"]}[args.engine]
    for engine in engines:
        base = _count(args.size, args.seed, False, engine)
        full = _count(args.size, args.seed, True, engine)
        from tether.obligations import native

        name = "python" if engine == "python" else native.active()
        out[f"{name}_instructions_per_evaluation"] = round((full - base) / args.size)
    if "compiled_instructions_per_evaluation" in out and "python_instructions_per_evaluation" in out:
        out["ratio_to_source"] = round(int(out["python_instructions_per_evaluation"])  # type: ignore[call-overload]
                                       / int(out["compiled_instructions_per_evaluation"]), 2)  # type: ignore[call-overload]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
