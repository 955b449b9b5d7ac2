"""hkctl auth: who am I, and scoped tokens (OAuth authorizations): list, create, revoke."""

from __future__ import annotations

import click

from hkctl.cli._common import Env, json_option, pass_env
from hkctl.render.output import echo, emit_json, emit_records, say
from hkctl.resources import oauth


@click.group("auth")
def cli() -> None:
    """The account behind your token, and scoped tokens (prefer a read-scoped one)."""


@cli.command("whoami")
@json_option
@pass_env
def whoami_cmd(env: Env, as_json: bool) -> None:
    """Print the email of the account the token belongs to, and the token's scopes."""

    account, scopes = oauth.whoami(env.client())
    if as_json:
        emit_json(env.io, {"account": account, "scopes": scopes})
        return
    echo(env.io, account.get("email", ""))
    if scopes is not None:
        say(env.io, f"token scopes: {', '.join(scopes) or '(none)'}")


@cli.group("tokens")
def tokens() -> None:
    """List, create and revoke scoped tokens (token values are never listed)."""


@tokens.command("list")
@json_option
@pass_env
def tokens_list(env: Env, as_json: bool) -> None:
    """List authorizations (never a token value).

    Columns: ID, DESCRIPTION, SCOPES, CREATED, EXPIRES (a time, or never).
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    rows = sorted(oauth.list_(env.client()), key=lambda a: a.created_at or "")
    emit_records(
        env.io,
        as_json,
        rows,
        [
            ("id", "id"),
            ("description", "description"),
            ("scopes", lambda a: ",".join(a.scope)),
            ("created", "created_at"),
            ("expires", lambda a: a.expires_at or "never"),
        ],
        empty="no authorizations",
    )


@tokens.command("create")
@click.option(
    "--scope",
    "scope",
    required=True,
    help="Comma-separated: read, write, read-protected, write-protected, identity, global.",
)
@click.option("--description", required=True, help="What the token is for (shown in `tokens list`).")
@click.option(
    "--expires-in",
    type=click.IntRange(min=1),
    default=None,
    metavar="SECONDS",
    help="Lifetime in seconds (default: no expiry).",
)
@pass_env
def tokens_create(env: Env, scope: str, description: str, expires_in: int | None) -> None:
    """Create a scoped token; the token is printed once, on stdout, and never again."""

    scopes = oauth.parse_scopes(scope)
    if "global" in scopes:
        say(
            env.io,
            "warning: a global token grants full account access; use a read- or write-scoped token instead",
        )
    auth, token = oauth.create(env.client(), scopes, description, expires_in=expires_in)
    say(
        env.io,
        f"created authorization {auth.id} ({','.join(auth.scope)}; expires {auth.expires_at or 'never'}). "
        "The token below is shown only this once: store it now (e.g. as HEROKU_API_KEY).",
    )
    echo(env.io, token)


@tokens.command("revoke")
@click.argument("authorization_id", metavar="ID")
@pass_env
def tokens_revoke(env: Env, authorization_id: str) -> None:
    """Revoke authorization ID (or a unique start of it); its token stops working at once.

    Shows the token first (description, scopes, created, expiry) and warns when it is the token
    hkctl is using. Type the full ID to confirm, or pass --confirm ID.
    """

    client = env.client()
    auth, in_use = oauth.find(client, authorization_id)
    if auth.created_at:  # listed: name it before the prompt
        say(
            env.io,
            f"token {auth.id}: {auth.description or 'no description'}; scopes {','.join(auth.scope)}; "
            f"created {auth.created_at or '?'}; expires {auth.expires_at or 'never'}",
        )
    if in_use:
        say(
            env.io,
            "⚠️  this is the token hkctl is using now: after revoking it, every command fails until you set a new one",
        )
    revoked = oauth.revoke(client, auth.id)
    say(
        env.io, f"revoked {revoked.id} ({revoked.description or 'no description'}; {','.join(revoked.scope)})"
    )
    if in_use:
        say(
            env.io,
            "the token in HEROKU_API_KEY (or ~/.netrc) no longer works: create or set a new one for the next command",
        )
