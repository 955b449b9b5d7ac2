"""hkctl pipelines: list, info, create, add, remove, promote."""

from __future__ import annotations

import click

from hkctl.cli._app import app_group
from hkctl.cli._common import Env, json_option, limit_option, on_interrupt, pass_env
from hkctl.render.output import emit_fields, emit_json, emit_records, emit_table, say, say_to
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


@cli.command("promote")
@click.option("--pipeline", "-p", required=True, help="Pipeline name or id.")
@click.option("--from", "source", default=None, metavar="APP", help="Source app (default: the staging app).")
@click.option(
    "--to", "targets", multiple=True, metavar="APP", help="Target app (repeat; default: the next stage)."
)
@click.option(
    "--no-check", is_flag=True, help="Promote even if the source app fails its health check (logged)."
)
@json_option
@pass_env
def promote_cmd(
    env: Env, pipeline: str, source: str | None, targets: tuple[str, ...], no_check: bool, as_json: bool
) -> None:
    """Promote the source app's current slug downstream and report each target (exit 1 if any failed).

    The source app's health check runs first; an unhealthy source is refused (exit 3) unless --no-check.
    Columns: APP (a target), STATUS (pending, succeeded, failed), DETAIL (the new release, or why it failed).
    """
    from hkctl.workflows.promote import check_source

    client = env.client()
    plan = pipelines.plan_promotion(client, pipeline, source=source, targets=list(targets) or None)
    check_source(client, plan.source_id, no_check=no_check, say=say_to(env.io))
    say(
        env.io,
        f"promoting {plan.source_name} ({plan.source_stage}) to {', '.join(plan.targets.values())} ...",
    )
    started: dict[str, str] = {}
    with on_interrupt(
        env.io,
        lambda: (
            f"promotion {started['id']} keeps running on Heroku: follow it with "
            f"`hkctl pipelines promotion {started['id']}`"
            if started
            else None
        ),
    ):
        promotion, results = pipelines.run_promotion(
            client, plan, on_created=lambda p: started.update(id=p.id)
        )
    if as_json:
        emit_json(env.io, {"promotion": promotion.to_json(), "targets": [t.to_json() for t in results]})
    else:
        from hkctl.resources import releases

        labels = {t.id: releases.info(client, t.app_id, t.release_id).label for t in results if t.release_id}
        emit_table(
            env.io,
            results,
            [
                ("app", lambda t: plan.targets.get(t.app_id, t.app_id)),
                ("status", "status"),
                (
                    "detail",
                    lambda t: t.error_message or (f"new release {labels[t.id]}" if t.id in labels else ""),
                ),
            ],
        )
    failed = [plan.targets.get(t.app_id, t.app_id) for t in results if t.status == "failed"]
    if failed:
        say(env.io, f"promotion failed for: {', '.join(failed)}")
        raise click.exceptions.Exit(1)
    say(env.io, f"promoted {plan.source_name} to {', '.join(plan.targets.values())}")


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
