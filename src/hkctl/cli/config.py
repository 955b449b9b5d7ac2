"""hkctl config: show (the default), get, set, unset; values masked unless --reveal."""

from __future__ import annotations

import shlex

import click

from hkctl.cli._app import app_group, app_option
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.cli._release import release_done
from hkctl.errors import HkctlError, UsageError
from hkctl.render.output import echo, emit_json, emit_table, say
from hkctl.resources import config_vars

#: the top-level note of `config show --json` without --reveal ("//" cannot be a config var name)
JSON_NOTE_KEY = "//"
MASKED_NOTE = "values are masked (hkctl hides secrets by default): pass --reveal to print them"


@app_group("config", default="show")
def cli() -> None:
    """Show and change config vars (values are masked unless you ask).

    `hkctl config -a APP` lists them, as `heroku config` does. Unlike the official CLI, values are
    printed only with --reveal: they are the app's secrets.
    """


@cli.command("show")
@app_option
@json_option
@click.option("--reveal", is_flag=True, help="Show the values (they are secrets).")
@click.option("--shell", is_flag=True, help="KEY=value lines quoted for a POSIX shell (needs --reveal).")
@pass_env
def show_cmd(env: Env, app: str, as_json: bool, reveal: bool, shell: bool) -> None:
    """List config vars: columns KEY and VALUE (masked unless --reveal).

    --json prints {KEY: value}; without --reveal every value is null and the key "//" holds a note.
    """
    if shell and not reveal:
        raise UsageError("config --shell prints values: pass --reveal with it")
    config = config_vars.show(env.client(), app)
    if shell:
        for key, value in sorted(config.items()):
            echo(env.io, f"{key}={shlex.quote(value)}")
        return
    if as_json:
        if reveal:
            emit_json(env.io, config)
        else:
            emit_json(env.io, {**dict.fromkeys(config), JSON_NOTE_KEY: MASKED_NOTE})
        return
    shown = config if reveal else config_vars.masked(config)
    emit_table(
        env.io,
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
    """Print one config var's value with --reveal; exit 1 when it is not set.

    Without --reveal a terminal sees the mask, and a pipe gets exit 1 and "KEY is masked" (so a
    script never takes the mask for the value).
    """
    config = config_vars.show(env.client(), app)
    if key not in config:
        raise HkctlError(f"{key} is not set on {app}")
    if reveal:
        echo(env.io, config[key])
        return
    if not env.io.stdout_is_tty:
        raise HkctlError(f"{key} is masked: pass --reveal to print it")
    echo(env.io, config_vars.MASK)
    say(env.io, f"{key} is masked: pass --reveal to print it")


@cli.command("set")
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
@app_option
@pass_env
def set_cmd(env: Env, assignments: tuple[str, ...], app: str) -> None:
    """Set one or more config vars in one change (one release)."""

    changes = config_vars.parse_assignments(assignments)
    config_vars.update(env.client(), app, changes)
    say(env.io, f"set {', '.join(changes)} on {app}{release_done(env, app)}")


@cli.command("unset")
@click.argument("keys", nargs=-1, required=True, metavar="KEY...")
@app_option
@pass_env
def unset_cmd(env: Env, keys: tuple[str, ...], app: str) -> None:
    """Remove one or more config vars in one change (one release)."""

    changes: dict[str, str | None] = {config_vars.check_key(k): None for k in keys}
    config_vars.update(env.client(), app, changes)
    say(env.io, f"unset {', '.join(keys)} on {app}{release_done(env, app)}")
