"""Webhook delivery for real: platform events become signed POSTs to loopback receivers, with retries.

An event (`sb.publish`) inside a request's transaction only records an app-webhook-event and one
pending delivery per subscribed webhook. A small daemon thread per sandbox (started lazily, ends
when idle) then claims due deliveries in a short transaction, POSTs them with urllib *outside* any
transaction, and records each attempt in another. `flush(sb)` does the same in the caller's thread
so tests and `POST /__sandbox__/webhooks/flush` can wait for deliveries without sleeping.

Only loopback URLs (127.0.0.0/8, localhost, [::1]) are contacted; any other URL is recorded as a
failed attempt and nothing is sent. A receiver answering non-2xx (or not answering) puts the
delivery in `retrying`; after MAX_ATTEMPTS it is `failed`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hkctl.sandbox.clock import iso
from hkctl.sandbox.routing import task

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

MAX_ATTEMPTS = 3
SEND_TIMEOUT = 5.0
IDLE_SECONDS = 2.0
VERSION = "application/vnd.heroku+json; version=3"
#: sb.publish resource name -> webhook include (devcenter webhook-events)
INCLUDES = {
    "release": "api:release",
    "build": "api:build",
    "formation": "api:formation",
    "addon": "api:addon",
    "addon-attachment": "api:addon-attachment",
    "domain": "api:domain",
    "dyno": "dyno",
    "app": "api:app",
    "collaborator": "api:collaborator",
    "sni-endpoint": "api:sni-endpoint",
}
VALID_INCLUDES = frozenset(INCLUDES.values()) | {"api:dyno"}


def sign(secret: str, body: bytes) -> str:
    """Heroku-Webhook-Hmac-SHA256: base64 of HMAC-SHA256(secret, body)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def is_loopback_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------- events -> deliveries (in the request's tx)
def _resource_doc(sb: Sandbox, event: dict[str, Any]) -> dict[str, Any]:
    """The full resource when the store has it (Heroku sends the whole object), else the event's data."""
    data = event.get("data") or {}
    doc = sb.store.get(event["resource"], str(data.get("id", ""))) if data.get("id") else None
    source = doc if doc is not None else data
    return {k: v for k, v in source.items() if not k.startswith("_")}


@task("event")
def on_event(sb: Sandbox, event: dict[str, Any]) -> None:
    include = INCLUDES.get(event["resource"])
    app = event.get("app")
    if include is None or app is None:
        return
    hooks = [w for w in sb.store.all("app-webhook", parent=app["id"]) if include in w["include"]]
    if include == "dyno":
        hooks += [w for w in sb.store.all("app-webhook", parent=app["id"]) if "api:dyno" in w["include"]]
    if not hooks:
        return
    now = iso(sb.clock.now())
    actor = event.get("actor") or _owner(sb, app["id"])
    hook_event = {
        "created_at": now,
        "id": sb.ids.new(),
        "include": include,
        "payload": {
            "action": event["action"],
            "actor": {"email": actor.get("email", ""), "id": actor.get("id", "")},
            "data": _resource_doc(sb, event),
            "previous_data": {},
            "resource": event["resource"],
            "version": "application/vnd.heroku+json; version=3",
        },
        "updated_at": now,
    }
    sb.store.put("webhook-event", hook_event, parent=app["id"])
    for hook in hooks:
        delivery = {
            "created_at": now,
            "event": {"id": hook_event["id"], "include": include},
            "id": sb.ids.new(),
            "num_attempts": 0,
            "next_attempt_at": now,
            "last_attempt": None,
            "status": "pending",
            "updated_at": now,
            "webhook": {"id": hook["id"], "level": hook["level"]},
            "_state": "queued",
            "_due": sb.clock.now(),
        }
        sb.store.put("webhook-delivery", delivery, parent=app["id"])
    deliverer(sb).wake()


def _owner(sb: Sandbox, app_id: str) -> dict[str, Any]:
    app = sb.store.get("app", app_id) or {}
    return dict(app.get("owner") or {})


# ---------------------------------------------------------------- sending (outside any transaction)
@dataclass
class Outgoing:
    delivery_id: str
    url: str
    body: bytes
    headers: dict[str, str]
    attempt_id: str


@dataclass
class Outcome:
    delivery_id: str
    attempt_id: str
    code: int | None
    error_class: str | None
    started: float
    ok: bool


def _build(sb: Sandbox, delivery: dict[str, Any]) -> Outgoing | None:
    hook = sb.store.get("app-webhook", delivery["webhook"]["id"])
    event = sb.store.get("webhook-event", delivery["event"]["id"])
    if hook is None or event is None:
        return None
    attempt_id = sb.ids.new()
    payload = event["payload"]
    body = json.dumps(
        {
            "id": event["id"],
            "created_at": event["created_at"],
            "data": payload["data"],
            "previous_data": payload["previous_data"],
            "published_at": iso(sb.clock.now()),
            "resource": payload["resource"],
            "action": payload["action"],
            "actor": payload["actor"],
            "version": VERSION,
            "webhook_metadata": {
                "attempt": {"id": attempt_id},
                "delivery": {"id": delivery["id"]},
                "event": {"id": event["id"], "include": event["include"]},
                "webhook": {"id": hook["id"]},
            },
        }
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Heroku-Webhooks (hkctl sandbox)",
        "Heroku-Webhook-Hmac-SHA256": sign(hook.get("_secret", ""), body),
        "Heroku-Webhook-Id": delivery["id"],
        "Heroku-Webhook-Event": event["include"],
    }
    if hook.get("_authorization"):
        headers["Authorization"] = hook["_authorization"]
    return Outgoing(delivery["id"], hook["url"], body, headers, attempt_id)


def _send(out: Outgoing, started: float) -> Outcome:
    if not is_loopback_url(out.url):
        return Outcome(out.delivery_id, out.attempt_id, None, "NotLoopback", started, False)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(out.url, data=out.body, headers=out.headers, method="POST")
    try:
        with opener.open(request, timeout=SEND_TIMEOUT) as resp:
            code = int(resp.status)
        return Outcome(out.delivery_id, out.attempt_id, code, None, started, 200 <= code < 300)
    except urllib.error.HTTPError as exc:
        return Outcome(out.delivery_id, out.attempt_id, exc.code, "HTTPError", started, False)
    except (OSError, ValueError) as exc:
        return Outcome(out.delivery_id, out.attempt_id, None, type(exc).__name__, started, False)


def _record(sb: Sandbox, outcome: Outcome) -> None:
    """Apply one attempt's outcome to its delivery (caller holds a transaction)."""
    delivery = sb.store.get("webhook-delivery", outcome.delivery_id)
    if delivery is None:
        return
    now = sb.clock.now()
    delivery["num_attempts"] += 1
    delivery["last_attempt"] = {
        "id": outcome.attempt_id,
        "code": outcome.code,
        "error_class": outcome.error_class,
        "status": "succeeded" if outcome.ok else "failed",
        "created_at": iso(outcome.started),
        "updated_at": iso(now),
    }
    if outcome.ok:
        delivery.update(status="succeeded", next_attempt_at=None, _state="done")
    elif outcome.error_class == "NotLoopback" or delivery["num_attempts"] >= MAX_ATTEMPTS:
        delivery.update(status="failed", next_attempt_at=None, _state="done")
    else:
        due = now + sb.config.duration("webhook_retry")
        delivery.update(status="retrying", next_attempt_at=iso(due), _state="queued", _due=due)
    delivery["updated_at"] = iso(now)
    sb.store.put("webhook-delivery", delivery)


# ---------------------------------------------------------------- the per-sandbox worker
@dataclass
class Deliverer:
    sb: Sandbox
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _wake: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _inflight: int = 0
    _outbox: list[Outcome] = field(default_factory=list)

    def wake(self) -> None:
        with self._cond:
            self._wake.set()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, daemon=True, name="sandbox-webhooks")
                self._thread.start()

    def _claim(self) -> list[Outgoing]:
        """Take every due queued delivery (one short transaction); they count as in flight."""
        sb = self.sb
        with sb.store.tx():
            now = sb.clock.now()
            claimed = []
            for d in sb.store.find("webhook-delivery", _state="queued"):
                if d.get("_due", 0) > now:
                    continue
                d["_state"] = "sending"
                sb.store.put("webhook-delivery", d)
                out = _build(sb, d)
                if out is None:
                    d.update(status="failed", _state="done")
                    sb.store.put("webhook-delivery", d)
                    continue
                claimed.append(out)
            with self._cond:
                self._inflight += len(claimed)
        return claimed

    def _deliver(self, claimed: list[Outgoing]) -> None:
        for out in claimed:
            outcome = _send(out, self.sb.clock.now())
            with self._cond:
                self._outbox.append(outcome)
                self._inflight -= 1
                self._cond.notify_all()

    def drain(self) -> int:
        """Record every finished attempt (joins the caller's transaction if there is one).

        The store is taken before the outbox, so results never sit outside both while
        another thread (a flush holding the store) waits for them.
        """
        with self.sb.store.tx():
            with self._cond:
                done, self._outbox = self._outbox, []
            for outcome in done:
                _record(self.sb, outcome)
        return len(done)

    def pending(self) -> int:
        return len(self.sb.store.find("webhook-delivery", _state="queued"))

    def _run(self) -> None:
        idle = 0.0
        try:
            while True:
                claimed = self._claim()
                if claimed:
                    idle = 0.0
                    self._deliver(claimed)
                    self.drain()
                    continue
                step = 0.05 if self.pending() else 0.2  # retries wait for their due time
                if self._wake.wait(step):
                    self._wake.clear()
                    continue
                idle += step
                if idle >= IDLE_SECONDS and not self.pending():
                    with self._cond:
                        if not self._wake.is_set():
                            self._thread = None
                            return
        except Exception:  # the store was closed or swapped: this sandbox is gone
            with self._cond:
                self._thread = None

    def flush(self, timeout: float = 10.0) -> dict[str, int]:
        """Deliver everything due now in this thread, wait for the worker's sends, record all results."""
        import time

        deadline = time.monotonic() + timeout
        sent = 0
        while True:
            claimed = self._claim()
            self._deliver(claimed)
            sent += len(claimed)
            with self._cond:
                while self._inflight and time.monotonic() < deadline:
                    self._cond.wait(0.05)
            self.drain()
            now = self.sb.clock.now()
            active = [
                d for d in self.sb.store.find("webhook-delivery", _state="queued") if d.get("_due", 0) <= now
            ] + self.sb.store.find("webhook-delivery", _state="sending")
            if not active or time.monotonic() >= deadline:
                return {"sent": sent, "queued": self.pending()}


def deliverer(sb: Sandbox) -> Deliverer:
    """The sandbox's deliverer (created on first use; held by the sandbox, not by this module)."""
    found = getattr(sb, "_webhook_deliverer", None)
    if found is None:
        found = Deliverer(sb)
        sb._webhook_deliverer = found  # type: ignore[attr-defined]
    return found


def flush(sb: Sandbox, timeout: float = 10.0) -> dict[str, int]:
    return deliverer(sb).flush(timeout)
