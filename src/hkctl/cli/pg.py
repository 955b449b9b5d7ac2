"""hkctl pg: database info and backups (list, capture, url, download) through the Postgres API."""

from __future__ import annotations

from pathlib import Path

import click

from hkctl.cli._app import app_group, app_option
from hkctl.cli._common import Env, json_option, on_interrupt, pass_env
from hkctl.errors import UsageError
from hkctl.render.output import echo, emit_fields, emit_json, emit_records, say
from hkctl.resources import postgres

database_option = click.option(
    "--database",
    "-d",
    default=None,
    metavar="DB",
    help="Add-on name or id, or attachment (default: DATABASE).",
)


def _size(n: int | None) -> str:
    if n is None:
        return ""
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(n)


@app_group("pg", default="info")
def cli() -> None:
    """Heroku Postgres: database info and backups."""


@cli.command("info")
@app_option
@database_option
@json_option
@pass_env
def info_cmd(env: Env, app: str, database: str | None, as_json: bool) -> None:
    """Show the database's plan, status, size, tables and connections."""

    client = env.client()
    db = postgres.database(client, app, database)
    i = postgres.info(client, db.id)
    if as_json:
        emit_json(env.io, {"addon": db.to_json(), "database": i.to_json()})
        return
    say(env.io, f"=== {db.name} ({', '.join(db.config_vars)})")
    emit_fields(env.io, list(i.info) or [("plan", i.plan), ("status", i.status)])


@app_group("backups", default="list", parent=cli)
def backups() -> None:
    """List, capture and download backups."""


@backups.command("list")
@app_option
@json_option
@pass_env
def backups_list(env: Env, app: str, as_json: bool) -> None:
    """List the app's backups, newest first (as the official CLI shows them).

    Columns: ID (b001: what `pg backups url/download` take), CREATED, STATUS (Completed, Running,
    Failed), SIZE, DATABASE (the attachment backed up).
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    rows = postgres.backups(env.client(), app)[::-1]  # the data API's order is oldest first
    emit_records(
        env.io,
        as_json,
        rows,
        [
            ("id", "name"),
            ("created", "created_at"),
            ("status", "status"),
            ("size", lambda t: _size(t.processed_bytes)),
            ("database", "from_name"),
        ],
        empty=f"no backups on {app}",
    )


@backups.command("capture")
@app_option
@database_option
@click.option("--wait", is_flag=True, help="Follow the backup to completion, with progress on stderr.")
@json_option
@pass_env
def backups_capture(env: Env, app: str, database: str | None, wait: bool, as_json: bool) -> None:
    """Capture a backup of the database (a write)."""

    client = env.client()
    db = postgres.database(client, app, database)
    t = postgres.capture(client, app, db)
    say(env.io, f"capturing {t.name} of {db.name} ({t.from_name}) ...")
    if wait:
        last = [""]

        def progress(cur: postgres.Transfer) -> None:
            line = f"  {cur.name} {cur.status.lower()}: {_size(cur.processed_bytes)} processed"
            if line != last[0]:  # one line per change, not per poll
                last[0] = line
                say(env.io, line)

        started = t
        with on_interrupt(
            env.io,
            lambda: f"backup {started.name} keeps running on Heroku: see it with `hkctl pg backups -a {app}`",
        ):
            t = postgres.wait_for_transfer(client, app, t.num, on_poll=progress)
        say(env.io, f"backup {t.name} completed: {_size(t.processed_bytes)} ({t.processed_bytes} bytes)")
    if as_json:
        emit_json(env.io, t.to_json())
    else:
        echo(env.io, t.name)


@backups.command("url")
@click.argument("backup", required=False)
@app_option
@pass_env
def backups_url(env: Env, backup: str | None, app: str) -> None:
    """Print a short-lived download URL for BACKUP (default: the latest completed one)."""

    client = env.client()
    num = postgres.backup_num(backup) if backup else postgres.latest_backup(client, app).num
    echo(env.io, postgres.public_url(client, app, num))


@backups.command("download")
@click.argument("backup", required=False)
@app_option
@click.option(
    "--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@pass_env
def backups_download(env: Env, backup: str | None, app: str, output: Path) -> None:
    """Download BACKUP (default: the latest completed one); its size is checked, no partial file is left."""
    if not output.parent.is_dir():
        raise UsageError(f"no such directory: {output.parent} (for -o {output})")
    client = env.client()
    num = postgres.backup_num(backup) if backup else postgres.latest_backup(client, app).num
    shown = [0]

    def progress(n: int) -> None:
        if n - shown[0] >= 1 << 20:  # one line per MB
            shown[0] = n
            say(env.io, f"  {_size(n)} ...")

    t, size = postgres.download(client, app, num, output, progress=progress)
    say(env.io, f"downloaded {t.name} to {output} ({size} bytes, as reported)")
