"""The conformance walk: one request to every API route the sandbox serves, each on a fresh demo sandbox.

Path parameters are filled from the demo seed (an app, its first release, add-on, dyno, ...); write
bodies come from WALK_BODIES or from the schema's examples for the link's required properties.
Each answer is validated against the official schema. The walk test and `hkctl sandbox coverage`
both use it (no httpx here: the app is called in process through ASGI).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.schema import Link, error_body_errors, official

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

DEMO_APP = "demo-staging"

#: Bodies the schema's examples cannot give (values that must exist in the seed).
WALK_BODIES: dict[str, Callable[[Sandbox], Any]] = {
    "POST /apps": lambda sb: {"name": "walk-created"},
    "PATCH /apps/{app}": lambda sb: {"maintenance": True},
    "PATCH /apps/{app}/config-vars": lambda sb: {"WALK": "1"},
    "PATCH /apps/{app}/formation": lambda sb: {"updates": [{"type": "web", "quantity": 1}]},
    "PATCH /apps/{app}/formation/{formation}": lambda sb: {"quantity": 1},
    "PATCH /apps/{app}/formation/{type}": lambda sb: {"quantity": 1},
    "POST /apps/{app}/releases": lambda sb: {"release": _first_id(sb, "release")},
    "POST /apps/{app}/log-sessions": lambda sb: {"lines": 10, "tail": False},
    "POST /apps/{app}/dynos": lambda sb: {"command": "echo walk", "attach": False},
    "POST /apps/{app}/domains": lambda sb: {"hostname": "walk.example.com", "sni_endpoint": None},
    "POST /pipelines": lambda sb: {"name": "walk-pipeline"},
    "POST /pipeline-couplings": lambda sb: {
        "app": _app(sb)["id"],
        "pipeline": _first_id(sb, "pipeline", parent=None),
        "stage": "development",
    },
}

#: Parameters whose value is a name in the demo seed, not an id.
_NAMED = {"type": "web", "formation": "web", "user": "~", "scenario": "demo"}
#: Parameter name → store kinds to look in (the first document of the demo app, else any).
_KINDS = {
    "coupling": ("pipeline-coupling",),
    "promotion": ("pipeline-promotion",),
    "attachment": ("addon-attachment",),
    "addon": ("addon",),
    "drain": ("log-drain",),
    "sni_endpoint": ("sni-endpoint",),
    "webhook": ("webhook", "app-webhook"),
    "delivery": ("webhook-delivery",),
    "event": ("webhook-event",),
    "collaborator": ("collaborator",),
    "authorization": ("oauth-authorization",),
    "feature": ("app-feature", "account-feature"),
    "service": ("addon-service",),
    "plan": ("addon-plan", "plan"),
    "review_app": ("review-app",),
}


@dataclass
class Step:
    """One walked route and what came back."""

    method: str
    template: str
    path: str = ""
    status: int = 0
    links: list[Link] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return not self.skipped and 200 <= self.status < 300 and not self.errors


def walk(make: Callable[[], Sandbox] | None = None) -> list[Step]:
    """Walk every API route of a sandbox (each on a fresh one from `make`, the demo seed by default)."""
    from hkctl.sandbox.server import build_sandbox

    make = make or build_sandbox
    routes = [(r.method, r.template) for r in make().routes if not r.template.startswith("/__sandbox__/")]
    return [_step(make(), method, template) for method, template in sorted(set(routes))]


def _step(sb: Sandbox, method: str, template: str) -> Step:
    from hkctl.sandbox.seed import SANDBOX_TOKEN

    step = Step(method, template, links=official().by_key(method, template))
    try:
        step.path = _fill(sb, template)
    except LookupError as missing:
        step.skipped = f"the demo seed has no {missing}"
        return step
    body = WALK_BODIES[f"{method} {template}"](sb) if f"{method} {template}" in WALK_BODIES else None
    if body is None and method in ("POST", "PATCH", "PUT") and step.links:
        body = example_body(step.links[0])
    headers = {
        "authorization": f"Bearer {SANDBOX_TOKEN}",
        "accept": "application/vnd.heroku+json; version=3",
        "user-agent": "hkctl-walk",
    }
    if template.startswith("/client/"):
        headers["host"] = "127.0.0.1"
    status, rheaders, raw = call(sb, method, step.path, body, headers)
    step.status = status
    if "json" not in rheaders.get("content-type", "") and raw:
        step.errors.append(f"answer is {rheaders.get('content-type')}, not JSON")
        return step
    parsed = json.loads(raw) if raw.strip() else None
    if step.links:
        step.errors = official().response_errors(step.links, status, parsed)
    elif status >= 400:
        step.errors = error_body_errors(parsed)
    return step


def _app(sb: Sandbox) -> dict[str, Any]:
    app = sb.store.first("app", name=DEMO_APP)
    if app is None:
        raise LookupError("app")
    return app


def _first_id(sb: Sandbox, kind: str, *, parent: str | None | bool = True) -> str:
    return str(_first(sb, (kind,), parent)["id"])


def _first(sb: Sandbox, kinds: tuple[str, ...], parent: str | None | bool = True) -> dict[str, Any]:
    app_id = _app(sb)["id"]
    for kind in kinds:
        docs = sb.store.all(kind, parent=app_id) if parent is True else []
        docs = docs or sb.store.all(kind)
        if docs:
            return docs[0]
    raise LookupError("/".join(kinds))


def _fill(sb: Sandbox, template: str) -> str:
    import re
    from urllib.parse import quote

    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "app":
            return DEMO_APP
        if name in _NAMED:
            return _NAMED[name]
        if name == "release":
            return str(_first(sb, ("release",))["version"])
        if name == "dyno":
            doc = _first(sb, ("dyno",))
            return str(doc.get("name") or doc["id"])
        if name == "domain":
            doc = _first(sb, ("domain",))
            return str(doc.get("hostname") or doc["id"])
        kinds = _KINDS.get(name, (name, name.replace("_", "-")))
        return quote(str(_first(sb, kinds)["id"]), safe="")

    return re.sub(r"\{([a-z_]+)\}", value, template)


def example_body(link: Link) -> Any:
    """A request body from the schema's examples for the link's required properties ({} when none)."""
    schema = _resolve(link.request)
    if not isinstance(schema, dict):
        return None
    body = {}
    for prop in schema.get("required", []):
        sub = _resolve((schema.get("properties") or {}).get(prop, {}))
        if isinstance(sub, dict) and "example" in sub:
            body[prop] = sub["example"]
        elif isinstance(sub, dict) and "anyOf" in sub:
            first = _resolve(sub["anyOf"][0])
            if isinstance(first, dict) and "example" in first:
                body[prop] = first["example"]
    return body


def _resolve(node: Any, depth: int = 0) -> Any:
    if isinstance(node, dict) and "$ref" in node and depth < 10:
        target: Any = official().doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return _resolve(target, depth + 1)
    return node


def call(
    sb: Sandbox, method: str, path: str, body: Any, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    """One request to the sandbox's ASGI app, in process."""
    import anyio

    from hkctl.sandbox.app import create_app

    app: Any = create_app(sb)
    raw = json.dumps(body).encode() if body is not None else b""
    hdrs = {**headers, "content-type": "application/json"} if raw else dict(headers)
    path_only, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path_only,
        "raw_path": path_only.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in hdrs.items()],
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 50000),
    }
    result: dict[str, Any] = {"status": 500, "headers": {}, "body": b""}

    async def run() -> None:
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await anyio.sleep(3600)  # a stream's disconnect watcher waits here
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                result["status"] = message["status"]
                result["headers"] = {k.decode().lower(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                result["body"] += message.get("body", b"")
                if not message.get("more_body"):
                    tg.cancel_scope.cancel()

        async with anyio.create_task_group() as tg:
            tg.start_soon(app, scope, receive, send)

    anyio.run(run)
    return int(result["status"]), result["headers"], bytes(result["body"])
