"""Apps: list, info, create, rename, maintenance, destroy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.resources._record import APP_NAME, Record, check_app, name_of
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.guard.policy import PlannedWrite
    from hkctl.transport.client import HerokuClient


@dataclass(frozen=True, kw_only=True)
class App(Record):
    """An app (API object `app`): id, name, region, stack, maintenance flag, owner's email; dates ISO 8601."""

    id: str
    name: str
    region: str | None
    stack: str | None
    maintenance: bool
    web_url: str | None
    git_url: str | None
    owner: str | None
    team: str | None
    generation: str | None
    created_at: str | None
    updated_at: str | None
    released_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> App:
        return cls(
            raw=d,
            id=d["id"],
            name=d["name"],
            region=name_of(d.get("region")),
            stack=name_of(d.get("stack")),
            maintenance=bool(d.get("maintenance")),
            web_url=d.get("web_url"),
            git_url=d.get("git_url"),
            owner=name_of(d.get("owner"), "email"),
            team=name_of(d.get("team")),
            generation=name_of(d.get("generation")),
            created_at=d.get("created_at"),
            updated_at=d.get("updated_at"),
            released_at=d.get("released_at"),
        )


def list_(client: HerokuClient, *, limit: int | None = None, team: str | None = None) -> Iterator[App]:
    """Every app the account sees (`GET /apps`), or a team's apps (`GET /teams/{team}/apps`), by name;
    `limit` caps the count. NotFound for an unknown team."""
    path, action = (f"/teams/{seg(team)}/apps", "team_apps_list") if team else ("/apps", "apps_list")
    for item in client.paginate(path, field="name", limit=limit, action=action):
        yield App.from_api(item)


def info(client: HerokuClient, app: str) -> App:
    """An app by name or id (GET /apps/{app}); UsageError (exit 2) for a malformed name, NotFound for an
    unknown one."""
    return App.from_api(client.get(f"/apps/{seg(check_app(app))}", action="apps_info"))


def create(
    client: HerokuClient,
    name: str | None = None,
    *,
    region: str | None = None,
    stack: str | None = None,
    team: str | None = None,
) -> App:
    """`POST /apps` {name?, region?, stack?}, or `POST /teams/apps` with `team` (the app then belongs to the
    team); returns the new app. UsageError (exit 2, nothing sent) for a malformed name; InvalidParams (422)
    when the name is taken."""
    if name is not None and not APP_NAME.match(name):
        raise UsageError(
            f"invalid app name {name!r}: use 3–30 lowercase letters, digits and dashes, "
            "starting with a letter"
        )
    body = {k: v for k, v in {"name": name, "region": region, "stack": stack}.items() if v is not None}
    if team is not None:
        body["team"] = team
        return App.from_api(client.json("POST", "/teams/apps", body=body, action="team_apps_create"))
    return App.from_api(client.json("POST", "/apps", body=body, action="apps_create"))


def rename(client: HerokuClient, app: str, new_name: str) -> App:
    """Rename an app (PATCH /apps/{app} {name}); returns it renamed. UsageError (exit 2, nothing sent) for a
    malformed name; InvalidParams (422) when the new name is taken."""
    if not APP_NAME.match(new_name):
        raise UsageError(
            f"invalid app name {new_name!r}: use 3–30 lowercase letters, digits and dashes, "
            "starting with a letter"
        )
    return App.from_api(
        client.json(
            "PATCH",
            f"/apps/{seg(check_app(app))}",
            body={"name": new_name},
            action="apps_update",
        )
    )


def maintenance_write(client: HerokuClient, app: str, on: bool) -> PlannedWrite:
    """`PATCH /apps/{app}` {"maintenance": on}, as shown and as sent."""
    return client.planned(
        "PATCH", f"/apps/{seg(check_app(app))}", body={"maintenance": on}, action="apps_update"
    )


def set_maintenance(client: HerokuClient, app: str, on: bool) -> App:
    """Turn maintenance mode on or off (PATCH /apps/{app} {maintenance}); returns the app as changed."""
    return App.from_api(client.send(maintenance_write(client, app, on)).body)


def destroy(client: HerokuClient, app: str) -> App:
    """Delete an app (DELETE /apps/{app}; destructive: the guard wants the app's name typed); returns it as
    deleted. NotFound for an unknown app."""
    return App.from_api(
        client.json(
            "DELETE",
            f"/apps/{seg(check_app(app))}",
            action="apps_destroy",
        )
    )
