"""hkctl apps info: the app, then its dynos (count per type), add-ons and collaborators.

A part of `hkctl apps` (see cli/_commands.py): `apps list` does not import what these reads need.
"""

from __future__ import annotations

from collections import Counter

from hkctl.cli._app import app_option
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.cli.apps import cli
from hkctl.render.output import emit_fields, emit_json
from hkctl.resources import addons, apps, collaborators, dynos


@cli.command("info")
@app_option(positional=True)
@json_option
@pass_env
def info_cmd(env: Env, app: str, as_json: bool) -> None:
    """Show an app: region, stack, maintenance, URLs and dates, then its dynos (count per process
    type), add-ons (plans) and collaborators, as `heroku apps:info` does. --json prints the app record."""
    client = env.client()
    a = apps.info(client, app)
    if as_json:
        emit_json(env.io, a.to_json())
        return
    running = Counter(d.type for d in dynos.list_(client, app))
    emit_fields(
        env.io,
        [
            ("name", a.name),
            ("id", a.id),
            ("region", a.region),
            ("stack", a.stack),
            ("maintenance", a.maintenance),
            ("web url", a.web_url),
            ("git url", a.git_url),
            ("owner", a.owner),
            ("created", a.created_at),
            ("released", a.released_at),
            ("updated", a.updated_at),
            ("dynos", ", ".join(f"{t}: {n}" for t, n in sorted(running.items())) or "none"),
            ("add-ons", ", ".join(sorted(x.plan or x.name for x in addons.list_(client, app))) or "none"),
            ("collaborators", ", ".join(sorted(c.email or c.id for c in collaborators.list_(client, app)))),
        ],
    )
