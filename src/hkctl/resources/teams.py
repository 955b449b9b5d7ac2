"""Teams: list them, and a team's apps (team-app records carry the same facts as apps, minus generation)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hkctl.transport.client import HerokuClient, seg


def list_(client: HerokuClient) -> Iterator[dict[str, Any]]:
    """Every team's JSON (GET /teams, every page, Range max=1000)."""
    yield from client.paginate("/teams", field="name", action="teams_list")


def apps(client: HerokuClient, team: str) -> Iterator[dict[str, Any]]:
    """Raw team-app records (GET /teams/{team}/apps, every page, Range max=1000); NotFound for an unknown
    team."""
    yield from client.paginate(f"/teams/{seg(team)}/apps", field="name", action="team_apps_list")
