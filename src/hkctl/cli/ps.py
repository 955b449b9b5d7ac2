"""hkctl ps: formation and dynos; scale, stop, restart."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from hkctl.cli._app import app_option, require
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.render.output import echo, emit_json, emit_table, say
from hkctl.resources import dynos, formation


def age(stamp: str | None) -> str:
    """`2h 5m` since an ISO timestamp (how long a dyno has been in its state)."""
    if not stamp:
        return ""

    try:
        then = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    secs = max(0, int((datetime.now(UTC) - then).total_seconds()))
    days, rem = divmod(secs, 86400)
    hours, rem = divmod(rem, 3600)
    mins, secs = divmod(rem, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m {secs}s" if mins else f"{secs}s"


def _order(name: str) -> tuple[bool, str, int]:
    """web first, then by type; web.2 before web.10."""
    ptype, _, number = name.rpartition(".")
    return (ptype != "web", ptype, int(number) if number.isdigit() else 0)


@click.group("ps", invoke_without_command=True)
@click.option(
    "-a", "--app", metavar="APP", help="App name or id (default: HEROKU_APP, then the `heroku` git remote)."
)
@click.option("-r", "--remote", metavar="REMOTE", help="Git remote of the app.")
@json_option
@click.pass_context
def cli(ctx: click.Context, app: str | None, remote: str | None, as_json: bool) -> None:
    """Show the formation (type, quantity, size, command) and the dynos (name, state, age, size, release, command).

    Formation columns: TYPE, QUANTITY, SIZE (dyno size), COMMAND. Dyno columns: NAME (web.1), STATE
    (up, starting, crashed, idle, down), AGE (time in that state), SIZE, RELEASE (the version it
    runs), COMMAND. Subcommands scale, stop and restart change them.
    """
    env = ctx.ensure_object(Env)
    if ctx.invoked_subcommand is not None:
        if app or remote:
            env.group_app = (app, remote)
        return

    app = require(env, app=app, remote=remote)
    client = env.client()
    shape = sorted(formation.list_(client, app), key=lambda f: (f.type != "web", f.type))
    running = sorted(dynos.list_(client, app), key=lambda d: _order(d.name))
    if as_json:
        emit_json(
            env.io, {"formation": [f.to_json() for f in shape], "dynos": [d.to_json() for d in running]}
        )
        return
    say(env.io, f"=== {app} formation")
    emit_table(
        env.io,
        shape,
        [("type", "type"), ("quantity", "quantity"), ("size", "size"), ("command", "command")],
        empty="no process types (nothing deployed yet)",
    )
    say(env.io, f"=== {app} dynos")
    emit_table(
        env.io,
        running,
        [
            ("name", "name"),
            ("state", "state"),
            ("age", lambda d: age(d.updated_at)),
            ("size", "size"),
            ("release", lambda d: f"v{d.release}" if d.release else ""),
            ("command", "command"),
        ],
        empty="no dynos running",
    )


@cli.command("scale")
@click.argument("changes", nargs=-1, metavar="[TYPE=QTY[:SIZE] | TYPE+N | TYPE-N]...")
@app_option
@json_option
@click.option(
    "--force-size", is_flag=True, help="Send a size hkctl does not know (newer than hkctl) as typed."
)
@pass_env
def scale_cmd(env: Env, changes: tuple[str, ...], app: str, as_json: bool, force_size: bool) -> None:
    """Scale process types in one change: `web=2:standard-1x worker=1`, or `web+1` / `web-1`.

    With no argument, prints the formation as `TYPE=QTY:SIZE` words. Sizes in any case.
    Scaling a type to 0, or scaling a production app, is destructive: the app name is asked for
    (or --confirm APP).
    """
    client = env.client()
    if not changes or formation.has_relative(changes):
        current = sorted(formation.list_(client, app), key=lambda f: (f.type != "web", f.type))
        if not changes:
            if as_json:
                emit_json(env.io, [f.to_json() for f in current])
            else:
                echo(env.io, " ".join(f"{f.type}={f.quantity}:{f.size}" for f in current))
            return
        changes = tuple(formation.absolute(changes, current))
    updates = formation.parse_scale(changes, force_size=force_size)
    changed = formation.scale(client, app, updates)
    if as_json:
        emit_json(env.io, [f.to_json() for f in changed])
        return
    say(env.io, f"scaled {app}: " + " ".join(f"{f.type}={f.quantity}:{f.size}" for f in changed))


@cli.command("restart")
@click.argument("target", required=False, metavar="[TYPE|DYNO]")
@app_option
@pass_env
def restart_cmd(env: Env, target: str | None, app: str) -> None:
    """Restart every dyno, the dynos of one process type (`web`), or one dyno (`web.1`)."""

    dynos.restart(env.client(), app, target)
    say(env.io, f"restarting {target or 'all dynos'} on {app}")


@cli.command("stop")
@click.argument("target", metavar="TYPE|DYNO")
@app_option
@pass_env
def stop_cmd(env: Env, target: str, app: str) -> None:
    """Stop one dyno (`web.1`) or every dyno of a type (`web`); formation dynos are replaced.

    To keep a process type down, scale it to 0 instead.
    """

    dynos.stop(env.client(), app, target)
    say(env.io, f"stopping {target} on {app}")
