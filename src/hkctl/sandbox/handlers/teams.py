"""Teams: list, info, a team's apps (as team-app records), and an app created in a team.

Teams come from the scenarios (the demo has one, demo-shop; the fleet scenario several)."""

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


@route("POST", "/teams/apps")
def team_apps_create(ctx: Ctx) -> Any:
    from hkctl.sandbox.backend.apps import create_app
    from hkctl.sandbox.backend.releases import first_releases
    from hkctl.sandbox.routing import Reply, invalid

    body = ctx.json_body()
    for key in ("name", "team", "region", "stack"):
        if key in body and body[key] is not None and not isinstance(body[key], str):
            raise invalid(f"{key} must be a string.")
    team = find_team(ctx, body["team"]) if body.get("team") else None
    created = create_app(
        ctx.sandbox,
        owner=ctx.account,
        name=body.get("name"),
        region=body.get("region"),
        stack=body.get("stack"),
    )
    if team is not None:
        created["team"] = {"id": team["id"], "name": team["name"]}
        ctx.store.put("app", created)
    ctx.publish("app", "create", {"id": created["id"], "name": created["name"]}, created)
    first_releases(ctx.sandbox, created, ctx.account)
    return Reply(team_app(created), 201)


@route("GET", "/teams/{team}/apps")
def team_apps_list(ctx: Ctx, team: str) -> Any:
    record = find_team(ctx, team)
    apps = [team_app(a) for a in ctx.store.find("app", team__id=record["id"])]
    return ctx.page(apps, allowed=("id", "name", "updated_at"))
