"""hkctl slugs: info."""

from __future__ import annotations

import click

from hkctl.cli._app import app_option
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.render.output import emit_fields, emit_json
from hkctl.resources import slugs


@click.group("slugs")
def cli() -> None:
    """Inspect slugs (the compiled app a release runs)."""


@cli.command("info")
@click.argument("slug_id", metavar="ID")
@app_option
@json_option
@pass_env
def info_cmd(env: Env, slug_id: str, app: str, as_json: bool) -> None:
    """Show a slug: size, stack, commit, process types."""
    s = slugs.info(env.client(), app, slug_id)
    if as_json:
        emit_json(env.io, s.to_json())
        return
    emit_fields(
        env.io,
        [
            ("id", s.id),
            ("size", f"{s.size / 1_000_000:.1f} MB" if s.size else None),
            ("stack", s.stack),
            ("commit", s.commit),
            ("buildpack", s.buildpack_provided_description),
            ("process types", ", ".join(f"{k}: {v}" for k, v in s.process_types.items())),
            ("checksum", s.checksum),
            ("created", s.created_at),
        ],
    )
