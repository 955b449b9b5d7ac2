"""One call from triage counts to the HTML file: series → charts (pygal, imported here only) → page."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.extras import require
from hkctl.report import page, spark
from hkctl.report.series import Marker, build
from hkctl.report.timeline import Timeline

if TYPE_CHECKING:
    from hkctl.workflows.health import AppHealth


def render_html(
    tl: Timeline,
    report: dict[str, Any],
    *,
    title: str,
    health: AppHealth | None = None,
    rate_limit_remaining: int | None = None,
    extra_markers: list[Marker] | None = None,
) -> str:
    """The self-contained page for a Timeline and its triage report (`triage.report(tl)`); with `health`
    (and the API requests left), the app's dashboard state too."""
    from hkctl.report import charts  # pygal comes with the report extra; this module imports without it

    series = build(tl, report, extra_markers=extra_markers)
    drawn = charts.draw_all(series)
    sparks = {row["path"]: spark.sparkline(row["spark_p95"], row["spark_5xx"]) for row in series.paths}
    return page.render(
        report,
        series,
        title=title,
        charts=drawn,
        paths_spark=sparks,
        health=health,
        rate_limit_remaining=rate_limit_remaining,
    )


@cache
def prepare() -> None:
    """Import the charting code ahead (e.g. while a second process finishes its share of a large log)."""
    from hkctl.report import charts  # pygal comes with the report extra; this module imports without it

    charts.warm()


def write_html(path: str | Path, text: str) -> int:
    """Write the page (UTF-8); returns its size in bytes. Raises OSError when the file cannot be written."""
    data = text.encode("utf-8")
    Path(path).write_bytes(data)
    return len(data)


def check_output(path: str | Path) -> None:
    """Raise UsageError (before anything is read or sent) when the page cannot be written or drawn."""
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: no such directory {folder}")
    if Path(path).is_dir():
        raise UsageError(f"cannot write {path}: it is a directory")
    require("report")
