"""hkctl fleet: questions about every app of the account, a team or some pipelines, within the rate budget."""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from hkctl.cli._common import Env, pass_env
from hkctl.errors import UsageError
from hkctl.guard.confirm import tty_confirmer
from hkctl.render.output import echo, emit_table, say
from hkctl.render.progress import ProgressBar
from hkctl.resources.config_vars import check_key
from hkctl.workflows.fleet import (
    Filters,
    Job,
    addons_by_app,
    find_job,
    health_job,
    list_job,
    parse_age,
    stacks_job,
)
from hkctl.workflows.fleet_budget import execute
from hkctl.workflows.fleet_cost import cost_job, cost_totals
from hkctl.workflows.fleet_drift import drift_job
from hkctl.workflows.fleet_select import Selection, select

if TYPE_CHECKING:
    from hkctl.workflows.fleet_run import RunReport

F = TypeVar("F", bound=Callable[..., Any])


def fleet_options(fn: F) -> F:
    """Selection (--team, --pipeline, --match), budget (--budget, --max-share), --concurrency, --json."""
    options = [
        click.option("--team", "-t", default=None, metavar="T", help="Only the apps of team T."),
        click.option(
            "--pipeline",
            "-p",
            "pipelines",
            multiple=True,
            metavar="P",
            help="Only apps of pipeline P (repeatable).",
        ),
        click.option(
            "--match", default=None, metavar="GLOB", help="Only apps whose name matches GLOB (e.g. 'pay*')."
        ),
        click.option(
            "--budget",
            type=click.IntRange(min=0),
            default=None,
            metavar="N",
            help="Allow up to N requests without asking (needed without a terminal above --max-share).",
        ),
        click.option(
            "--max-share",
            type=click.IntRange(1, 100),
            default=50,
            show_default=True,
            metavar="PCT",
            help="Ask before spending more than PCT % of the rate-limit budget that is left.",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(1, 32),
            default=8,
            show_default=True,
            metavar="N",
            help="Apps read at once; an app's independent reads go together (health: 5), so up to N × "
            "that many requests are in flight, all paced against the budget.",
        ),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="One JSON line per app as it completes (drift: one per finding; cost: then the totals).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@click.group("fleet")
def cli() -> None:
    """Questions about many apps at once (all of the account's, --team T, --pipeline P, --match GLOB).

    Before the per-app reads, the plan is shown (`300 apps × 1 request = 300 of 4,380 left`); a plan
    above --max-share of what is left is asked about, or refused without a terminal unless --budget
    allows it. Requests are paced against the refill, so a run never meets a 429. Ctrl-C prints what
    was covered and exits 130; an app that cannot be read is reported in its row.
    """


def _select(env: Env, opts: dict[str, Any], *, with_pipelines: bool = False) -> Selection:
    return select(
        env.client(),
        team=opts["team"],
        pipelines=opts["pipelines"],
        match=opts["match"],
        with_pipelines=with_pipelines,
    )


def _run(
    env: Env, selection: Selection, job: Job, opts: dict[str, Any]
) -> tuple[RunReport, list[dict[str, Any]]]:
    """Plan, have it allowed, run with a progress bar (or JSON lines), print the summary on stderr."""
    client = env.client()
    bar = ProgressBar(len(job.apps), env.io)
    done = [0]

    def on_plan(plan: Any) -> None:
        reads = ", ".join(job.reads) or "none: the list endpoint answers it"
        say(env.io, f"fleet {job.name}: {selection.described}; per-app reads: {reads}")
        say(env.io, f"plan: {plan.text()}")

    def on_result(result: Any) -> None:
        done[0] += 1
        if opts["as_json"] and job.finish is None:
            line = job.line(result)
            if line is not None:
                env.io.out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
                env.io.out.flush()
        bar.update(done[0], len(client.sent), client.ratelimit.remaining)

    stop = threading.Event()
    try:  # Ctrl-C ends the run between answers (the covered rows are kept), not in the middle of one
        previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    except ValueError:  # not the main thread: KeyboardInterrupt still works
        previous = None
    try:
        plan, report = execute(
            client,
            job,
            share=opts["max_share"] / 100,
            budget=opts["budget"],
            confirmer=env.confirmer or tty_confirmer(env.io),
            on_plan=on_plan,
            on_result=on_result,
            concurrency=opts["concurrency"],
            stop=stop,
        )
    finally:
        bar.close()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    rows = job.rows(report)
    if opts["as_json"] and job.finish is not None:
        for row in rows:
            env.io.out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    failed = sum(1 for r in report.results if r.error)
    per_app = (
        f" ({report.requests / report.covered:.1f} per app)" if report.covered and report.requests else ""
    )
    left = client.ratelimit.remaining
    say(
        env.io,
        f"{'interrupted: ' if report.interrupted else ''}{report.coverage()} · {report.requests:,} requests"
        f"{per_app} · {report.throttled} × 429 · {'?' if left is None else f'{left:,}'} left"
        + (
            f" · {failed} app{'s' if failed != 1 else ''} could not be read (see {'its' if failed == 1 else 'their'} row)"
            if failed
            else ""
        ),
    )
    return report, rows


def _table(env: Env, job: Job, rows: list[dict[str, Any]], opts: dict[str, Any], empty: str) -> None:

    if not opts["as_json"]:
        columns = list(job.columns)
        if not any(r.get("error") for r in rows):
            columns = [c for c in columns if c[1] != "error"]
        emit_table(env.io, rows, columns, empty=empty)


def _end(report: RunReport, code: int = 0) -> None:
    if report.interrupted:
        raise click.exceptions.Exit(130)
    if code:
        raise click.exceptions.Exit(code)


@cli.command("list")
@fleet_options
@pass_env
def list_cmd(env: Env, **opts: Any) -> None:
    """Apps with region, stack, generation, formation, last release age and owner (1 request per app).

    Columns: APP, TEAM, REGION, STACK, GENERATION (cedar or fir), FORMATION (type quantity×size),
    RELEASED (age of the last release), OWNER (email), ERROR (only when an app could not be read).
    """
    selection = _select(env, opts)
    job = list_job(selection, datetime.now(UTC))
    report, rows = _run(env, selection, job, opts)
    _table(env, job, rows, opts, "no apps selected")
    _end(report)


@cli.command("find")
@fleet_options
@click.option("--stack", default=None, help="Apps on this stack (e.g. heroku-20). No request per app.")
@click.option("--size", default=None, metavar="SIZE", help="Apps running a process type of this dyno size.")
@click.option("--addon", default=None, metavar="PLAN", help="Apps with this add-on plan or service.")
@click.option(
    "--no-release-since", "no_release", default=None, metavar="AGE", help="No release for AGE (90d, 12w)."
)
@click.option(
    "--maintenance", type=click.Choice(["on", "off"]), default=None, help="Maintenance mode on or off."
)
@click.option("--config-key", default=None, metavar="KEY", help="Apps that set config var KEY (names only).")
@click.option("--missing", is_flag=True, help="With --config-key: apps that do NOT set KEY.")
@pass_env
def find_cmd(env: Env, **opts: Any) -> None:
    """Apps matching every filter given; only the reads the filters need are made.

    Columns: APP, TEAM, STACK, RELEASED (age of the last release), WHY (the filters it matched),
    ERROR (only when an app could not be read).
    """
    if opts["missing"] and not opts["config_key"]:
        raise UsageError("--missing needs --config-key KEY")
    if opts["config_key"]:
        check_key(opts["config_key"])  # a name that cannot exist is bad input: exit 2, nothing sent
    filters = Filters(
        stack=opts["stack"],
        size=opts["size"],
        addon=opts["addon"],
        no_release_days=parse_age(opts["no_release"]),
        maintenance=None if opts["maintenance"] is None else opts["maintenance"] == "on",
        config_key=opts["config_key"],
        missing=opts["missing"],
    )
    if filters == Filters():
        raise UsageError(
            "name at least one filter (--stack, --size, --addon, --no-release-since, --maintenance, --config-key)"
        )
    selection = _select(env, opts)
    addons = addons_by_app(env.client()) if filters.addon else None  # one list read narrows first
    job = find_job(selection, filters, datetime.now(UTC), addons)
    report, rows = _run(env, selection, job, opts)
    _table(env, job, rows, opts, "no app matches")
    _end(report)


@cli.command("health")
@fleet_options
@pass_env
def health_cmd(env: Env, **opts: Any) -> None:
    """The checks of `hkctl health` for every app, unhealthy first with the reason; exit 1 if any is not healthy.

    Per app 5 requests, sent together (log session, formation, dynos, latest release, domains): up to
    5 × --concurrency in flight, all paced. The app record and add-ons come from the list reads.

    Columns: APP, TEAM, VERDICT (unhealthy, warning, healthy, or unknown when it could not be read),
    REASONS (the problems and warnings).
    """
    selection = _select(env, opts)
    job = health_job(selection)
    report, rows = _run(env, selection, job, opts)
    _table(env, job, rows, opts, "no apps selected")
    _end(report, 1 if any(r["verdict"] in ("unhealthy", "unknown") for r in rows) else 0)


@cli.command("cost")
@fleet_options
@click.option(
    "--by",
    type=click.Choice(["app", "team", "pipeline"]),
    default="app",
    show_default=True,
    help="One row per app, or totals per team or per pipeline.",
)
@pass_env
def cost_cmd(env: Env, by: str, **opts: Any) -> None:
    """Monthly estimate per app (dynos at list price + add-on prices), sorted, with the total.

    Columns: APP, TEAM, PIPELINE, MONTHLY (US dollars), ERROR (only when an app could not be read);
    with --by team or pipeline: TEAM or PIPELINE, MONTHLY.
    """
    selection = _select(env, opts, with_pipelines=True)
    job = cost_job(selection)
    report, rows = _run(env, selection, job, opts)
    totals = cost_totals(rows)
    if opts["as_json"]:
        echo(env.io, json.dumps({"totals": totals}, ensure_ascii=False))
    else:
        if by == "app":
            table = [{**r, "monthly": _money(r["monthly"])} for r in rows]
            columns = [c for c in job.columns if c[1] != "error" or any(r.get("error") for r in rows)]
        else:
            table = [{"name": g["name"], "monthly": _money(g["monthly"])} for g in totals[f"{by}s"]]
            columns = [(by, "name"), ("monthly", "monthly")]
        if totals["eco_pool"]:
            table.append({columns[0][1]: "eco dyno pool (account)", "monthly": _money(totals["eco_pool"])})
        table.append({columns[0][1]: "TOTAL", "monthly": _money(totals["total"])})
        emit_table(env.io, table, columns)
    _end(report)


def _money(value: float | None) -> str:
    return "?" if value is None else f"${value:,.2f}"


@cli.command("drift")
@fleet_options
@pass_env
def drift_cmd(env: Env, **opts: Any) -> None:
    """Per pipeline: config keys set in one stage and missing in another, and formations that differ
    in a way that matters (a process type missing, production smaller than staging). Key names only.

    Columns: PIPELINE, KIND (config or formation), SUBJECT (the key or process type), DETAIL.
    """
    selection = _select(env, opts, with_pipelines=True)
    job = drift_job(selection)
    report, rows = _run(env, selection, job, opts)
    _table(env, job, rows, opts, "no drift between stages")
    _end(report)


@cli.command("stacks")
@fleet_options
@click.option(
    "--within",
    type=click.IntRange(min=0),
    default=365,
    show_default=True,
    metavar="DAYS",
    help="Also list stacks reaching end-of-life within DAYS.",
)
@pass_env
def stacks_cmd(env: Env, within: int, **opts: Any) -> None:
    """Apps on stacks past or near end-of-life, with the dates (a dated, sourced table; no request per app).

    Columns: APP, TEAM, STACK, STATUS (end-of-life, near end-of-life), END-OF-LIFE (date), DETAIL.
    """
    selection = _select(env, opts)
    job = stacks_job(selection, date.today(), near_days=within)
    report, rows = _run(env, selection, job, opts)
    _table(env, job, rows, opts, "no app is on a stack past or near end-of-life")
    _end(report)
