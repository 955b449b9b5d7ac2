"""Formation: list, info, batch update and update (sizes case-insensitive, quantity may be a string)."""

from __future__ import annotations

import re
from typing import Any

from hkctl.sandbox.backend import dynos as rt
from hkctl.sandbox.routing import ApiFault, Ctx, invalid, route

TYPE = re.compile(r"^[-\w]{1,128}$")


def _find(ctx: Ctx, app: dict[str, Any], ident: Any) -> dict[str, Any]:
    if not isinstance(ident, str) or not TYPE.match(ident):
        raise invalid(f"Invalid process type: {ident!r}.")
    found = rt.find_formation(ctx.sandbox, app, ident)
    if found is None:
        raise invalid(f"Couldn't find that process type ({ident}).")
    return found


def _size(update: dict[str, Any]) -> str | None:
    # `dyno_size` ({"name"}/{"id"} per the schema, or a plain string), or the deprecated `size`.
    value = update.get("dyno_size", update.get("size"))
    return None if value is None else rt.canonical_size(value)


def _quantity(update: dict[str, Any]) -> int | None:
    return None if update.get("quantity") is None else rt.parse_quantity(update["quantity"])


@route("GET", "/apps/{app}/formation")
def formation_list(ctx: Ctx, app: str) -> Any:
    return ctx.page(rt.formations(ctx.sandbox, ctx.app(app)))


@route("GET", "/apps/{app}/formation/{type}")
def formation_info(ctx: Ctx, app: str, type: str) -> Any:
    record = ctx.app(app)
    found = rt.find_formation(ctx.sandbox, record, type)
    if found is None:
        raise ApiFault(404, "not_found", "Couldn't find that formation.", resource="formation")
    return found


@route("PATCH", "/apps/{app}/formation")
def formation_batch_update(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    updates = ctx.json_body().get("updates")
    if not isinstance(updates, list) or not updates or not all(isinstance(u, dict) for u in updates):
        raise invalid("updates must be a non-empty array of {type, quantity, dyno_size}.")
    # Validate every update before changing anything, so a bad one leaves the formation as it was.
    planned = [(_find(ctx, record, u.get("type")), _quantity(u), _size(u)) for u in updates]
    changed = [rt.scale(ctx.sandbox, record, f, quantity=q, size=s) for f, q, s in planned]
    _announce(ctx, record, changed)
    return changed


@route("PATCH", "/apps/{app}/formation/{type}")
def formation_update(ctx: Ctx, app: str, type: str) -> Any:
    record = ctx.app(app)
    body = ctx.json_body()
    found = _find(ctx, record, type)
    changed = rt.scale(ctx.sandbox, record, found, quantity=_quantity(body), size=_size(body))
    _announce(ctx, record, [changed])
    return changed


def _announce(ctx: Ctx, app: dict[str, Any], changed: list[dict[str, Any]]) -> None:
    rt.scaled_line(ctx.sandbox, app, ctx.account)
    for f in changed:
        ctx.publish(
            "formation",
            "update",
            {"id": f["id"], "type": f["type"], "quantity": f["quantity"], "size": f["size"]},
            app,
        )
