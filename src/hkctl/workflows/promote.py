"""Promotion check: a pipeline promotion goes ahead only when its source app passes the health check.

`hkctl pipelines promote` calls `check_source` before it promotes; `--no-check` skips the check
and the skip is said on stderr, where logs and CI transcripts keep it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hkctl.errors import GuardRefused
from hkctl.workflows import health

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient
    from hkctl.workflows.health import AppHealth


def check_source(
    client: HerokuClient, source_app: str, *, no_check: bool, say: Callable[[str], None]
) -> AppHealth | None:
    """Refuse (GuardRefused, exit 3, nothing sent) to promote from an unhealthy app unless `no_check`.

    Runs `health.check_app` (GET /apps/{app}, its formation, dynos, releases, add-ons, domains and a log
    session); returns its AppHealth, or None when skipped.
    """
    if no_check:
        say(f"! health check of {source_app} skipped (--no-check): promoting without checking it")
        return None
    h = health.check_app(client, source_app)
    name = h.info.name if h.info else source_app
    if not h.healthy:
        reasons = "\n".join(f"  ✗ {p}" for p in h.problems)
        raise GuardRefused(
            f"refused to promote from {name}: its health check fails\n{reasons}\n"
            f"Fix it (hkctl health {name}), or pass --no-check to promote anyway (logged).",
            rule="unhealthy-source",
        )
    say(f"✓ {name} is healthy: promoting")
    return h
