"""hkctl access: list, add and remove an app's collaborators."""

from __future__ import annotations

import click

from hkctl.cli._app import app_group, app_option
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.render.output import emit_records, say
from hkctl.resources import collaborators


@app_group("access", default="list")
def cli() -> None:
    """Who can work on an app: list, add and remove collaborators."""


@cli.command("list")
@app_option
@json_option
@pass_env
def list_cmd(env: Env, app: str, as_json: bool) -> None:
    """List the app's owner and collaborators.

    Columns: EMAIL, ROLE (owner, admin, member, viewer or collaborator), SINCE (when added).
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    rows = sorted(collaborators.list_(env.client(), app), key=lambda c: (c.role != "owner", c.email or ""))
    emit_records(
        env.io,
        as_json,
        rows,
        [("email", "email"), ("role", "role"), ("since", "created_at")],
        empty="no collaborators",
    )


@cli.command("add")
@click.argument("email")
@app_option
@click.option("--silent", is_flag=True, help="Do not send the invitation email.")
@pass_env
def add_cmd(env: Env, email: str, app: str, silent: bool) -> None:
    """Give EMAIL access to the app as a collaborator."""

    c = collaborators.add(env.client(), app, email, silent=silent)
    say(env.io, f"added {c.email} to {app} as {c.role}")


@cli.command("remove")
@click.argument("email")
@app_option
@pass_env
def remove_cmd(env: Env, email: str, app: str) -> None:
    """Remove EMAIL's access to the app."""

    c = collaborators.remove(env.client(), app, email)
    say(env.io, f"removed {c.email} from {app}")
