"""Redirects from the API host: a write is never re-sent (issue 11, repro 10); a read follows on the same host.

The API host here is a plain loopback server that answers writes with a redirect to another path
of the same host, the case the host allowlist cannot catch, and records every request it gets.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import pytest

from hkctl.config import Settings
from hkctl.errors import TransportError
from hkctl.guard.decide import decide
from hkctl.transport.client import HerokuClient
from tests.support import LoopbackServer

pytestmark = pytest.mark.core

APP = {"id": "01234567-89ab-cdef-0123-456789abcdef", "name": "demo-staging"}


class _Redirecting(BaseHTTPRequestHandler):
    """`/r/<status>/<path>` answers <status> with Location `/<path>`, and a write to demo-staging's config
    vars is sent on to demo-production's with a 307; anything else answers 200 with an app."""

    hits: list[tuple[str, str, str]]

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.hits.append((self.command, self.path, body))
        parts = self.path.split("/", 3)
        if self.command != "GET" and self.path == "/apps/demo-staging/config-vars":
            parts = ["", "r", "307", "apps/demo-production/config-vars"]
        if len(parts) == 4 and parts[1] == "r":
            self.send_response(int(parts[2]))
            self.send_header("location", "/" + parts[3])
            self.send_header("content-length", "0")
            self.end_headers()
            return
        data = json.dumps(APP).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api():
    handler = type("Handler", (_Redirecting,), {"hits": []})
    server = LoopbackServer(handler)
    server.hits = handler.hits  # type: ignore[attr-defined]
    yield server
    server.close()


def _client(hk, api, confirm: str | None = None) -> HerokuClient:
    settings = Settings.from_env(hk.full_env(HKCTL_API_URL=api.url), confirm_app=confirm)
    return HerokuClient(settings, stderr=lambda m: None)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
def test_a_write_answered_with_a_redirect_on_the_same_host_is_not_re_sent(hk, api, method, status):
    path = f"/r/{status}/apps/demo-production/config-vars"
    client = _client(
        hk, api, confirm=decide(method, path).target
    )  # a DELETE of an unknown route: destructive
    with pytest.raises(TransportError) as err:
        client.request(method, path, body={"X": "1"})
    assert [(m, p) for m, p, _ in api.hits] == [(method, f"/r/{status}/apps/demo-production/config-vars")]
    message = str(err.value)
    assert f"answered {status}, pointing to {api.url}/apps/demo-production/config-vars" in message
    assert "never re-sent on a redirect" in message


def test_the_cli_says_where_a_write_was_pointed_and_sends_it_once(live, api, tmp_path):
    audit = tmp_path / "audit.jsonl"
    env = live.full_env(HKCTL_API_URL=api.url)
    res = live.cli("config", "set", "X=1", "-a", "demo-staging", "--audit-log", str(audit), env=env)
    assert res.code == 1, res.text
    assert f"answered 307, pointing to {api.url}/apps/demo-production/config-vars" in res.err
    writes = [(m, p) for m, p, _ in api.hits if m != "GET"]
    assert writes == [("PATCH", "/apps/demo-staging/config-vars")]
    statuses = [json.loads(line)["status"] for line in audit.read_text().splitlines()]
    assert statuses[-1] == 307


def test_a_read_still_follows_a_redirect_on_the_same_host(hk, api):
    client = _client(hk, api)
    assert client.get("/r/307/apps/demo-staging")["name"] == "demo-staging"
    assert [(m, p) for m, p, _ in api.hits] == [
        ("GET", "/r/307/apps/demo-staging"),
        ("GET", "/apps/demo-staging"),
    ]


def test_a_read_redirected_in_a_loop_stops_and_says_so(hk, api):
    client = _client(hk, api)
    with pytest.raises(TransportError, match="not followed further"):
        client.get("/r/302/r/302/r/302/r/302/r/302/r/302/r/302/apps/x")
    assert len(api.hits) == 6  # the first request and five redirects, no more
