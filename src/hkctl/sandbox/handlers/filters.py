"""POST /filters/apps: apps by id, as team-app records (the official CLI's pipelines:promote uses it)."""

from __future__ import annotations

from typing import Any

from hkctl.sandbox.routing import Ctx, invalid, route
from hkctl.sandbox.schema import official


def _team_app_fields() -> set[str]:
    return set(official().doc["definitions"]["team-app"]["properties"])


def team_app(app: dict[str, Any]) -> dict[str, Any]:
    """An app as Heroku's team-app shape: the same facts plus `joined` and `locked`."""
    out = {k: v for k, v in app.items() if k in _team_app_fields()}
    out.setdefault("joined", False)
    out.setdefault("locked", False)
    out.setdefault("team", None)
    return out


@route("POST", "/filters/apps")
def filter_apps(ctx: Ctx) -> Any:
    body = ctx.json_body()
    wanted = (body.get("in") or {}).get("id") if isinstance(body.get("in"), dict) else None
    if not isinstance(wanted, list) or not all(isinstance(i, str) for i in wanted):
        raise invalid("in.id must be an array of app ids.")
    apps = [a for a in ctx.store.all("app") if a["id"] in set(wanted)]
    return ctx.page([team_app(a) for a in apps], allowed=("id", "name", "updated_at"))
