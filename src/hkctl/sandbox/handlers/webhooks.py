"""App webhooks: subscriptions, their deliveries and events, and a control call to flush deliveries.

Accepts `version=3.webhooks` (what the official CLI sends) and plain `version=3` alike. A secret
that is not given is generated and returned once, in the `Heroku-Webhook-Secret` header, which is
where the official CLI reads it from.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from hkctl.sandbox.backend.apps import app_ref
from hkctl.sandbox.backend.webhooks import VALID_INCLUDES, flush
from hkctl.sandbox.backend.webhooks import on_event as on_event  # re-exported: the app collects @task here
from hkctl.sandbox.routing import UUID_RE, Ctx, Reply, invalid, not_found, route

LEVELS = ("notify", "sync")


def _check(body: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    allowed = {"authorization", "include", "level", "secret", "url"}
    extra = set(body) - allowed
    if extra:
        raise invalid(f"Unknown parameters: {', '.join(sorted(extra))}.")
    if not partial:
        missing = [k for k in ("include", "level", "url") if k not in body]
        if missing:
            raise invalid(f"Missing required params: {', '.join(missing)}.")
    if "include" in body:
        inc = body["include"]
        if not isinstance(inc, list) or not inc or not all(isinstance(i, str) for i in inc):
            raise invalid("include must be a non-empty list of entity names such as api:release.")
        bad = [i for i in inc if i not in VALID_INCLUDES]
        if bad:
            raise invalid(f"Invalid include: {', '.join(bad)}. Valid: {', '.join(sorted(VALID_INCLUDES))}.")
    if "level" in body and body["level"] not in LEVELS:
        raise invalid("level must be notify or sync.")
    if "url" in body:
        url = body["url"]
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise invalid("url must be an http or https URL.")
    for key in ("secret", "authorization"):
        if key in body and body[key] is not None and not isinstance(body[key], str):
            raise invalid(f"{key} must be a string.")
    return body


def _hook(ctx: Ctx, app: dict[str, Any], ident: str) -> dict[str, Any]:
    doc = ctx.store.get("app-webhook", ident) if UUID_RE.match(ident) else None
    if doc is None or doc["app"]["id"] != app["id"]:
        raise not_found("webhook")
    return doc


@route("GET", "/apps/{app}/webhooks")
def webhooks_list(ctx: Ctx, app: str) -> Any:
    return ctx.page(ctx.store.all("app-webhook", parent=ctx.app(app)["id"]))


@route("GET", "/apps/{app}/webhooks/{webhook}")
def webhooks_info(ctx: Ctx, app: str, webhook: str) -> Any:
    return _hook(ctx, ctx.app(app), webhook)


@route("POST", "/apps/{app}/webhooks")
def webhooks_create(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    body = _check(ctx.json_body(), partial=False)
    if any(w["url"] == body["url"] for w in ctx.store.all("app-webhook", parent=record["id"])):
        raise invalid("A webhook with this URL already exists for this app.")
    generated = not body.get("secret")
    secret = body.get("secret") or secrets.token_hex(32)
    now = ctx.now_iso()
    doc = {
        "app": app_ref(record),
        "created_at": now,
        "id": ctx.new_id(),
        "include": list(dict.fromkeys(body["include"])),
        "level": body["level"],
        "updated_at": now,
        "url": body["url"],
        "_secret": secret,
        "_authorization": body.get("authorization"),
    }
    ctx.store.put("app-webhook", doc, parent=record["id"])
    headers = {"Heroku-Webhook-Secret": secret} if generated else {}
    return Reply(doc, 201, headers)


@route("PATCH", "/apps/{app}/webhooks/{webhook}")
def webhooks_update(ctx: Ctx, app: str, webhook: str) -> Any:
    doc = _hook(ctx, ctx.app(app), webhook)
    body = _check(ctx.json_body(), partial=True)
    for key in ("include", "level", "url"):
        if key in body:
            doc[key] = body[key]
    if "secret" in body:
        doc["_secret"] = body["secret"] or doc["_secret"]
    if "authorization" in body:
        doc["_authorization"] = body["authorization"]
    doc["updated_at"] = ctx.now_iso()
    ctx.store.put("app-webhook", doc)
    return doc


@route("DELETE", "/apps/{app}/webhooks/{webhook}")
def webhooks_delete(ctx: Ctx, app: str, webhook: str) -> Any:
    doc = _hook(ctx, ctx.app(app), webhook)
    ctx.store.delete("app-webhook", doc["id"])
    return doc


@route("GET", "/apps/{app}/webhook-deliveries")
def deliveries_list(ctx: Ctx, app: str) -> Any:
    rows = ctx.store.all("webhook-delivery", parent=ctx.app(app)["id"])
    status = ctx.query.get("eq[status]")
    if status:
        rows = [d for d in rows if d["status"] == status]
    return ctx.page(rows)


@route("GET", "/apps/{app}/webhook-deliveries/{delivery}")
def deliveries_info(ctx: Ctx, app: str, delivery: str) -> Any:
    record = ctx.app(app)
    doc = ctx.store.get("webhook-delivery", delivery) if UUID_RE.match(delivery) else None
    if doc is None or doc not in ctx.store.all("webhook-delivery", parent=record["id"]):
        raise not_found("webhook delivery")
    return doc


@route("GET", "/apps/{app}/webhook-events")
def events_list(ctx: Ctx, app: str) -> Any:
    return ctx.page(ctx.store.all("webhook-event", parent=ctx.app(app)["id"]))


@route("GET", "/apps/{app}/webhook-events/{event}")
def events_info(ctx: Ctx, app: str, event: str) -> Any:
    record = ctx.app(app)
    doc = ctx.store.get("webhook-event", event) if UUID_RE.match(event) else None
    if doc is None or doc not in ctx.store.all("webhook-event", parent=record["id"]):
        raise not_found("webhook event")
    return doc


@route("POST", "/__sandbox__/webhooks/flush")
def webhooks_flush(ctx: Ctx) -> Any:
    """Deliver every due webhook now and answer when the attempts are recorded (tests, demos).

    It holds the store while it sends (a control call, loopback receivers only); the worker
    thread never needs the store while a send is in flight, so the two cannot deadlock.
    """
    body = ctx.body if isinstance(ctx.body, dict) else {}
    return flush(ctx.sandbox, float(body.get("timeout", 10)))
