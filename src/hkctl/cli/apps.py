"""hkctl apps: list, info (apps_info.py), create, rename, destroy, maintenance on|off."""

from __future__ import annotations

import click

from hkctl.cli._app import app_group, app_option
from hkctl.cli._common import Env, json_option, limit_option, pass_env
from hkctl.render.output import echo, emit_json, emit_records, say
from hkctl.resources import apps


@app_group("apps", default="list", app=False)
def cli() -> None:
    """Create, inspect, rename and destroy apps."""


@cli.command("list")
@click.option("--team", "-t", default=None, metavar="TEAM", help="Only the apps of team TEAM.")
@json_option
@limit_option
@pass_env
def list_cmd(env: Env, team: str | None, as_json: bool, limit: int | None) -> None:
    """List the apps you can access.

    Columns: NAME, REGION, STACK, MAINTENANCE (yes when the maintenance page is served), OWNER (email).
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    rows = list(apps.list_(env.client(), limit=limit, team=team))
    emit_records(
        env.io,
        as_json,
        rows,
        [
            ("name", "name"),
            ("region", "region"),
            ("stack", "stack"),
            ("maintenance", "maintenance"),
            ("owner", "owner"),
        ],
        empty="no apps",
    )


@cli.command("create")
@click.argument("name", required=False)
@click.option("--region", type=click.Choice(["us", "eu"]), default=None, help="Region (default us).")
@click.option("--stack", default=None, help="Stack, e.g. heroku-24.")
@click.option("--team", "-t", default=None, metavar="TEAM", help="Create it in team TEAM (POST /teams/apps).")
@json_option
@pass_env
def create_cmd(
    env: Env, name: str | None, region: str | None, stack: str | None, team: str | None, as_json: bool
) -> None:
    """Create an app (a random name when NAME is omitted), yours or a team's."""

    a = apps.create(env.client(), name, region=region, stack=stack, team=team)
    if as_json:
        emit_json(env.io, a.to_json())
    else:
        say(env.io, f"created {a.name} ({a.region}, {a.stack})")
        echo(env.io, a.web_url)


@cli.command("rename")
@click.argument("new_name")
@app_option
@pass_env
def rename_cmd(env: Env, new_name: str, app: str) -> None:
    """Rename an app (its herokuapp.com URL and git URL change too)."""

    a = apps.rename(env.client(), app, new_name)
    say(env.io, f"renamed {app} to {a.name}")


@cli.command("destroy")
@app_option(positional=True)
@pass_env
def destroy_cmd(env: Env, app: str) -> None:
    """Destroy an app with its add-ons, config and releases (type the name to confirm)."""

    apps.destroy(env.client(), app)
    say(env.io, f"destroyed {app}")


@app_group("maintenance", default="show", parent=cli)
def maintenance() -> None:
    """Turn maintenance mode on or off."""


@maintenance.command("show")
@app_option
@pass_env
def maintenance_show(env: Env, app: str) -> None:
    """Print `on` or `off` (what `hkctl apps maintenance -a APP` prints)."""

    echo(env.io, "on" if apps.info(env.client(), app).maintenance else "off")


@maintenance.command("on")
@app_option
@pass_env
def maintenance_on(env: Env, app: str) -> None:
    """Serve the maintenance page instead of the app."""

    apps.set_maintenance(env.client(), app, True)
    say(env.io, f"maintenance mode is on for {app}")


@maintenance.command("off")
@app_option
@pass_env
def maintenance_off(env: Env, app: str) -> None:
    """Serve the app again."""

    apps.set_maintenance(env.client(), app, False)
    say(env.io, f"maintenance mode is off for {app}")
