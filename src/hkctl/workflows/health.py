"""Health dashboard of an app or a pipeline: every read at once, then the checks that decide exit 0 or 1.

The spec's health.sh makes six requests one after another; here the reads (app, formation, dynos,
releases, add-ons, domains, a short log session) run concurrently on a bounded thread pool over the
same client (httpx.Client is safe to share between threads), so the dashboard costs about one round
trip. The checks are pure functions over the answers, so tests can feed them any state.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hkctl.errors import HkctlError
from hkctl.logs.parse import parse_line
from hkctl.resources import addons, apps, domains, dynos, formation, log_sessions, pipelines, releases

if TYPE_CHECKING:
    from hkctl.resources.addons import Addon
    from hkctl.resources.apps import App
    from hkctl.resources.domains import Domain
    from hkctl.resources.dynos import Dyno
    from hkctl.resources.formation import Formation
    from hkctl.resources.pipelines import Pipeline
    from hkctl.resources.releases import Release
    from hkctl.transport.client import HerokuClient

MAX_WORKERS = 8
RECENT_RELEASES = 5
LOG_LINES = 500
#: Codes that fail the check: the app is down, requests time out, or dynos run out of memory.
FAILING_CODES = ("H10", "H12", "R14", "R15")
#: Client-side (H27/H28) or informational (H80–H83) codes: not the app's fault, not worth a warning.
BENIGN_CODES = ("H27", "H28", "H80", "H81", "H82", "H83")
STAGE_ORDER = ("test", "review", "development", "staging", "production")


@dataclass
class LogSummary:
    """What a short log session says about the router and the dynos."""

    lines: int = 0
    requests: int = 0
    server_errors: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None

    @property
    def error_rate(self) -> float:
        """5xx answers / router requests, 0.0–1.0 (0.0 when there were no requests)."""
        return self.server_errors / self.requests if self.requests else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "requests": self.requests,
            "5xx": self.server_errors,
            "5xx_rate": round(self.error_rate, 4),
            "codes": dict(sorted(self.codes.items())),
            "from": self.first,
            "to": self.last,
        }


def summarize_logs(lines: Iterable[str], *, since: str | None = None) -> LogSummary:
    """Count router requests, 5xx answers and H/R/L codes (only lines at or after `since`, ISO time)."""
    out = LogSummary()
    for line in lines:
        rec = parse_line(line)
        if since and rec.timestamp and rec.timestamp < since:
            continue
        out.lines += 1
        if rec.timestamp:
            out.first = out.first or rec.timestamp
            out.last = rec.timestamp
        if rec.router is not None:
            out.requests += 1
            status = rec.router.get("status")
            if isinstance(status, int) and status >= 500:
                out.server_errors += 1
        if rec.code:
            out.codes[rec.code] += 1
    return out


@dataclass
class AppHealth:
    """Everything the dashboard shows for one app, and the verdict.

    The sections hold the typed records of `resources/` (newest release first); `to_json()` is
    where they become the API's JSON again.
    """

    app: str
    stage: str | None = None
    info: App | None = None
    formation: list[Formation] = field(default_factory=list)
    dynos: list[Dyno] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    addons: list[Addon] = field(default_factory=list)
    domains: list[Domain] = field(default_factory=list)
    logs: LogSummary | None = None
    errors: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """True when no problem was found (warnings do not count)."""
        return not self.problems

    @property
    def latest_release(self) -> Release | None:
        """The newest Release record (releases are kept newest first), None when there is none."""
        return self.releases[0] if self.releases else None

    @property
    def maintenance(self) -> bool:
        """True when the app record says maintenance mode is on (False when it was not read)."""
        return bool(self.info and self.info.maintenance)

    def to_json(self) -> dict[str, Any]:
        info = self.info
        latest = self.latest_release
        out: dict[str, Any] = {
            "app": self.app,
            "healthy": self.healthy,
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "info": {
                "name": info.name if info else self.app,
                "region": info.region if info else None,
                "stack": info.stack if info else None,
                "maintenance": info.maintenance if info else None,
                "updated_at": info.updated_at if info else None,
            },
            "formation": [f.to_json() for f in self.formation],
            "dynos": [d.to_json() for d in self.dynos],
            "latest_release": latest.to_json() if latest else None,
            "releases": [r.to_json() for r in self.releases],
            "addons": [a.to_json() for a in self.addons],
            "domains": [d.to_json() for d in self.domains],
            "router": self.logs.to_json() if self.logs else None,
        }
        if self.stage:
            out = {"stage": self.stage, **out}
        if self.errors:
            out["errors"] = dict(self.errors)
        return out


# ---------------------------------------------------------------------------- reads
def _app(client: HerokuClient, app: str) -> App:
    return apps.info(client, app)


def _formation(client: HerokuClient, app: str) -> list[Formation]:
    return list(formation.list_(client, app))


def _dynos(client: HerokuClient, app: str) -> list[Dyno]:
    return list(dynos.list_(client, app))


def _releases(client: HerokuClient, app: str) -> list[Release]:
    return list(releases.list_(client, app, max_items=RECENT_RELEASES))


def _addons(client: HerokuClient, app: str) -> list[Addon]:
    return list(addons.list_(client, app))


def _domains(client: HerokuClient, app: str) -> list[Domain]:
    return list(domains.list_(client, app))


def _logs(client: HerokuClient, app: str) -> LogSummary:
    return summarize_logs(log_sessions.read(client, app, lines=LOG_LINES))


#: Submitted in this order; the log read goes first because it is two requests long (session, stream).
FETCHERS: dict[str, Callable[[HerokuClient, str], Any]] = {
    "logs": _logs,
    "info": _app,
    "formation": _formation,
    "dynos": _dynos,
    "releases": _releases,
    "addons": _addons,
    "domains": _domains,
}


def prime(client: HerokuClient) -> None:
    """Build the HTTP client and read the token before threads share them (the readers' modules are
    imported with this one, so no thread imports a module: CPython 3.11 can fail parsing modules in two
    threads at once, e.g. under an import hook that rewrites them)."""
    _ = client.token
    _ = client.http


def gather(
    client: HerokuClient,
    apps: Sequence[tuple[str, str | None]],
    *,
    sections: Iterable[str] = tuple(FETCHERS),
    max_workers: int = MAX_WORKERS,
) -> list[AppHealth]:
    """Read every section of every (app, stage) concurrently; a failed section is recorded, not fatal.

    Sections: GET /apps/{app} (info), /formation, /dynos, /releases (newest RECENT_RELEASES), /addons,
    /domains, and POST /apps/{app}/log-sessions (last LOG_LINES lines). A failed info read is re-raised
    (NotFound: no such app; Forbidden: no access); the others land in `AppHealth.errors`.
    """
    prime(client)
    results = [AppHealth(app, stage) for app, stage in apps]
    futures: list[tuple[AppHealth, str, Future[Any]]] = []
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="health") as pool:
        for h in results:
            for name in sections:
                futures.append((h, name, pool.submit(FETCHERS[name], client, h.app)))
        for h, name, fut in futures:
            try:
                setattr(h, name, fut.result())
            except HkctlError as exc:
                if name == "info":
                    raise  # no such app, no access: nothing else to show
                h.errors[name] = str(exc)
    for h in results:
        evaluate(h)
    return results


def check_app(client: HerokuClient, app: str, **kw: Any) -> AppHealth:
    """Health of one app: the reads of `gather` (GET /apps/{app} and its sections); NotFound when the app
    does not exist."""
    return gather(client, [(app, None)], **kw)[0]


def check_pipeline(client: HerokuClient, pipeline: str, **kw: Any) -> tuple[Pipeline, list[AppHealth]]:
    """Health of every app of a pipeline, ordered by stage (staging before production).

    Apps are addressed by id (the couplings carry ids, and /apps/{id} accepts one), so the stage
    apps cost no extra name look-ups: GET /pipelines/{pipeline}, GET /pipelines/{id}/pipeline-couplings,
    then one concurrent round of `gather`. Returns (the Pipeline, its apps' health); NotFound when the
    pipeline does not exist.
    """
    p = pipelines.info(client, pipeline)
    couplings = pipelines.couplings(client, p.id)
    apps = sorted(
        ((c.app_id, c.stage) for c in couplings),
        key=lambda a: STAGE_ORDER.index(a[1]) if a[1] in STAGE_ORDER else 99,
    )
    results = gather(client, apps, **kw)
    for h in results:
        h.app = h.info.name if h.info else h.app
    results.sort(key=lambda h: (STAGE_ORDER.index(h.stage) if h.stage in STAGE_ORDER else 99, h.app))
    return p, results


# ---------------------------------------------------------------------------- checks
def evaluate(h: AppHealth) -> None:
    """Fill `problems` (fail the check) and `warnings` from what was read."""
    h.problems.clear()
    h.warnings.clear()
    if h.maintenance:
        h.problems.append("maintenance mode is on")
    crashed = [d.name for d in h.dynos if d.state == "crashed"]
    if crashed:
        h.problems.append(f"crashed dynos: {', '.join(crashed)}")
    wanted = {f.type: f.quantity for f in h.formation}
    if "dynos" not in h.errors and h.formation:
        for ptype, qty in sorted(wanted.items()):
            up = sum(1 for d in h.dynos if d.type == ptype and d.state == "up")
            if qty and up < qty and not any(d.type == ptype and d.state == "crashed" for d in h.dynos):
                h.warnings.append(f"{ptype}: {up} of {qty} dynos up")
        if wanted.get("web") == 0:
            h.warnings.append("web is scaled to 0 (requests get H14)")
    latest = h.latest_release
    if latest:
        if latest.status == "failed":
            h.problems.append(f"latest release v{latest.version} failed: {latest.description}")
        elif latest.status == "pending":
            h.warnings.append(f"latest release v{latest.version} is still pending")
    for a in h.addons:
        if a.state != "provisioned":
            h.problems.append(f"add-on {a.name or a.plan} is {a.state}, not provisioned")
    for d in h.domains:
        if d.kind == "custom" and d.status not in (None, "succeeded", "ok"):
            h.warnings.append(f"domain {d.hostname} is {d.status}")
    if h.logs:
        seen = [c for c in FAILING_CODES if h.logs.codes.get(c)]
        if seen:
            counts = ", ".join(f"{c}×{h.logs.codes[c]}" for c in seen)
            h.problems.append(f"error codes in the recent log: {counts}")
        others = sorted(c for c in h.logs.codes if c not in FAILING_CODES + BENIGN_CODES and c[:1] in "HR")
        if others:
            h.warnings.append(
                "other codes in the recent log: " + ", ".join(f"{c}×{h.logs.codes[c]}" for c in others)
            )
        if h.logs.requests and h.logs.error_rate >= 0.05:
            h.warnings.append(
                f"router 5xx rate {h.logs.error_rate:.1%} ({h.logs.server_errors} of {h.logs.requests})"
            )
    for name, err in h.errors.items():
        h.warnings.append(f"could not read {name}: {err}")


def watch(
    run: Callable[[], list[AppHealth]],
    show: Callable[[list[AppHealth]], None],
    *,
    interval: float,
    count: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[AppHealth]:
    """Re-run the dashboard every `interval` seconds (until interrupted, or `count` times)."""
    n = 0
    last: list[AppHealth] = []
    try:
        while count is None or n < count:
            last = run()
            show(last)
            n += 1
            if count is None or n < count:
                sleep(interval)
    except KeyboardInterrupt:
        pass
    return last
