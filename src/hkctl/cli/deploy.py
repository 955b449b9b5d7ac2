"""hkctl deploy: the safe deploy of spec §16 (checks, staging first, one confirmation, undo on failure)."""

from __future__ import annotations

from pathlib import Path

import click

from hkctl.cli._app import app_option, require
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.errors import WorkflowFailed
from hkctl.render.output import emit_json, say, say_to
from hkctl.workflows.deploy import DeployOptions, deploy


@click.command("deploy")
@app_option(positional=True, raw=True)
@click.option(
    "--dir",
    "source_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Build this directory (uploaded as a tarball).",
)
@click.option("--source-url", default=None, metavar="URL", help="Build the tarball at this URL.")
@click.option(
    "--version",
    "version",
    default=None,
    metavar="V",
    help="Source version to record (default: a digest of --dir).",
)
@click.option(
    "--migrate",
    default=None,
    metavar="CMD",
    help="Run CMD in a one-off dyno after the build; its exit status must be 0.",
)
@click.option(
    "--maintenance", is_flag=True, help="Maintenance mode during the deploy (always on for production)."
)
@click.option("--backup", is_flag=True, help="Capture a Postgres backup first (always for production).")
@click.option(
    "--skip-staging-check",
    is_flag=True,
    help="Deploy to production without staging having run it (needs --reason).",
)
@click.option("--reason", default=None, help="Why the staging check is skipped (logged).")
@click.option(
    "--allow-process-removal",
    is_flag=True,
    help="Deploy even when the new Procfile drops a process type that has dynos running (they stop).",
)
@click.option(
    "--build-timeout", type=float, default=900.0, show_default=True, help="Seconds to wait for the build."
)
@click.option(
    "--verify-window",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds to watch the router for new H10/H12 after the restart.",
)
@json_option
@pass_env
def cli(
    env: Env,
    app_arg: str | None,
    app: str | None,
    remote: str | None,
    source_dir: Path | None,
    source_url: str | None,
    version: str | None,
    migrate: str | None,
    maintenance: bool,
    backup: bool,
    skip_staging_check: bool,
    reason: str | None,
    allow_process_removal: bool,
    build_timeout: float,
    verify_window: float,
    as_json: bool,
) -> None:
    """Deploy source to APP safely: pre-checks, staging before production, the whole plan confirmed once,
    backup and maintenance on production, build, migration (exit status checked), restart, verify.

    On any failure hkctl stops, turns maintenance off if it turned it on, puts the previous release
    back if a new one was made, and prints what was done, what was not, and how to undo. Progress
    goes to stderr; --json prints the step log on stdout.
    """
    target = require(env, app=app, remote=remote, positional=app_arg)
    opts = DeployOptions(
        app=target,
        source_dir=source_dir,
        source_url=source_url,
        version=version,
        migrate=migrate,
        maintenance=maintenance,
        backup=backup,
        skip_staging_check=skip_staging_check,
        reason=reason,
        allow_process_removal=allow_process_removal,
        build_timeout=build_timeout,
        verify_window=verify_window,
    )
    try:
        log = deploy(env.client(), opts, say=say_to(env.io))
    except WorkflowFailed as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            exc.exit_code = 130
            say(
                env.io,
                f"interrupted: what Heroku had started keeps running (a build, a migration dyno): "
                f"see `hkctl builds -a {target}`, `hkctl ps -a {target}` and `hkctl releases -a {target}`",
            )
        if as_json:
            emit_json(env.io, getattr(exc, "steps", {"status": "failed", "error": exc.message}))
        raise
    if as_json:
        emit_json(env.io, log.to_json())
    say(env.io, f"✅ deployed; to undo: {log.undo[0]}" if log.undo else "✅ deployed")
