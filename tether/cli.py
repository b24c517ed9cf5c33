"""The ``tether`` console script. Every command has --help; data commands take --json."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

app = typer.Typer(help="Tether: the register for police public-protection units.", no_args_is_help=True)
rules_app = typer.Typer(help="The rules engine (the law as a pure function).", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)
report_app = typer.Typer(
    help="Statistics as at any date, after disclosure control (never names). Runs as --as USERNAME "
    "(or TETHER_USER): an analyst, FOI officer, supervisor or national administrator.",
    no_args_is_help=True,
)
app.add_typer(rules_app, name="rules")
app.add_typer(audit_app, name="audit")
app.add_typer(token_app, name="token")
app.add_typer(report_app, name="report")
management_app = typer.Typer(
    help="Risk-led management: duties, overdue visits and assessments, caseloads, the capacity gap. Runs as --as "
    "USERNAME (or TETHER_USER).", no_args_is_help=True)
app.add_typer(management_app, name="management")
trace_app = typer.Typer(
    help="Tracing: partner extracts linked against the register (Splink), leads for officers to decide.",
    no_args_is_help=True,
)
app.add_typer(trace_app, name="trace")
user_app = typer.Typer(
    help="Force administration: invite, change role, deactivate, unlock, API tokens. Runs as --as USERNAME (or "
    "TETHER_USER): a force administrator (their force) or a national administrator.", no_args_is_help=True)
app.add_typer(user_app, name="user")

err = Console(stderr=True, soft_wrap=True)  # messages name files and lines: never wrapped mid-sentence


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    import django

    django.setup()


def _cli_label() -> str:
    try:
        who = getpass.getuser()
    except Exception:  # pragma: no cover - no login name in some containers
        who = "unknown"
    return f"cli:{who}"


def _progress(total: int | None, label: str) -> Progress:
    return Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, disable=not err.is_terminal, transient=False,
    )


@app.command()
def migrate(
    quiet: Annotated[bool, typer.Option("--quiet", help="Print one line, not each migration.")] = False,
) -> None:
    """Create or update the database tables."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0 if quiet else 1)
    if quiet:
        typer.echo("The database is up to date.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    jobs: Annotated[bool, typer.Option("--jobs/--no-jobs", help="Work the job queue in a thread (or run "
                                       "`tether jobs work` beside it).")] = True,
) -> None:
    """Serve the web app and API (development server; use a WSGI server in production). A thread beside it works
    the job queue (duplicate scans asked for on a page or through the API) unless --no-jobs."""
    _django()
    from django.core.management import call_command

    if jobs:
        from tether.tracing.jobs import start_worker_thread

        start_worker_thread()

    # static files come through WhiteNoise as in production (runserver's own static handler answers a path-traversal
    # attempt with a server error instead of a 404)
    call_command("runserver", f"{host}:{port}", use_reloader=False, use_static_handler=False)


@app.command()
def demo(
    registrants: Annotated[int, typer.Option(help="How many registrants, spread across the 45 forces.", min=1)] = 2000,
    national: Annotated[
        bool, typer.Option("--national", help="Full national size from forces.csv (about 77,000) instead.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same register.")] = 2018,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing if the register has anyone.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="One line; no summary, no logins.")] = False,
) -> None:
    """Generate a seeded, synthetic national register across all 45 forces, plus demo logins."""
    _django()
    from tether.demo.services import load_demo, register_is_empty
    from tether.demo.users import ensure_demo_users

    users = ensure_demo_users()
    if if_empty and not register_is_empty():
        summary: dict[str, Any] = {"skipped": "the register is not empty"}
    else:
        size = None if national else registrants
        with _progress(size, "Generating synthetic register") as bar:
            task = bar.add_task("demo", total=size)

            def tick(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            summary = load_demo(size, seed, progress=tick)
    if as_json:
        typer.echo(json.dumps({"summary": summary, "logins": [u[0] for u in users]}, default=str))
        return
    if quiet:
        made = summary.get("registrants") or summary.get("people")
        typer.echo("The demo register is already loaded." if "skipped" in summary
                   else f"Loaded the synthetic demo register ({made:,} registrants)." if made
                   else "Loaded the synthetic demo register.")
        return
    typer.echo(json.dumps(summary, default=str, indent=2))
    _print_logins(users)


def _print_logins(users: list[tuple[str, str, str]]) -> None:
    typer.echo("\nDemo logins (synthetic data only):")
    for username, password, role in users:
        typer.echo(f"  {role:<24} {username:<22} password: {password}")
    typer.echo("Two-factor code (every account but the analyst and FOI officer): .venv/bin/tether otp-code USERNAME")


@app.command("otp-reset")
def otp_reset(
    username: Annotated[str, typer.Argument(help="The account whose phone was lost or replaced.")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit trail), in words.")],
    as_user: Annotated[
        str | None, typer.Option("--as", envvar="TETHER_USER", help="Your administrator account.")
    ] = None,
) -> None:
    """Reset an account's two-factor sign-in: they set it up again at their next sign-in (audited)."""
    _django()
    from tether.access.services import two_factor_reset
    from tether.core.errors import TetherError
    from tether.reports.commands import user_named

    try:
        count = two_factor_reset(user_named(as_user), username, reason=reason)
    except TetherError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from None
    typer.echo(f"Two-factor sign-in reset for {username} ({count} device{'s' if count != 1 else ''} removed).")


@app.command()
def logins() -> None:
    """Create the demo logins if missing and print them."""
    _django()
    from tether.demo.users import ensure_demo_users

    _print_logins(ensure_demo_users())


@app.command("otp-code")
def otp_code(username: Annotated[str, typer.Argument(help="A demo account, e.g. officer.mps.")]) -> None:
    """Print a demo account's current two-factor code (demo accounts only; refused in production)."""
    _django()
    from tether.access.demo_otp import DemoOnly, current_code_for

    try:
        typer.echo(current_code_for(username))
    except DemoOnly as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from exc


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A JSON Lines file, one registrant per line.", exists=True)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    duplicates: Annotated[str, typer.Option(
        help="Lines that may be people already on the register: report them (and import), or refuse the file.",
    )] = "report",
    accept_duplicates: Annotated[Path | None, typer.Option(
        help="A file of line numbers (one a line) confirmed as new people: not reported or refused.", exists=True,
    )] = None,
) -> None:
    """Import registrants. Every line is checked first; one bad line means nothing is written. Each line is also
    checked for the same person already on the register (any force): reported, or with --duplicates refuse the
    file is refused unless --accept-duplicates lists the line."""
    _django()
    from tether.register.jsonl import DUPLICATE_POLICIES, ImportFailed, decode_lines, import_jsonl

    if duplicates not in DUPLICATE_POLICIES:
        raise typer.BadParameter(f"must be one of: {', '.join(DUPLICATE_POLICIES)}", param_hint="--duplicates")
    accepted = _line_numbers(accept_duplicates) if accept_duplicates else []
    lines, undecodable = decode_lines(file.read_bytes())
    try:
        if undecodable:
            raise ImportFailed(undecodable)
        with _progress(len(lines), "Importing") as bar:
            task = bar.add_task("import", total=len(lines))
            report = import_jsonl(lines, actor_label=_cli_label(), progress=lambda n: bar.update(task, completed=n),
                                  duplicates=duplicates, accepted=accepted)
    except ImportFailed as exc:
        if as_json:
            typer.echo(json.dumps({"imported": 0, "errors": [vars(e) for e in exc.errors]}))
        else:
            for e in exc.errors:
                err.print(str(e), markup=False, highlight=False)
            err.print(f"{len(exc.errors)} error(s) in {file}: nothing was imported.", markup=False)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps({"imported": report.imported, "lines": report.lines,
                               "flags": [vars(f) for f in report.flags],
                               "duplicates": [vars(d) for d in report.duplicates]}))
        return
    for f in report.flags:  # the Schedule 3 check: flagged for review, never refused
        typer.echo(str(f))
    for d in report.duplicates:
        err.print(str(d), markup=False, highlight=False)
    typer.echo(f"Imported {report.imported} registrants from {file}."
               + (f" {len(report.flags)} disposal(s) flagged for review." if report.flags else "")
               + (f" {len({d.line for d in report.duplicates})} line(s) may be people already on the register."
                  if report.duplicates else ""))


