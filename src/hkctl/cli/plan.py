"""hkctl plan show FILE: render a plan recorded with --plan (nothing is sent)."""

from __future__ import annotations

from pathlib import Path

import click

from hkctl.cli._common import Env, json_option, pass_env
from hkctl.render.output import echo, emit_json
from hkctl.workflows import replay


@click.group("plan")
def cli() -> None:
    """Inspect plans recorded with --plan FILE (any write command records instead of sending)."""


@cli.command("show")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@pass_env
def show_cmd(env: Env, file: Path, as_json: bool) -> None:
    """Show the writes a plan file would make, in order, and the secrets it needs at apply time."""
    steps = replay.load(file)
    if as_json:
        emit_json(
            env.io,
            [
                {
                    "step": s.number,
                    "method": s.decision.method,
                    "endpoint": s.decision.endpoint,
                    "action": s.decision.action.name,
                    "kind": str(s.decision.risk),
                    "description": s.decision.description,
                    "app": s.decision.app,
                    "payload": s.payload,
                    "from_env": dict(s.from_env),
                    "replayable": s.replayable,
                }
                for s in steps
            ],
        )
        return
    echo(env.io, replay.render(steps))
