"""hkctl apply FILE: replay a recorded plan — re-check targets, ask once, run in order, stop at the first failure."""

from __future__ import annotations

import os
from pathlib import Path

import click

from hkctl.cli._common import Env, pass_env
from hkctl.render.output import say
from hkctl.workflows import replay


@click.command("apply")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_env
def cli(env: Env, file: Path) -> None:
    """Apply a plan recorded with --plan FILE.

    Config values are not in the plan: each one is read from HKCTL_VALUE_<KEY> (see `hkctl plan
    show FILE`). Every target is read first; the whole plan is shown once and confirmed once;
    steps run in order and the first failure stops the run, saying what was done and what was
    not. With HKCTL_ORCHESTRATION=1 or --status-file, each step is written to STATUS.md.
    """
    steps = replay.load(file)
    environ = env.env if env.env is not None else dict(os.environ)
    answers = replay.apply(env.client(), steps, environ, title=f"apply {file.name}")
    for step, resp in zip(steps, answers, strict=True):
        rid = f" [Request-Id: {resp.request_id}]" if resp.request_id else ""
        say(env.io, f"✅ {step.label}: {resp.status}{rid}")
    say(env.io, f"applied {len(steps)} step(s) from {file}")
