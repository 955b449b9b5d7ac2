"""Buildpack installations: the app's buildpacks in order (`heroku buildpacks`, `buildpacks:set/add`).

An app with none set explicitly shows the buildpack its latest successful build detected, as the
platform records it after the first build; PUT replaces the list (the schema's `updates`).
"""

from __future__ import annotations

from typing import Any

from hkctl.sandbox.routing import Ctx, invalid, route


def installations(ctx: Ctx, app: dict[str, Any]) -> list[dict[str, Any]]:
    packs = app.get("_buildpacks")
    if packs is None:
        builds = [b for b in ctx.store.all("build", parent=app["id"]) if b.get("status") == "succeeded"]
        packs = (builds[-1].get("buildpacks") or []) if builds else []
    return [
        {
            "ordinal": i,
            "buildpack": {"url": p.get("url") or p.get("name"), "name": p.get("name") or p.get("url")},
        }
        for i, p in enumerate(packs)
    ]


@route("GET", "/apps/{app}/buildpack-installations")
def buildpacks_list(ctx: Ctx, app: str) -> Any:
    return installations(ctx, ctx.app(app))


@route("PUT", "/apps/{app}/buildpack-installations")
def buildpacks_update(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    updates = ctx.json_body().get("updates")
    if not isinstance(updates, list) or not all(
        isinstance(u, dict) and isinstance(u.get("buildpack"), str) and u["buildpack"].strip()
        for u in updates
    ):
        raise invalid("updates must be an array of {buildpack: name, url or urn}.")
    record["_buildpacks"] = [{"url": u["buildpack"], "name": u["buildpack"]} for u in updates]
    ctx.store.put("app", record)
    return installations(ctx, record)
