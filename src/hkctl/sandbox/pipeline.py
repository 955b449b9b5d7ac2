"""The sandbox's request handler: Heroku's wire rules as a list of small named checks.

Every request goes through CHECKS in this order; each check looks at one Exchange and returns a
Response to answer now, or None to go on:

1. record      the request-log entry (`GET /__sandbox__/requests`)
2. parse_body  JSON body (400 on invalid JSON sent as JSON)
3. control     `/__sandbox__/` paths (control API, log streams, uploads): routed, no API rules
4. auth        Bearer or Basic token (401); Oauth-Scope answers the token's scopes
5. accept      `application/vnd.heroku+json; version=3` (406), except the Postgres data API
6. rate_limit  the token's budget (429 + Retry-After); RateLimit-Remaining on every answer
7. route       the route table (404, the same for an unknown path and a wrong verb)
8. scope       the token's scope against what the platform grants for the route (403)
9. due_tasks   lifecycle tasks that are due (builds, add-ons, dynos, ...)
10. fault      injected faults in the `before` phase (the request is not processed)
11. transact   the handler in one transaction; an `after` fault replaces the answer
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from starlette.responses import Response

from hkctl.sandbox import scopes as platform_scopes
from hkctl.sandbox.clock import iso
from hkctl.sandbox.routing import ApiFault, CompiledRoute, Ctx, Reply

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

log = logging.getLogger("hkctl.sandbox")
CONTROL_PREFIX = "/__sandbox__/"
_ACCEPT = re.compile(r"application/vnd\.heroku\+json;\s*version=3(\.[\w-]+)?")


@dataclass
class Exchange:
    """One request on its way through the checks, and what they learnt about it."""

    sb: Sandbox
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    query: dict[str, str]
    raw: bytes
    request_id: str
    entry: dict[str, Any] = field(default_factory=dict)  # the request-log entry
    base: dict[str, str] = field(default_factory=dict)  # headers every answer carries
    body: Any = None
    token: dict[str, Any] | None = None
    route: CompiledRoute | None = None
    params: dict[str, str] = field(default_factory=dict)
    fault: int | None = None

    def answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
        """A JSON answer with the base headers, its status written to the request log."""
        self.entry["status"] = status
        return _json_response(status, body, {**self.base, **headers} if headers else self.base)


Check = Callable[[Exchange], Response | None]


def record(x: Exchange) -> Response | None:
    x.entry.update(
        method=x.method,
        path=x.path,
        query=x.query,
        request_id=x.request_id,
        accept=x.headers.get("accept"),
        range=x.headers.get("range"),
        user_agent=x.headers.get("user-agent"),
        at=iso(x.sb.clock.now()),
        seq=next(x.sb.request_seq),
    )
    x.sb.requests.append(x.entry)
    x.base["Request-Id"] = x.request_id
    return None


def parse_body(x: Exchange) -> Response | None:
    try:
        x.body = json.loads(x.raw) if x.raw.strip() else None
    except ValueError:
        x.body = None
        if not x.path.startswith(CONTROL_PREFIX) and "json" in x.headers.get("content-type", "json"):
            return x.answer(400, {"id": "bad_request", "message": "Invalid JSON in request body."})
    x.entry["body"] = x.body
    return None


def control(x: Exchange) -> Response | None:
    if not x.path.startswith(CONTROL_PREFIX):
        return None
    route, params, _ = x.sb.find_route(x.method, x.path)
    if route is None:
        return x.answer(404, {"id": "not_found", "message": "No such sandbox path."})
    body = x.body if x.body is not None else x.raw
    ctx = Ctx(x.sb, x.method, x.path, x.headers, x.query, body, x.sb.public_url, {}, {})
    return _reply(x, ctx, route, params)


def auth(x: Exchange) -> Response | None:
    x.token = x.sb.token_for(_secret_from(x.headers.get("authorization", "")))
    if x.token is None:
        return x.answer(401, {"id": "unauthorized", "message": "Invalid credentials provided."})
    x.base["Oauth-Scope"] = ", ".join(x.token.get("scope", []))  # the token's scopes, as Heroku answers
    return None


def accept(x: Exchange) -> Response | None:
    if x.path.startswith("/client/") or _ACCEPT.search(x.headers.get("accept", "")):
        return None  # the Postgres data API (/client/...) does not ask for the version
    return x.answer(
        406,
        {
            "id": "not_acceptable",
            "message": "Please specify a version along with the MIME type. "
            "For example, `Accept: application/vnd.heroku+json; version=3`.",
        },
    )


def rate_limit(x: Exchange) -> Response | None:
    assert x.token is not None
    key, now = x.token["id"], x.sb.clock.now()
    if x.path == "/account/rate-limits":  # asking for the budget does not spend it
        x.base["RateLimit-Remaining"] = str(x.sb.ratelimits.remaining(key, now))
        return None
    allowed, remaining = x.sb.ratelimits.take(key, now)
    x.base["RateLimit-Remaining"] = str(remaining)
    if allowed:
        return None
    return x.answer(
        429,
        {
            "id": "rate_limit",
            "message": "Your account reached the API rate limit\n"
            "Please wait a few minutes before making new requests",
            "url": "https://devcenter.heroku.com/articles/platform-api-reference#rate-limits",
        },
        {"Retry-After": "60"},
    )


def route(x: Exchange) -> Response | None:
    x.route, x.params, _ = x.sb.find_route(x.method, x.path)
    if x.route is None:  # Heroku answers a wrong verb with the same 404 as an unknown path
        return x.answer(
            404,
            {
                "id": "not_found",
                "message": "The requested API endpoint was not found. "
                "Are you using the right HTTP verb (i.e. `GET` vs. `POST`), and did you "
                "specify your intended version with the `Accept` header?",
            },
        )
    x.entry["template"] = x.route.template
    return None


def scope(x: Exchange) -> Response | None:
    assert x.token is not None and x.route is not None
    if platform_scopes.allows(x.token.get("scope", []), x.method, x.route.template):
        return None
    return x.answer(403, {"id": "forbidden", "message": _scope_message(x.method, x.route.template)})


def due_tasks(x: Exchange) -> Response | None:
    x.sb.run_due()
    return None


def fault(x: Exchange) -> Response | None:
    assert x.route is not None
    faults = x.sb.faults
    if faults.active and faults.applies(x.method, x.route.template):
        x.fault = faults.pick()
    if x.fault is not None and faults.phase == "before":
        return _fault_response(x, "before")
    return None


def transact(x: Exchange) -> Response | None:
    assert x.token is not None and x.route is not None
    account = x.sb.store.get("account", x.token["user"]["id"]) or {}
    ctx = Ctx(x.sb, x.method, x.path, x.headers, x.query, x.body, x.sb.public_url, account, x.token)
    response = _reply(x, ctx, x.route, x.params)
    if x.fault is not None:  # processed, but the answer is lost
        return _fault_response(x, "after")
    return response


CHECKS: tuple[Check, ...] = (
    record,
    parse_body,
    control,
    auth,
    accept,
    rate_limit,
    route,
    scope,
    due_tasks,
    fault,
    transact,
)


def handle(
    sb: Sandbox,
    method: str,
    path: str,
    headers: dict[str, str],
    query: dict[str, str],
    raw: bytes,
    request_id: str,
) -> Response:
    """Answer one request: the first check that answers wins (`transact` always answers)."""
    x = Exchange(sb, method, path, headers, query, raw, request_id)
    for check in CHECKS:
        response = check(x)
        if response is not None:
            return response
    raise AssertionError("transact always answers")


# ---------------------------------------------------------------- answers
def _secret_from(header: str) -> str:
    kind, _, value = header.partition(" ")
    if kind.lower() == "bearer":
        return value.strip()
    if kind.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip()).decode()
        except (ValueError, UnicodeDecodeError):
            return ""
        return decoded.split(":", 1)[1] if ":" in decoded else decoded
    return ""


def _strip_private(body: Any) -> Any:
    """Internal fields start with `_` and never leave the sandbox."""
    if isinstance(body, dict):
        return {k: v for k, v in body.items() if not k.startswith("_")}
    if isinstance(body, list):
        return [_strip_private(i) for i in body]
    return body


def _json_response(status: int, body: Any, headers: dict[str, str]) -> Response:
    content = b"" if body is None and status in (204, 304) else json.dumps(_strip_private(body)).encode()
    return Response(content, status_code=status, headers=headers, media_type="application/json")


def _scope_message(method: str, template: str) -> str:
    need = platform_scopes.needed(method, template)
    if need == platform_scopes.READ_PROTECTED:
        return "This token does not have the read-protected scope needed to see config vars."
    if need == platform_scopes.WRITE_PROTECTED:
        return "This token does not have the write-protected scope needed to change config vars."
    if need == platform_scopes.WRITE:
        return "This token only has read access; this request needs the write scope."
    return f"This token does not have the {need} scope needed for this request."


def _fault_response(x: Exchange, phase: str) -> Response:
    assert x.fault is not None
    status = x.fault
    if status == 429:
        body = {
            "id": "rate_limit",
            "message": "Your account reached the API rate limit\n"
            "Please wait a few minutes before making new requests",
        }
    else:
        body = {
            "id": "service_unavailable" if status == 503 else "server_error",
            "message": "The API is temporarily unavailable (sandbox fault injection).",
        }
    response = x.answer(status, body)
    x.entry["fault"] = phase
    return response


def _reply(x: Exchange, ctx: Ctx, route: CompiledRoute, params: dict[str, str]) -> Response:
    """Run the handler in one transaction and turn what it returns into an answer."""
    try:
        with x.sb.store.tx():
            result = route.handler(ctx, **{k: unquote(v) for k, v in params.items()})
    except ApiFault as exc:
        return x.answer(exc.status, exc.body())
    except Exception:  # a sandbox bug must still answer like a server would
        log.exception("sandbox handler failed: %s %s", ctx.method, ctx.path)
        return x.answer(500, {"id": "internal_server_error", "message": "Internal server error."})
    if isinstance(result, Response):
        for k, v in x.base.items():
            result.headers.setdefault(k, v)
        x.entry["status"] = result.status_code
        return result
    reply = result if isinstance(result, Reply) else Reply(result)
    return x.answer(reply.status, reply.body, reply.headers)
