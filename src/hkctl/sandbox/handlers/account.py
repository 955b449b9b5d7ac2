"""Account, users and the rate-limit endpoint."""

from __future__ import annotations

from typing import Any

from hkctl.sandbox.handlers.apps import visible_apps
from hkctl.sandbox.routing import Ctx, not_found, route


def _user(ctx: Ctx, ident: str) -> dict[str, Any]:
    if ident in ("~", ctx.account.get("id"), ctx.account.get("email")):
        return ctx.account
    user = ctx.store.get("account", ident) or ctx.store.first("account", email=ident)
    if user is None:
        raise not_found("user")
    return user


@route("GET", "/account")
def account_info(ctx: Ctx) -> dict[str, Any]:
    return ctx.account


@route("GET", "/users/{user}")
def user_info(ctx: Ctx, user: str) -> dict[str, Any]:
    return _user(ctx, user)


@route("GET", "/account/rate-limits")
def rate_limits(ctx: Ctx) -> dict[str, Any]:
    return {"remaining": ctx.sandbox.ratelimits.remaining(ctx.token["id"], ctx.now())}


@route("GET", "/users/{user}/apps")
def user_apps(ctx: Ctx, user: str) -> Any:
    _user(ctx, user)
    return ctx.page(visible_apps(ctx), allowed=("id", "name", "updated_at"))
