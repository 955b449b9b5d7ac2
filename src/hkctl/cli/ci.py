"""hkctl ci: one-line CI steps (spec §18): `hkctl ci build --dir . -a APP`."""

from __future__ import annotations

from pathlib import Path

import click

from hkctl.cli._app import app_option
from hkctl.cli._common import Env, json_option, on_interrupt, pass_env
from hkctl.render.output import echo, emit_json, say_to
from hkctl.workflows.ci_build import ci_build


@click.group("ci")
def cli() -> None:
    """Steps for CI jobs (GitHub Actions and the like)."""


@cli.command("build")
@click.option(
    "--dir",
    "source_dir",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="Directory to build.",
)
@app_option
@click.option(
    "--version",
    "version",
    default=None,
    envvar="GITHUB_SHA",
    metavar="V",
    help="Source version (default: $GITHUB_SHA, else a digest of --dir).",
)
@click.option(
    "--timeout",
    type=float,
    default=600.0,
    show_default=True,
    help="Seconds to wait for the build (10 minutes: 60 polls of 10 s).",
)
@json_option
@pass_env
def build_cmd(
    env: Env, source_dir: Path, app: str, version: str | None, timeout: float, as_json: bool
) -> None:
    """Tarball --dir, upload it (POST /sources), build it on APP, stream the output, wait; exit 0 only on success."""
    with on_interrupt(
        env.io,
        lambda: (
            f"a build started on {app} keeps running on Heroku: find it with `hkctl builds -a {app}` "
            f"and follow it with `hkctl builds output ID -a {app}`"
        ),
    ):
        build = ci_build(env.client(), app, source_dir, version=version, timeout=timeout, say=say_to(env.io))
    if as_json:
        emit_json(env.io, build.to_json())
    else:
        echo(env.io, f"{build.id}\t{build.status}\t{build.release_id or ''}")
