"""Log drains: list, add (token `d.<uuid>`), info and remove by id, URL or token."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from hkctl.sandbox.backend.apps import app_ref
from hkctl.sandbox.routing import Ctx, Reply, invalid, not_found, route

SCHEMES = ("syslog", "syslog+tls", "https", "http")


def _drain(ctx: Ctx, app: dict[str, Any], ident: str) -> dict[str, Any]:
    ident = unquote(ident)
    for d in ctx.store.all("log-drain", parent=app["id"]):
        if ident in (d["id"], d["url"], d["token"]):
            return d
    raise not_found("log drain")


@route("GET", "/apps/{app}/log-drains")
def drains_list(ctx: Ctx, app: str) -> Any:
    return ctx.page(ctx.store.all("log-drain", parent=ctx.app(app)["id"]))


@route("GET", "/apps/{app}/log-drains/{drain}")
def drains_info(ctx: Ctx, app: str, drain: str) -> Any:
    return _drain(ctx, ctx.app(app), drain)


@route("POST", "/apps/{app}/log-drains")
def drains_create(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    url = ctx.json_body().get("url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in SCHEMES or not parts.hostname:
        raise invalid("Url is invalid: use syslog://, syslog+tls://, http:// or https:// with a host.")
    if any(d["url"] == url for d in ctx.store.all("log-drain", parent=record["id"])):
        raise invalid("Url has already been taken")
    now = ctx.now_iso()
    doc = {
        "addon": None,
        "app": app_ref(record),
        "created_at": now,
        "id": ctx.new_id(),
        "token": f"d.{ctx.new_id()}",
        "updated_at": now,
        "url": url,
    }
    ctx.store.put("log-drain", doc, parent=record["id"])
    return Reply(doc, 201)


@route("DELETE", "/apps/{app}/log-drains/{drain}")
def drains_delete(ctx: Ctx, app: str, drain: str) -> Any:
    doc = _drain(ctx, ctx.app(app), drain)
    ctx.store.delete("log-drain", doc["id"])
    return doc
