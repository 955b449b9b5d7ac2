"""hkctl builds: list, info, output, create (from a tarball URL or a local directory)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from hkctl.cli._app import app_group, app_option
from hkctl.cli._common import Env, json_option, limit_option, on_interrupt, pass_env
from hkctl.errors import HkctlError, UsageError
from hkctl.render.output import echo_output, emit_fields, emit_json, emit_records, say, say_to
from hkctl.resources import builds, releases

if TYPE_CHECKING:
    from hkctl.resources.builds import Build


def _fields(b: Build) -> list[tuple[str, object]]:
    return [
        ("id", b.id),
        ("status", b.status),
        ("version", b.version),
        ("source", b.source_url),
        ("buildpacks", b.buildpacks),
        ("stack", b.stack),
        ("release", b.release_id),
        ("slug", b.slug_id),
        ("user", b.user),
        ("created", b.created_at),
    ]


@app_group("builds", default="list")
def cli() -> None:
    """List builds, show one, stream its output, or build and release source code."""


@cli.command("list")
@app_option
@json_option
@limit_option
@pass_env
def list_cmd(env: Env, app: str, as_json: bool, limit: int | None) -> None:
    """List builds, the most recent first.

    Columns: ID (the whole id; `builds info` also takes its start), STATUS (pending, succeeded, failed), VERSION (the source version, first 7 characters), USER, CREATED.
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    rows = builds.list_(env.client(), app, limit=limit)
    emit_records(
        env.io,
        as_json,
        rows,
        [
            ("id", "id"),
            ("status", "status"),
            ("version", lambda b: (b.version or "")[:7]),
            ("user", "user"),
            ("created", "created_at"),
        ],
        empty="no builds",
    )


@cli.command("info")
@click.argument("build_id", metavar="ID")
@app_option
@json_option
@pass_env
def info_cmd(env: Env, build_id: str, app: str, as_json: bool) -> None:
    """Show one build."""

    b = builds.info(env.client(), app, build_id)
    if as_json:
        emit_json(env.io, b.to_json())
        return
    emit_fields(env.io, _fields(b))


@cli.command("output")
@click.argument("build_id", metavar="ID")
@app_option
@pass_env
def output_cmd(env: Env, build_id: str, app: str) -> None:
    """Print a build's output (follows it while the build runs)."""

    client = env.client()
    for line in builds.output(client, builds.info(client, app, build_id)):
        echo_output(env.io, line)


@cli.command("create")
@app_option
@click.option("--source-url", default=None, metavar="URL", help="A .tar.gz of the source to build.")
@click.option("--version", "version", default=None, help="Source version (e.g. the git SHA).")
@click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Pack this directory (without .git), upload it and build it.",
)
@click.option("--no-follow", is_flag=True, help="Return once the build is created.")
@json_option
@pass_env
def create_cmd(
    env: Env,
    app: str,
    source_url: str | None,
    version: str | None,
    directory: Path | None,
    no_follow: bool,
    as_json: bool,
) -> None:
    """Build and release: `--source-url URL [--version V]` or `--dir PATH`.

    Follows the build with its output on stderr; exits 1 when the build fails (no release is made).
    """
    if (source_url is None) == (directory is None):
        raise UsageError("give exactly one of --source-url URL or --dir PATH")
    client = env.client()
    if directory is not None:
        build = builds.create_from_dir(client, app, directory, version=version)
    else:
        build = builds.create(client, app, str(source_url), version=version)
    if no_follow:
        say(env.io, f"build {build.id} started on {app}")
    else:
        started = build
        with on_interrupt(
            env.io,
            lambda: (
                f"build {started.id} keeps running on Heroku: follow it with "
                f"`hkctl builds output {started.id} -a {app}`"
            ),
        ):
            say(env.io, f"build {build.id} started on {app}")
            build = builds.follow(client, app, build, on_line=say_to(env.io))
    if as_json:
        emit_json(env.io, build.to_json())
    else:
        emit_fields(env.io, _fields(build))
    if build.status == "failed":
        raise HkctlError(f"build {build.id} failed; the current release is unchanged")
    if build.status == "succeeded" and build.release_id:
        say(env.io, f"released {app}: done, {releases.info(client, app, build.release_id).label}")
