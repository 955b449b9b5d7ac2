"""Config vars: read, and PATCH that merges, deletes on null, and makes a release."""

from __future__ import annotations

import re
from typing import Any

from hkctl.sandbox.backend.releases import create_release
from hkctl.sandbox.routing import Ctx, invalid, not_found, route

KEY = re.compile(r"^\w+$")


def describe_change(set_keys: list[str], unset_keys: list[str]) -> str:
    """Heroku's release description for a config change."""
    parts = []
    if set_keys:
        parts.append(f"Set {', '.join(set_keys)} config vars")
    if unset_keys:
        parts.append(f"Remove {', '.join(unset_keys)} config vars")
    return " and ".join(parts) or "Set config vars"


def apply_config(
    ctx: Ctx, app: dict[str, Any], changes: dict[str, Any], description: str | None = None
) -> dict[str, str]:
    """Merge `changes` into the app's config (None deletes) and make a release when anything changed."""
    config = dict(app.get("_config", {}))
    set_keys, unset_keys = [], []
    for key, value in changes.items():
        if value is None:
            if key in config:
                del config[key]
                unset_keys.append(key)
        elif config.get(key) != value:
            config[key] = value
            set_keys.append(key)
    if set_keys or unset_keys:
        app["_config"] = config
        ctx.store.put("app", app)
        create_release(
            ctx.sandbox,
            app,
            description=description or describe_change(set_keys, unset_keys),
            user=ctx.account,
        )
    return config


@route("GET", "/apps/{app}/config-vars")
def config_show(ctx: Ctx, app: str) -> Any:
    return ctx.app(app).get("_config", {})


@route("PATCH", "/apps/{app}/config-vars")
def config_update(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    body = ctx.json_body()
    for key, value in body.items():
        if not KEY.match(key):
            raise invalid(f"Invalid config var name: {key}.")
        if value is not None and not isinstance(value, str):
            raise invalid(f"Config var {key} must be a string or null.")
    return apply_config(ctx, record, body)


@route("GET", "/apps/{app}/releases/{release}/config-vars")
def config_for_release(ctx: Ctx, app: str, release: str) -> Any:
    record = ctx.app(app)
    for r in ctx.store.all("release", parent=record["id"]):
        if release in (r["id"], str(r["version"]), f"v{r['version']}"):
            return r.get("_config", {})
    raise not_found("release")
