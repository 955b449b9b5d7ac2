"""The sandbox ASGI app: the Sandbox (all state) and the Starlette endpoint around it.

Every request is answered by the checks in sandbox/pipeline.py, in the order its docstring lists
(record → body → control API → auth → Accept → rate limit → route → scope → due lifecycle tasks →
faults → handler in one transaction); requests to the simulated object store go to sandbox/storage.py.
"""

from __future__ import annotations

import asyncio
import importlib
import itertools
import logging
import pkgutil
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hkctl.sandbox.clock import Clock, iso
from hkctl.sandbox.faults import Faults
from hkctl.sandbox.ids import Ids
from hkctl.sandbox.pipeline import CONTROL_PREFIX, handle
from hkctl.sandbox.ratelimit import RateLimits
from hkctl.sandbox.routing import ApiFault, CompiledRoute, Handler, compile_route
from hkctl.sandbox.store import Store

log = logging.getLogger("hkctl.sandbox")

#: Lifecycle durations in seconds. Tests use 0 (a transition happens at the next request);
#: `hkctl sandbox serve` uses these realistic defaults so that progress output has something to show.
SERVE_DURATIONS = {
    "build": 3.0,
    "addon": 2.0,
    "dyno_boot": 2.0,
    "run": 2.0,
    "backup": 3.0,
    "promotion": 1.0,
    "review_app": 3.0,
    "domain": 2.0,
    "webhook_retry": 5.0,
}


@dataclass
class SandboxConfig:
    durations: dict[str, float] = field(default_factory=dict)
    seed: str | None = "demo"

    def duration(self, name: str) -> float:
        return float(self.durations.get(name, 0.0))


