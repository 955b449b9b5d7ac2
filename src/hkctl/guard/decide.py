"""The one risk decision: from the method, the concrete path and the body, what a request is and what it can lose.

Nothing a caller says about a request is trusted: not an app name, not an action, not a risk,
not a description. `decide()` normalises the path (percent-decoding of unreserved characters;
`..`, `//` and bad encodings are bad input), finds the route template in the one route table
(transport/routes.py, shared with the sandbox), reads the app from the path's `{app}` segment and
applies the rules below over (template, body, app). Every entry point (each command, `hkctl api`,
each MCP tool, `apply`, each workflow step) reaches the guard through this function, so the same
request always gets the same verdict.

Rules that raise a route's risk (the route table gives the base risk):
- scaling any process type to quantity 0 is destructive (it stops the process);
- scaling a production app, or rolling one back, is destructive (its name is typed);
- a POST to /apps/{app}/releases naming a release is a rollback;
- a POST to /apps/{app}/releases naming a slug on a production app is destructive: the guard cannot
  tell from the request whether the slug is new code or an older release's (a rollback by another
  spelling), so production's name is typed either way;
- an app transfer (POST /account/app-transfers) concerns the app its body names;
- a request no template knows: DELETE is destructive, any other method but GET/HEAD a write.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from hkctl.errors import UsageError
from hkctl.transport.routes import ACTIONS, DESTRUCTIVE, READ, Action, Risk, match_params

# An app is production when its name says so (`prod`/`production` as a dash-separated word), or when
# the client read that its pipeline coupling's stage is `production` (`decide(..., production=True)`;
# that read can only raise a risk). The
# guard judges the request alone: it does not read the pipeline to learn an app's stage.
PRODUCTION_NAME = re.compile(r"(^|-)prod(uction)?(-|$)")

# Action names the rules below key on (a test checks every name against the route table).
FORMATION_BATCH_UPDATE = "formation_batch_update"
FORMATION_UPDATE = "formation_update"
RELEASES_CREATE = "releases_create"
APPS_UPDATE = "apps_update"
APPS_CREATE = "apps_create"
CONFIG_UPDATE = "config_update"
APP_TRANSFERS_CREATE = "app_transfers_create"
STAGE_RULE_ACTIONS = (FORMATION_BATCH_UPDATE, FORMATION_UPDATE, RELEASES_CREATE)
RULE_ACTIONS = (
    FORMATION_BATCH_UPDATE,
    FORMATION_UPDATE,
    RELEASES_CREATE,
    APPS_UPDATE,
    APPS_CREATE,
    CONFIG_UPDATE,
    APP_TRANSFERS_CREATE,
)

# The rules that raise a route's risk, as SECURITY.md's table states them (guard/table.py).
RULES: tuple[tuple[str, Risk], ...] = (
    (
        f"`{FORMATION_BATCH_UPDATE}` / `{FORMATION_UPDATE}` with any `quantity` equal to 0 (scale to zero)",
        DESTRUCTIVE,
    ),
    (
        f"`{FORMATION_BATCH_UPDATE}` / `{FORMATION_UPDATE}` on a production app (scale production)",
        DESTRUCTIVE,
    ),
    (f"`{RELEASES_CREATE}` with a `release` in the body (a rollback) on a production app", DESTRUCTIVE),
    (
        f"`{RELEASES_CREATE}` with a `slug` in the body on a production app (an older slug is a rollback)",
        DESTRUCTIVE,
    ),
)

# What a destructive write loses, said in the prompt and the MCP form (by rule, then by action).
LOSS = {
    "scale to zero": "the process type stops: no dyno of it runs until it is scaled up again",
    "scale production": "production's running capacity changes at once",
    "roll back production": "production runs an older release's code and config vars (add-ons and data stay)",
    "release a slug on production": "production runs this slug's code at once (an older slug rolls it back)",
    "tokens_regenerate": "the authorization's current tokens stop working at once, for everything that uses them",
    "app_transfers_create": "the app, its add-ons and data go to another owner once they accept",
    "team_apps_update": "the app may change owner (its add-ons and data with it) or who may use it",
    "pg_reset": "every table of the database is dropped: its data is gone for good",
    "pg_restore": "the database's current data is replaced by the backup's",
    "pg_copy": "the database's current data is replaced by the copied one",
    "apps_destroy": "the app, its add-ons and their data, config vars, releases and domains are deleted for good",
    "addons_destroy": "the add-on and its data are deleted for good; its config vars are removed",
    "pipelines_destroy": "the pipeline and its stages are deleted (its apps stay)",
    "review_apps_destroy": "the review app and its app are deleted",
    "tokens_revoke": "the token stops working at once, for everything that uses it",
    "pg_transfers_delete": "the database backup is deleted for good",
}

_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_PATH_CHARS = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
_HEX = frozenset(string.hexdigits)

# The name typed to confirm a destructive write that has no {app} segment: which parameter names it.
_TARGET_PARAM = {
    "pipelines_destroy": "pipeline",
    "tokens_revoke": "authorization",
    "review_apps_destroy": "review_app",
    "tokens_regenerate": "authorization",
}


@dataclass(frozen=True)
class Decision:
    """What a request is, as the guard sees it. `path` is the normalised path that is sent."""

    method: str
    path: str
    query: str
    action: Action
    params: dict[str, str]
    app: str | None
    risk: Risk
    description: str
    rule: str  # why the risk is what it is: "route", "unknown route", "scale to zero", ...
    production: bool = False  # the app is production (its name, or its pipeline stage when read)
    origin: str = ""  # scheme://host when the caller gave an absolute URL (the allowlist judges it)
    target: str | None = None  # the name typed to confirm (destructive writes only)
    target_kind: str = "app"

    @property
    def is_write(self) -> bool:
        return self.risk != READ

    @property
    def loss(self) -> str | None:
        """What a destructive write loses, in words (None for other writes)."""
        if not self.destructive:
            return None
        known = LOSS.get(self.rule) or LOSS.get(self.action.name)
        return known or "whatever this endpoint deletes (the route table does not know it)"

    @property
    def needs_stage(self) -> bool:
        """True when the app's pipeline stage could raise this write's risk (scale, rollback)."""
        return self.app is not None and not self.production and self.action.name in STAGE_RULE_ACTIONS

    @property
    def destructive(self) -> bool:
        return self.risk == DESTRUCTIVE

    @property
    def known(self) -> bool:
        return not self.action.name.startswith("raw_")

    @property
    def endpoint(self) -> str:
        return self.origin + self.path + (f"?{self.query}" if self.query else "")


def normalise_path(path: str) -> tuple[str, str]:
    """(path, query) with unreserved characters percent-decoded; raise UsageError when it is not clean.

    Refused (exit 2, nothing sent): no leading '/', an empty segment ('//'), a '.' or '..' segment
    (also when encoded), a '%' not followed by two hex digits, an encoded '/', '\\' or control
    character, and any character that must be percent-encoded in a path.
    """
    if not isinstance(path, str) or not path.startswith("/"):
        raise UsageError(f"PATH must start with '/', got {path!r}")
    raw, _, query = path.partition("?")
    if "#" in path:
        raise UsageError(f"PATH must not hold a fragment ('#'): {path!r}")
    out: list[str] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "%":
            hx = raw[i + 1 : i + 3]
            if len(hx) != 2 or not set(hx) <= _HEX:
                raise UsageError(f"bad percent-encoding in PATH {path!r} at {raw[i : i + 3]!r}")
            ch = chr(int(hx, 16))
            if ch in _UNRESERVED:
                out.append(ch)
            elif ch in "/\\" or ord(ch) < 0x20 or ord(ch) == 0x7F:
                raise UsageError(f"PATH {path!r} encodes {ch!r} (%{hx}); it is refused")
            else:
                out.append("%" + hx.upper())
            i += 3
            continue
        if c not in _PATH_CHARS:
            raise UsageError(f"PATH {path!r} holds {c!r}, which must be percent-encoded")
        out.append(c)
        i += 1
    norm = "".join(out)
    if len(norm) > 1 and norm.endswith("/"):
        norm = norm[:-1]
    segments = norm.split("/")[1:]
    if norm != "/" and "" in segments:
        raise UsageError(f"PATH {path!r} has an empty segment ('//')")
    if any(s in (".", "..") for s in segments):
        raise UsageError(f"PATH {path!r} has a '.' or '..' segment")
    return norm, query


def is_production(app: str | None) -> bool:
    return bool(app and PRODUCTION_NAME.search(app))


def decide(method: str, path: str, body: Any = None, *, production: bool = False) -> Decision:
    """The guard's view of one request. Raises UsageError when the path does not normalise cleanly.

    `production=True` says the app was read to be in a pipeline's production stage; it can only
    raise the risk (an app whose name says production is production whatever is passed).
    """
    method = method.upper()
    origin = ""
    if path.startswith(("https://", "http://")):
        parts = urlsplit(path)
        origin = f"{parts.scheme}://{parts.netloc}"
        path = path[len(origin) :] or "/"
    norm, query = normalise_path(path)
    action, quoted = match_params(method, norm)
    params = {k: unquote(v) for k, v in quoted.items()}
    app = params.get("app")
    if app is None and not quoted:
        app = _app_of_unknown(norm)
    if action.name == APPS_CREATE and isinstance(body, dict) and isinstance(body.get("name"), str):
        app = body["name"]  # the app this request creates
    if action.name == APP_TRANSFERS_CREATE and isinstance(body, dict) and isinstance(body.get("app"), str):
        app = body["app"]  # the app this request transfers (a name or an id)
    production = production or is_production(app)
    risk, rule = _risk(action, production, body)
    target, target_kind = _target(action, params, app, norm)
    return Decision(
        method=method,
        path=norm,
        query=query,
        action=action,
        params=params,
        app=app,
        risk=risk,
        description=describe(action, params, app, body),
        rule=rule,
        production=production,
        origin=origin,
        target=target if risk == DESTRUCTIVE else None,
        target_kind=target_kind,
    )


def _app_of_unknown(norm: str) -> str | None:
    """An unknown route under /apps/NAME/... still concerns app NAME."""
    parts = norm.split("/")
    if len(parts) >= 3 and parts[1] == "apps":
        return unquote(parts[2])
    if len(parts) >= 6 and parts[1:4] == ["client", "v11", "apps"]:
        return unquote(parts[4])
    return None


def _target(action: Action, params: dict[str, str], app: str | None, norm: str) -> tuple[str | None, str]:
    if app is not None:
        return app, "app"
    name = _TARGET_PARAM.get(action.name)
    if name and name in params:
        return params[name], name.replace("_", " ")
    if params:
        last = list(params)[-1]
        return params[last], last.replace("_", " ")
    tail = norm.rstrip("/").rsplit("/", 1)[-1]
    return (unquote(tail) or None), "resource"


def _updates(action: Action, body: Any, params: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    if action.name == FORMATION_BATCH_UPDATE:
        ups = body.get("updates")
        return [u for u in ups if isinstance(u, dict)] if isinstance(ups, list) else []
    if action.name == FORMATION_UPDATE:
        return [{"type": params.get("type"), **body}]
    return []


def _is_zero(quantity: Any) -> bool:
    """A quantity that stops the process: 0, or anything below 1 however it is spelled ("0", 0.0, "-0")."""
    if isinstance(quantity, bool):
        return False
    if isinstance(quantity, str):
        try:
            quantity = float(quantity)
        except ValueError:
            return False
    return isinstance(quantity, (int, float)) and quantity < 1


def is_rollback(action: Action, body: Any) -> bool:
    return action.name == RELEASES_CREATE and isinstance(body, dict) and "release" in body


def is_slug_release(action: Action, body: Any) -> bool:
    return action.name == RELEASES_CREATE and isinstance(body, dict) and "slug" in body


def _risk(action: Action, production: bool, body: Any) -> tuple[Risk, str]:
    if action.kind == READ or action.kind == DESTRUCTIVE:
        return action.kind, ("unknown route" if action.name.startswith("raw_") else "route")
    if action.name in (FORMATION_BATCH_UPDATE, FORMATION_UPDATE):
        if any(_is_zero(u.get("quantity")) for u in _updates(action, body, {"type": ""})):
            return DESTRUCTIVE, "scale to zero"
        if production:
            return DESTRUCTIVE, "scale production"
    if is_rollback(action, body) and production:
        return DESTRUCTIVE, "roll back production"
    if is_slug_release(action, body) and production:
        return DESTRUCTIVE, "release a slug on production"
    return action.kind, ("unknown route" if action.name.startswith("raw_") else "route")


def describe(action: Action, params: dict[str, str], app: str | None, body: Any) -> str:
    """The human description of a request, derived from the route and the body (never a caller's text)."""
    name = action.name
    on = f" on {app}" if app else ""
    if name in (FORMATION_BATCH_UPDATE, FORMATION_UPDATE) and isinstance(body, dict):
        parts = []
        for u in _updates(action, body, params):
            q, size = u.get("quantity"), u.get("size")
            parts.append(
                f"{u.get('type')}" + (f"={q}" if q is not None else "") + (f":{size}" if size else "")
            )
        zero = (
            " (to zero: the process stops)"
            if any(_is_zero(u.get("quantity")) for u in _updates(action, body, params))
            else ""
        )
        return f"scale {' '.join(parts) or 'process types'}{on}{zero}"
    if is_rollback(action, body):
        return f"roll back {app or 'the app'} to release {body['release']} (its code and config vars return)"
    if name == CONFIG_UPDATE and isinstance(body, dict):
        sets = [k for k, v in body.items() if v is not None]
        unsets = [k for k, v in body.items() if v is None]
        what = "; ".join(
            x
            for x in (
                ("set " + ", ".join(sets)) if sets else "",
                ("unset " + ", ".join(unsets)) if unsets else "",
            )
            if x
        )
        return f"config vars{on}: {what or 'no change'}"
    if name == APPS_UPDATE and isinstance(body, dict):
        bits = []
        if "name" in body:
            bits.append(f"rename {app} to {body['name']}")
        if "maintenance" in body:
            bits.append(f"turn maintenance mode {'on' if body['maintenance'] else 'off'}{on}")
        if bits:
            return "; ".join(bits)
    if name.startswith("raw_"):
        return f"{action.method} {action.template} (unknown route: no template in the route table)"
    return action.description + on


def write_templates() -> list[Action]:
    """Every write route of the table (what the property test and SECURITY.md's table cover)."""
    return [a for a in ACTIONS if a.kind != READ]
