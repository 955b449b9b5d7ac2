"""Slugs: info (slugs are made by successful builds, see backend/builds.py)."""

from __future__ import annotations

from typing import Any

from hkctl.sandbox.backend.builds import present
from hkctl.sandbox.routing import ApiFault, Ctx, route


@route("GET", "/apps/{app}/slugs/{slug}")
def slugs_info(ctx: Ctx, app: str, slug: str) -> Any:
    record = ctx.app(app)
    found = ctx.store.get("slug", slug)
    if found is None or found.get("_app") != record["id"]:
        raise ApiFault(404, "not_found", "Couldn't find that slug.", resource="slug")
    return present(found, ctx.base_url)