class Sandbox:
    """All sandbox state: store, clock, faults, rate limits, and the collected routes and tasks."""

    def __init__(
        self,
        store: Store | None = None,
        *,
        clock: Clock | None = None,
        config: SandboxConfig | None = None,
        ids: Ids | None = None,
    ) -> None:
        self.store = store or Store()
        self.clock = clock or Clock()
        #: Every id the sandbox hands out (seeded: reproducible); Request-Ids from a stream of their own.
        self.ids = ids or Ids(counter=self.store.next)
        self.request_ids = self.ids.stream("request")
        self.config = config or SandboxConfig()
        self.faults = Faults()
        self.ratelimits = RateLimits()
        self.requests: deque[dict[str, Any]] = deque(maxlen=5000)
        self.request_seq = itertools.count(1)  # request log positions, for `?since=`
        #: Called with every finished API exchange (the test harness validates them against the schema).
        self.observers: list[Callable[[dict[str, Any]], None]] = []
        self.public_url = "http://127.0.0.1"
        #: The simulated object store's origin (sandbox/storage.py); None: uploads go to the API origin.
        self.storage_url: str | None = None
        self.routes: list[CompiledRoute] = []
        self.tasks: dict[str, list[Handler]] = {}
        self._collect()

    # ------------------------------------------------------------ registry
    def _collect(self) -> None:
        from hkctl.sandbox import handlers

        modules = [importlib.import_module("hkctl.sandbox.control")]
        for info in sorted(pkgutil.iter_modules(handlers.__path__), key=lambda m: m.name):
            if not info.name.startswith("_"):
                modules.append(importlib.import_module(f"hkctl.sandbox.handlers.{info.name}"))
        for module in modules:
            for obj in vars(module).values():
                for method, template in getattr(obj, "__hk_routes__", ()):
                    self.routes.append(compile_route(method, template, obj))
                for name in getattr(obj, "__hk_tasks__", ()):
                    self.tasks.setdefault(name, []).append(obj)
        # Literal segments beat parameters (`/apps/{app}/formation` before `/apps/{app}/{x}`).
        self.routes.sort(key=lambda r: (r.template.count("{"), -len(r.template)))

    def find_route(self, method: str, path: str) -> tuple[CompiledRoute | None, dict[str, str], bool]:
        """(route, params, path_exists_for_other_method)."""
        other = False
        for r in self.routes:
            m = r.pattern.match(path)
            if m:
                if r.method == method:
                    return r, m.groupdict(), True
                other = True
        return None, {}, other

    # ------------------------------------------------------------ lifecycles and events
    def schedule(self, delay: float, name: str, payload: dict[str, Any]) -> None:
        self.store.schedule(self.clock.now() + max(0.0, delay), name, payload)

    def run_due(self) -> int:
        """Run every lifecycle task that is due; each in its own transaction.

        Only the store's lock orders this: a task is popped and run inside one transaction, so two
        threads never run the same task, and tasks commit in due order. A second lock here would
        deadlock with handlers that call run_due inside their request transaction (stream handlers).
        """
        ran = 0
        while True:
            with self.store.tx():
                item = self.store.pop_due(self.clock.now())
                if item is None:
                    return ran
                _, name, payload = item
                for fn in self.tasks.get(name, []):
                    fn(self, payload)
            ran += 1

    def publish(
        self,
        resource: str,
        action: str,
        data: dict[str, Any],
        app: dict[str, Any] | None,
        *,
        actor: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Record a platform event (for webhooks and heroku[api] log lines) and tell the listeners."""
        event = {
            "id": self.ids.new(),
            "resource": resource,
            "action": action,
            "data": data,
            "app": {"id": app["id"], "name": app["name"]} if app else None,
            "actor": {"id": actor["id"], "email": actor["email"]} if actor else None,
            "created_at": iso(self.clock.now()),
        }
        self.store.put("event", event, parent=app["id"] if app else None)
        for fn in self.tasks.get("event", []):
            fn(self, event)
        return event

    def log(self, app_id: str, source: str, dyno: str, message: str, *, ts: float | None = None) -> None:
        """Append one line to an app's log (what log sessions serve)."""
        for fn in self.tasks.get("log", []):
            fn(
                self,
                {
                    "app_id": app_id,
                    "source": source,
                    "dyno": dyno,
                    "message": message,
                    "ts": ts or self.clock.now(),
                },
            )

    # ------------------------------------------------------------ auth
    def token_for(self, secret: str) -> dict[str, Any] | None:
        if not secret or secret == "undefined":
            return None
        token = self.store.first("oauth-authorization", access_token__token=secret)
        # An authorization created with expires_in stops opening the API when it expires.
        if token is not None and token.get("_expires_at") and token["_expires_at"] <= self.clock.now():
            return None
        return token

    def require_scope(self, token: dict[str, Any], scopes: tuple[str, ...] | set[str]) -> None:
        if not set(token.get("scope", [])) & set(scopes):
            raise ApiFault(403, "forbidden", "This token does not have the scope needed for this request.")


def create_app(sandbox: Sandbox | None = None) -> Starlette:
    """The Starlette app serving `sandbox` (a fresh in-memory one when None)."""

    async def endpoint(request: Request) -> Response:
        sb: Sandbox = request.app.state.sandbox  # swappable: tests give each test a fresh sandbox
        path = request.url.path
        rid = sb.request_ids.new()
        raw = await request.body()
        if sb.storage_url and request.url.netloc == urlsplit(sb.storage_url).netloc:
            return await run_in_threadpool(_storage, sb, request, raw, rid)
        sb.public_url = f"{request.url.scheme}://{request.url.netloc}"
        if sb.faults.latency_ms and not path.startswith(CONTROL_PREFIX):
            route, _, _ = sb.find_route(request.method, path)
            if sb.faults.applies(request.method, route.template if route else None):
                await asyncio.sleep(sb.faults.latency_ms / 1000)
        headers = {k.lower(): v for k, v in request.headers.items()}
        query = dict(request.query_params)
        response = await run_in_threadpool(handle, sb, request.method, path, headers, query, raw, rid)
        if isinstance(response, Response):
            response.headers.setdefault("Request-Id", rid)
        if sb.observers and not path.startswith(CONTROL_PREFIX):
            _observe(sb, request, raw, response)
        return response

    app = Starlette(
        routes=[Route("/{path:path}", endpoint, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])]
    )
    app.state.sandbox = sandbox or Sandbox()
    return app


def _observe(sb: Sandbox, request: Request, raw: bytes, response: Response) -> None:
    """Hand a finished exchange to the observers (streams have no body to show: body is None)."""
    exchange = {
        "method": request.method,
        "path": request.url.path,
        "request_headers": {k.lower(): v for k, v in request.headers.items()},
        "request_body": raw,
        "status": response.status_code,
        "response_headers": {k.lower(): v for k, v in response.headers.items()},
        "response_body": getattr(response, "body", None),
    }
    for fn in list(sb.observers):
        fn(exchange)


def _storage(sb: Sandbox, request: Request, raw: bytes, rid: str) -> Response:
    """A request to the simulated object store: logged with the headers it carried, judged like S3."""
    from hkctl.sandbox import storage

    headers = {k.lower(): v for k, v in request.headers.items()}
    query = dict(request.query_params)
    entry = storage.log_entry(request.method, request.url.path, headers, query)
    entry.update(request_id=rid, at=iso(sb.clock.now()), seq=next(sb.request_seq))
    sb.requests.append(entry)
    response = storage.handle(sb, request.method, request.url.path, query, headers, raw)
    response.headers.setdefault("x-amz-request-id", rid)
    entry["status"] = response.status_code
    return response
