"""Dynos: list, info, one-off create, restart (all / type / one), stop (type / one), and their lifecycles."""

from __future__ import annotations

import re
from typing import Any

from hkctl.sandbox.backend import dynos as rt
from hkctl.sandbox.backend import runs
from hkctl.sandbox.routing import ApiFault, Ctx, Reply, invalid, route, task

_ENV_KEY = re.compile(r"^\w+$")


def _dyno(ctx: Ctx, app: dict[str, Any], ident: str) -> dict[str, Any]:
    found = rt.find_dyno(ctx.sandbox, app, ident)
    if found is None:
        raise ApiFault(404, "not_found", "Couldn't find that dyno.", resource="dyno")
    return found


def _type(ctx: Ctx, app: dict[str, Any], ptype: str) -> dict[str, Any]:
    found = rt.find_formation(ctx.sandbox, app, ptype)
    if found is None:
        raise ApiFault(404, "not_found", f"Couldn't find that process type ({ptype}).", resource="formation")
    return found


def _event(ctx: Ctx, app: dict[str, Any], action: str, dyno: dict[str, Any]) -> None:
    ctx.publish("dyno", action, {"id": dyno["id"], "name": dyno["name"], "type": dyno["type"]}, app)


@route("GET", "/apps/{app}/dynos")
def dynos_list(ctx: Ctx, app: str) -> Any:
    return ctx.page(rt.dynos(ctx.sandbox, ctx.app(app)))


@route("GET", "/apps/{app}/dynos/{dyno}")
def dynos_info(ctx: Ctx, app: str, dyno: str) -> Any:
    return _dyno(ctx, ctx.app(app), dyno)


@route("POST", "/apps/{app}/dynos")
def dynos_create(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    body = ctx.json_body()
    command = body.get("command")
    if not isinstance(command, str) or not command.strip():
        raise invalid("command is required.")
    env = body.get("env") or {}
    if not isinstance(env, dict) or not all(
        _ENV_KEY.match(str(k)) and isinstance(v, str) for k, v in env.items()
    ):
        raise invalid("env must be an object of string values with keys like FOO_BAR.")
    ptype = body.get("type") or "run"
    if not isinstance(ptype, str) or not re.match(r"^[-\w]{1,128}$", ptype):
        raise invalid(f"Invalid process type: {ptype!r}.")
    size = rt.canonical_size(body["size"]) if body.get("size") else "Standard-1X"
    if body.get("size"):
        rt.check_size_for_app(record, size)
    dyno = runs.create_run(
        ctx.sandbox,
        record,
        command=command,
        size=size,
        ptype=ptype,
        env={str(k): v for k, v in env.items()},
        ttl=body.get("time_to_live"),
        attach=bool(body.get("attach", True)),
        user=ctx.account,
    )
    _event(ctx, record, "create", dyno)
    return Reply(dyno, 201)


@route("DELETE", "/apps/{app}/dynos")
def dynos_restart_all(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    for dyno in rt.dynos(ctx.sandbox, record):
        if not dyno.get("_one_off"):
            rt.cycle(ctx.sandbox, record, dyno)
    return Reply({}, 202)


@route("DELETE", "/apps/{app}/dynos/{dyno}")
def dynos_restart(ctx: Ctx, app: str, dyno: str) -> Any:
    record = ctx.app(app)
    found = _dyno(ctx, record, dyno)
    if found.get("_one_off"):
        rt.stop(ctx.sandbox, record, found)  # restarting a one-off ends it, as on Heroku
    else:
        rt.cycle(ctx.sandbox, record, found)
    _event(ctx, record, "restart", found)
    return Reply({}, 202)


@route("DELETE", "/apps/{app}/formations/{type}")
def dynos_restart_type(ctx: Ctx, app: str, type: str) -> Any:
    record = ctx.app(app)
    _type(ctx, record, type)
    for dyno in rt.dynos(ctx.sandbox, record, type):
        rt.cycle(ctx.sandbox, record, dyno)
    return Reply({}, 202)


@route("POST", "/apps/{app}/dynos/{dyno}/actions/stop")
def dynos_stop(ctx: Ctx, app: str, dyno: str) -> Any:
    record = ctx.app(app)
    if rt.find_dyno(ctx.sandbox, record, dyno) is None and "." not in dyno:
        # a process type in the dyno's place (`heroku ps:stop worker`, the CLI's older form): all of them
        _type(ctx, record, dyno)
        for each in rt.dynos(ctx.sandbox, record, dyno):
            rt.stop(ctx.sandbox, record, each)
            _event(ctx, record, "stop", each)
        return Reply({}, 202)
    found = _dyno(ctx, record, dyno)
    rt.stop(ctx.sandbox, record, found)
    _event(ctx, record, "stop", found)
    return Reply({}, 202)


@route("POST", "/apps/{app}/formations/{type}/actions/stop")
def dynos_stop_type(ctx: Ctx, app: str, type: str) -> Any:
    record = ctx.app(app)
    _type(ctx, record, type)
    for dyno in rt.dynos(ctx.sandbox, record, type):
        rt.stop(ctx.sandbox, record, dyno)
    return Reply({}, 202)


# Lifecycle tasks (registered here, once; the rules live in backend/dynos.py and backend/runs.py).
@task("dyno_up")
def _dyno_up(sb: Any, payload: dict[str, Any]) -> None:
    rt.mark_up(sb, payload)


@task("dyno_settle")
def _dyno_settle(sb: Any, payload: dict[str, Any]) -> None:
    rt.settle(sb, payload)


@task("run_up")
def _run_up(sb: Any, payload: dict[str, Any]) -> None:
    runs.run_up(sb, payload)


@task("run_end")
def _run_end(sb: Any, payload: dict[str, Any]) -> None:
    runs.run_end(sb, payload)