def _line_numbers(path: Path) -> list[int]:
    """The line numbers listed in a file (one a line; blank lines and # comments ignored)."""
    out = []
    for i, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        if not text.isdigit() or len(text) > 9:
            raise typer.BadParameter(f"line {i}: must be a line number of the import file",
                                     param_hint="--accept-duplicates")
        out.append(int(text))
    return out


@app.command()
def export(
    file: Annotated[Path, typer.Argument(help="Where to write the JSON Lines (- for standard output).")],
    force: Annotated[str | None, typer.Option(help="Only this force's registrants (force code).")] = None,
) -> None:
    """Export registrants with their whole history as JSON Lines (importable again)."""
    _django()
    from tether.register.jsonl import export_jsonl

    if str(file) == "-":
        n = export_jsonl(sys.stdout, force=force, actor_label=_cli_label())
    else:
        with file.open("w", encoding="utf-8") as out, _progress(None, "Exporting") as bar:
            task = bar.add_task("export", total=None)
            n = export_jsonl(out, force=force, actor_label=_cli_label(),
                             progress=lambda k: bar.update(task, completed=k))
    err.print(f"Exported {n} registrants.", markup=False)


@app.command()
def sweep(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Sweep as at this date (YYYY-MM-DD); default today (UK).")
    ] = None,
    force: Annotated[
        str | None, typer.Option("--force", help="Only this force's registrants (code, e.g. MPS).")
    ] = None,
    recompute: Annotated[
        bool, typer.Option("--recompute", help="Re-evaluate every registrant after a rules change: batches, resumable.")
    ] = False,
    batch: Annotated[int, typer.Option(help="Registrants per batch.", min=1)] = 2000,
    workers: Annotated[int, typer.Option(help="--recompute: worker processes (one per CPU).", min=1)] = 1,
    no_resume: Annotated[
        bool, typer.Option("--no-resume", help="--recompute: start again, don't continue an interrupted run.")
    ] = False,
    brief: Annotated[
        bool, typer.Option("--brief", help="One line for a person instead of the JSON summary.")
    ] = False,
) -> None:
    """Find obligations that became overdue: record each breach once, create tasks, print a JSON summary."""
    _django()
    from tether.casework.commands import run_sweep
    from tether.core.errors import ValidationFailed

    with _progress(None, "Re-evaluating registrants" if recompute else "Sweeping") as bar:
        task = bar.add_task("sweep", total=None)
        try:
            summary = run_sweep(
                as_of=as_of, force=force, recompute_all=recompute, batch=batch, workers=workers,
                resume=not no_resume, actor_label=_cli_label(),
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        except ValidationFailed as exc:
            err.print(str(exc), markup=False)
            raise typer.Exit(2) from None
    if brief:
        from tether.core.dates import long_date

        swept_on = long_date(date.fromisoformat(str(summary["as_of"]))) if summary.get("as_of") else "today"
        typer.echo(f"Swept {summary.get('people_checked', 0):,} registrants as at {swept_on}: "
                   f"{summary.get('new_breaches', 0):,} new missed obligations, "
                   f"{summary.get('tasks_created', 0):,} new tasks.")
        return
    typer.echo(json.dumps(summary, default=str))


@app.command()
def digest(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The digest for this date (YYYY-MM-DD); default today (UK).")
    ] = None,
    force_code: Annotated[
        str | None, typer.Option("--force-code", help="Only this police force's officers (code, e.g. MPS).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Build and show the e-mails; send nothing.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Send again even if today's digest was already sent.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """E-mail each officer their overdue and due tasks and new cases (supervisors: queue and missed
    deadlines). References and links only, no names. Once a day, after the sweep."""
    _django()
    from tether.casework.commands import run_digest_command
    from tether.core.errors import ValidationFailed

    try:
        summary = run_digest_command(as_of=as_of, force_code=force_code, dry_run=dry_run, force=force,
                                     actor_label=_cli_label())
    except ValidationFailed as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(summary, default=str))
        return
    for item in summary.pop("preview", None) or []:
        typer.echo(f"--- to user {item['user_id']}: {item['subject']}\n{item['text']}\n")
    if summary["already_sent"]:
        typer.echo(f"The digest for {summary['as_of']} was already sent: nothing sent (use --force to resend).")
    else:
        typer.echo(f"{'Would send' if dry_run else 'Sent'} {summary['digests'] if dry_run else summary['sent']} "
                   f"digest(s) for {summary['as_of']} ({summary['tasks_overdue']} overdue, "
                   f"{summary['tasks_due_today']} due today, {summary['new_cases']} new case(s)).")


@rules_app.command("evaluate")
def rules_evaluate(
    file: Annotated[str, typer.Argument(help="Facts as JSON (see docs/rules.md), or - for standard input.")],
) -> None:
    """Evaluate the law for one set of facts and print the outcome as JSON (exit 2 on bad input)."""
    from tether.obligations import run_cli

    text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    status, output = run_cli(text)
    typer.echo(output)
    raise typer.Exit(status)


@audit_app.command("verify")
def audit_verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Check the audit chain; name the first edited, deleted or reordered event. Exit 1 if broken.

    Events not chained yet are counted (with the oldest one's age), chained and checked with the rest; the check
    fails when one had waited too long (the chainer had stopped). Keep the printed head (seq and hash) somewhere
    outside the database: a later check that does not reach the same hash at that seq means the trail was
    rewritten."""
    _django()
    from tether.audit.selectors import verify_chain

    result = verify_chain()
    if as_json:
        typer.echo(json.dumps(vars(result)))
    else:
        if result.pending:
            typer.echo(f"{result.pending} event(s) were not chained yet (the oldest written "
                       f"{result.oldest_pending_seconds} s ago); chained now.")
        if result.ok:
            typer.echo(f"Audit chain intact: {result.checked} events checked. "
                       f"Head: event {result.head_seq}, hash {result.head_hash}.")
        elif result.first_bad_seq is None:
            typer.echo(f"Audit chain NOT VERIFIED: {result.problem} ({result.checked} events checked).")
        else:
            typer.echo(f"Audit chain BROKEN at event {result.first_bad_seq}: {result.problem} "
                       f"({result.checked} events before it are intact).")
    raise typer.Exit(0 if result.ok else 1)


@audit_app.command("chain")
def audit_chain() -> None:
    """Chain any audit events still waiting (each is normally chained just after its change commits)."""
    _django()
    from tether.audit.chaining import chain_pending
    from tether.audit.selectors import unchained_tail

    pending, oldest = unchained_tail()
    chained = chain_pending()
    typer.echo(f"{pending} event(s) were waiting" + (f" (the oldest written {oldest:.1f} s ago)" if oldest else "")
               + f"; {len(chained)} chained now.")


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option(help="A label for the token.")] = "api",
    days: Annotated[int, typer.Option(help="Days until it expires.", min=1, max=365)] = 30,
) -> None:
    """Create a personal API token; the raw value is printed once and only its hash is kept."""
    _django()
    from tether.access.services import token_create as create

    raw, token = create(username, name=name, days=days, actor_label=_cli_label())
    typer.echo(raw)
    err.print(f"Expires {token.expires_at:%Y-%m-%d %H:%M} UTC. Store it now: it cannot be shown again.")


AsOf = Annotated[str | None, typer.Option("--as-of", help="As at this date (YYYY-MM-DD); default today (UK).")]
By = Annotated[str | None, typer.Option(
    "--by", help="Rows[,columns]: force, country, year_missing, time_missing, offence, risk, state, abroad.")]
ForceOpt = Annotated[str | None, typer.Option("--force", help="Only this force (code, e.g. MPS).")]
Threshold = Annotated[int | None, typer.Option("--threshold", help="Counts below this are hidden (default 5).")]
Rounding = Annotated[int | None, typer.Option("--rounding", help="Round other counts to this (default 5).")]
Format = Annotated[str, typer.Option("--format", help="json, csv, xlsx or ods (xlsx and ods need --out).")]
Out = Annotated[Path | None, typer.Option("--out", help="Write to this file instead of standard output.")]
AsUser = Annotated[str | None, typer.Option("--as", envvar="TETHER_USER", help="The account the report runs as.")]


@contextmanager
def _cli_errors(after_invalid: Callable[[int], str] | None = None) -> Iterator[None]:
    """A service's refusal as the command's exit: invalid input prints each field's error (then
    ``after_invalid(count)`` if given) and exits 2; Forbidden or NotFound prints the message and exits 1."""
    from tether.core.errors import Forbidden, NotFound, ValidationFailed

    try:
        yield
    except ValidationFailed as exc:
        errors = exc.as_list()
        for e in errors:
            err.print(f"{e['field']}: {e['message']}", markup=False)
        if after_invalid is not None:
            err.print(after_invalid(len(errors)), markup=False)
        raise typer.Exit(2) from None
    except (Forbidden, NotFound) as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from None


def _report(figure: str, *, as_user: str | None, as_of: str | None = None, period: str | None = None,
            by: str | None = None, force: str | None = None, threshold: int | None = None,
            rounding: int | None = None, fmt: str = "json", out: Path | None = None) -> None:
    _django()
    from tether.reports.commands import BINARY, run_report

    if fmt in BINARY and out is None:
        err.print(f"--format {fmt} writes a binary file: give --out FILE.", markup=False)
        raise typer.Exit(2)
    with _cli_errors():
        result = run_report(figure, username=as_user, as_of=as_of, period=period, by=by, force=force,
                            threshold=threshold, rounding=rounding, fmt=fmt)
    if out is None:
        assert isinstance(result.content, str)
        typer.echo(result.content, nl=not result.content.endswith("\n"))
    elif isinstance(result.content, bytes):
        out.write_bytes(result.content)
        err.print(f"Wrote {out}.", markup=False)
    else:
        out.write_text(result.content, encoding="utf-8")
        err.print(f"Wrote {out}.", markup=False)


@report_app.command("missing")
def report_missing(as_of: AsOf = None, by: By = None, force: ForceOpt = None, threshold: Threshold = None,
                   rounding: Rounding = None, fmt: Format = "json", out: Out = None, as_user: AsUser = None) -> None:
    """Open missing and wanted cases as at a date, e.g. --by force,year_missing."""
    _report("missing", as_user=as_user, as_of=as_of, by=by, force=force, threshold=threshold, rounding=rounding,
            fmt=fmt, out=out)


@report_app.command("abroad")
def report_abroad(as_of: AsOf = None, by: By = None, force: ForceOpt = None, threshold: Threshold = None,
                  rounding: Rounding = None, fmt: Format = "json", out: Out = None, as_user: AsUser = None) -> None:
    """Open cases whose registrant was believed abroad on the date."""
    _report("abroad", as_user=as_user, as_of=as_of, by=by, force=force, threshold=threshold, rounding=rounding,
            fmt=fmt, out=out)


@report_app.command("registrants")
def report_registrants(as_of: AsOf = None, by: By = None, force: ForceOpt = None, threshold: Threshold = None,
                       rounding: Rounding = None, fmt: Format = "json", out: Out = None,
                       as_user: AsUser = None) -> None:
    """Registrants subject to notification on the date, by force or country."""
    _report("registrants", as_user=as_user, as_of=as_of, by=by, force=force, threshold=threshold,
            rounding=rounding, fmt=fmt, out=out)


@report_app.command("management")
def report_management(as_of: AsOf = None, by: By = None, force: ForceOpt = None, threshold: Threshold = None,
                      rounding: Rounding = None, fmt: Format = "json", out: Out = None,
                      as_user: AsUser = None) -> None:
    """Registrants by risk level, MAPPA category or level, or management mode on the date, e.g. --by risk,force."""
    _report("management", as_user=as_user, as_of=as_of, by=by, force=force, threshold=threshold,
            rounding=rounding, fmt=fmt, out=out)


@report_app.command("breaches")
def report_breaches(
    period: Annotated[str | None, typer.Option("--period", help="First..last day (default: the year to today).")]
    = None,
    by: By = None, force: ForceOpt = None, threshold: Threshold = None, rounding: Rounding = None,
    fmt: Format = "json", out: Out = None, as_user: AsUser = None,
) -> None:
    """Breaches of notification duties in a period, by the provision in force when each duty arose (--by
    provision, force, country, kind)."""
    _report("breaches", as_user=as_user, period=period, by=by, force=force, threshold=threshold,
            rounding=rounding, fmt=fmt, out=out)


@report_app.command("duties")
def report_duties(as_of: AsOf = None, by: By = None, force: ForceOpt = None, threshold: Threshold = None,
                  rounding: Rounding = None, fmt: Format = "json", out: Out = None, as_user: AsUser = None) -> None:
    """Notification duties outstanding on the date, by the provision in force when each arose (--by provision,
    force, country, kind)."""
    _report("duties", as_user=as_user, as_of=as_of, by=by, force=force, threshold=threshold, rounding=rounding,
            fmt=fmt, out=out)


@report_app.command("visits")
def report_visits(as_of: AsOf = None, force: ForceOpt = None, threshold: Threshold = None,
                  rounding: Rounding = None, fmt: Format = "json", out: Out = None, as_user: AsUser = None) -> None:
    """Home visits in the year to the date by risk level on the day of the visit (seen or not)."""
    _report("visits", as_user=as_user, as_of=as_of, force=force, threshold=threshold, rounding=rounding,
            fmt=fmt, out=out)


@report_app.command("overdue")
def report_overdue(as_of: AsOf = None, by: By = None, force: ForceOpt = None, threshold: Threshold = None,
                   rounding: Rounding = None, fmt: Format = "json", out: Out = None, as_user: AsUser = None) -> None:
    """Overdue home visits and assessments on the date, --by age (how long overdue, the default) or risk."""
    _report("overdue", as_user=as_user, as_of=as_of, by=by, force=force, threshold=threshold, rounding=rounding,
            fmt=fmt, out=out)


@report_app.command("caseloads")
def report_caseloads(as_of: AsOf = None, force: ForceOpt = None, threshold: Threshold = None,
                     rounding: Rounding = None, fmt: Format = "json", out: Out = None,
                     as_user: AsUser = None) -> None:
    """Offender managers by caseload on the date (the benchmark: one officer per 50 registrants)."""
    _report("caseloads", as_user=as_user, as_of=as_of, force=force, threshold=threshold, rounding=rounding,
            fmt=fmt, out=out)


@report_app.command("cases")
def report_cases(
    period: Annotated[str, typer.Option("--period", help="First..last day, e.g. 2024-04-01..2025-03-31.")],
    by: By = None, force: ForceOpt = None, threshold: Threshold = None, rounding: Rounding = None,
    fmt: Format = "json", out: Out = None, as_user: AsUser = None,
) -> None:
    """Cases opened, reopened and closed in a period, by force or country."""
    _report("cases", as_user=as_user, period=period, by=by, force=force, threshold=threshold, rounding=rounding,
            fmt=fmt, out=out)


@report_app.command("series")
def report_series(as_of: AsOf = None, force: ForceOpt = None, threshold: Threshold = None,
                  rounding: Rounding = None, fmt: Format = "json", out: Out = None, as_user: AsUser = None) -> None:
    """Open missing and wanted cases at each month end for the 24 months to the date (json or csv)."""
    _report("series", as_user=as_user, as_of=as_of, force=force, threshold=threshold, rounding=rounding,
            fmt=fmt, out=out)


@report_app.command("rollup")
def report_rollup(
    as_of: AsOf = None, threshold: Threshold = None, rounding: Rounding = None, fmt: Format = "json",
    out: Out = None, as_user: AsUser = None,
    import_file: Annotated[Path | None, typer.Option(
        "--import", exists=True, dir_okay=False,
        help="Import per-force returns (CSV: force,as_at,year_missing,count) instead; all or nothing.")] = None,
    source: Annotated[str | None, typer.Option(help="--import: where the figures came from (default: file name).")]
    = None,
) -> None:
    """The national roll-up (forces in Tether plus imported returns), or --import a returns CSV."""
    if import_file is None:
        _report("rollup", as_user=as_user, as_of=as_of, threshold=threshold, rounding=rounding, fmt=fmt, out=out)
        return
    _django()
    from tether.reports.commands import import_returns

    with _cli_errors(lambda count: f"{count} error(s) in {import_file}: nothing was imported."):
        result = import_returns(import_file.read_text(encoding="utf-8"), username=as_user,
                                source=source or import_file.name)
    typer.echo(json.dumps(result))


# --- background jobs ---------------------------------------------------------------------------------------------

jobs_app = typer.Typer(help="Background jobs (duplicate scans asked for on a page or through the API).",
                       no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("work")
def jobs_work(
    once: Annotated[bool, typer.Option("--once", help="Run the jobs waiting now, then stop.")] = False,
    poll: Annotated[float, typer.Option(help="Seconds to wait when no job waits.", min=0.5, max=600)] = 5.0,
) -> None:
    """Work the job queue: claim the oldest queued job, run it, store its result (audited); until stopped."""
    _django()
    from tether.tracing.jobs import work

    ran = work(once=once, poll=poll)
    typer.echo(f"Ran {ran} job(s).", err=True)


# --- identity: search, duplicates, merge ------------------------------------------------------------------------

RunAs = Annotated[str | None, typer.Option("--as", envvar="TETHER_USER", help="The account the command runs as.")]


@app.command()
def search(
    name: Annotated[str, typer.Option(help="Any name used, any order (spelling, nicknames, accents forgiven).")] = "",
    dob: Annotated[str, typer.Option(help="Date of birth: 27/06/1965, 06/1965 or 1965 (lenient).")] = "",
    postcode: Annotated[str, typer.Option(help="A postcode or its district (SW1A).")] = "",
    ni: Annotated[str, typer.Option(help="NI number (one wrong character tolerated).")] = "",
    pnc: Annotated[str, typer.Option(help="PNC ID (one wrong character tolerated).")] = "",
    reference: Annotated[str, typer.Option(help="TTH-000123 or 123.")] = "",
    force: Annotated[str, typer.Option(help="Force code; empty: your force; ALL: the national index.")] = "",
    limit: Annotated[int, typer.Option(help="How many results (1-100).")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (the same as --format json).")] = False,
    fmt: Annotated[str, typer.Option("--format", help="json or table.")] = "table",
    as_user: RunAs = None,
) -> None:
    """Search the register, best match first, each with a score and the reasons it matched (audited)."""
    _django()
    from tether.identity.commands import dumps, run_search, table
    from tether.identity.search import SearchTerms

    _table_or_json(fmt)
    terms = SearchTerms(name=name, dob=dob, postcode=postcode, ni=ni, pnc=pnc, reference=reference, force=force)
    with _cli_errors():
        result = run_search(as_user, terms, limit=limit)
    typer.echo(dumps(result) if as_json or fmt == "json" else table(result))


def _table_or_json(fmt: str) -> None:
    _one_of(fmt, ("json", "table"))


def _one_of(fmt: str, formats: tuple[str, ...]) -> None:
    """Refuse an unknown --format before any work (never a silent fall back to one of the others)."""
    if fmt not in formats:
        raise typer.BadParameter(f"must be {' or '.join(formats)}", param_hint="--format")


@app.command()
def duplicates(
    action: Annotated[str, typer.Argument(
        help="Empty: the register's likely pairs; scan: a Splink deduplication over the register (saved with "
             "its trained model).", show_default=False)] = "",
    force: Annotated[str | None, typer.Option("--force", help="Force code (default your own); ALL: every force.")]
    = None,
    limit: Annotated[int, typer.Option(help="At most this many pairs.", min=1, max=5000)] = 500,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (the same as --format json).")] = False,
    fmt: Annotated[str, typer.Option("--format", help="json or table.")] = "table",
    queue: Annotated[bool, typer.Option("--queue", help="With scan: queue it for the job worker (tether jobs work, "
                                        "or tether serve) and print the job, instead of running it here.")] = False,
    as_user: RunAs = None,
) -> None:
    """Likely duplicate records (pairs, best first): supervisors and administrators (audited)."""
    if action not in ("", "scan"):
        raise typer.BadParameter("must be scan, or nothing", param_hint="ACTION")
    if queue and action != "scan":
        raise typer.BadParameter("only with scan", param_hint="--queue")
    _django()
    from tether.identity.commands import dumps, run_duplicates

    _table_or_json(fmt)
    if action == "scan" and queue:
        from tether.tracing.commands import duplicates_queue

        with _cli_errors():
            result = duplicates_queue(username=as_user, force=force)
        if as_json or fmt == "json":
            typer.echo(json.dumps(result, default=str))
        else:
            typer.echo(f"Scan {result['id']} of {result['scope']}: {result['state_label'].lower()}"
                       + ("" if result["created"] else " (already queued)") + ".")
        return
    if action == "scan":
        _duplicates_scan(force, as_json or fmt == "json", as_user)
        return
    with _cli_errors():
        result = run_duplicates(as_user, force, limit=limit)
    if as_json or fmt == "json":
        typer.echo(dumps(result))
        return
    for p in result["pairs"]:
        typer.echo(f"{p['score']:.2f}  {p['a']['name']} ({p['a']['force']})  ~  {p['b']['name']} ({p['b']['force']})"
                   f"  {', '.join(p['reasons'])}")


def _duplicates_scan(force: str | None, as_json: bool, as_user: str | None) -> None:
    from tether.tracing.commands import duplicates_scan

    with _cli_errors():
        result = duplicates_scan(username=as_user, force=force,
                                 progress=None if as_json else lambda step: typer.echo(step, err=True))
    if as_json:
        typer.echo(json.dumps(result, default=str))
        return
    for p in result["pairs"]:
        same = ", ".join(f"{k} {v.lower()}" for k, v in p["agreements"].items())
        typer.echo(f"{p['probability']:.3f}  {p['a']['name']} ({p['a']['force']})  ~  {p['b']['name']} "
                   f"({p['b']['force']})  {same}")


@app.command()
def merge(
    survivor: Annotated[str, typer.Argument(help="The id of the record that survives.")],
    merged: Annotated[str, typer.Argument(help="The id of the record merged into it.")],
    reason: Annotated[str, typer.Option(help="Why these records are one person.")],
    propose: Annotated[bool, typer.Option(
        "--propose", help="Across forces: propose the merge (a supervisor of the other force approves it with "
                          "`tether merge-approve ID`).")] = False,
    as_user: RunAs = None,
) -> None:
    """Merge two records of one person (supervisors and administrators; audited; undo with `tether unmerge`)."""
    _django()
    from tether.identity.commands import dumps, run_merge, run_propose

    with _cli_errors():
        run = run_propose if propose else run_merge
        typer.echo(dumps(run(as_user, survivor, merged, reason)))


@app.command("merge-approve")
def merge_approve(
    proposal_id: Annotated[str, typer.Argument(help="The proposal's id (printed by `tether merge --propose`).")],
    reason: Annotated[str, typer.Option(help="Why these records are one person.")],
    as_user: RunAs = None,
) -> None:
    """Approve a merge another force proposed (a supervisor of the other force): the records are merged."""
    _django()
    from tether.identity.commands import dumps, run_approve

    with _cli_errors():
        typer.echo(dumps(run_approve(as_user, proposal_id, reason)))


@app.command("merge-decline")
def merge_decline(
    proposal_id: Annotated[str, typer.Argument(help="The proposal's id.")],
    reason: Annotated[str, typer.Option(help="Why not.")],
    as_user: RunAs = None,
) -> None:
    """Decline (the other force) or withdraw (the proposing force) a proposed merge across forces."""
    _django()
    from tether.identity.commands import dumps, run_decline

    with _cli_errors():
        typer.echo(dumps(run_decline(as_user, proposal_id, reason)))


@app.command()
def unmerge(
    merge_id: Annotated[str, typer.Argument(help="The merge's id (printed by `tether merge`).")],
    reason: Annotated[str, typer.Option(help="Why the merge is undone.")],
    as_user: RunAs = None,
) -> None:
    """Undo a merge: both records as they were (audited)."""
    _django()
    from tether.identity.commands import dumps, run_unmerge

    with _cli_errors():
        typer.echo(dumps(run_unmerge(as_user, merge_id, reason)))
# --- tether management ----------------------------------------------------------------------------------------

MAsOf = Annotated[str | None, typer.Option("--as-of", help="As at this date (YYYY-MM-DD); default today (UK).")]
MForce = Annotated[str | None, typer.Option("--force", help="A force code (national administrators).")]
MJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _management(call: Callable[[], Any], as_json: bool) -> None:
    _django()
    with _cli_errors():
        result = call()
    if as_json or not isinstance(result, list):
        typer.echo(json.dumps(result, default=str, indent=None if as_json else 2))
        return
    for row in result:
        typer.echo("  ".join(f"{k}={v}" for k, v in row.items() if k != "person_id"))


@management_app.command("show")
def management_show(person: Annotated[str, typer.Argument(help="Reference (TTH-000123) or id.")],
                    as_of: MAsOf = None, as_user: AsUser = None, as_json: MJson = False) -> None:
    """A registrant's risk level, MAPPA, mode, offender manager and duties with their reasons."""
    def call() -> Any:
        from tether.management.commands import show

        return show(as_user, person, as_of)

    _management(call, as_json)


@management_app.command("overdue")
def management_overdue(as_of: MAsOf = None, force: MForce = None, as_user: AsUser = None,
                       as_json: MJson = False) -> None:
    """Registrants overdue a home visit or an assessment, longest overdue first."""
    def call() -> Any:
        from tether.management.commands import overdue_rows

        return overdue_rows(as_user, force, as_of)

    _management(call, as_json)


@management_app.command("caseload")
def management_caseload(as_of: MAsOf = None, force: MForce = None, as_user: AsUser = None,
                        as_json: MJson = False) -> None:
    """Registrants per offender manager, weighted by risk, against the benchmark."""
    def call() -> Any:
        from tether.management.commands import caseload_rows

        return caseload_rows(as_user, force, as_of)

    _management(call, as_json)


@management_app.command("capacity")
def management_capacity(
    as_of: MAsOf = None, force: MForce = None, as_user: AsUser = None, as_json: MJson = False,
    what_if: Annotated[str, typer.Option("--what-if", help="fixed, individual or reactive_eligible.")]
    = "reactive_eligible",
) -> None:
    """The next 3 months' visits and assessments against officer hours, now and under another policy."""
    def call() -> Any:
        from tether.management.commands import capacity_report

        return capacity_report(as_user, force, as_of, what_if)

    _management(call, as_json)


@management_app.command("assign")
def management_assign(person: Annotated[str, typer.Argument(help="Reference or id.")],
                      manager: Annotated[str, typer.Argument(help="The officer's username ('' to unassign).")],
                      note: Annotated[str, typer.Option("--handover-note", help="A hand-over note.")] = "",
                      as_user: AsUser = None, as_json: MJson = False) -> None:
    """Assign, reassign or hand over a registrant's offender manager."""
    def call() -> Any:
        from tether.management.commands import assign

        return assign(as_user, person, manager, note)

    _management(call, as_json)


@management_app.command("evaluate")
def management_evaluate(force: MForce = None, as_of: MAsOf = None, as_json: MJson = False) -> None:
    """Bring a force's registrants under visit and assessment duties (evaluate and store their outcome)."""
    def call() -> Any:
        from tether.management.commands import evaluate

        return evaluate(force, as_of, actor_label=_cli_label())

    _management(call, as_json)
@trace_app.command("load")
def trace_load(
    file: Annotated[Path, typer.Argument(help="The extract: CSV (UTF-8, a header line) or .parquet.", exists=True,
                                         dir_okay=False)],
    source: Annotated[str, typer.Option("--source", help="The partner source's name (created if new).")],
    kind: Annotated[str, typer.Option(help="dwp, housing, probation, courts, health, dvla or other.")],
    lawful_basis: Annotated[str, typer.Option("--lawful-basis", help="The law the data is shared under.")],
    retain_days: Annotated[int, typer.Option("--retain-days", help="Days until the rows are deleted.")],
    dsa: Annotated[str, typer.Option("--dsa", help="The data-sharing agreement reference.")] = "",
    forces: Annotated[str, typer.Option(help="National admins: force codes the source serves (MPS,GMP).")] = "",
    column_map: Annotated[str, typer.Option("--map", help="Other headers: HEADER=COLUMN,... e.g. surname=family_name")]
    = "",
    as_user: AsUser = None,
) -> None:
    """Load a partner extract: every line checked first (one bad line and nothing is stored); the checksum, row
    count and loader are audited."""
    _django()
    from tether.tracing.commands import load

    with _cli_errors(lambda count: f"{count} error(s) in {file}: nothing was loaded."), \
            _progress(None, "Checking lines") as bar:
        task = bar.add_task("load", total=None)
        result = load(username=as_user, file=file, source=source, kind=kind, lawful_basis=lawful_basis,
                      retain_days=retain_days, dsa_reference=dsa, forces=forces, mapping=column_map,
                      progress=lambda done, total: bar.update(task, completed=done, total=total))
    typer.echo(json.dumps(result))


@trace_app.command("run")
def trace_run(
    source: Annotated[str, typer.Option("--source", help="The partner source's name.")],
    scope: Annotated[str, typer.Option(help="missing (open cases) or register (everyone: un-notified addresses).")]
    = "missing",
    threshold: Annotated[float | None, typer.Option(help="Lowest match probability kept as a lead (default 0.5).")]
    = None,
    saved_model: Annotated[bool, typer.Option("--saved-model", help="Use the source's latest saved model.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="json or text.")] = "json",
    as_user: AsUser = None,
) -> None:
    """Link the source's extract against the register and store ranked, explained leads (never a change to a
    record: an officer decides each lead)."""
    _one_of(fmt, ("json", "text"))
    _django()
    from tether.tracing.commands import run

    with _cli_errors(), _progress(None, "Linking") as bar:
        task = bar.add_task("run", total=None)
        result = run(username=as_user, source=source, scope=scope, threshold=threshold, saved_model=saved_model,
                     progress=lambda step: bar.update(task, description=step))
    if fmt == "json":
        typer.echo(json.dumps(result, default=str))
        return
    r = result["run"]
    typer.echo(f"Run {r['id']}: {r['leads']} lead(s) from {r['extract_rows']} partner rows and "
               f"{r['register_rows']} register rows in {r['seconds']} s.")
    for lead in result["leads"]:
        typer.echo(f"  {lead['probability']:.3f}  {lead['reference']}  {lead['record_id']}  {lead['suggestion']}")


@trace_app.command("train")
def trace_train(
    source: Annotated[str, typer.Option("--source", help="The partner source's name.")],
    duplicates: Annotated[bool, typer.Option("--duplicates/--no-duplicates",
                                             help="Count duplicate reviewers' verdicts as labels too.")] = True,
    fmt: Annotated[str, typer.Option("--format", help="json or text.")] = "json",
    as_user: AsUser = None,
) -> None:
    """Train a new version of the source's model from officers' decisions (accepted and rejected leads, duplicate
    verdicts): its m probabilities estimated from the labelled pairs. Use it with `tether trace run --saved-model`."""
    _one_of(fmt, ("json", "text"))
    _django()
    from tether.tracing.commands import train

    with _cli_errors():
        result = train(username=as_user, source=source, with_duplicates=duplicates)
    if fmt == "json":
        typer.echo(json.dumps(result, default=str))
        return
    if not result["created"]:
        typer.echo(f"No change: the decisions leave version {result['version']} of {result['source']}'s model "
                   "as it is.")
        return
    typer.echo(f"Version {result['version']} of {result['source']}'s model: m from {result['matches']} matches "
               f"and {result['non_matches']} non-matches; {result['levels_changed']} level(s) changed. At the default "
               f"threshold: matches found {result['before']['matches_found']} -> {result['after']['matches_found']}, "
               f"rejected pairs offered {result['before']['non_matches_offered']} -> "
               f"{result['after']['non_matches_offered']}.")


@trace_app.command("stats")
def trace_stats(as_of: AsOf = None, fmt: Annotated[str, typer.Option("--format", help="json or text.")] = "json",
                as_user: AsUser = None) -> None:
    """Leads per source and per run as at a date: decided (accepted, rejected), the precision of the decisions,
    days to a decision, cases located after an accepted lead. Aggregate only."""
    _one_of(fmt, ("json", "text"))
    _django()
    from tether.tracing.commands import statistics

    with _cli_errors():
        result = statistics(username=as_user, as_of=as_of)
    if fmt == "json":
        typer.echo(json.dumps(result, default=str))
        return
    typer.echo(f"Tracing leads as at {result['as_of']}")
    for row in [{"source": "All sources", **result["totals"]}, *result["by_source"]]:
        typer.echo(f"  {row['source']}: {row['leads']} leads, {row['accepted']} accepted, {row['rejected']} "
                   f"rejected, {row['open']} open, {row['needs_more']} waiting on the agency; precision "
                   f"{row['precision']}, median days to decision {row['median_days_to_decision']}, located after "
                   f"an accepted lead {row['cases_located_after_accept']}")


@trace_app.command("purge")
def trace_purge(as_of: AsOf = None) -> None:
    """Delete the rows of every extract whose retention has ended (daily, after `tether sweep`); audited."""
    _django()
    from tether.tracing.commands import purge

    with _cli_errors():
        typer.echo(json.dumps(purge(as_of=as_of, actor_label=_cli_label()), default=str))


@app.command("travelling")
def travelling(as_of: AsOf = None, force: Annotated[str | None, typer.Option(
        "--force", help="A force code (national administrators; default every force).")] = None,
               as_user: AsUser = None,
               as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Registrants outside the UK on a notified trip on the date: your force's (national administrators: every
    force's, or --force). A read of personal data: audited."""
    _django()
    from tether.access.selectors import user_named
    from tether.core.dates import parse_day
    from tether.register.selectors_travel import travelling_now

    with _cli_errors():
        rows = travelling_now(user_named(as_user), parse_day(as_of), force, surface="cli", page=None).rows
    if as_json:
        typer.echo(json.dumps([{"reference": r.reference, "name": r.name, "force": r.force, "trip": r.number,
                                "departure": r.departure, "return_date": r.return_date, "countries": r.countries}
                               for r in rows], default=str))
        return
    for r in rows:
        back = r.return_date.isoformat() if r.return_date else "not known"
        typer.echo(f"{r.reference}  {r.name}  {r.force}  left {r.departure.isoformat()}  back {back}  "
                   f"{' '.join(r.countries) or '-'}")
    typer.echo(f"{len(rows)} registrant(s) abroad.")


# --- tether transfer (transfers between forces) -----------------------------------------------------------------

transfer_app = typer.Typer(
    help="Transfers between forces: start one, list your force's, accept or refuse one. Runs as --as USERNAME "
    "(or TETHER_USER).", no_args_is_help=True)
app.add_typer(transfer_app, name="transfer")


def _transfer(call: Callable[[], Any]) -> None:
    _django()
    with _cli_errors():
        result = call()
    typer.echo(json.dumps(result, default=str))


@transfer_app.command("start")
def transfer_start_command(
    person: Annotated[str, typer.Argument(help="Reference (TTH-000123) or id.")],
    to_force: Annotated[str, typer.Option("--to", help="The receiving force's code, e.g. GMP.")],
    move_date: Annotated[str, typer.Option("--move-date", help="The day they moved (YYYY-MM-DD).")],
    as_user: RunAs = None,
) -> None:
    """Start a transfer: the registrant moved to another force's area; it waits for that force to accept."""
    def call() -> Any:
        from tether.register.transfer_commands import start

        return start(as_user, person, to_force, move_date)

    _transfer(call)


@transfer_app.command("accept")
def transfer_accept_command(
    transfer_id: Annotated[str, typer.Argument(help="The transfer's id (see `tether transfer list`).")],
    as_user: RunAs = None,
) -> None:
    """Accept a transfer to your force: it owns the record from the move date."""
    def call() -> Any:
        from tether.register.transfer_commands import accept

        return accept(as_user, transfer_id)

    _transfer(call)


@transfer_app.command("refuse")
def transfer_refuse_command(
    transfer_id: Annotated[str, typer.Argument(help="The transfer's id (see `tether transfer list`).")],
    reason: Annotated[str, typer.Option(help="Why it is refused (at least 10 characters).")],
    as_user: RunAs = None,
) -> None:
    """Refuse a transfer to your force, with the reason: both forces' supervisors are told."""
    def call() -> Any:
        from tether.register.transfer_commands import refuse

        return refuse(as_user, transfer_id, reason)

    _transfer(call)


@transfer_app.command("list")
def transfer_list_command(
    direction: Annotated[str, typer.Option(help="incoming, outgoing or all.")] = "incoming",
    state: Annotated[str | None, typer.Option(help="in_transit, accepted or refused.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge lateness as at this date (YYYY-MM-DD).")]
    = None,
    as_user: RunAs = None,
) -> None:
    """Your force's transfers as JSON lines, newest first."""
    _django()
    from tether.register.transfer_commands import rows

    with _cli_errors():
        found = rows(as_user, direction, state, as_of)
    for row in found:
        typer.echo(json.dumps(row, default=str))


# --- tether user: force administration ---------------------------------------------------------------------------

UAs = Annotated[str | None, typer.Option("--as", envvar="TETHER_USER", help="Your administrator account.")]
UJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
UName = Annotated[str, typer.Argument(help="The account's username.")]


def _user_command(call: Callable[[], Any], as_json: bool = True) -> None:
    _django()
    with _cli_errors():
        result = call()
    if as_json or not isinstance(result, list):
        typer.echo(json.dumps(result, default=str))
        return
    for row in result:
        typer.echo("  ".join(f"{k}={v}" for k, v in row.items()))


@user_app.command("invite")
def user_invite(
    username: UName,
    first_name: Annotated[str, typer.Option("--first-name")],
    last_name: Annotated[str, typer.Option("--last-name")],
    role: Annotated[str, typer.Option("--role", help="officer, supervisor, analyst, foi_officer, force_admin, ...")],
    force: Annotated[str | None, typer.Option("--force", help="A force code (default: your own force).")] = None,
    email: Annotated[str, typer.Option("--email")] = "",
    days: Annotated[int, typer.Option("--days", help="Days the link works (1 to 30).")] = 7,
    as_user: UAs = None,
) -> None:
    """Invite a user: prints the one-time link (shown only now) with which they set a password."""
    def call() -> Any:
        from tether.access.commands import invite

        data = {"username": username, "first_name": first_name, "last_name": last_name, "role": role,
                "email": email, "days": days}
        if force is not None:
            data["force"] = force
        return invite(as_user, data)

    _user_command(call)


@user_app.command("list")
def user_list(force: Annotated[str | None, typer.Option("--force")] = None,
              locked: Annotated[bool, typer.Option("--locked", help="Only who is locked out now.")] = False,
              as_user: UAs = None, as_json: UJson = False) -> None:
    """The accounts you administer: role, force, status, lockout, two-factor, last sign-in."""
    def call() -> Any:
        from tether.access.commands import users

        return users(as_user, force, locked)

    _user_command(call, as_json)


@user_app.command("role")
def user_role(username: UName, role: Annotated[str, typer.Option("--role")],
              force: Annotated[str | None, typer.Option("--force", help="A force code; \"\": national.")] = None,
              as_user: UAs = None) -> None:
    """Change an account's role (and force, national administrators); its API tokens stop working."""
    def call() -> Any:
        from tether.access.commands import set_role

        return set_role(as_user, username, role, force)

    _user_command(call)


@user_app.command("deactivate")
def user_deactivate(username: UName, reason: Annotated[str, typer.Option("--reason")] = "",
                    as_user: UAs = None) -> None:
    """Deactivate an account: it cannot sign in and its API tokens stop working (audited)."""
    def call() -> Any:
        from tether.access.commands import set_active

        return set_active(as_user, username, False, reason)

    _user_command(call)


@user_app.command("reactivate")
def user_reactivate(username: UName, reason: Annotated[str, typer.Option("--reason")] = "",
                    as_user: UAs = None) -> None:
    """Reactivate a deactivated account (audited)."""
    def call() -> Any:
        from tether.access.commands import set_active

        return set_active(as_user, username, True, reason)

    _user_command(call)


@user_app.command("unlock")
def user_unlock(username: UName, as_user: UAs = None) -> None:
    """Let a locked-out account sign in again at once (audited)."""
    def call() -> Any:
        from tether.access.commands import unlock

        return unlock(as_user, username)

    _user_command(call)


@user_app.command("tokens")
def user_tokens(username: UName,
                revoke: Annotated[int | None, typer.Option("--revoke", help="Revoke this token (its id).")] = None,
                as_user: UAs = None, as_json: UJson = False) -> None:
    """An account's personal API tokens (never the secret); --revoke ID revokes one (audited)."""
    def call() -> Any:
        from tether.access.commands import tokens

        return tokens(as_user, username, revoke)

    _user_command(call, as_json)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
