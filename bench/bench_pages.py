"""CPU per page, in-process: each main page requested N times through Django's handler as a signed-in officer.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/pages_bench .venv/bin/python bench/bench_pages.py
[--n 20] [--people 4] [--registrants 5000] [--pages person,register,...] [--html DIR] [--compare DIR]
[--profile PAGE] [--instructions]``

- Uses the database as it is (it is never dropped): loads the synthetic demo register (``--registrants``) only when
  the register is empty, and reuses one officer of the Metropolitan Police (``pages.bench``) and one supervisor
  (``pages.bench.sup``), each signed in with a verified two-factor session (the test client, in this process).
- Served as deployed: DEBUG off, persistent database connection.
- For each page (dashboard, register list, name search, person pages of the force's first ``--people`` registrants by
  name as ``bench_load.py`` takes them and of the two with the most notifications, the
  rules explorer): two warm-up requests, then ``--n`` requests, each timed in process CPU (``time.process_time``:
  it holds when other work loads the machine, unlike the wall clock, printed beside it with the load average);
  then one more request counting its database queries.
- ``--html DIR`` writes each page's HTML (with the per-request values blanked: CSRF tokens, CSP nonces, the session's
  idle deadline) to DIR; ``--compare DIR`` renders the same pages and reports each one that differs from DIR's copy
  (the check that a change kept every page's output identical).
- ``--show-queries``: each page's statements, from the request that counts them, on stderr.
- ``--cprofile PAGE`` prints a cProfile profile of that page's requests in CPU time (calls, own and cumulative).
- ``--profile PAGE`` prints a pyinstrument profile of that page's requests instead (pyinstrument is not a
  dependency of Tether: ``pip install pyinstrument`` into the virtual environment to use it).
- ``--instructions``: instead of timing, counts each page's machine instructions per request under valgrind's
  callgrind (instrumentation switched on only while that page's timed requests run, ``callgrind_control``): the same
  count from run to run whatever else the machine does, where CPU time on a shared machine moves by a third. About
  50 seconds with ``--n 3``; needs Debian's valgrind.
- Prints JSON: per page, CPU ms per request (median, mean, min), wall ms (median) and queries; the whole set's mean
  CPU per request weighted as ``bench_load.py`` cycles its pages, and the two-core ceiling that implies.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FORCE = "MPS"
# bench_load.py's cycle per user: dashboard, register, search, person, rules, then three more person pages
LOAD_MIX = {"dashboard": 1, "register": 1, "search": 1, "person": 4, "rules": 1}

_VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken" value=""'),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r'(<meta name="csrf-token" content=")[^"]*'), r"\1"),
    (re.compile(r'(hx-headers=\'\{"X-CSRFToken": ")[^"]*'), r"\1"),
    # "who viewed this record": the bench's own views (each run adds its own)
    (re.compile(r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell tether-nowrap"><a class="govuk-link"'
                r' href="/audit/events/\d+/">(?:(?!</tr>).)*?Bench (?:(?!</tr>).)*</tr>\s*', re.S), ""),
]


def _normalise(html: str) -> str:
    for pattern, repl in _VOLATILE:
        html = pattern.sub(repl, html)
    return html


def _setup(registrants: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tether.access.constants import Role
    from tether.access.models import Force, User
    from tether.access.testing import verified_login
    from tether.register.models import Person

    if not Person.objects.exists():
        from tether.demo.services import load_demo

        load_demo(registrants, 2018)
    force = Force.objects.get(code=FORCE)
    clients = {}
    from django.test import Client

    for username, role in (("pages.bench", Role.OFFICER), ("pages.bench.sup", Role.SUPERVISOR)):
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username, password=None, role=role, force=force, first_name="Bench", last_name=role.label)
        clients[username] = verified_login(Client(), user)
    from django.db.models import Count

    mine = Person.objects.filter(owning_force=force)
    typical = list(mine.values_list("pk", "sort_name")[:12])  # bench_load.py's: the first of the force by name
    heavy = list(mine.annotate(n=Count("notifications")).order_by("-n", "reference").values_list("pk", flat=True)[:2])
    # for the HTML comparison: someone with each kind of record a panel shows
    features = []
    for related in ("cases", "trips", "stays", "advance_notices", "orders", "reviews", "removals", "transfers",
                    "detentions", "prescribed_items", "tracing_leads", "breaches", "tasks"):
        pid = mine.filter(**{f"{related}__isnull": False}).order_by("reference").values_list("pk", flat=True)[:1]
        features += list(pid)
    other = list(Person.objects.exclude(owning_force=force).order_by("reference").values_list("pk", flat=True)[:1])
    return {"clients": clients, "typical": typical, "heavy": heavy, "features": features, "other": other,
            "registrants": Person.objects.count()}


def _pages(state: dict[str, Any], count: int, only: set[str] | None, html: bool = False) -> list[tuple[str, str, str]]:
    """(kind, client, url) for each page measured; with ``html``, more people (for the output comparison)."""
    typical = state["typical"]
    surname = typical[0][1].split()[0]
    out = [("dashboard", "pages.bench", "/"), ("register", "pages.bench", "/people/"),
           ("search", "pages.bench", f"/people/?name={surname}"), ("rules", "pages.bench", "/rules/")]
    people = [pk for pk, _ in typical] if html else [pk for pk, _ in typical[:count]]
    out += [("person", "pages.bench", f"/people/{pk}/") for pk in people]
    out += [("person_heavy", "pages.bench", f"/people/{pk}/") for pk in state["heavy"]]
    out += [("person_supervisor", "pages.bench.sup", f"/people/{state['heavy'][0]}/"),
            ("dashboard_supervisor", "pages.bench.sup", "/")]
    if html:
        out += [("person_feature", "pages.bench", f"/people/{pk}/") for pk in state["features"]]
        out += [("person_other_force", "pages.bench", f"/people/{pk}/") for pk in state["other"]]
        out += [("register_page2", "pages.bench", "/people/?page=2"),
                ("search_dob", "pages.bench", f"/people/?name={surname}&dob=1970"),
                ("register_overdue", "pages.bench.sup", "/people/?status=overdue")]
    return [p for p in out if only is None or p[0] in only]


CALLGRIND_DIR = "TETHER_BENCH_CALLGRIND_DIR"


def _wait_for(path: Path, process: Any = None) -> None:
    while not path.exists():
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the process under callgrind stopped (exit code {process.returncode})")
        time.sleep(0.05)


def _serve_instruction_counts(folder: Path, pages: list[tuple[str, str, str]], clients: dict[str, Any],
                              n: int) -> None:
    """Under callgrind with instrumentation off: each kind's pages twice (warm), then, kind by kind, ``n`` rounds of
    its requests between the files that tell the parent to count (``go``) and that it may stop (``done``)."""
    kinds = list(dict.fromkeys(kind for kind, _, _ in pages))
    for _kind, who, path in pages:
        for _ in range(2):
            _get(clients[who], path)
    (folder / "kinds.json").write_text(json.dumps({k: n * sum(p[0] == k for p in pages) for k in kinds}))
    for i, kind in enumerate(kinds):
        _wait_for(folder / f"go{i}")
        for _ in range(n):
            for k, who, path in pages:
                if k == kind:
                    _get(clients[who], path)
        (folder / f"done{i}").touch()


def _count_instructions(argv: list[str], args: Any) -> None:
    """Run this script again under ``valgrind --tool=callgrind`` with instrumentation off, and switch it on
    (``callgrind_control``) only while each kind's timed requests run: machine instructions per request, the same
    from run to run whatever else the machine does (unlike CPU time on a shared machine)."""
    import shutil
    import subprocess
    import tempfile

    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        raise SystemExit("--instructions needs valgrind (Debian's package valgrind)")
    folder = Path(tempfile.mkdtemp(prefix="tether-callgrind-"))
    out = folder / "callgrind.out"
    child = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
         sys.executable, str(Path(__file__).resolve()), *argv],
        env=dict(os.environ, **{CALLGRIND_DIR: str(folder)}), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(folder / "kinds.json", child)
    requests = json.loads((folder / "kinds.json").read_text())
    counted: dict[str, int] = {}

    def control(*flags: str) -> None:
        subprocess.run(["callgrind_control", *flags, str(child.pid)], check=True, capture_output=True)

    for i, kind in enumerate(requests):
        control("--instr=on")
        (folder / f"go{i}").touch()
        _wait_for(folder / f"done{i}", child)
        control("--instr=off")
        before = set(folder.glob("callgrind.out.*"))
        control("--dump")  # the counts since the last dump, in a file of their own
        for _ in range(200):
            made = set(folder.glob("callgrind.out.*")) - before
            if made and "totals:" in (text := next(iter(made)).read_text()):
                counted[kind] = int(next(line for line in text.splitlines() if line.startswith("totals:")).split()[1])
                break
            time.sleep(0.05)
    child.wait()
    per_request = {k: round(counted[k] / max(requests[k], 1) / 1e6, 2) for k in counted}
    mix = {k: w for k, w in LOAD_MIX.items() if k in per_request}
    print(json.dumps({
        "benchmark": "page_instructions", "database": "postgresql", "rounds": args.n,
        "requests": requests,
        "million_instructions_per_request": per_request,
        "load_mix_million_instructions_per_request": (
            round(sum(per_request[k] * w for k, w in mix.items()) / sum(mix.values()), 2) if mix else None),
        "valgrind": subprocess.run(["valgrind", "--version"], capture_output=True, text=True).stdout.strip(),
    }, indent=2))
    shutil.rmtree(folder, ignore_errors=True)


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: status {response.status_code}")
    return response


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20, help="timed requests per page")
    ap.add_argument("--people", type=int, default=4, help="person pages measured (the force's first by name)")
    ap.add_argument("--registrants", type=int, default=5000, help="demo size, loaded only into an empty register")
    ap.add_argument("--pages", default="", help="comma-separated kinds to measure (default: all)")
    ap.add_argument("--html", help="write each page's HTML to this folder")
    ap.add_argument("--compare", help="compare each page's HTML with this folder's copies")
    ap.add_argument("--profile", help="print a pyinstrument profile of this kind of page")
    ap.add_argument("--show-queries", action="store_true",
                    help="print each page's statements (of the request that counts them) on stderr")
    ap.add_argument("--cprofile", help="print a cProfile profile in CPU time of this kind of page")
    ap.add_argument("--instructions", action="store_true",
                    help="count each page's machine instructions under valgrind's callgrind instead of timing it")
    args = ap.parse_args()
    if args.instructions and not os.environ.get(CALLGRIND_DIR):
        _count_instructions(sys.argv[1:], args)
        return

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (kept: its name must contain 'bench')")
    if "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit("the database's name must contain 'bench'")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["TETHER_LOG_LEVEL"] = "ERROR"
    os.environ["TETHER_DEBUG"] = "0"
    os.environ["TETHER_CONN_MAX_AGE"] = "60"
    state = _setup(args.registrants)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients = state["clients"]
    only = set(args.pages.split(",")) if args.pages else None
    pages = _pages(state, args.people, only, html=bool(args.html or args.compare))

    if args.html or args.compare:
        differs = []
        for kind, who, path in pages:
            html = _normalise(_get(clients[who], path).content.decode())
            name = f"{kind}_{who}_{re.sub(r'[^A-Za-z0-9]+', '_', path).strip('_') or 'root'}.html"
            if args.html:
                Path(args.html).mkdir(parents=True, exist_ok=True)
                (Path(args.html) / name).write_text(html)
            if args.compare:
                before = (Path(args.compare) / name).read_text()
                if before != html:
                    differs.append(name)
                    (Path(args.compare) / (name + ".now")).write_text(html)
        print(json.dumps({"pages": len(pages), "differ": differs}, indent=2))
        if differs:
            raise SystemExit(1)
        return

    if os.environ.get(CALLGRIND_DIR):  # under callgrind (``--instructions``): each kind when told, counted outside
        _serve_instruction_counts(Path(os.environ[CALLGRIND_DIR]), pages, clients, args.n)
        return

    if args.cprofile:
        import cProfile
        import pstats

        chosen = [p for p in pages if p[0] == args.cprofile]
        for _kind, who, path in chosen:
            _get(clients[who], path)
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        for _ in range(args.n):
            for _kind, who, path in chosen:
                _get(clients[who], path)
        prof.disable()
        stats = pstats.Stats(prof)
        stats.sort_stats("cumulative").print_stats(90)
        stats.sort_stats("tottime").print_stats(50)
        return

    if args.profile:
        from pyinstrument import Profiler

        chosen = [p for p in pages if p[0] == args.profile]
        for _kind, who, path in chosen:
            _get(clients[who], path)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.n):
            for _kind, who, path in chosen:
                _get(clients[who], path)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
        return

    per_kind: dict[str, dict[str, list[float]]] = {}
    for kind, who, path in pages:
        client = clients[who]
        for _ in range(2):
            _get(client, path)
        cpu, wall = [], []
        for _ in range(args.n):
            c, w = time.process_time(), time.perf_counter()
            _get(client, path)
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
        with CaptureQueriesContext(connection) as ctx:
            _get(client, path)
        entry = per_kind.setdefault(kind, {"cpu": [], "wall": [], "queries": []})
        entry["cpu"] += cpu
        entry["wall"] += wall
        entry["queries"].append(len(ctx.captured_queries))
        if args.show_queries:
            print(f"--- {kind} {path}", *(f"  {q['sql'][:160]}" for q in ctx.captured_queries), sep="\n",
                  file=sys.stderr)

    def ms(v: float) -> float:
        return round(v * 1000, 2)

    by_page = {
        kind: {"requests": len(v["cpu"]), "cpu_ms_median": ms(statistics.median(v["cpu"])),
               "cpu_ms_mean": ms(statistics.mean(v["cpu"])), "cpu_ms_min": ms(min(v["cpu"])),
               "wall_ms_median": ms(statistics.median(v["wall"])), "queries": v["queries"]}
        for kind, v in per_kind.items()
    }
    mix = {k: w for k, w in LOAD_MIX.items() if k in per_kind}
    weighted = (sum(statistics.median(per_kind[k]["cpu"]) * w for k, w in mix.items()) / sum(mix.values())
                if mix else 0.0)
    print(json.dumps({
        "benchmark": "page_cpu",
        "database": connection.vendor,
        "registrants": state["registrants"],
        "requests_per_page": args.n,
        "by_page": by_page,
        "load_mix": mix,
        "load_mix_cpu_ms_per_request": ms(weighted),
        "two_core_ceiling_requests_per_second_app_only": round(2 / weighted, 1) if weighted else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }, indent=2))


if __name__ == "__main__":
    main()
