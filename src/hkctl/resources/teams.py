"""Teams: list them, and a team's apps (team-app records carry the same facts as apps, minus generation)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hkctl.transport.client import HerokuClient, seg


def list_(client: HerokuClient) -> Iterator[dict[str, Any]]:
    """GET /teams (every page, Range max=1000)."""
    yield from client.paginate("/teams", field="name", action="teams_list")


def apps(client: HerokuClient, team: str) -> Iterator[dict[str, Any]]:
    """GET /teams/{team}/apps: raw team-app records (every page, Range max=1000); 404 for an unknown team."""
    yield from client.paginate(f"/teams/{seg(team)}/apps", field="name", action="team_apps_list")
