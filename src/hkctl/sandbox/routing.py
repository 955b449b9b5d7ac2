"""How sandbox handlers are declared and what they get: @route, @task, Ctx, Reply, ApiFault, Range.

A handler module (in sandbox/handlers/) declares functions with `@route("GET", "/apps/{app}")`;
the app collects them at start-up, so adding a family is adding a module. A handler gets a Ctx
and the path parameters, and returns a JSON-able body (200), a Reply, or a Starlette Response
(streams); it raises ApiFault for Heroku's error answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.clock import iso

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

Handler = Callable[..., Any]
APP_NAME = re.compile(r"^[a-z][a-z0-9-]{1,28}[a-z0-9]$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def route(method: str, template: str) -> Callable[[Handler], Handler]:
    """Declare that a handler serves METHOD template (same templates as transport/routes.py)."""

    def mark(fn: Handler) -> Handler:
        fn.__dict__.setdefault("__hk_routes__", []).append((method.upper(), template))
        return fn

    return mark


def task(name: str) -> Callable[[Handler], Handler]:
    """Declare a lifecycle step run by the scheduler: fn(sandbox, payload)."""

    def mark(fn: Handler) -> Handler:
        fn.__dict__.setdefault("__hk_tasks__", []).append(name)
        return fn

    return mark


class ApiFault(Exception):
    """An error answer in Heroku's shape: {"id", "message"}."""

    def __init__(self, status: int, id: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.id = id
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"id": self.id, "message": self.message, **self.extra}


def not_found(what: str = "resource") -> ApiFault:
    return ApiFault(404, "not_found", f"Couldn't find that {what}.")


def invalid(message: str) -> ApiFault:
    return ApiFault(422, "invalid_params", message)


@dataclass
class Reply:
    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class CompiledRoute:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler
    params: tuple[str, ...]


def compile_route(method: str, template: str, handler: Handler) -> CompiledRoute:
    params = tuple(re.findall(r"\{([a-z_]+)\}", template))
    regex = "^" + re.sub(r"\\\{([a-z_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "/?$"
    return CompiledRoute(method, template, re.compile(regex), handler, params)


# ---------------------------------------------------------------- Range (facts.md §4)
_RANGE = re.compile(
    r"^\s*(?P<field>[a-z_]+)\s+(?P<excl>[\[\]])?(?P<start>[^.;\s]*)\.\.(?P<end>[^;\s]*)\s*(?:;(?P<opts>.*))?$"
)


@dataclass
class RangeSpec:
    field: str
    start: str | None
    exclusive: bool
    end: str | None
    max: int
    order: str


def parse_range(header: str | None, *, default_field: str, allowed: Iterable[str]) -> RangeSpec:
    if not header:
        return RangeSpec(default_field, None, False, None, 200, "asc")
    m = _RANGE.match(header)
    if not m or m["field"] not in set(allowed) | {default_field}:
        raise ApiFault(416, "requested_range_not_satisfiable", "Invalid Range header.")
    max_items, order = 200, "asc"
    for opt in re.split(r"[;,]", m["opts"] or ""):
        opt = opt.strip()
        if not opt:
            continue
        key, _, value = opt.partition("=")
        if key.strip() == "max":
            try:
                max_items = int(value)
            except ValueError as exc:
                raise ApiFault(416, "requested_range_not_satisfiable", "Invalid Range header.") from exc
        elif key.strip() == "order" and value.strip() in ("asc", "desc"):
            order = value.strip()
        else:
            raise ApiFault(416, "requested_range_not_satisfiable", "Invalid Range header.")
    if max_items < 1:
        raise ApiFault(416, "requested_range_not_satisfiable", "Invalid Range header.")
    return RangeSpec(
        m["field"], m["start"] or None, m["excl"] == "]", m["end"] or None, min(max_items, 1000), order
    )


def _key(value: Any) -> Any:
    return (0, value, "") if isinstance(value, int | float) else (1, 0, str(value))


def paginate(
    items: list[dict[str, Any]],
    header: str | None,
    *,
    default_field: str = "id",
    allowed: Iterable[str] = ("id",),
) -> Reply:
    """Apply a Range header: 200 with everything, or 206 + Next-Range when more remain."""
    allowed = tuple(allowed)
    spec = parse_range(header, default_field=default_field, allowed=allowed)
    desc = spec.order == "desc"
    rows = sorted(items, key=lambda i: _key(i.get(spec.field)), reverse=desc)
    if spec.start is not None:
        start = (
            int(spec.start)
            if spec.start.isascii()
            and spec.start.isdigit()
            and len(spec.start) <= 10
            and spec.field == "version"
            else spec.start
        )
        sk = _key(start)

        def after(i: dict[str, Any]) -> bool:
            k = _key(i.get(spec.field))
            if spec.exclusive:
                return k < sk if desc else k > sk
            return k <= sk if desc else k >= sk

        rows = [i for i in rows if after(i)]
    page = rows[: spec.max]
    headers = {"Accept-Ranges": ", ".join(allowed)}
    if page:
        headers["Content-Range"] = f"{spec.field} {page[0].get(spec.field)}..{page[-1].get(spec.field)}"
    if len(rows) > spec.max:
        nxt = f"{spec.field} ]{page[-1].get(spec.field)}..; max={spec.max}"
        if desc:
            nxt += ", order=desc"
        headers["Next-Range"] = nxt
        return Reply(page, 206, headers)
    return Reply(page, 200, headers)


# ---------------------------------------------------------------- the handler's view of a request
@dataclass
class Ctx:
    sandbox: Sandbox
    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: Any
    base_url: str
    account: dict[str, Any]
    token: dict[str, Any]

    @property
    def store(self):  # type: ignore[no-untyped-def]
        return self.sandbox.store

    def now(self) -> float:
        return self.sandbox.clock.now()

    def now_iso(self) -> str:
        return iso(self.now())

    def new_id(self) -> str:
        return self.sandbox.ids.new()

    def json_body(self) -> dict[str, Any]:
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise ApiFault(400, "bad_request", "Request body must be a JSON object.")
        return self.body

    def app(self, ident: str) -> dict[str, Any]:
        """An app by id or name, or Heroku's 404."""
        return find_app(self.sandbox, ident)

    def page(
        self, items: list[dict[str, Any]], *, default_field: str = "id", allowed: Iterable[str] = ("id",)
    ) -> Reply:
        return paginate(items, self.headers.get("range"), default_field=default_field, allowed=allowed)

    def schedule(self, delay: float, name: str, payload: dict[str, Any]) -> None:
        self.sandbox.schedule(delay, name, payload)

    def publish(self, resource: str, action: str, data: dict[str, Any], app: dict[str, Any] | None) -> None:
        self.sandbox.publish(resource, action, data, app, actor=self.account)

    def require_scope(self, *scopes: str) -> None:
        self.sandbox.require_scope(self.token, scopes)


def find_app(sandbox: Sandbox, ident: str) -> dict[str, Any]:
    store = sandbox.store
    app = store.get("app", ident) if UUID_RE.match(ident) else store.first("app", name=ident)
    if app is None:
        raise ApiFault(404, "not_found", "Couldn't find that app.", resource="app")
    if app.get("_denied"):  # listed, but this account lost access (the fleet scenario has one)
        raise ApiFault(403, "forbidden", "You do not have access to the app " + app["name"] + ".")
    return app
