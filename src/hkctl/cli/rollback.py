"""hkctl rollback: the safe rollback of spec §4 (eligible releases, warning, one confirmation, dynos watched)."""

from __future__ import annotations

import sys

import click

from hkctl.cli._common import Env, json_option, pass_env


@click.command("rollback")
@click.argument("app_arg", metavar="[APP]", required=False)
@click.argument("release", metavar="[vN]", required=False)
@click.option("-a", "--app", default=None, envvar="HEROKU_APP", metavar="APP", help="App name or id.")
@click.option(
    "--boot-timeout", type=float, default=300.0, show_default=True, help="Seconds to wait for the dynos."
)
@json_option
@pass_env
def cli(
    env: Env, app_arg: str | None, release: str | None, app: str | None, boot_timeout: float, as_json: bool
) -> None:
    """Roll APP back to release vN (default: the previous eligible release) and watch the dynos come up.

    Shows the recent releases and the target first, and warns that add-ons and database migrations
    are not rolled back. Rolling back a production app needs its name typed (or --confirm APP).
    """
    from hkctl.errors import UsageError
    from hkctl.render.output import emit_json, emit_table, say
    from hkctl.workflows import rollback

    if app and app_arg and not release:  # `hkctl rollback -a APP v41`
        app_arg, release = None, app_arg
    target_app = app or app_arg
    if not target_app:
        raise UsageError("name the app: hkctl rollback APP [vN]")
    client = env.client()
    plan = rollback.plan(client, target_app, release)
    if not as_json:
        say(f"Recent releases of {plan.app} (* current, → target):")
        emit_table(
            plan.recent,
            [
                (
                    "",
                    lambda r: (
                        "*"
                        if r.get("id") == plan.current.get("id")
                        else ("→" if r.get("id") == plan.target.get("id") else "")
                    ),
                ),
                ("version", lambda r: f"v{r.get('version')}"),
                ("status", "status"),
                ("eligible", lambda r: rollback.is_eligible(r, plan.current)),
                ("description", "description"),
                ("created", "created_at"),
            ],
            stream=sys.stderr,
        )
        say(
            f"Roll back {plan.app} from v{plan.current.get('version')} to v{plan.target.get('version')}"
            + (" (production: type the app name to confirm)" if plan.production else "")
        )
        say(rollback.WARNING)
    new = rollback.execute(client, plan, say=say, boot_timeout=boot_timeout)
    if as_json:
        emit_json({**plan.to_json(), "release": new})
    else:
        say(f"✅ {plan.app} now runs v{new.get('version')} ({new.get('description')})")
