"""Test harness: a fresh sandbox per test, the real CLI and library pointed at it, and what it received.

In-process by default (an ASGI transport, no socket); with HKCTL_TEST_SANDBOX=socket the same tests
talk to a real uvicorn server on loopback. Nothing of hkctl is mocked: the CLI runs through
`hkctl.cli.main.run`, exactly as the console script does.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anyio
import httpx

from hkctl.cli._common import Env
from hkctl.cli.main import run
from hkctl.config import Settings
from hkctl.iostreams import DEFAULT_WIDTH, IOStreams
from hkctl.sandbox.app import Sandbox, create_app
from hkctl.sandbox.seed import SANDBOX_TOKEN
from hkctl.sandbox.server import build_sandbox
from hkctl.transport.client import HerokuClient
from hkctl.transport.routes import match
from tests.conformance import SchemaCheck

SOCKET_MODE = os.environ.get("HKCTL_TEST_SANDBOX") == "socket"
INPROCESS_STORAGE_URL = "http://s3.localhost"  # the simulated object store's origin in process


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


class Harness:
    """One sandbox and everything a test needs to drive hkctl against it."""

    def __init__(self, app: Any, url: str, home: Path, transport: Any | None) -> None:
        self.app = app
        self.url = url
        self.home = home
        self.transport = transport
        self.token = SANDBOX_TOKEN
        # Every answer this sandbox gives is checked against the official schema (tests/conformance.py);
        # the fixtures call assert_conformant() at teardown.
        self.schema_check = SchemaCheck()
        self.sandbox.observers.append(self.schema_check)

    @property
    def sandbox(self) -> Sandbox:
        return self.app.state.sandbox

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            "HEROKU_API_KEY": SANDBOX_TOKEN,
            "HKCTL_API_URL": self.url,
            "HKCTL_DATA_API_URL": self.url,
            "HOME": str(self.home),
            "HKCTL_RETRY_BASE": "0.001",
            "PATH": os.environ.get("PATH", ""),
        }
        if self.sandbox.storage_url:  # the test-only admission of the simulated object store
            env["HKCTL_SANDBOX_STORAGE_URL"] = self.sandbox.storage_url
        env.update(extra)
        return {k: v for k, v in env.items() if v is not None}

    def full_env(self, **extra: str) -> dict[str, str]:
        """Full permission with the non-interactive opt-in: writes go without a prompt."""
        return self.env(HEROKU_PERMISSION="full", HEROKU_NONINTERACTIVE_WRITES="i-accept-the-risk", **extra)

    def cli(
        self,
        *argv: str,
        env: dict[str, str] | None = None,
        input: str | bytes = "",
        confirmer: Any = None,
        tty: bool = False,
        width: int = DEFAULT_WIDTH,
    ) -> Result:
        """Run `hkctl argv...` in process on in-memory streams (`IOStreams.test`).

        stdin holds `input`. Nothing is a terminal unless `tty` (then stdout, stderr and stdin all
        are, and a write's yes/no prompt reads its answer from `input`); a confirmer stands in for
        the person otherwise.
        """
        streams = IOStreams.test(input, tty=tty, width=width)
        code = run(
            list(argv),
            Env(
                env=env if env is not None else self.env(),
                transport=self.transport,
                confirmer=confirmer,
                io=streams,
            ),
        )
        return Result(code, streams.out_text(), streams.err_text())

    def client(self, env: dict[str, str] | None = None, **settings: Any) -> HerokuClient:
        s = Settings.from_env(env if env is not None else self.env(), **settings)
        return HerokuClient(s, transport=self.transport)

    def assert_conformant(self) -> None:
        """Fail when any answer of this test broke the official schema."""
        self.schema_check.assert_clean()

    def received(self) -> list[dict[str, Any]]:
        """Every API request the sandbox received (control calls excluded)."""
        return [
            r
            for r in self.sandbox.requests
            if not r["path"].startswith("/__sandbox__/") and r.get("host") != "storage"
        ]

    def storage_received(self) -> list[dict[str, Any]]:
        """Every request the simulated object store received, with the headers it carried."""
        return [r for r in self.sandbox.requests if r.get("host") == "storage"]

    def writes_received(self) -> list[dict[str, Any]]:
        """Received requests that are writes by intent (a log session is a read)."""
        return [r for r in self.received() if match(r["method"], r["path"]).is_write]


def make_app(sb: Sandbox | None = None) -> Any:
    return create_app(sb or build_sandbox())


class ASGITransport(httpx.BaseTransport):
    """Calls the ASGI app in process for each request (the whole answer is collected: no endless streams)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": request.url.scheme,
            "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query,
            "root_path": "",
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "server": (request.url.host, request.url.port or 80),
            "client": ("127.0.0.1", 50000),
        }
        status, headers, chunks = anyio.run(self._call, scope, body)
        return httpx.Response(status, headers=headers, content=b"".join(chunks), request=request)

    async def _call(
        self, scope: dict[str, Any], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], list[bytes]]:
        sent = False
        result: dict[str, Any] = {"status": 500, "headers": [], "chunks": []}

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                result["status"] = message["status"]
                result["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                result["chunks"].append(message.get("body", b""))

        await self.app(scope, receive, send)
        return result["status"], result["headers"], result["chunks"]


def inprocess_transport(app: Any) -> Any:
    return ASGITransport(app)


class LoopbackServer:
    """A plain HTTP server on 127.0.0.1 in a daemon thread (a foreign host, a webhook receiver)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.url = f"http://{self.host}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
