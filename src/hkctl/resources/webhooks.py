"""App webhooks: list, create, destroy, deliveries, events, and verifying a delivery's signature.

Requests carry `Accept: ...; version=3.webhooks` as the official CLI sends (declared on the
actions in transport/routes.py). `verify_signature` lets a receiver be written against hkctl.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hkctl.errors import UsageError
from hkctl.resources._record import Record, check_app, is_id_prefix, is_uuid, unique_id
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

INCLUDES = (
    "api:addon",
    "api:addon-attachment",
    "api:app",
    "api:build",
    "api:collaborator",
    "api:domain",
    "api:dyno",
    "api:formation",
    "api:release",
    "api:sni-endpoint",
    "dyno",
)
LEVELS = ("notify", "sync")
DELIVERY_STATUSES = ("pending", "scheduled", "retrying", "failed", "succeeded")


@dataclass(frozen=True, kw_only=True)
class Webhook(Record):
    """An app webhook (API object `app-webhook`): URL, entities included, level; `secret` only on create."""

    id: str
    url: str
    include: tuple[str, ...]
    level: str
    created_at: str | None
    secret: str | None = None  # only on create, when the server generated it

    @classmethod
    def from_api(cls, d: dict[str, Any], secret: str | None = None) -> Webhook:
        return cls(
            raw=d,
            id=d["id"],
            url=d["url"],
            include=tuple(d.get("include") or ()),
            level=d["level"],
            created_at=d.get("created_at"),
            secret=secret,
        )


@dataclass(frozen=True, kw_only=True)
class Delivery(Record):
    """A webhook delivery (API object `app-webhook-delivery`): status, attempts, last HTTP code."""

    id: str
    status: str
    include: str | None
    event_id: str | None
    webhook_id: str | None
    num_attempts: int
    last_code: int | None
    next_attempt_at: str | None
    created_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Delivery:
        event = d.get("event") or {}
        last = d.get("last_attempt") or {}
        return cls(
            raw=d,
            id=d["id"],
            status=d["status"],
            include=event.get("include"),
            event_id=event.get("id"),
            webhook_id=(d.get("webhook") or {}).get("id"),
            num_attempts=int(d.get("num_attempts") or 0),
            last_code=last.get("code"),
            next_attempt_at=d.get("next_attempt_at"),
            created_at=d.get("created_at"),
        )


@dataclass(frozen=True, kw_only=True)
class Event(Record):
    """A webhook event (API object `app-webhook-event`): the entity (`include`) and what happened to it."""

    id: str
    include: str
    resource: str | None
    action: str | None
    created_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Event:
        payload = d.get("payload") or {}
        return cls(
            raw=d,
            id=d["id"],
            include=d["include"],
            resource=payload.get("resource"),
            action=payload.get("action"),
            created_at=d.get("created_at"),
        )


def verify_signature(body: bytes, secret: str, signature: str) -> bool:
    """True when `signature` (the Heroku-Webhook-Hmac-SHA256 header) signs `body` with `secret`."""
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, signature.strip())


def check_includes(include: Iterable[str]) -> list[str]:
    """The non-empty entity names, each one of INCLUDES (`api:release`...), else UsageError (exit 2)."""
    items = [i.strip() for i in include if i.strip()]
    if not items:
        raise UsageError("--include needs at least one entity, e.g. api:release,api:build")
    bad = [i for i in items if i not in INCLUDES]
    if bad:
        raise UsageError(f"unknown include {', '.join(bad)}: use {', '.join(INCLUDES)}")
    return items


def check_url(url: str) -> str:
    """`url` when it is an http(s) URL with a host, else UsageError (exit 2)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"invalid webhook URL {url!r}: use an http(s) URL")
    return url


def _check_id(ident: str, what: str) -> str:
    if not is_uuid(ident):
        raise UsageError(f"invalid {what} id {ident!r}: a UUID is expected")
    return ident


