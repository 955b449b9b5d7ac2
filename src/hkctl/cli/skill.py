"""hkctl skill: print a SKILL.md for agent runtimes that load skills (every recipe an hkctl command)."""

from __future__ import annotations

from importlib.resources import files

import click

from hkctl.cli._common import Env, pass_env
from hkctl.render.output import echo


@click.command("skill")
@pass_env
def cli(env: Env) -> None:
    """Print SKILL.md: what the skill needs (front matter) and the everyday Heroku recipes as hkctl commands.

    Save it where your agent runtime loads skills, e.g. `hkctl skill > skills/heroku/SKILL.md`.
    """
    echo(env.io, files("hkctl").joinpath("data", "SKILL.md").read_text(encoding="utf-8"), nl=False)
