"""hkctl rollback: the safe rollback of spec §4 (eligible releases, warning, one confirmation, dynos watched)."""

from __future__ import annotations

import re

import click

from hkctl.cli._app import app_option, require
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.render.output import emit_json, emit_table, say, say_to
from hkctl.workflows import rollback


@click.command("rollback")
@app_option(positional=True, raw=True)
@click.argument("release", metavar="[vN]", required=False)
@click.option(
    "--boot-timeout", type=float, default=300.0, show_default=True, help="Seconds to wait for the dynos."
)
@json_option
@pass_env
def cli(
    env: Env,
    app_arg: str | None,
    release: str | None,
    app: str | None,
    remote: str | None,
    boot_timeout: float,
    as_json: bool,
) -> None:
    """Roll APP back to release vN (default: the previous eligible release) and watch the dynos come up.

    Shows the recent releases and the target first, and warns that add-ons and database migrations
    are not rolled back. Rolling back a production app needs its name typed (or --confirm APP).
    """
    if app_arg and not release and (app or remote or re.fullmatch(r"v\d+", app_arg)):
        app_arg, release = None, app_arg  # `hkctl rollback -a APP v41`, `hkctl rollback v41`
    target_app = require(env, app=app, remote=remote, positional=app_arg)
    client = env.client()
    plan = rollback.plan(client, target_app, release)
    if not as_json:
        say(env.io, f"Recent releases of {plan.app} (* current, → target):")
        emit_table(
            env.io,
            plan.recent,
            [
                (
                    "",
                    lambda r: "*" if r.id == plan.current.id else ("→" if r.id == plan.target.id else ""),
                ),
                ("version", lambda r: f"v{r.version}"),
                ("status", "status"),
                ("eligible", lambda r: rollback.is_eligible(r, plan.current)),
                ("description", "description"),
                ("created", "created_at"),
            ],
            err=True,
        )
        say(
            env.io,
            f"Roll back {plan.app} from v{plan.current.version} to v{plan.target.version}"
            + (" (production: type the app name to confirm)" if plan.production else ""),
        )
        say(env.io, rollback.WARNING)
    if plan.config is not None:  # said before the confirmation, --json or not (stderr)
        for line in plan.config.lines(f"v{plan.target.version}"):
            say(env.io, line)
    new = rollback.execute(client, plan, say=say_to(env.io), boot_timeout=boot_timeout)
    if as_json:
        emit_json(env.io, {**plan.to_json(), "release": new.to_json()})
    else:
        say(env.io, f"✅ {plan.app} now runs v{new.version} ({new.description})")
