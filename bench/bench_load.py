"""Bounded load test: 50 concurrent signed-in users over the main pages, on localhost, against PostgreSQL.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/tether_load_bench .venv/bin/python bench/bench_load.py
[--users 50] [--requests 40] [--registrants 5000] [--workers 4] [--threads 8]``

- Creates a fresh database (its name must contain "bench"), migrates it, loads the synthetic demo register,
  creates ``--users`` officers across forces with sessions already signed in and two-factor verified.
- Starts gunicorn (the production WSGI server) on 127.0.0.1 on a free port, with DEBUG off as deployed
  (``--debug`` serves with the development default; before this option the bench ran with DEBUG on).
- Each user (one thread each) makes ``--requests`` requests, pausing ``--think`` seconds between them
  (default 1 s, a person reading a page; ``--think 0`` is a closed loop that measures saturation),
  cycling through: dashboard, register list,
  a name search, a person page (own force), the rules explorer. Every loop is bounded; nothing leaves
  the machine.
- CPU per request (``/proc``: gunicorn's workers and the database's backends, both on this machine): a figure that
  holds on a machine shared with other work, unlike the latencies; 2 cores divided by it bounds the throughput.
- ``--warm-up``: before timing, each user requests each of its pages once, untimed, all users at once. Without it
  the first request of each user (the dashboard) meets gunicorn workers still loading code and templates, which
  weighs on the dashboard's p95 (50 of its 250 requests).
- Prints JSON: p50/p95/max latency per page and overall, error count, requests per second, and the audit
  check: events written == audited requests made (person views, searches, and the home page's task list), no
  gaps or duplicates
  (``verify_chain``), and the raw baseline (median of a raw SQL primary-key SELECT) for the ratio.
- ``server_side_ms``: the same requests as the server timed them (gunicorn's access log, from reading the request to
  writing the answer). The load generator is a Python process on the same cores: when the server's p95 is close to
  the users', the tail is the server's (waiting for a worker, for its interpreter lock or for a core), not the
  generator's.
- The audit chain's share: a sampler reads ``pg_stat_activity`` every 20 ms during the run and reports the mean
  number of busy database sessions, how many of them wait for the chain's advisory lock, how many are chaining
  (running the chainer's statements: its try-lock, its read of the pending events or its update), and how often
  the lock is held (near 1.0 held with sessions waiting: the chain is the bottleneck), and every 200 ms how many
  events are written but not chained yet (the unchained tail: events are chained after their change commits).
  After the run: events still unchained (before ``verify_chain``, which would chain them).
Targets (issue 17): p95 under 150 ms with think time, 150 requests/s closed loop (``--think 0``) on 2 cores, zero
errors, no lost or duplicated audit events (figures, not assertions). The load average is printed beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import drop_postgres, pct, prepare_postgres  # noqa: E402

CHAIN_LOCK = 7_401_001  # audit.chaining._LOCK_KEY: the advisory lock held while a batch of events is chained


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (0 when it is gone or not readable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _page_kind(path: str, query: str) -> str:
    """The page a request was for, as the user loop names it."""
    if "name=" in query:
        return "search"
    return "person" if path.startswith("/people/") and len(path) > 12 else path


def _logged_lines(log: Path) -> int:
    try:
        return len(log.read_text().splitlines())
    except OSError:
        return 0


def _server_side(log: Path, skip: int) -> dict[str, Any]:
    """p50/p95 per page and overall of the requests the server logged after the first ``skip`` lines (gunicorn's
    access log: path, query, microseconds)."""
    by: dict[str, list[float]] = defaultdict(list)
    for line in log.read_text().splitlines()[skip:]:
        parts = line.split(" ")
        if len(parts) == 3 and parts[2].isdigit():
            by[_page_kind(parts[0], parts[1])].append(int(parts[2]) / 1_000_000)
    every = [v for vs in by.values() for v in vs]
    if not every:
        return {}
    return {"p50": _ms(every, 0.5), "p95": _ms(every, 0.95),
            "by_page": {k: {"n": len(v), "p50": _ms(v, 0.5), "p95": _ms(v, 0.95)} for k, v in by.items()}}


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return out


def _cpu_snapshot(server_pid: int, url: str) -> dict[str, dict[int, float]]:
    """CPU seconds so far of the server's workers and of the database's backends serving this database (the
    database runs on this machine: the figures are per request, whatever else the machine is doing)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        backends = [r[0] for r in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
    return {"app": {p: _cpu_seconds(p) for p in [server_pid, *_children(server_pid)]},
            "database": {p: _cpu_seconds(p) for p in backends}}


def _cpu_used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    return {k: sum(max(0.0, v - before[k].get(p, 0.0)) for p, v in after[k].items()) for k in after}


def _ms(values: list[float], q: float) -> float:
    return round(pct(values, q) * 1000, 1)

def _setup(users: int, registrants: int) -> tuple[list[tuple[str, list[str]]], int]:
    """Load data; return [(session cookie, [urls])] per user and the audit event count before the run."""
    import django
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django_otp import DEVICE_ID_SESSION_KEY

    django.setup()
    call_command("migrate", verbosity=0)
    from tether.access.constants import Role
    from tether.access.models import Force, User
    from tether.access.testing import ensure_device
    from tether.audit.models import AuditEvent
    from tether.demo.services import load_demo
    from tether.register.models import Person

    load_demo(registrants, 2018)
    forces = ["MPS", "WMP", "GMP", "WYP", "LAN"]
    plan = []
    for i in range(users):
        force = Force.objects.get(code=forces[i % len(forces)])
        user = User.objects.create_user(f"load.{i}", password=None, role=Role.OFFICER, force=force,
                                        first_name="Load", last_name=f"User {i}")
        device = ensure_device(user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "tether.access.backends.UserBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        people = list(Person.objects.filter(owning_force=force).values_list("pk", "sort_name")[:20])
        urls = ["/", "/people/", f"/people/?name={people[0][1].split()[0]}", f"/people/{people[0][0]}/", "/rules/"]
        urls += [f"/people/{pk}/" for pk, _ in people[1:4]]
        plan.append((f"{settings.SESSION_COOKIE_NAME}={session.session_key}", urls))
    return plan, AuditEvent.objects.count()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--registrants", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--debug", action="store_true", help="serve with DEBUG on (the development default)")
    ap.add_argument("--warm-up", action="store_true",
                    help="before timing, each user requests each of its pages once, untimed (steady state: without"
                         " it the first requests meet workers still loading code and templates)")
    ap.add_argument("--think", type=float, default=1.0,
                    help="seconds each user pauses between requests (0: closed loop, measures saturation)")
    args = ap.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database whose name contains 'bench'")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["TETHER_LOG_LEVEL"] = "ERROR"
    name, admin = prepare_postgres(url)
    server = None
    try:
        plan, audit_before = _setup(args.users, args.registrants)
        port = _free_port()
        # served as deployed: DEBUG off (DEBUG wraps every query in a logging cursor and keeps template debug data)
        env = dict(os.environ, TETHER_CONN_MAX_AGE="60", TETHER_DEBUG="1" if args.debug else "0")
        # the server's own time for each request (from reading it to writing the answer), beside the users' time
        access_log = Path(tempfile.mkdtemp(prefix="tether-load-")) / "access.log"
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "-b", f"127.0.0.1:{port}",
             "-w", str(args.workers), "--threads", str(args.threads), "--log-level", "warning",
             "--access-logfile", str(access_log), "--access-logformat", "%(U)s %(q)s %(D)s"],
            cwd=ROOT, env=env,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.2)

        timings: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        audited = [0]
        lock = threading.Lock()

        if args.warm_up:  # each user's pages once, untimed, users in parallel as in the run
            def warm(cookie: str, urls: list[str]) -> None:
                for path in dict.fromkeys(urls):
                    req = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310
                    with contextlib.suppress(Exception), urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
                        resp.read()

            warmers = [threading.Thread(target=warm, args=(cookie, urls)) for cookie, urls in plan]
            for t in warmers:
                t.start()
            for t in warmers:
                t.join()
            from tether.audit.models import AuditEvent

            audit_before = AuditEvent.objects.count()  # the warm-up's events are not the run's

        def user_loop(index: int, cookie: str, urls: list[str]) -> None:
            time.sleep(args.think * index / max(len(plan), 1))  # users arrive spread over one think time
            for n in range(args.requests):
                if n and args.think:
                    time.sleep(args.think)
                path = urls[n % len(urls)]
                req = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310
                t = time.perf_counter()
                try:
                    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback only
                        resp.read()
                        ok = resp.status == 200 and "/sign-in" not in resp.geturl()
                except Exception as exc:
                    ok, msg = False, f"{path}: {exc}"
                else:
                    msg = f"{path}: status {resp.status} at {resp.geturl()}"
                elapsed = time.perf_counter() - t
                page, _, query = path.partition("?")
                kind = _page_kind(page, query)
                with lock:
                    timings[kind].append(elapsed)
                    if not ok:
                        errors.append(msg)
                    elif kind in ("person", "search", "/people/", "/"):  # the home page lists the user's tasks
                        audited[0] += 1

        samples = {"n": 0, "active": 0, "chain_waiting": 0, "chain_held": 0, "chaining": 0,
                   "tail_n": 0, "tail_sum": 0, "tail_max": 0}
        done = threading.Event()

        def sample_chain() -> None:
            """Every 20 ms: the server's busy database sessions, and how many of them wait for the audit chain's lock
            (its share of the time requests spend in the database) or hold it."""
            import psycopg

            with psycopg.connect(url, autocommit=True) as conn:
                while not done.wait(0.02):
                    row = conn.execute(
                        "SELECT count(*) FILTER (WHERE state <> 'idle'),"
                        " count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'),"
                        " (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = %s"
                        "  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())),"
                        " count(*) FILTER (WHERE state <> 'idle' AND (query LIKE %s OR query LIKE %s"
                        "  OR query LIKE %s))"
                        " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
                        [CHAIN_LOCK, "%pg_try_advisory_xact_lock%", "UPDATE audit_auditevent SET seq%",
                         '%"audit_auditevent"."seq" IS NULL%']).fetchone()
                    samples["n"] += 1
                    samples["active"] += row[0]
                    samples["chain_waiting"] += row[1]
                    samples["chain_held"] += row[2]
                    samples["chaining"] += row[3]
                    if samples["n"] % 10 == 0:
                        tail = conn.execute("SELECT count(*) FROM audit_auditevent WHERE seq IS NULL").fetchone()[0]
                        samples["tail_n"] += 1
                        samples["tail_sum"] += tail
                        samples["tail_max"] = max(samples["tail_max"], tail)

        sampler = threading.Thread(target=sample_chain, daemon=True)
        sampler.start()
        cpu_before = _cpu_snapshot(server.pid, url)
        logged_before = _logged_lines(access_log)
        started = time.perf_counter()
        threads = [threading.Thread(target=user_loop, args=(i, *p)) for i, p in enumerate(plan)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=600)
        wall = time.perf_counter() - started
        cpu = _cpu_used(cpu_before, _cpu_snapshot(server.pid, url))  # backends closed during the run are missed
        done.set()
        sampler.join(timeout=5)

        from django.db import connection

        from tether.audit.models import AuditEvent
        from tether.audit.selectors import verify_chain

        written = AuditEvent.objects.count() - audit_before
        unchained_after = AuditEvent.objects.filter(seq__isnull=True).count()
        chain = verify_chain()
        with connection.cursor() as cur:
            raw = []
            for _ in range(200):
                t = time.perf_counter()
                cur.execute("SELECT * FROM people_person ORDER BY id LIMIT 1")
                cur.fetchall()
                raw.append(time.perf_counter() - t)
        everything = [v for vs in timings.values() for v in vs]
        result = {
            "benchmark": "web_load",
            "database": "postgresql",
            "registrants": args.registrants,
            "users": args.users,
            "think_seconds": args.think, "warm_up": args.warm_up,
            "server": {"gunicorn_workers": args.workers, "threads": args.threads, "debug": args.debug},
            "requests": len(everything),
            "seconds": round(wall, 2),
            "requests_per_second": round(len(everything) / wall, 1),
            "errors": len(errors),
            "error_samples": errors[:5],
            "latency_ms": {"p50": _ms(everything, 0.5), "p95": _ms(everything, 0.95),
                           "max": round(max(everything) * 1000, 1)},
            "by_page_ms": {k: {"n": len(v), "p50": _ms(v, 0.5), "p95": _ms(v, 0.95)} for k, v in timings.items()},
            # the same requests as the server timed them: when these are as long as the users', the time is spent in
            # the server (waiting for a worker, its lock or the CPU), not in the load generator
            "server_side_ms": _server_side(access_log, logged_before),
            "audit": {"audited_requests": audited[0], "events_written": written, "chain_ok": chain.ok,
                      "chain_checked": chain.checked, "unchained_after_run": unchained_after},
            "audit_chain": {
                "samples": samples["n"],
                "mean_busy_db_sessions": round(samples["active"] / max(samples["n"], 1), 2),
                "mean_waiting_for_chain": round(samples["chain_waiting"] / max(samples["n"], 1), 2),
                "chain_lock_held_share": round(samples["chain_held"] / max(samples["n"], 1), 3),
                "waiting_share_of_busy": round(samples["chain_waiting"] / max(samples["active"], 1), 3),
                "mean_chaining": round(samples["chaining"] / max(samples["n"], 1), 2),
                "chaining_share_of_busy": round(samples["chaining"] / max(samples["active"], 1), 3),
                "unchained_tail_mean": round(samples["tail_sum"] / max(samples["tail_n"], 1), 1),
                "unchained_tail_max": samples["tail_max"],
            },
            # CPU per request, whatever else the machine runs: app = gunicorn's workers, database = the backends
            # still connected at the end (persistent connections); 2 cores / their sum bounds the throughput
            "cpu_ms_per_request": {
                "app": round(cpu["app"] * 1000 / max(len(everything), 1), 2),
                "database": round(cpu["database"] * 1000 / max(len(everything), 1), 2),
                "two_core_ceiling_requests_per_second": round(
                    2 * max(len(everything), 1) / max(cpu["app"] + cpu["database"], 1e-6), 1),
            },
            "raw_baseline_ms": round(statistics.median(raw) * 1000, 3),
            "p95_ratio_to_raw": round(_ms(everything, 0.95) / max(statistics.median(raw) * 1000, 1e-6), 1),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "target": {"p95_ms": 150, "requests_per_second_closed_loop": 150, "errors": 0},
        }
        print(json.dumps(result, indent=2))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        drop_postgres(name, admin)


if __name__ == "__main__":
    main()