def list_(client: HerokuClient, app: str) -> list[Webhook]:
    """Every webhook of the app (GET /apps/{app}/webhooks, every page); NotFound for an unknown app."""
    items = client.paginate(f"/apps/{seg(check_app(app))}/webhooks", action="webhooks_list")
    return [Webhook.from_api(w) for w in items]


def _full_id(client: HerokuClient, app: str, webhook_id: str) -> str:
    if not is_uuid(webhook_id) and is_id_prefix(webhook_id):
        return unique_id(webhook_id, (w.id for w in list_(client, app)), "webhook")
    return webhook_id


def info(client: HerokuClient, app: str, webhook_id: str) -> Webhook:
    """`GET /apps/{app}/webhooks/{id}` (an abbreviated id is found in the list first)."""
    webhook_id = _full_id(client, app, webhook_id)
    path = f"/apps/{seg(check_app(app))}/webhooks/{seg(_check_id(webhook_id, 'webhook'))}"
    return Webhook.from_api(client.get(path, action="webhooks_info"))


def create(
    client: HerokuClient,
    app: str,
    url: str,
    include: Iterable[str],
    *,
    level: str = "notify",
    secret: str | None = None,
    authorization: str | None = None,
) -> Webhook:
    """Subscribe `url` to events (POST /apps/{app}/webhooks {include, level, url, secret?, authorization?});
    without `secret` the API generates one and returns it once (Heroku-Webhook-Secret header, in `.secret`).
    UsageError (exit 2, nothing sent) for a bad level, include or URL; secrets go to the redactor."""
    if level not in LEVELS:
        raise UsageError(f"invalid level {level!r}: use notify or sync")
    body: dict[str, Any] = {"include": check_includes(include), "level": level, "url": check_url(url)}
    if secret:
        client.redact.add_token(secret)
        body["secret"] = secret
    if authorization:
        client.redact.add_token(authorization)
        body["authorization"] = authorization
    resp = client.request(
        "POST",
        f"/apps/{seg(check_app(app))}/webhooks",
        body=body,
        action="webhooks_create",
    )
    generated = resp.headers.get("heroku-webhook-secret")
    return Webhook.from_api(resp.body, secret=generated)


def destroy(client: HerokuClient, app: str, webhook_id: str) -> Webhook:
    """Delete a webhook by id or a unique start of it (DELETE /apps/{app}/webhooks/{id}; GET
    /apps/{app}/webhooks first for a short id). UsageError (exit 2) for a bad or ambiguous id; NotFound."""
    webhook_id = _full_id(client, app, webhook_id)
    path = f"/apps/{seg(check_app(app))}/webhooks/{seg(_check_id(webhook_id, 'webhook'))}"
    return Webhook.from_api(client.json("DELETE", path, action="webhooks_destroy"))


def deliveries(
    client: HerokuClient, app: str, *, status: str | None = None, limit: int | None = None
) -> Iterator[Delivery]:
    """Deliveries, newest first (GET /apps/{app}/webhook-deliveries, every page); `status` filters them
    here (the API's list has no documented filter), `limit` caps the count. UsageError for a bad status."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise UsageError(f"invalid status {status!r}: use one of {', '.join(DELIVERY_STATUSES)}")
    seen = 0
    items = client.paginate(
        f"/apps/{seg(check_app(app))}/webhook-deliveries", action="webhook_deliveries_list"
    )
    for d in reversed(list(items)):
        if status is None or d.get("status") == status:
            yield Delivery.from_api(d)
            seen += 1
            if limit is not None and seen >= limit:
                return


def events(client: HerokuClient, app: str) -> list[Event]:
    """The app's recent webhook events (GET /apps/{app}/webhook-events, every page)."""
    items = client.paginate(f"/apps/{seg(check_app(app))}/webhook-events", action="webhook_events_list")
    return [Event.from_api(e) for e in items]
