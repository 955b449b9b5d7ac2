"""hkctl certs: list, add (chain + key files) and remove SSL certificates (SNI endpoints)."""

from __future__ import annotations

from pathlib import Path

import click

from hkctl.cli._app import app_group, app_option
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.render.output import echo, emit_json, emit_records, say
from hkctl.resources import sni_endpoints


@app_group("certs", default="list")
def cli() -> None:
    """Manage SSL certificates; the private key is sent once and never printed or logged."""


@cli.command("list")
@app_option
@json_option
@pass_env
def list_cmd(env: Env, app: str, as_json: bool) -> None:
    """List certificates.

    Columns: NAME, DOMAINS (the names it covers), EXPIRES, TRUST (self-signed or CA-signed), ISSUER.
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    rows = list(sni_endpoints.list_(env.client(), app))
    emit_records(
        env.io,
        as_json,
        rows,
        [
            ("name", "name"),
            ("domains", lambda c: ", ".join(c.cert_domains)),
            ("expires", "expires_at"),
            ("trust", lambda c: "self-signed" if c.self_signed else "CA-signed"),
            ("issuer", "issuer"),
        ],
        empty=f"no certificates on {app}",
    )


@cli.command("add")
@app_option
@click.option(
    "--chain",
    "chain_file",
    required=True,
    type=click.Path(path_type=Path),
    help="PEM certificate chain file.",
)
@click.option(
    "--key", "key_file", required=True, type=click.Path(path_type=Path), help="PEM private key file."
)
@json_option
@pass_env
def add_cmd(env: Env, app: str, chain_file: Path, key_file: Path, as_json: bool) -> None:
    """Add a certificate from a PEM chain and key (files are checked before anything is sent)."""

    chain, key = sni_endpoints.read_pair(chain_file, key_file)
    c = sni_endpoints.add(env.client(), app, chain, key)
    if as_json:
        emit_json(env.io, c.to_json())
        return
    say(env.io, f"added certificate {c.name} for {', '.join(c.cert_domains)} (expires {c.expires_at})")
    echo(env.io, c.name)


@cli.command("remove")
@click.argument("name")
@app_option
@pass_env
def remove_cmd(env: Env, name: str, app: str) -> None:
    """Remove certificate NAME (its domains stop serving it)."""

    c = sni_endpoints.remove(env.client(), app, name)
    say(env.io, f"removed certificate {c.name} from {app}")
