"""hkctl rate-limit: requests left in the API budget (GET /account/rate-limits, which is free)."""

from __future__ import annotations

import click

from hkctl.cli._common import Env, json_option, pass_env
from hkctl.render.output import echo, emit_json
from hkctl.resources import account


@click.command("rate-limit")
@json_option
@pass_env
def cli(env: Env, as_json: bool) -> None:
    """Show how many API requests are left (pool of 4,500, refills ~75/min)."""
    remaining = account.rate_limit(env.client())
    if as_json:
        emit_json(env.io, {"remaining": remaining})
    else:
        echo(env.io, f"{remaining} of 4500 requests left")
