"""hkctl config: show, get, set, unset (values masked unless --reveal)."""

from __future__ import annotations

import click

from hkctl.cli._common import Env, app_option, json_option, pass_env
from hkctl.render.output import emit_json, emit_table, say


@click.group("config")
def cli() -> None:
    """Show and change config vars (values are masked unless you ask)."""


@cli.command("show")
@app_option
@json_option
@click.option("--reveal", is_flag=True, help="Show the values (they are secrets).")
@pass_env
def show_cmd(env: Env, app: str, as_json: bool, reveal: bool) -> None:
    """List config vars; values masked unless --reveal."""
    from hkctl.resources import config_vars

    config = config_vars.show(env.client(), app)
    shown = config if reveal else config_vars.masked(config)
    if as_json:
        emit_json(shown)
        return
    emit_table(
        sorted(shown.items()),
        [("key", lambda kv: kv[0]), ("value", lambda kv: kv[1])],
        empty="no config vars",
    )


@cli.command("get")
@click.argument("key")
@app_option
@click.option("--reveal", is_flag=True, help="Print the value (it is a secret).")
@pass_env
def get_cmd(env: Env, key: str, app: str, reveal: bool) -> None:
    """Print one config var (masked unless --reveal); exit 1 when it is not set."""
    from hkctl.errors import HkctlError
    from hkctl.resources import config_vars

    config = config_vars.show(env.client(), app)
    if key not in config:
        raise HkctlError(f"{key} is not set on {app}")
    click.echo(config[key] if reveal else config_vars.MASK)


@cli.command("set")
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
@app_option
@pass_env
def set_cmd(env: Env, assignments: tuple[str, ...], app: str) -> None:
    """Set one or more config vars in one change (one release)."""
    from hkctl.resources import config_vars

    changes = config_vars.parse_assignments(assignments)
    config_vars.update(env.client(), app, changes)
    say(f"set {', '.join(changes)} on {app}")


@cli.command("unset")
@click.argument("keys", nargs=-1, required=True, metavar="KEY...")
@app_option
@pass_env
def unset_cmd(env: Env, keys: tuple[str, ...], app: str) -> None:
    """Remove one or more config vars in one change (one release)."""
    from hkctl.resources import config_vars

    changes: dict[str, str | None] = {config_vars.check_key(k): None for k in keys}
    config_vars.update(env.client(), app, changes)
    say(f"unset {', '.join(keys)} on {app}")
