"""hkctl report: one self-contained HTML page with the app's health now and its recent logs drawn over time."""

from __future__ import annotations

import click

from hkctl.cli._common import Env, pass_env
from hkctl.errors import UsageError
from hkctl.render.output import echo, say
from hkctl.report import build
from hkctl.report.html import check_output


@click.command("report")
@click.argument("app_arg", metavar="[APP]", required=False)
@click.option("-a", "--app", default=None, envvar="HEROKU_APP", metavar="APP", help="App name or id.")
@click.option(
    "-o", "--output", "output", metavar="FILE", help="Where to write the page (default APP-report.html)."
)
@click.option(
    "--top", type=click.IntRange(min=1, max=100), default=10, show_default=True, help="Rows per list."
)
@pass_env
def cli(env: Env, app_arg: str | None, app: str | None, output: str | None, top: int) -> None:
    """Write an HTML report: health (formation, dynos, add-ons, rate limit), findings and charts of
    the last 1,500 log lines (traffic, latency, error codes, memory, dyno events, releases).

    The file needs nothing from the network to open. Prints its path; exit 0 once written,
    whatever the app's health (the page says it).
    """
    target = app_arg or app
    if not target:
        raise UsageError("name an app (APP or -a APP)")
    path = output or f"{target}-report.html"
    check_output(path)
    size = build.app_report(env.client(), target, path, top=top)
    say(env.io, f"wrote {path} ({size / 1000:.0f} kB, self-contained)")
    echo(env.io, path)
