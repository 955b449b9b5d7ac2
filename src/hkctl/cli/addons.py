"""hkctl addons: list, info, create, upgrade (change plan), destroy."""

from __future__ import annotations

import click

from hkctl.cli._app import app_group, app_option
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.cli._release import release_done
from hkctl.render.output import echo, emit_fields, emit_json, emit_records, say
from hkctl.resources import addons


@app_group("addons", default="list")
def cli() -> None:
    """List, create, re-plan and destroy add-ons (databases, caches, logging)."""


@cli.command("list")
@app_option
@json_option
@pass_env
def list_cmd(env: Env, app: str, as_json: bool) -> None:
    """List an app's add-ons.

    Columns: NAME, PLAN (service:plan), PRICE (per month), STATE (provisioning, provisioned, deprovisioned), CONFIG VARS (the variables it sets).
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    rows = sorted(addons.list_(env.client(), app), key=lambda a: a.name)
    emit_records(
        env.io,
        as_json,
        rows,
        [
            ("name", "name"),
            ("plan", "plan"),
            ("price", lambda a: a.price),
            ("state", "state"),
            ("config vars", lambda a: ", ".join(a.config_vars)),
        ],
        empty=f"no add-ons on {app}",
    )


@cli.command("info")
@click.argument("name")
@app_option
@json_option
@pass_env
def info_cmd(env: Env, name: str, app: str, as_json: bool) -> None:
    """Show one add-on: NAME is its name, id, attachment (DATABASE) or service (heroku-postgresql,
    when the app has one add-on of it)."""

    a = addons.find(env.client(), app, name)
    if as_json:
        emit_json(env.io, a.to_json())
        return
    emit_fields(
        env.io,
        [
            ("name", a.name),
            ("id", a.id),
            ("service", a.service),
            ("plan", a.plan),
            ("price", a.price),
            ("state", a.state),
            ("billing app", a.app),
            ("config vars", ", ".join(a.config_vars)),
            ("web url", a.web_url),
            ("created", a.created_at),
        ],
    )


@cli.command("create")
@click.argument("plan")
@app_option
@click.option(
    "--name", default=None, help="Name the add-on (default: generated, e.g. postgresql-curved-12345)."
)
@click.option("--as", "attachment", default=None, help="Attachment name (default: DATABASE, REDIS, ...).")
@click.option("--config", "config", multiple=True, metavar="KEY=VALUE", help="Provider setting (repeatable).")
@json_option
@pass_env
def create_cmd(
    env: Env,
    plan: str,
    app: str,
    name: str | None,
    attachment: str | None,
    config: tuple[str, ...],
    as_json: bool,
) -> None:
    """Create an add-on from PLAN (SERVICE:PLAN, e.g. heroku-postgresql:essential-0)."""

    a = addons.create(
        env.client(), app, plan, name=name, attachment=attachment, config=addons.parse_config(config)
    )
    if as_json:
        emit_json(env.io, a.to_json())
        return
    say(env.io, f"created {a.name} ({a.plan}, {a.price or 'price unknown'}) on {app}: {a.state}")
    if a.config_vars:
        say(env.io, f"config vars set: {', '.join(a.config_vars)}{release_done(env, app)}")
    if a.provision_message:
        say(env.io, a.provision_message)
    echo(env.io, a.name)


@cli.command("upgrade")
@click.argument("name")
@click.argument("plan")
@app_option
@pass_env
def upgrade_cmd(env: Env, name: str, plan: str, app: str) -> None:
    """Change add-on NAME to PLAN: `essential-1` or `heroku-postgresql:essential-1` (the service is
    the add-on's own; also for downgrades). NAME may be the service when the app has one of it."""

    addons.check_plan(plan)  # bad input is refused before anything is read
    client = env.client()
    addon = addons.find(client, app, name)
    a = addons.upgrade(client, app, addon.name, addons.full_plan(addon, plan))
    say(env.io, f"{a.name} is now on {a.plan} ({a.price})")


@cli.command("destroy")
@click.argument("name")
@app_option
@pass_env
def destroy_cmd(env: Env, name: str, app: str) -> None:
    """Destroy add-on NAME and its data (type the app name to confirm, or --confirm APP)."""

    a = addons.destroy(env.client(), app, name)
    say(
        env.io,
        f"destroyed {a.name} ({a.plan}); removed {', '.join(a.config_vars) or 'no config vars'}"
        + (release_done(env, app) if a.config_vars else ""),
    )
