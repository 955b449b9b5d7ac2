"""Teams: list them, and a team's apps (team-app records carry the same facts as apps, minus generation)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from hkctl.resources.apps import App
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient


def list_(client: HerokuClient) -> Iterator[dict[str, Any]]:
    """Every team's JSON (GET /teams, every page, Range max=1000)."""
    yield from client.paginate("/teams", field="name", action="teams_list")


def apps(client: HerokuClient, team: str) -> Iterator[App]:
    """A team's apps as App records (GET /teams/{team}/apps, every page, Range max=1000; a team-app
    carries the app's fields); NotFound for an unknown team."""
    for item in client.paginate(f"/teams/{seg(team)}/apps", field="name", action="team_apps_list"):
        yield App.from_api(item)
