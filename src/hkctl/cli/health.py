"""hkctl health: the dashboard of spec §15 in one concurrent round, with an exit status (0 healthy, 1 not)."""

from __future__ import annotations

import click

from hkctl.cli import _health_view as view
from hkctl.cli._app import app_option, require
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.errors import UsageError
from hkctl.render.output import echo, emit_json, say
from hkctl.workflows import health


@click.command("health")
@app_option(positional=True, raw=True)
@click.option("--pipeline", "-p", default=None, metavar="P", help="Every stage of pipeline P, side by side.")
@json_option
@click.option("--watch", is_flag=True, help="Refresh until interrupted (Ctrl-C).")
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    default=10.0,
    show_default=True,
    help="Seconds between refreshes with --watch.",
)
@click.option(
    "--count",
    type=click.IntRange(min=1),
    default=None,
    hidden=True,
    help="With --watch: stop after N refreshes (for scripts and tests).",
)
@pass_env
def cli(
    env: Env,
    app_arg: str | None,
    app: str | None,
    remote: str | None,
    pipeline: str | None,
    as_json: bool,
    watch: bool,
    interval: float,
    count: int | None,
) -> None:
    """Health of an app (or every app of a pipeline): app, formation, dynos, releases, add-ons,
    domains and the router's recent 5xx rate and H/R codes.

    Exit status 0 when healthy, 1 when a check fails (crashed dynos, failed latest release, add-on
    not provisioned, H10/H12/R14/R15 in the recent log, maintenance on); the reasons are listed.
    """
    if pipeline and (app_arg or app or remote):
        raise UsageError("name an app or a pipeline (--pipeline P), not both")
    target = None if pipeline else require(env, app=app, remote=remote, positional=app_arg)
    client = env.client()
    title: dict[str, str] = {}

    def run() -> list[health.AppHealth]:
        if pipeline:
            p, results = health.check_pipeline(client, pipeline)
            title["pipeline"] = p.name
            return results
        return [health.check_app(client, str(target))]

    def show(results: list[health.AppHealth]) -> None:
        remaining = client.ratelimit.remaining
        if as_json:
            doc: dict[str, object] = (
                {
                    "pipeline": title.get("pipeline"),
                    "healthy": all(h.healthy for h in results),
                    "stages": [h.to_json() for h in results],
                }
                if pipeline
                else results[0].to_json()
            )
            doc["rate_limit_remaining"] = remaining
            emit_json(env.io, doc)
            return
        if watch and env.io.stdout_is_tty:
            env.io.out.write("\033[2J\033[1;1H")  # clear the screen, as click.clear() does
        text = (
            view.render_side_by_side(title.get("pipeline", str(pipeline)), results, term_width=env.io.width)
            if pipeline
            else view.render_app(results[0])
        )
        echo(env.io, text)
        say(env.io, f"rate limit: {remaining if remaining is not None else '?'} requests left of 4500")

    if watch:
        results = health.watch(run, show, interval=interval, count=count)
    else:
        results = run()
        show(results)
    if not all(h.healthy for h in results):
        raise click.exceptions.Exit(1)
