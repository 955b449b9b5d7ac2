"""Webhooks end to end: subscriptions in the sandbox, real signed deliveries to a loopback receiver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from hkctl.resources import webhooks
from hkctl.sandbox.backend.webhooks import flush
from tests.support import LoopbackServer

pytestmark = pytest.mark.core
SECRET = "s3cret-for-tests"


class Receiver:
    """A loopback HTTP server that records every POST and answers with `status`."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.got: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = LoopbackServer(Handler)
        self.url = f"{self._server.url}/hooks/heroku"

    def close(self) -> None:
        self._server.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _subscribe(hk, url: str, include: str = "api:release", secret: str | None = SECRET) -> dict:
    argv = ["webhooks", "add", "-a", "demo-staging", "--url", url, "--include", include]
    if secret:
        argv += ["--secret", secret]
    r = hk.cli(*argv, env=hk.full_env())
    assert r.code == 0, r.err
    return hk.sandbox.store.all("app-webhook")[-1]


def _release(hk, value: str = "bar") -> None:
    r = hk.cli("config", "set", f"HOOK_TEST={value}", "-a", "demo-staging", env=hk.full_env())
    assert r.code == 0, r.err


def _control_flush(hk) -> dict:
    """The control call a user of `hkctl sandbox serve` would make."""
    with httpx.Client(transport=hk.transport, base_url=hk.url) as http:
        resp = http.post("/__sandbox__/webhooks/flush", json={"timeout": 10})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_create_list_destroy_change_sandbox_state(hk, receiver):
    hook = _subscribe(hk, receiver.url, "api:release,api:build")
    assert hook["include"] == ["api:release", "api:build"] and hook["_secret"] == SECRET
    assert SECRET not in hk.cli("webhooks", "list", "-a", "demo-staging", "--json").out
    sent = [r for r in hk.received() if r["path"].endswith("/webhooks")]
    assert all("version=3.webhooks" in r["accept"] for r in sent)

    rows = json.loads(hk.cli("webhooks", "list", "-a", "demo-staging", "--json").out)
    assert [w["url"] for w in rows] == [receiver.url]

    r = hk.cli("webhooks", "remove", hook["id"], "-a", "demo-staging", env=hk.full_env())
    assert r.code == 0, r.err
    assert hk.sandbox.store.all("app-webhook") == []


def test_a_generated_secret_is_printed_once(hk, receiver):
    r = hk.cli(
        "webhooks",
        "add",
        "-a",
        "demo-staging",
        "--url",
        receiver.url,
        "-i",
        "api:build",
        env=hk.full_env(),
    )
    assert r.code == 0, r.err
    stored = hk.sandbox.store.all("app-webhook")[-1]["_secret"]
    assert r.out.strip() == stored


def test_loopback_receiver_gets_signed_deliveries_listed_as_succeeded(hk, receiver):
    hook = _subscribe(hk, receiver.url)
    _release(hk)
    assert _control_flush(hk)["queued"] == 0

    assert len(receiver.got) == 1
    headers, body = receiver.got[0]
    assert webhooks.verify_signature(body, SECRET, headers["heroku-webhook-hmac-sha256"])
    assert not webhooks.verify_signature(body, "wrong", headers["heroku-webhook-hmac-sha256"])
    assert headers["heroku-webhook-event"] == "api:release"
    payload = json.loads(body)
    assert payload["resource"] == "release" and payload["action"] == "create"
    assert payload["data"]["description"].startswith("Set HOOK_TEST")
    assert payload["webhook_metadata"]["webhook"]["id"] == hook["id"]
    assert headers["heroku-webhook-id"] == payload["webhook_metadata"]["delivery"]["id"]

    r = hk.cli("webhooks", "deliveries", "-a", "demo-staging", "--json")
    assert r.code == 0, r.err
    rows = json.loads(r.out)
    assert [d["status"] for d in rows] == ["succeeded"]
    assert rows[0]["num_attempts"] == 1 and rows[0]["last_attempt"]["code"] == 200

    # the CLI verifier agrees with the library
    sig = headers["heroku-webhook-hmac-sha256"]
    ok = hk.cli("webhooks", "verify", "--secret", SECRET, "--signature", sig, input=body.decode())
    assert ok.code == 0, ok.err
    bad = hk.cli("webhooks", "verify", "--secret", SECRET, "--signature", sig, input=body.decode() + " ")
    assert bad.code == 1


def test_events_not_included_are_not_delivered(hk, receiver):
    _subscribe(hk, receiver.url, "api:build")
    _release(hk)
    flush(hk.sandbox)
    assert receiver.got == []
    assert hk.sandbox.store.all("webhook-delivery") == []


def test_a_receiver_answering_500_shows_retrying_or_failed(hk):
    failing = Receiver(status=500)
    try:
        _subscribe(hk, failing.url)
        _release(hk)
        flush(hk.sandbox)
        r = hk.cli("webhooks", "deliveries", "-a", "demo-staging", "--json")
        rows = json.loads(r.out)
        assert len(rows) == 1 and rows[0]["status"] in ("retrying", "failed")
        assert rows[0]["last_attempt"]["code"] == 500
        assert len(failing.got) == rows[0]["num_attempts"] >= 1
        failed = hk.cli("webhooks", "deliveries", "-a", "demo-staging", "--status", "failed", "--json")
        assert len(json.loads(failed.out)) == (1 if rows[0]["status"] == "failed" else 0)
    finally:
        failing.close()


def test_non_loopback_urls_are_recorded_failed_without_sending(hk):
    _subscribe(hk, "https://hooks.example.com/heroku")
    _release(hk)
    flush(hk.sandbox)
    delivery = hk.sandbox.store.all("webhook-delivery")[-1]
    assert delivery["status"] == "failed"
    assert delivery["last_attempt"]["error_class"] == "NotLoopback"


def test_bad_include_and_url_send_nothing(hk):
    r = hk.cli(
        "webhooks",
        "add",
        "-a",
        "demo-staging",
        "--url",
        "http://127.0.0.1:9/x",
        "-i",
        "api:nope",
        env=hk.full_env(),
    )
    assert r.code == 2
    r = hk.cli(
        "webhooks", "add", "-a", "demo-staging", "--url", "ftp://x", "-i", "api:release", env=hk.full_env()
    )
    assert r.code == 2
    assert hk.writes_received() == []


def test_plain_v3_accept_is_served_too(hk, receiver):
    _subscribe(hk, receiver.url)
    client = hk.client()
    resp = client.request("GET", "/apps/demo-staging/webhooks", action="webhooks_list", accept="3")
    assert resp.status == 200 and len(resp.body) == 1


def test_the_background_worker_delivers_without_a_flush(live, receiver):
    """Over a real socket, as `hkctl sandbox serve` runs: the worker thread delivers on its own."""
    import time

    _subscribe(live, receiver.url)
    _release(live)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # a condition wait on the store, not a fixed sleep
        rows = live.sandbox.store.all("webhook-delivery")
        if rows and rows[-1]["status"] == "succeeded":
            break
        time.sleep(0.02)
    assert rows and rows[-1]["status"] == "succeeded"
    assert len(receiver.got) == 1
