"""hkctl pipelines: list, info, create, add, remove, promote (pipelines_promote.py), promotion."""

from __future__ import annotations

import click

from hkctl.cli._app import app_group
from hkctl.cli._common import Env, json_option, limit_option, pass_env
from hkctl.render.output import emit_fields, emit_json, emit_records, emit_table, say
from hkctl.resources import pipelines

STAGE_CHOICE = click.Choice(["test", "review", "development", "staging", "production"])


@app_group("pipelines", default="list", app=False)
def cli() -> None:
    """Pipelines: apps by stage, and promotion of a slug downstream."""


@cli.command("list")
@json_option
@limit_option
@pass_env
def list_cmd(env: Env, as_json: bool, limit: int | None) -> None:
    """List pipelines.

    Columns: NAME, ID, OWNER (user or team).
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    client = env.client()
    rows = list(pipelines.list_(client, limit=limit))
    owners = {} if as_json else pipelines.owner_labels(client, rows)
    emit_records(
        env.io,
        as_json,
        rows,
        [("name", "name"), ("id", "id"), ("owner", lambda p: owners.get(p.id, "-"))],
        empty="no pipelines",
    )


@cli.command("info")
@click.argument("pipeline")
@json_option
@pass_env
def info_cmd(env: Env, pipeline: str, as_json: bool) -> None:
    """Show a pipeline (by name or id) and its apps by stage.

    Fields: NAME, ID, OWNER, CREATED; then columns STAGE (review, development, staging, production), APP.
    """

    client = env.client()
    p = pipelines.info(client, pipeline)
    rows = pipelines.couplings(client, p.id)
    names = pipelines.app_names(client, [c.app_id for c in rows])
    if as_json:
        emit_json(
            env.io,
            {
                "pipeline": p.to_json(),
                "couplings": [
                    {**c.to_json(), "app": {"id": c.app_id, "name": names[c.app_id]}} for c in rows
                ],
            },
        )
        return
    owner = pipelines.owner_labels(client, [p])[p.id]
    emit_fields(env.io, [("name", p.name), ("id", p.id), ("owner", owner), ("created", p.created_at)])
    order = {s: i for i, s in enumerate(pipelines.STAGES)}
    rows.sort(key=lambda c: (order.get(c.stage, 99), names[c.app_id]))
    emit_table(
        env.io,
        rows,
        [("stage", "stage"), ("app", lambda c: names[c.app_id])],
        empty="no apps in this pipeline",
    )


@cli.command("create")
@click.argument("name")
@click.option("--team", "-t", default=None, metavar="TEAM", help="Owned by team TEAM instead of you.")
@json_option
@pass_env
def create_cmd(env: Env, name: str, team: str | None, as_json: bool) -> None:
    """Create a pipeline owned by you, or by a team (--team)."""

    p = pipelines.create(env.client(), name, team=team)
    if as_json:
        emit_json(env.io, p.to_json())
    else:
        say(env.io, f"created pipeline {p.name} ({p.id})")


@cli.command("add")
@click.argument("app")
@click.option("--pipeline", "-p", required=True, help="Pipeline name or id.")
@click.option("--stage", "-s", required=True, type=STAGE_CHOICE, help="Stage to put the app at.")
@pass_env
def add_cmd(env: Env, app: str, pipeline: str, stage: str) -> None:
    """Add APP to a pipeline at a stage."""

    client = env.client()
    p = pipelines.info(client, pipeline)
    pipelines.add_app(client, app, p.id, stage)
    say(env.io, f"added {app} to {p.name} at stage {stage}")


@cli.command("remove")
@click.argument("app")
@pass_env
def remove_cmd(env: Env, app: str) -> None:
    """Remove APP from its pipeline (the app itself stays)."""

    pipelines.remove_app(env.client(), app)
    say(env.io, f"removed {app} from its pipeline")


@cli.command("promotion")
@click.argument("promotion_id", metavar="ID")
@json_option
@pass_env
def promotion_cmd(env: Env, promotion_id: str, as_json: bool) -> None:
    """Show a promotion by its id: its status, then each target (columns APP, STATUS, RELEASE, ERROR).

    Exit 1 when a target failed; a pending target means the promotion is still running.
    """

    client = env.client()
    promotion = pipelines.promotion_info(client, promotion_id)
    targets = pipelines.promotion_targets(client, promotion.id)
    if as_json:
        emit_json(env.io, {"promotion": promotion.to_json(), "targets": [t.to_json() for t in targets]})
    else:
        names = pipelines.app_names(client, [promotion.source_app_id, *(t.app_id for t in targets)])
        say(
            env.io,
            f"promotion {promotion.id} from {names.get(promotion.source_app_id, promotion.source_app_id)}: {promotion.status}",
        )
        emit_table(
            env.io,
            targets,
            [
                ("app", lambda t: names.get(t.app_id, t.app_id)),
                ("status", "status"),
                ("release", lambda t: t.release_id or ""),
                ("error", lambda t: t.error_message or ""),
            ],
            empty="no targets",
        )
    if any(t.status == "failed" for t in targets):
        raise click.exceptions.Exit(1)
