"""hkctl pipelines promote: the source app's health check, then its slug promoted downstream.

A part of `hkctl pipelines` (see cli/_commands.py): the other pipelines commands do not import the
health check's reads.
"""

from __future__ import annotations

import click

from hkctl.cli._common import Env, json_option, on_interrupt, pass_env
from hkctl.cli.pipelines import cli
from hkctl.render.output import emit_json, emit_table, say, say_to
from hkctl.resources import pipelines, releases
from hkctl.workflows.promote import check_source


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
