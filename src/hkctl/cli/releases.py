"""hkctl releases: list, info, rollback."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hkctl.cli._app import app_group, app_option
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.errors import UsageError
from hkctl.render.output import emit_fields, emit_json, emit_records, say
from hkctl.resources import releases, rollback_config

if TYPE_CHECKING:
    from hkctl.resources.releases import Release


def _fields(r: Release) -> list[tuple[str, object]]:
    return [
        ("version", r.label),
        ("id", r.id),
        ("description", r.description),
        ("status", r.status),
        ("current", r.current),
        ("user", r.user),
        ("slug", r.slug_id),
        ("created", r.created_at),
        ("eligible for rollback", r.eligible_for_rollback),
    ]


@app_group("releases", default="list")
def cli() -> None:
    """List releases, show one, roll back to one."""


@cli.command("list")
@app_option
@json_option
@click.option(
    "--max", "max_items", type=click.IntRange(1, 1000), default=15, show_default=True, help="How many."
)
@pass_env
def list_cmd(env: Env, app: str, as_json: bool, max_items: int) -> None:
    """List releases, the newest first.

    Columns: VERSION (v12; * marks the current one), STATUS (pending, succeeded, failed), DESCRIPTION, USER, CREATED.
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    rows = releases.list_(env.client(), app, max_items=max_items)
    emit_records(
        env.io,
        as_json,
        rows,
        [
            ("version", lambda r: r.label + (" *" if r.current else "")),
            ("status", "status"),
            ("description", "description"),
            ("user", "user"),
            ("created", "created_at"),
        ],
        empty="no releases",
    )


@cli.command("info")
@click.argument("release", metavar="vN")
@app_option
@json_option
@pass_env
def info_cmd(env: Env, release: str, app: str, as_json: bool) -> None:
    """Show one release (v42, 42 or its id)."""

    r = releases.info(env.client(), app, release)
    if as_json:
        emit_json(env.io, r.to_json())
        return
    emit_fields(env.io, _fields(r))


@cli.command("rollback")
@click.argument("release", metavar="[vN]", required=False)
@app_option
@json_option
@pass_env
def rollback_cmd(env: Env, release: str | None, app: str, as_json: bool) -> None:
    """Roll back to vN (default: the previous release that can be rolled back to): a new release
    with vN's code and config (asks once; production: type the app name).

    Add-ons and their data are not rolled back.
    """
    client = env.client()
    if release is None:
        eligible = [r for r in releases.list_(client, app, max_items=10) if r.eligible_for_rollback]
        if len(eligible) < 2:
            raise UsageError(f"{app} has no earlier release to roll back to among its last 10; name one: vN")
        target = eligible[1]  # the newest eligible one is what runs now, as the official CLI counts
    else:
        target = releases.info(client, app, release)
    now = releases.current(client, app)
    say(env.io, f"current: {now.label} {now.description}" if now else "current: (no release)")
    say(env.io, f"target:  {target.label} {target.description}")
    if now is not None and now.id == target.id:
        raise UsageError(f"{target.label} is already the current release of {app}")
    if not target.eligible_for_rollback:
        raise UsageError(f"{target.label} cannot be rolled back to (it has no slug)")
    if now is not None:
        for line in rollback_config.preview(client, app, now.version, target.version).lines(target.label):
            say(env.io, line)
    created = releases.rollback(client, app, target, current=now)
    if as_json:
        emit_json(env.io, created.to_json())
        return
    say(env.io, f"rolled back {app} to {target.label}: done, {created.label}")
    emit_fields(env.io, _fields(created))
