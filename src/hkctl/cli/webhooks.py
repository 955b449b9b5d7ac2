"""hkctl webhooks: list, add, remove, deliveries, events, and verify a delivery's signature."""

from __future__ import annotations

import click

from hkctl.cli._app import app_group, app_option
from hkctl.cli._common import Env, json_option, limit_option, pass_env
from hkctl.render.output import echo, emit_json, emit_records, say
from hkctl.resources import webhooks


@app_group("webhooks", default="list")
def cli() -> None:
    """App webhooks: HTTP notifications of releases, builds, dynos, add-ons and more."""


@cli.command("list")
@app_option
@json_option
@pass_env
def list_cmd(env: Env, app: str, as_json: bool) -> None:
    """List an app's webhooks.

    Columns: ID, URL, INCLUDE (the event types sent), LEVEL (notify or sync).
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    rows = webhooks.list_(env.client(), app)
    emit_records(
        env.io,
        as_json,
        rows,
        [("id", "id"), ("url", "url"), ("include", lambda w: ",".join(w.include)), ("level", "level")],
        empty=f"no webhooks on {app}",
    )


@cli.command("add")
@app_option
@click.option("--url", required=True, help="Where notifications are POSTed.")
@click.option("--include", "-i", required=True, help="Comma-separated entities, e.g. api:release,api:build.")
@click.option(
    "--level",
    "-l",
    type=click.Choice(["notify", "sync"]),
    default="notify",
    show_default=True,
    help="notify: best effort; sync: retried until delivered.",
)
@click.option(
    "--secret", "-s", default=None, help="Signing secret (generated and printed once when omitted)."
)
@click.option("--authorization", "-t", default=None, help="Value sent as the Authorization header.")
@json_option
@pass_env
def add_cmd(
    env: Env,
    app: str,
    url: str,
    include: str,
    level: str,
    secret: str | None,
    authorization: str | None,
    as_json: bool,
) -> None:
    """Subscribe a URL to an app's events; deliveries are signed with the secret."""

    hook = webhooks.create(
        env.client(), app, url, include.split(","), level=level, secret=secret, authorization=authorization
    )
    if as_json:
        emit_json(env.io, {**hook.to_json(), **({"secret": hook.secret} if hook.secret else {})})
        return
    say(env.io, f"created webhook {hook.id} on {app}: {','.join(hook.include)} -> {hook.url}")
    if hook.secret:
        say(env.io, "signing secret (shown once; keep it to verify deliveries):")
        echo(env.io, hook.secret)


@cli.command("remove")
@click.argument("webhook_id")
@app_option
@pass_env
def remove_cmd(env: Env, webhook_id: str, app: str) -> None:
    """Remove a webhook subscription (DELETE /apps/{app}/webhooks/{id})."""

    webhooks.destroy(env.client(), app, webhook_id)
    say(env.io, f"deleted webhook {webhook_id} from {app}")


@cli.command("deliveries")
@app_option
@click.option(
    "--status",
    type=click.Choice(["pending", "scheduled", "retrying", "failed", "succeeded"]),
    default=None,
    help="Only deliveries with this status.",
)
@json_option
@limit_option
@pass_env
def deliveries_cmd(env: Env, app: str, status: str | None, as_json: bool, limit: int | None) -> None:
    """List webhook deliveries, newest first, with their status and attempts."""

    rows = list(webhooks.deliveries(env.client(), app, status=status, limit=limit))
    emit_records(
        env.io,
        as_json,
        rows,
        [
            ("id", "id"),
            ("created", "created_at"),
            ("status", "status"),
            ("include", "include"),
            ("attempts", "num_attempts"),
            ("code", "last_code"),
            ("next attempt", "next_attempt_at"),
        ],
        empty=f"no webhook deliveries on {app}",
    )


@cli.command("events")
@app_option
@json_option
@pass_env
def events_cmd(env: Env, app: str, as_json: bool) -> None:
    """List the events webhooks were notified of."""

    rows = webhooks.events(env.client(), app)
    emit_records(
        env.io,
        as_json,
        rows,
        [
            ("id", "id"),
            ("created", "created_at"),
            ("include", "include"),
            ("resource", "resource"),
            ("action", "action"),
        ],
        empty=f"no webhook events on {app}",
    )


@cli.command("verify")
@click.option(
    "--secret", "-s", required=True, envvar="HKCTL_WEBHOOK_SECRET", help="The webhook's signing secret."
)
@click.option("--signature", required=True, help="The Heroku-Webhook-Hmac-SHA256 header value.")
@pass_env
def verify_cmd(env: Env, secret: str, signature: str) -> None:
    """Check a delivery body (read from stdin) against its signature: exit 0 valid, 1 invalid."""

    body = env.io.in_bytes.read() if env.io.in_bytes is not None else env.io.in_.read().encode()
    if webhooks.verify_signature(body, secret, signature):
        say(env.io, "signature valid")
        return
    say(env.io, "signature INVALID: the body was not signed with this secret")
    raise click.exceptions.Exit(1)
