"""Which apps a fleet command covers: all of the account's, a team's, some pipelines', names matching a glob.

The selection is read from list endpoints only (Range max=1000, so 300 apps are one request):
GET /apps or GET /teams/{team}/apps, plus GET /pipelines and GET /pipeline-couplings when pipelines
matter. Everything the list endpoint carries (region, stack, generation, owner, team, maintenance,
released_at) is known from here on without another request.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.resources import apps as app_records
from hkctl.resources import pipelines as pipes
from hkctl.resources import teams

if TYPE_CHECKING:
    from hkctl.resources.apps import App
    from hkctl.transport.client import HerokuClient

STAGES = ("review", "development", "staging", "production")


@dataclass
class FleetApp:
    """One app as the list endpoint describes it, plus its pipeline and stage when known."""

    id: str
    name: str
    team: str | None
    owner: str | None
    region: str | None
    stack: str | None
    generation: str | None
    maintenance: bool
    released_at: str | None
    pipeline: str | None = None
    stage: str | None = None
    record: App | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_app(cls, a: App) -> FleetApp:
        """From the App record of GET /apps (or GET /teams/{team}/apps); pipeline and stage come later."""
        return cls(
            id=a.id,
            name=a.name,
            team=a.team,
            owner=a.owner,
            region=a.region,
            stack=a.stack,
            generation=a.generation,
            maintenance=a.maintenance,
            released_at=a.released_at,
            record=a,
        )

    def release_age_days(self, now: datetime) -> int | None:
        """Whole days since the last release (None when the app was never released)."""
        if not self.released_at:
            return None
        at = datetime.strptime(self.released_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return max(0, int((now - at).total_seconds() // 86400))

    def to_json(self) -> dict[str, Any]:
        return {
            "app": self.name,
            "id": self.id,
            "team": self.team,
            "owner": self.owner,
            "region": self.region,
            "stack": self.stack,
            "generation": self.generation,
            "maintenance": self.maintenance,
            "released_at": self.released_at,
            "pipeline": self.pipeline,
            "stage": self.stage,
        }


@dataclass
class Selection:
    """The apps chosen, and what choosing them cost."""

    apps: list[FleetApp]
    requests: int = 0  # list reads spent on the selection
    pipelines: dict[str, str] = field(default_factory=dict)  # id -> name (when read)
    described: str = "all apps of the account"


def select(
    client: HerokuClient,
    *,
    team: str | None = None,
    pipelines: Sequence[str] = (),
    match: str | None = None,
    with_pipelines: bool = False,
) -> Selection:
    """Read the selection from list endpoints; raises UsageError for a pipeline that does not exist.

    GET /apps (or GET /teams/{team}/apps), plus GET /pipelines and GET /pipeline-couplings when pipelines
    are named or wanted; NotFound for an unknown team. `Selection.requests` counts the reads spent.
    """
    sent = len(client.sent)
    if team:
        found = list(teams.apps(client, team))
        described = f"apps of team {team}"
    else:
        found = list(app_records.list_(client))
        described = "all apps of the account"
    apps = [FleetApp.from_app(a) for a in found]
    names: dict[str, str] = {}
    if pipelines or with_pipelines:
        names = {p.id: p.name for p in pipes.list_(client)}
        unknown = sorted(set(pipelines) - set(names.values()) - set(names))
        if unknown:
            raise UsageError(f"no such pipeline: {', '.join(unknown)}")
        by_app = {c.app_id: c for c in pipes.all_couplings(client)}
        for app in apps:
            c = by_app.get(app.id)
            if c is not None:
                app.pipeline, app.stage = names.get(c.pipeline_id, c.pipeline_id), c.stage
    if pipelines:
        wanted = {names.get(p, p) for p in pipelines}
        apps = [a for a in apps if a.pipeline in wanted]
        described = f"apps of pipeline{'s' if len(wanted) > 1 else ''} {', '.join(sorted(wanted))}" + (
            f" (team {team})" if team else ""
        )
    if match:
        apps = [a for a in apps if fnmatch.fnmatchcase(a.name, match)]
        described += f" matching {match}"
    apps.sort(key=lambda a: a.name)
    return Selection(apps=apps, requests=len(client.sent) - sent, pipelines=names, described=described)
