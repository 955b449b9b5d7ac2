"""The fleet questions: list, find, health, cost, drift and stacks over a selection of apps.

Each question is a Job: the per-app reads it needs (the fewest that answer it: list-endpoint
fields cost nothing, add-ons come from one account-wide list), the list reads it adds, how one
app's answers become its row (None: filtered out), and how the rows are ordered. The CLI and the
MCP tools plan the budget from `len(job.apps) × job.per_app + job.fixed`, then run it with
workflows/fleet_run.py. Config values are never kept: drift and find read key names only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.resources import config_vars, domains, dynos, formation, log_sessions, releases
from hkctl.resources.addons import Addon
from hkctl.workflows.fleet_run import AppResult, Reader, RunReport
from hkctl.workflows.fleet_stacks import NEAR_DAYS, verdict
from hkctl.workflows.health import LOG_LINES, AppHealth, LogSummary, evaluate, summarize_logs

if TYPE_CHECKING:
    from hkctl.resources.domains import Domain
    from hkctl.resources.dynos import Dyno
    from hkctl.resources.formation import Formation
    from hkctl.resources.releases import Release
    from hkctl.transport.client import HerokuClient
    from hkctl.workflows.fleet_select import FleetApp, Selection

Row = dict[str, Any]


# ---------------------------------------------------------------------------- per-app reads
def read_formation(client: HerokuClient, app: FleetApp) -> list[Formation]:
    """The Formation records, one per process type (GET /apps/{app}/formation)."""
    return formation.list_(client, app.id)


def read_config_keys(client: HerokuClient, app: FleetApp) -> list[str]:
    """Config var names, sorted (GET /apps/{app}/config-vars): the values are dropped here (and were added
    to the redactor on the way)."""
    return sorted(config_vars.show(client, app.id))


def read_dynos(client: HerokuClient, app: FleetApp) -> list[Dyno]:
    """Every Dyno record (GET /apps/{app}/dynos)."""
    return dynos.list_(client, app.id)


def read_latest_release(client: HerokuClient, app: FleetApp) -> list[Release]:
    """The newest Release record, as a list of at most one (GET /apps/{app}/releases, Range max=1)."""
    return releases.list_(client, app.id, max_items=1)


def read_domains(client: HerokuClient, app: FleetApp) -> list[Domain]:
    """Every Domain record (GET /apps/{app}/domains)."""
    return list(domains.list_(client, app.id))


def read_logs(client: HerokuClient, app: FleetApp) -> LogSummary:
    """A LogSummary of the last 500 log lines (POST /apps/{app}/log-sessions, then the session's URL)."""
    return summarize_logs(log_sessions.read(client, app.id, lines=LOG_LINES))


def addons_by_app(client: HerokuClient) -> dict[str, list[Addon]]:
    """Every add-on of the account in one list read (GET /addons, Range max=1000), by app id."""
    out: dict[str, list[Addon]] = {}
    for item in client.paginate("/addons", action="addons_list_all"):
        a = Addon.from_api(item)
        out.setdefault(str(a.app_id), []).append(a)
    return out


# ---------------------------------------------------------------------------- the job
@dataclass
class Job:
    """One fleet question over `apps`: its reads, its budget and how its rows are made."""

    name: str
    apps: list[FleetApp]
    reads: dict[str, Reader]
    line: Callable[[AppResult], Row | None]
    columns: Sequence[tuple[str, str]]
    fixed: int = 0  # account-wide list reads run before the apps (after the budget is allowed)
    prepare: Callable[[HerokuClient], None] | None = None
    order: Callable[[Row], Any] = lambda r: r.get("app", "")
    finish: Callable[[RunReport, list[Row]], list[Row]] | None = None
    context: dict[str, Any] = field(default_factory=dict)
    #: The reads are independent: one app's reads are sent together (fleet_run.run), so up to
    #: concurrency × per_app requests are in flight. False: one after another, and `excluded`
    #: (called after each read) may skip the rest when what was read already rules the app out.
    together: bool = False
    excluded: Callable[[AppResult], bool] | None = None

    @property
    def per_app(self) -> int:
        """API requests per app: one per read (at most: `excluded` may skip some)."""
        return len(self.reads)

    def rows(self, report: RunReport) -> list[Row]:
        """Every app's row that was not filtered out, in the job's order (or the job's own rows)."""
        rows = [r for r in (self.line(res) for res in report.results) if r is not None]
        if self.finish is not None:
            return self.finish(report, rows)
        return sorted(rows, key=self.order)


def error_row(result: AppResult, **extra: Any) -> Row:
    """The row of an app whose reads failed: {app, team, **extra, error, status (HTTP, or None)}."""
    app = result.app
    return {"app": app.name, "team": app.team, **extra, "error": result.error, "status": result.status}


def formation_summary(formation: Sequence[Formation]) -> str:
    """`web 2×Standard-2X, worker 1×Standard-1X` (process types in name order)."""
    return ", ".join(f"{f.type} {f.quantity}×{f.size}" for f in sorted(formation, key=lambda f: f.type))


def _age(app: FleetApp, now: datetime) -> str:
    days = app.release_age_days(now)
    return "never" if days is None else f"{days}d"


# ---------------------------------------------------------------------------- list
def list_job(selection: Selection, now: datetime) -> Job:
    """Apps with region, stack, generation, formation summary, last release age, owner: 1 request per app."""

    def line(result: AppResult) -> Row:
        app = result.app
        if result.error:
            return error_row(result)
        return {
            "app": app.name,
            "team": app.team,
            "owner": app.owner,
            "region": app.region,
            "stack": app.stack,
            "generation": app.generation,
            "formation": formation_summary(result.data["formation"]),
            "released": _age(app, now),
            "released_at": app.released_at,
            "maintenance": app.maintenance,
        }

    columns = [("app", "app"), ("team", "team"), ("region", "region"), ("stack", "stack")]
    columns += [("generation", "generation"), ("formation", "formation"), ("released", "released")]
    columns += [("owner", "owner"), ("error", "error")]
    return Job("list", selection.apps, {"formation": read_formation}, line, columns, together=True)


# ---------------------------------------------------------------------------- find
_AGE = re.compile(r"^(\d+)\s*([dwmy]?)$")
_DAYS = {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}


def parse_age(text: str | None) -> int | None:
    """Days in `90d`, `12w`, `6m`, `1y` or a bare number; None when not given; UsageError otherwise."""
    if text is None:
        return None
    m = _AGE.match(text.strip().lower())
    if not m:
        raise UsageError(f"invalid age {text!r}: use days like 90d (or 12w, 6m, 1y)")
    return int(m.group(1)) * _DAYS[m.group(2)]


@dataclass(frozen=True)
class Filters:
    """`fleet find` criteria; all given ones must hold."""

    stack: str | None = None
    size: str | None = None
    addon: str | None = None
    no_release_days: int | None = None
    maintenance: bool | None = None
    config_key: str | None = None
    missing: bool = False

    def list_fields(self, app: FleetApp, now: datetime) -> bool:
        """The criteria the list endpoint answers (no request)."""
        if self.stack and app.stack != self.stack:
            return False
        if self.maintenance is not None and app.maintenance != self.maintenance:
            return False
        if self.no_release_days is not None:
            age = app.release_age_days(now)
            if age is not None and age < self.no_release_days:
                return False
        return True


def _addon_matches(addon: Addon, spec: str) -> bool:
    return spec in (addon.plan or "", addon.service or "")


def find_job(
    selection: Selection, filters: Filters, now: datetime, addons: dict[str, list[Addon]] | None = None
) -> Job:
    """Apps matching every filter; reads only what the filters need, for the apps still in the running.

    List-endpoint criteria (stack, maintenance, last release) and, when `addons` (by app id, from
    `addons_by_app`: one list read) is given, the add-on criterion narrow the apps first: only the
    ones left are read (formation for --size, config var names for --config-key), one read after
    another: an app whose formation has no process type of --size is not read for its config.
    """
    apps = [a for a in selection.apps if filters.list_fields(a, now)]
    if filters.addon:
        if addons is None:
            raise ValueError("find --addon needs the account's add-ons (addons_by_app)")
        apps = [a for a in apps if any(_addon_matches(x, filters.addon) for x in addons.get(a.id, []))]
    reads: dict[str, Reader] = {}
    if filters.size:
        reads["formation"] = read_formation
    if filters.config_key:
        reads["config"] = read_config_keys
    job = Job("find", apps, reads, lambda r: None, [])
    job.context["addons"] = addons or {}

    def sized(formation: Sequence[Formation]) -> list[str]:
        size = str(filters.size).lower()
        return [
            f"{f.type} {f.quantity}×{f.size}" for f in formation if str(f.size).lower() == size and f.quantity
        ]

    def excluded(result: AppResult) -> bool:
        """After the formation read: no process type of the size, so the config read is not sent."""
        return "formation" in result.data and not sized(result.data["formation"])

    def line(result: AppResult) -> Row | None:
        app = result.app
        if result.error:
            return error_row(result, stack=app.stack, released=_age(app, now), why="")
        why: list[str] = []
        if filters.stack:
            why.append(f"stack {app.stack}")
        if filters.maintenance is not None:
            why.append(f"maintenance {'on' if app.maintenance else 'off'}")
        if filters.no_release_days is not None:
            why.append(f"last release {_age(app, now)} ago")
        if filters.size:
            types = sized(result.data["formation"])
            if not types:
                return None
            why.append("; ".join(types))
        if filters.addon:
            found = [a for a in job.context["addons"].get(app.id, []) if _addon_matches(a, filters.addon)]
            if not found:
                return None
            why.append(", ".join(sorted(a.name for a in found)))
        if filters.config_key:
            has = filters.config_key in result.data["config"]
            if has == filters.missing:
                return None
            why.append(f"{filters.config_key} {'missing' if filters.missing else 'set'}")
        return {
            "app": app.name,
            "team": app.team,
            "stack": app.stack,
            "released": _age(app, now),
            "why": "; ".join(why),
            "error": None,
        }

    job.line, job.excluded = line, excluded
    job.columns = [
        ("app", "app"),
        ("team", "team"),
        ("stack", "stack"),
        ("released", "released"),
        ("why", "why"),
        ("error", "error"),
    ]
    return job


# ---------------------------------------------------------------------------- health
def health_job(selection: Selection) -> Job:
    """The checks of `hkctl health` per app; the unhealthy first, with the reason.

    The app record and its add-ons come from the list reads; per app: a short log session, formation,
    dynos, the latest release and domains (5 API requests, plus the log stream, which is not one),
    sent together as `hkctl health APP` sends its reads; the log read first, as it is two requests long.
    """
    reads: dict[str, Reader] = {
        "logs": read_logs,
        "formation": read_formation,
        "dynos": read_dynos,
        "releases": read_latest_release,
        "domains": read_domains,
    }
    job = Job("health", selection.apps, reads, lambda r: None, [], fixed=1, together=True)

    def prepare(client: HerokuClient) -> None:
        job.context["addons"] = addons_by_app(client)

    def line(result: AppResult) -> Row:
        app = result.app
        if result.error:
            return error_row(result, verdict="unknown", reasons=result.error)
        h = AppHealth(app.name, info=app.record)
        for name, value in result.data.items():
            setattr(h, name, value)
        h.addons = job.context["addons"].get(app.id, [])
        evaluate(h)
        verdict = "unhealthy" if h.problems else ("warning" if h.warnings else "healthy")
        return {
            "app": app.name,
            "team": app.team,
            "verdict": verdict,
            "reasons": "; ".join(h.problems + h.warnings),
            "problems": list(h.problems),
            "warnings": list(h.warnings),
            "error": None,
        }

    rank = {"unhealthy": 0, "unknown": 1, "warning": 2, "healthy": 3}
    job.prepare, job.line = prepare, line
    job.order = lambda r: (rank.get(r["verdict"], 9), r["app"])
    job.columns = [("app", "app"), ("team", "team"), ("verdict", "verdict"), ("reasons", "reasons")]
    return job


# ---------------------------------------------------------------------------- stacks
def stacks_job(selection: Selection, today: date, *, near_days: int | None = None) -> Job:
    """Apps on stacks past or near end-of-life (no per-app request: the list carries the stack)."""

    def line(result: AppResult) -> Row | None:
        app = result.app
        v = verdict(app.stack, today, near_days=NEAR_DAYS if near_days is None else near_days)
        if not v.flagged:
            return None
        return {
            "app": app.name,
            "team": app.team,
            "stack": app.stack,
            "status": v.status,
            "end_of_life": v.end_of_life.isoformat() if v.end_of_life else None,
            "days": v.days,
            "detail": v.describe(),
        }

    job = Job("stacks", selection.apps, {}, line, [])
    job.order = lambda r: (r["end_of_life"] or "9999", r["app"])
    job.columns = [
        ("app", "app"),
        ("team", "team"),
        ("stack", "stack"),
        ("status", "status"),
        ("end-of-life", "end_of_life"),
        ("detail", "detail"),
    ]
    return job
