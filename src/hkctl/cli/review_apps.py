"""hkctl review-apps: config (enable/update), list, create, destroy."""

from __future__ import annotations

import click

from hkctl.cli._common import Env, json_option, pass_env
from hkctl.render.output import emit_fields, emit_json, emit_records, say
from hkctl.resources import pipelines, review_apps

pipeline_option = click.option("--pipeline", "-p", required=True, help="Pipeline name or id.")


@click.group("review-apps")
def cli() -> None:
    """Review apps: a temporary app per branch or pull request, at the pipeline's review stage."""


@cli.command("config")
@pipeline_option
@click.option("--repo", default=None, metavar="OWNER/NAME", help="GitHub repository (to enable review apps).")
@click.option("--automatic/--no-automatic", default=None, help="Create review apps for new pull requests.")
@click.option("--destroy-stale/--no-destroy-stale", default=None, help="Destroy review apps left undeployed.")
@click.option(
    "--stale-days", type=click.IntRange(1, 30), default=None, help="Days without deploy before stale."
)
@click.option("--wait-for-ci/--no-wait-for-ci", default=None, help="Create review apps only when CI passes.")
@click.option("--base-name", default=None, help="Prefix of review app names (default: the pipeline's name).")
@json_option
@pass_env
def config_cmd(
    env: Env,
    pipeline: str,
    repo: str | None,
    automatic: bool | None,
    destroy_stale: bool | None,
    stale_days: int | None,
    wait_for_ci: bool | None,
    base_name: str | None,
    as_json: bool,
) -> None:
    """Show review-app settings, or enable (with --repo) / change them with the options given."""

    client = env.client()
    p = pipelines.info(client, pipeline)
    settings = {
        "automatic_review_apps": automatic,
        "destroy_stale_apps": destroy_stale,
        "stale_days": stale_days,
        "wait_for_ci": wait_for_ci,
        "base_name": base_name,
    }
    if repo is None and all(v is None for v in settings.values()):
        cfg = review_apps.config(client, p.id)
        if cfg is None:
            say(env.io, f"review apps are not enabled on {p.name}")
            raise click.exceptions.Exit(1)
    else:
        cfg = review_apps.configure(client, p.id, repo=repo, **settings)
        say(env.io, f"review-app settings of {p.name} saved")
    if as_json:
        emit_json(env.io, cfg.to_json())
        return
    emit_fields(
        env.io,
        [
            ("pipeline", p.name),
            ("automatic", cfg.automatic_review_apps),
            ("destroy stale", cfg.destroy_stale_apps),
            ("stale days", cfg.stale_days),
            ("wait for ci", cfg.wait_for_ci),
            ("base name", cfg.base_name),
        ],
    )


@cli.command("list")
@pipeline_option
@json_option
@pass_env
def list_cmd(env: Env, pipeline: str, as_json: bool) -> None:
    """List a pipeline's review apps.

    Columns: ID, APP, BRANCH, PR (pull request number), STATUS, CREATED.
    On a terminal a table with a header; in a pipe tab-separated, no header; --json the API's records.
    """

    client = env.client()
    p = pipelines.info(client, pipeline)
    rows = review_apps.list_(client, p.id)
    names = pipelines.app_names(client, [r.app_id for r in rows if r.app_id])
    emit_records(
        env.io,
        as_json,
        rows,
        [
            ("id", "id"),
            ("app", lambda r: names.get(r.app_id or "", "")),
            ("branch", "branch"),
            ("pr", "pr_number"),
            ("status", "status"),
            ("created", "created_at"),
        ],
        empty=f"no review apps on {p.name}",
    )


@cli.command("create")
@pipeline_option
@click.option("--branch", "-b", required=True, help="Branch the review app is built from.")
@click.option("--source-url", required=True, help="Tarball URL of the branch's source.")
@click.option("--pr", "pr_number", type=click.IntRange(min=1), default=None, help="Pull request number.")
@json_option
@pass_env
def create_cmd(
    env: Env, pipeline: str, branch: str, source_url: str, pr_number: int | None, as_json: bool
) -> None:
    """Create a review app for a branch (the pipeline must have review apps enabled)."""

    client = env.client()
    p = pipelines.info(client, pipeline)
    r = review_apps.create(client, p.id, branch, source_url, pr_number=pr_number)
    name = pipelines.app_names(client, [r.app_id]).get(r.app_id or "") if r.app_id else None
    if as_json:
        emit_json(env.io, r.to_json())
    else:
        say(env.io, f"review app {r.id} for {branch}: app {name} ({r.status})")


@cli.command("destroy")
@click.argument("review_app_id")
@pass_env
def destroy_cmd(env: Env, review_app_id: str) -> None:
    """Destroy a review app and its app (type the app's name, or pass --confirm APP)."""

    client = env.client()
    r = review_apps.info(client, review_app_id)
    name = pipelines.app_names(client, [r.app_id]).get(r.app_id) if r.app_id else None
    review_apps.destroy(client, review_app_id, app_name=name)
    say(env.io, f"destroyed review app {review_app_id} ({name or 'no app'})")
