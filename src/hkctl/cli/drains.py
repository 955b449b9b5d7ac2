"""hkctl drains: list, add and remove log drains."""

from __future__ import annotations

import click

from hkctl.cli._app import app_group, app_option
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.render.output import emit_json, emit_records, say
from hkctl.resources import log_drains


@app_group("drains", default="list")
def cli() -> None:
    """Log drains: forward an app's logs to syslog or HTTPS endpoints."""


@cli.command("list")
@app_option
@json_option
@pass_env
def list_cmd(env: Env, app: str, as_json: bool) -> None:
    """List an app's log drains.

    Columns: ID, URL, TOKEN (the d.… id in the drain's log lines), ADDON (the add-on that made it, if any).
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    rows = log_drains.list_(env.client(), app)
    emit_records(
        env.io,
        as_json,
        rows,
        [("id", "id"), ("url", "url"), ("token", "token"), ("addon", "addon")],
        empty=f"no drains on {app}",
    )


@cli.command("add")
@click.argument("url")
@app_option
@json_option
@pass_env
def add_cmd(env: Env, url: str, app: str, as_json: bool) -> None:
    """Send the app's logs to URL (syslog://, syslog+tls://, https://)."""

    d = log_drains.add(env.client(), app, url)
    if as_json:
        emit_json(env.io, d.to_json())
    else:
        say(env.io, f"added drain {d.url} to {app} (token {d.token})")


@cli.command("remove")
@click.argument("drain")
@app_option
@pass_env
def remove_cmd(env: Env, drain: str, app: str) -> None:
    """Remove a drain, named by its id, URL or token."""

    d = log_drains.remove(env.client(), app, drain)
    say(env.io, f"removed drain {d.url} from {app}")
