"""Releases: list (Range on version or id), info by id / version / vN, create from a slug, roll back."""

from __future__ import annotations

from typing import Any

from hkctl.sandbox.backend.releases import create_release, find_release, rollback
from hkctl.sandbox.routing import ApiFault, Ctx, Reply, invalid, route


def _release(ctx: Ctx, app: dict[str, Any], ident: Any) -> dict[str, Any]:
    found = find_release(ctx.sandbox, app, ident)
    if found is None:
        raise ApiFault(404, "not_found", "Couldn't find that release.", resource="release")
    return found


@route("GET", "/apps/{app}/releases")
def releases_list(ctx: Ctx, app: str) -> Any:
    rows = ctx.store.all("release", parent=ctx.app(app)["id"])
    return ctx.page(rows, default_field="version", allowed=("id", "version"))


@route("GET", "/apps/{app}/releases/{release}")
def releases_info(ctx: Ctx, app: str, release: str) -> Any:
    return _release(ctx, ctx.app(app), release)


@route("POST", "/apps/{app}/releases")
def releases_create(ctx: Ctx, app: str) -> Any:
    """Rollback when the body names a `release`; Create when it names a `slug`."""
    record = ctx.app(app)
    body = ctx.json_body()
    if body.get("release") is not None:
        target = _release(ctx, record, body["release"])
        return Reply(rollback(ctx.sandbox, record, target, user=ctx.account), 201)
    slug_id = body.get("slug")
    if not isinstance(slug_id, str):
        raise invalid("Either release (to roll back) or slug (to release) is required.")
    slug = ctx.store.get("slug", slug_id)
    if slug is None or slug.get("_app") != record["id"]:
        raise ApiFault(404, "not_found", "Couldn't find that slug.", resource="slug")
    commit = slug.get("commit")
    description = body.get("description") or (f"Deploy {commit[:7]}" if commit else "Deploy")
    return Reply(
        create_release(ctx.sandbox, record, description=description, user=ctx.account, slug_id=slug_id), 201
    )
