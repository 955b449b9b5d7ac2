"""Safe rollback (spec §4, done right): eligible releases, a default target, one confirmation, dynos watched.

The spec's rollback.sh asks for a version, posts it and sleeps 5 s. Here the target defaults to
the previous eligible release, the person is warned that add-ons and database migrations are not
rolled back, a production rollback is confirmed as destructive (the app's name typed), and the
command returns once the dynos run the new release (or says which did not come up).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hkctl.errors import HkctlError, UsageError
from hkctl.guard.decide import PRODUCTION_NAME
from hkctl.polling import poll
from hkctl.resources import apps, dynos, pipelines, releases, rollback_config
from hkctl.resources.releases import Release
from hkctl.resources.releases import parse_version as parse
from hkctl.resources.rollback_config import ConfigChange

if TYPE_CHECKING:
    from hkctl.resources.dynos import Dyno
    from hkctl.transport.client import HerokuClient

RECENT = 10
WARNING = (
    "⚠️  A rollback restores the slug and config vars of the target release only: add-ons are not "
    "changed and database migrations are not rolled back."
)


@dataclass
class RollbackPlan:
    """A rollback before it is sent: current and target Release, recent releases, config change."""

    app: str
    production: bool
    current: Release
    target: Release
    recent: list[Release] = field(default_factory=list)
    config: ConfigChange | None = None  # keys the rollback adds/removes (add-on keys kept)

    @property
    def eligible(self) -> list[Release]:
        """The recent releases a rollback may target (see `is_eligible`), newest first."""
        return [r for r in self.recent if is_eligible(r, self.current)]

    def to_json(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "production": self.production,
            "current": self.current.to_json(),
            "target": self.target.to_json(),
            "eligible": [r.to_json() for r in self.eligible],
            "warning": WARNING,
            "config": dataclasses.asdict(self.config) if self.config else None,
        }


def is_eligible(release: Release, current: Release) -> bool:
    """A release can be rolled back to: succeeded, eligible for rollback, and not `current` itself."""
    return release.status == "succeeded" and release.eligible_for_rollback and release.id != current.id


def _current(recent: list[Release]) -> Release | None:
    for r in recent:
        if r.current:
            return r
    return next((r for r in recent if r.status == "succeeded"), None)


def parse_version(text: str) -> int:
    """`v41` or `41` → 41 (see resources/releases.py:parse_version); UsageError otherwise."""
    return parse(text)


def plan(client: HerokuClient, app: str, target: str | None = None) -> RollbackPlan:
    """Read the recent releases and pick the target (default: the newest eligible one below current).

    Reads GET /apps/{app}, GET /apps/{app}/releases (newest 10; GET /apps/{app}/releases/{version} when
    the target is older), GET /apps/{app}/pipeline-couplings and the two releases' config-vars plus
    GET /apps/{app}/addons. UsageError (exit 2) for a malformed or ineligible target; NotFound for an
    unknown app or version; HkctlError when there is no current or earlier eligible release.
    """
    version = None if target is None else parse_version(target)  # bad input before anything is sent
    a = apps.info(client, app)
    recent = releases.list_(client, a.name, max_items=RECENT)
    current = _current(recent)
    if current is None:
        raise HkctlError(f"{a.name} has no current release")
    if target is None:
        below = [r for r in recent if r.version < current.version and is_eligible(r, current)]
        if not below:
            raise HkctlError(f"{a.name} has no earlier release eligible for rollback")
        chosen = below[0]
    else:
        found = [r for r in recent if r.version == version]
        chosen = found[0] if found else releases.info(client, a.name, str(version))
        if not is_eligible(chosen, current):
            why = (
                "it is the current release"
                if chosen.id == current.id
                else (
                    f"its status is {chosen.status}"
                    if chosen.status != "succeeded"
                    else "it is not eligible for rollback"
                )
            )
            raise UsageError(f"cannot roll back {a.name} to v{version}: {why}")
    coupling = pipelines.coupling_for_app(client, a.name)
    production = (
        coupling.stage == "production" if coupling is not None else bool(PRODUCTION_NAME.search(a.name))
    )

    config = rollback_config.preview(client, a.name, current.version, chosen.version)
    return RollbackPlan(
        app=a.name, production=production, current=current, target=chosen, recent=recent, config=config
    )


def execute(
    client: HerokuClient,
    p: RollbackPlan,
    *,
    say: Callable[[str], None],
    boot_timeout: float = 300.0,
    interval: float = 2.0,
) -> Release:
    """Confirm (destructive on production), create the rollback release, watch the dynos come up.

    Sends POST /apps/{app}/releases {"release": target id}, then polls GET /apps/{app}/dynos every
    `interval` s. Returns the new Release. GuardRefused when not confirmed; HkctlError when a
    dyno crashes; WaitTimedOut when the dynos are not up within `boot_timeout` seconds.
    """
    write = releases.rollback_write(client, p.app, p.target.id)  # shown, then sent as is
    with client.batch([write], f"rollback {p.app} to v{p.target.version}"):
        new = releases.Release.from_api(client.send(write).body)
    say(f"created v{new.version}: {new.description}")
    watch_dynos(client, p.app, new.version, say=say, timeout=boot_timeout, interval=interval)
    return new


def watch_dynos(
    client: HerokuClient,
    app: str,
    version: int | None,
    *,
    say: Callable[[str], None],
    timeout: float,
    interval: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    what: str = "the rollback",
) -> list[Dyno]:
    """Poll GET /apps/{app}/dynos every `interval` s until every process dyno is up (on `version` when given).

    Returns the Dyno records (one-off run dynos left out). HkctlError when a dyno crashes; WaitTimedOut after `timeout` seconds.
    """
    shown = {"line": ""}

    def settled() -> list[Dyno] | None:
        ds = [d for d in dynos.list_(client, app) if d.type != "run"]
        on_new = [d for d in ds if version is None or d.release in (version, None)]
        up = [d for d in on_new if d.state == "up"]
        crashed = [d.name for d in ds if d.state == "crashed"]
        line = f"dynos: {len(up)}/{len(ds)} up" + (f" on v{version}" if version is not None else "")
        if line != shown["line"]:
            say(line)
            shown["line"] = line
        if crashed:
            raise HkctlError(f"dynos crashed after {what}: {', '.join(crashed)}")
        return ds if len(up) == len(ds) else None

    what_up = "the dynos to come up" + (f" on v{version}" if version is not None else "")
    return poll(settled, timeout=timeout, what=what_up, interval=interval, sleep=sleep)
