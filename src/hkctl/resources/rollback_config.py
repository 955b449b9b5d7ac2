"""What a rollback does to config vars, by key (values never shown), so it can be said before asking.

A rollback restores the target release's config vars, but add-ons are not rolled back: the config
vars an attached add-on owns (`config_vars` of `GET /apps/{app}/addons`, e.g. DATABASE_URL) keep
their current values, whatever the target release held. The sandbox applies the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hkctl.resources import addons
from hkctl.resources._record import check_app
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient


@dataclass(frozen=True)
class ConfigChange:
    """Keys the rollback adds, removes or changes; add-on keys it keeps although the target differs."""

    added: list[str]
    removed: list[str]
    changed: list[str]
    kept_addon: list[str]

    def lines(self, target: str) -> list[str]:
        """What to tell the person before the confirmation (one line per kind of change)."""
        out = []
        if self.added:
            out.append(f"config vars added by the rollback to {target}: {', '.join(self.added)}")
        if self.removed:
            out.append(f"config vars removed by the rollback to {target}: {', '.join(self.removed)}")
        if self.changed:
            out.append(f"config vars whose values change: {', '.join(self.changed)}")
        if self.kept_addon:
            out.append(
                "add-on config vars kept as they are (add-ons are not rolled back): "
                + ", ".join(self.kept_addon)
            )
        if not out:
            out.append(f"config vars: the rollback to {target} changes none")
        return out


def _release_config(client: HerokuClient, app: str, version: int | str) -> dict[str, str]:
    path = f"/apps/{seg(check_app(app))}/releases/{seg(str(version))}/config-vars"
    body = client.get(path, action="config_release_show") or {}
    values = {str(k): str(v) for k, v in body.items() if v is not None}
    client.redact.add_many(v for v in values.values() if len(v) >= 6)  # never printed by mistake
    return values


def addon_owned_keys(client: HerokuClient, app: str) -> set[str]:
    """Config var names owned by the add-ons attached to `app` now (GET /apps/{app}/addons)."""
    return {key for a in addons.list_(client, app) for key in a.config_vars}


def preview(client: HerokuClient, app: str, current: int | str, target: int | str) -> ConfigChange:
    """Compare release `current` with release `target` under the add-on rule, in three reads: GET
    /apps/{app}/releases/{version}/config-vars for each (values redacted) and GET /apps/{app}/addons.
    Returns key names only; NotFound for an unknown app or version."""
    now = _release_config(client, app, current)
    then = _release_config(client, app, target)
    owned = addon_owned_keys(client, app)
    after = after_rollback(now, then, owned)
    return ConfigChange(
        added=sorted(set(after) - set(now)),
        removed=sorted(set(now) - set(after)),
        changed=sorted(k for k in set(now) & set(after) if now[k] != after[k]),
        kept_addon=sorted(k for k in owned & set(now) if then.get(k) != now[k]),
    )


def after_rollback(current: dict[str, str], target: dict[str, str], owned: set[str]) -> dict[str, str]:
    """The config a rollback leaves (the rule, as a pure function): target's, add-on keys as now."""
    out = {k: v for k, v in target.items() if k not in owned}
    out.update({k: v for k, v in current.items() if k in owned})
    return out
