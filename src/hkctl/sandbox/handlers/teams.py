"""Teams: list, info, and a team's apps (as team-app records); teams come from the fleet scenario."""

from __future__ import annotations

from typing import Any

from hkctl.sandbox.handlers.filters import team_app
from hkctl.sandbox.routing import UUID_RE, ApiFault, Ctx, route


def find_team(ctx: Ctx, ident: str) -> dict[str, Any]:
    team = ctx.store.get("team", ident) if UUID_RE.match(ident) else ctx.store.first("team", name=ident)
    if team is None:
        raise ApiFault(404, "not_found", "Couldn't find that team.", resource="team")
    return team


@route("GET", "/teams")
def teams_list(ctx: Ctx) -> Any:
    return ctx.page(ctx.store.all("team"), allowed=("id", "name"))


@route("GET", "/teams/{team}")
def teams_info(ctx: Ctx, team: str) -> Any:
    return find_team(ctx, team)


@route("GET", "/teams/{team}/apps")
def team_apps_list(ctx: Ctx, team: str) -> Any:
    record = find_team(ctx, team)
    apps = [team_app(a) for a in ctx.store.find("app", team__id=record["id"])]
    return ctx.page(apps, allowed=("id", "name", "updated_at"))
