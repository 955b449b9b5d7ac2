"""The report of an app: health dashboard state + the last log lines' triage, drawn; written to one file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hkctl.logs.triage import report
from hkctl.report import timeline
from hkctl.report.html import prepare, render_html, write_html
from hkctl.report.series import Marker, epoch
from hkctl.resources import log_sessions
from hkctl.workflows import health

if TYPE_CHECKING:
    from collections.abc import Iterable

    from hkctl.resources.releases import Release
    from hkctl.transport.client import HerokuClient


def app_report(client: HerokuClient, app: str, path: str | Path, *, top: int = 10) -> int:
    """Read the app's health (workflows/health) and last 1,500 log lines (POST /apps/{app}/log-sessions),
    write the HTML report to `path`; returns its size in bytes. Raises HkctlError subclasses (API),
    OSError (file)."""
    checked = health.check_app(client, app)
    name = checked.info.name if checked.info else app
    tl = timeline.triage_lines(log_sessions.read(client, app, lines=log_sessions.MAX_LINES), top=top)
    prepare()
    text = render_html(
        tl,
        report(tl, top=top),
        title=f"{name}: health and recent logs",
        health=checked,
        rate_limit_remaining=client.ratelimit.remaining,
        extra_markers=release_markers(checked.releases),
    )
    return write_html(path, text)


def release_markers(releases: Iterable[Release]) -> list[Marker]:
    """Markers for release records (drawn when inside the log's window and not already in the log)."""
    return [
        Marker(epoch(r.created_at), "release", f"v{r.version}", r.description)
        for r in releases
        if r.created_at
    ]
