"""The control API under /__sandbox__/: reset, seed, faults, clock, request log. Needs no token."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.clock import iso
from hkctl.sandbox.routing import ApiFault, Ctx, route

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox


MAX_ADVANCE = 100 * 365 * 86400  # seconds


def _body(ctx: Ctx) -> dict[str, Any]:
    return ctx.body if isinstance(ctx.body, dict) else {}


def reset_state(sb: Sandbox, scenario: str | Mapping[str, Any] | None = "demo") -> dict[str, Any]:
    """Empty the store, rate limits, faults and request log, then seed `scenario` (a name or a document)."""
    from hkctl.sandbox import scenario as data
    from hkctl.sandbox.seed import seed

    doc = data.load(scenario) if isinstance(scenario, Mapping) else None
    with sb.store.tx():  # a scenario Heroku would refuse leaves the old state as it was
        sb.store.reset()  # and its counters: a seeded sandbox hands out the ids of a fresh one
        if doc is None:
            seeded = seed(sb, scenario if isinstance(scenario, str) else None)
        else:
            seeded = {**seed(sb, doc.get("base", "empty")), **data.apply(sb, doc)}
    sb.request_ids = sb.ids.stream("request")
    sb.ratelimits.reset()
    sb.faults.configure(rate=0.0, every=0, latency_ms=0, routes=())
    sb.requests.clear()
    return seeded


@route("POST", "/__sandbox__/reset")
def reset(ctx: Ctx) -> Any:
    """Body: {"seed": "demo"} (a named scenario) or {"scenario": {...}} (a document, see scenario.py)."""
    from hkctl.sandbox.scenario import ScenarioError

    body = _body(ctx)
    try:
        return reset_state(ctx.sandbox, body["scenario"] if "scenario" in body else body.get("seed", "demo"))
    except ScenarioError as exc:
        raise ApiFault(422, "invalid_params", str(exc)) from exc


@route("POST", "/__sandbox__/scenario")
def scenario_apply(ctx: Ctx) -> Any:
    """Seed a scenario document (apps, pipelines, ...) on top of the current state; 422 names what is wrong."""
    from hkctl.sandbox import scenario as data

    try:
        return data.apply(ctx.sandbox, data.load(_body(ctx)))
    except data.ScenarioError as exc:
        raise ApiFault(422, "invalid_params", str(exc)) from exc


@route("POST", "/__sandbox__/seed/{scenario}")
def seed_scenario(ctx: Ctx, scenario: str) -> Any:
    from hkctl.sandbox.seed import seed

    return seed(ctx.sandbox, scenario)


@route("GET", "/__sandbox__/faults")
def faults_info(ctx: Ctx) -> Any:
    f = ctx.sandbox.faults
    return {
        "latency_ms": f.latency_ms,
        "rate": f.rate,
        "statuses": list(f.statuses),
        "every": f.every,
        "phase": f.phase,
        "seed": f.seed,
        "routes": list(f.routes),
    }


@route("PUT", "/__sandbox__/faults")
def faults_set(ctx: Ctx) -> Any:
    allowed = {"latency_ms", "rate", "statuses", "every", "phase", "seed", "routes"}
    body = _body(ctx)
    unknown = set(body) - allowed
    if unknown:
        raise ApiFault(422, "invalid_params", f"unknown fault settings: {sorted(unknown)}")
    from hkctl.sandbox.faults import FaultSettingError, validate

    try:
        settings = validate(body)
    except (
        FaultSettingError
    ) as exc:  # checked before anything changes: a bad setting leaves faults as they were
        raise ApiFault(422, "invalid_params", str(exc)) from exc
    ctx.sandbox.faults.configure(**settings)
    return faults_info(ctx)


@route("DELETE", "/__sandbox__/faults")
def faults_clear(ctx: Ctx) -> Any:
    ctx.sandbox.faults.configure(rate=0.0, every=0, latency_ms=0, routes=(), statuses=(503,), phase="before")
    return faults_info(ctx)


@route("GET", "/__sandbox__/scenarios")
def scenarios(ctx: Ctx) -> Any:
    from hkctl.sandbox.seed import SCENARIOS

    return sorted(SCENARIOS)


def _clock_info(ctx: Ctx) -> dict[str, Any]:
    clock, due = ctx.sandbox.clock, ctx.sandbox.store.next_due()
    return {
        "now": clock.now(),
        "iso": iso(clock.now()),
        "manual": clock.manual,
        "next_due_in": None if due is None else max(0.0, due - clock.now()),
    }


@route("GET", "/__sandbox__/clock")
def clock_info(ctx: Ctx) -> Any:
    return _clock_info(ctx)


def advance_clock(sb: Sandbox, seconds: float) -> int:
    """Move sandbox time forward and run every lifecycle step that became due, in due order; the count."""
    ran = 0
    # Step through due times so that a task scheduled by another task in the window also runs.
    target = sb.clock.now() + seconds
    while True:
        due = sb.store.next_due()
        if due is None or due > target:
            break
        if due > sb.clock.now():
            sb.clock.advance(due - sb.clock.now())
        ran += sb.run_due()
    sb.clock.advance(max(0.0, target - sb.clock.now()))
    return ran + sb.run_due()


@route("POST", "/__sandbox__/clock/advance")
def clock_advance(ctx: Ctx) -> Any:
    """Move sandbox time forward and run every lifecycle step that became due (in due order)."""
    raw = _body(ctx).get("seconds", 0)
    try:
        seconds = float(raw) if not isinstance(raw, bool) else float("nan")
    except (TypeError, ValueError) as exc:
        raise ApiFault(422, "invalid_params", "seconds must be a number") from exc
    if not math.isfinite(seconds):
        raise ApiFault(422, "invalid_params", "seconds must be a finite number")
    if seconds < 0:
        raise ApiFault(422, "invalid_params", "the clock only moves forward")
    if seconds > MAX_ADVANCE:  # timestamps must stay printable (years up to 9999)
        raise ApiFault(422, "invalid_params", f"seconds must be at most {MAX_ADVANCE} (about 100 years)")
    ran = advance_clock(ctx.sandbox, seconds)
    return {**_clock_info(ctx), "ran": ran}


@route("POST", "/__sandbox__/tick")
def tick(ctx: Ctx) -> Any:
    return {"ran": ctx.sandbox.run_due()}


#: Sandbox paths that stand in for the platform's own hosts (log streams, build output, uploads,
#: downloads, slugs): logged like API requests. The rest of /__sandbox__/ is the control API.
_DATA_PLANE = (
    "/__sandbox__/logplex/",
    "/__sandbox__/builds/",
    "/__sandbox__/sources/",
    "/__sandbox__/backups/",
    "/__sandbox__/slugs/",
)


def is_control(entry: dict[str, Any]) -> bool:
    """True for a control-API call (reset, faults, clock, this log): the only requests the log leaves out."""
    if entry.get("host") == "storage":
        return False
    path = str(entry.get("path", ""))
    if not path.startswith("/__sandbox__/"):
        return False
    return not (
        entry.get("method") in ("GET", "PUT")
        and path.startswith(_DATA_PLANE)
        and not path.endswith(("/fault", "/drop"))
    )


@route("GET", "/__sandbox__/requests")
def request_log(ctx: Ctx) -> Any:
    """Every request the sandbox served but the control API's own, oldest first: API calls, log
    streams and build output, and the simulated object store's requests (`"host": "storage"`, with
    the headers it received).

    Filters: `?since=N` (entries after seq N), `?method=PATCH`, `?path=config-vars` (substring),
    `?status=4xx` or `?status=429`.
    """
    q = ctx.query
    since = int(q.get("since", "0") or 0)
    out = []
    for r in list(ctx.sandbox.requests):
        if is_control(r) or r.get("seq", 0) <= since:
            continue
        if "method" in q and r["method"] != q["method"].upper():
            continue
        if "path" in q and q["path"] not in r["path"]:
            continue
        status = str(r.get("status", ""))
        if "status" in q and not (
            status == q["status"] or (q["status"].endswith("xx") and status[:1] == q["status"][:1])
        ):
            continue
        out.append(r)
    return out


@route("DELETE", "/__sandbox__/requests")
def request_log_clear(ctx: Ctx) -> Any:
    ctx.sandbox.requests.clear()
    return {"cleared": True}


@route("PUT", "/__sandbox__/rate-limit")
def rate_limit_set(ctx: Ctx) -> Any:
    body = _body(ctx)
    token = ctx.sandbox.token_for(str(body.get("token", "")))
    if token is None:
        raise ApiFault(404, "not_found", "unknown token")
    remaining = body.get("remaining", 0)
    if isinstance(remaining, bool) or not isinstance(remaining, int) or not 0 <= remaining <= 1_000_000:
        raise ApiFault(422, "invalid_params", "remaining must be an integer from 0 to 1000000")
    ctx.sandbox.ratelimits.set(token["id"], remaining, ctx.now())
    return {"remaining": remaining}


@route("GET", "/__sandbox__/redirect")
def redirect(ctx: Ctx) -> Any:
    """302 to `?to=URL`: lets tests check that the client never follows a redirect off the allowlist."""
    from starlette.responses import Response

    target = ctx.query.get("to", "")
    if not target:
        raise ApiFault(422, "invalid_params", "give ?to=URL")
    return Response(status_code=302, headers={"Location": target})
