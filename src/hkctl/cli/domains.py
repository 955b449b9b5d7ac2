"""hkctl domains: list, add, remove custom domains (and show their DNS targets)."""

from __future__ import annotations

import click

from hkctl.cli._app import app_group, app_option
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.render.output import echo, emit_json, emit_records, say
from hkctl.resources import domains


@app_group("domains", default="list")
def cli() -> None:
    """List, add and remove an app's domains."""


@cli.command("list")
@app_option
@json_option
@pass_env
def list_cmd(env: Env, app: str, as_json: bool) -> None:
    """List domains.

    Columns: HOSTNAME, KIND (heroku: the built-in herokuapp.com one; custom), DNS TARGET (the CNAME to point at), STATUS, SNI ENDPOINT (the certificate serving it).
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    rows = sorted(domains.list_(env.client(), app), key=lambda d: (d.kind != "heroku", d.hostname))
    emit_records(
        env.io,
        as_json,
        rows,
        [
            ("hostname", "hostname"),
            ("kind", "kind"),
            ("dns target", "cname"),
            ("status", "status"),
            ("sni endpoint", "sni_endpoint"),
        ],
        empty=f"no domains on {app}",
    )


@cli.command("add")
@click.argument("hostname")
@app_option
@json_option
@pass_env
def add_cmd(env: Env, hostname: str, app: str, as_json: bool) -> None:
    """Add a custom domain; prints the DNS target to point a CNAME (or ALIAS) at."""

    d = domains.add(env.client(), app, hostname)
    if as_json:
        emit_json(env.io, d.to_json())
        return
    say(
        env.io,
        f"added {d.hostname} to {app} ({d.status}); configure your DNS: CNAME {d.hostname} → {d.cname}",
    )
    echo(env.io, d.cname or "")


@cli.command("remove")
@click.argument("hostname")
@app_option
@pass_env
def remove_cmd(env: Env, hostname: str, app: str) -> None:
    """Remove a custom domain from the app."""

    d = domains.remove(env.client(), app, hostname)
    say(env.io, f"removed {d.hostname} from {app}")
