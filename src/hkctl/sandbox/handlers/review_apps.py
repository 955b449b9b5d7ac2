"""Review apps: a pipeline's review-app config, and review apps that are real apps at stage `review`.

Creating a review app needs review apps enabled on the pipeline (422 otherwise, as on Heroku). It
creates an app named `<base_name>-pr-<N>` or `<base_name>-<branch>` (cut to a valid app name),
couples it at stage review, builds the source blob into it, and moves `creating` → `created`
after duration("review_app").
Deleting a review app destroys its app.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.backend import builds
from hkctl.sandbox.backend.apps import create_app, destroy_app
from hkctl.sandbox.backend.pipelines import couple, find_pipeline, ref_id
from hkctl.sandbox.routing import UUID_RE, ApiFault, Ctx, Reply, invalid, not_found, route, task

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

REPO = re.compile(r"^[\w.-]+/[\w.-]+$")
FLAGS = ("automatic_review_apps", "destroy_stale_apps", "wait_for_ci")


def _config(ctx: Ctx, pipeline_id: str) -> dict[str, Any]:
    doc = ctx.store.get("review-app-config", pipeline_id)
    if doc is None:
        raise ApiFault(404, "not_found", "Review apps are not enabled for this pipeline.")
    return doc


def _public_config(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "id"}


def _apply(doc: dict[str, Any], body: dict[str, Any]) -> None:
    for key in FLAGS:
        if key in body:
            if not isinstance(body[key], bool):
                raise invalid(f"{key} must be a boolean.")
            doc[key] = body[key]
    if "stale_days" in body:
        days = body["stale_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 30:
            raise invalid("stale_days must be an integer from 1 to 30.")
        doc["stale_days"] = days
    if "base_name" in body:
        base = body["base_name"]
        if base is not None and (not isinstance(base, str) or not re.match(r"^[a-z][a-z0-9-]{0,19}$", base)):
            raise invalid("base_name must be lowercase letters, digits and dashes (at most 20).")
        doc["base_name"] = base


@route("GET", "/pipelines/{pipeline}/review-app-config")
def config_info(ctx: Ctx, pipeline: str) -> Any:
    return _public_config(_config(ctx, find_pipeline(ctx.sandbox, pipeline, id_only=True)["id"]))


@route("POST", "/pipelines/{pipeline}/review-app-config")
def config_enable(ctx: Ctx, pipeline: str) -> Any:
    p = find_pipeline(ctx.sandbox, pipeline, id_only=True)
    body = ctx.json_body()
    repo = body.get("repo")
    if not isinstance(repo, str) or not REPO.match(repo):
        raise invalid("repo is required, as owner/name of a GitHub repository.")
    if ctx.store.get("review-app-config", p["id"]):
        raise invalid("Review apps are already enabled for this pipeline.")
    doc: dict[str, Any] = {
        "id": p["id"],
        "repo": {"id": int.from_bytes(hashlib.sha256(repo.encode()).digest()[:3], "big")},
        "automatic_review_apps": False,
        "deploy_target": {"id": "us", "type": "region"},
        "destroy_stale_apps": False,
        "stale_days": 5,
        "pipeline_id": p["id"],
        "wait_for_ci": False,
        "base_name": p["name"][:20].rstrip("-"),
        "_repo": repo,
    }
    _apply(doc, body)
    ctx.store.put("review-app-config", doc)
    return Reply(_public_config(doc), 201)


@route("PATCH", "/pipelines/{pipeline}/review-app-config")
def config_update(ctx: Ctx, pipeline: str) -> Any:
    doc = _config(ctx, find_pipeline(ctx.sandbox, pipeline, id_only=True)["id"])
    _apply(doc, ctx.json_body())
    ctx.store.put("review-app-config", doc)
    return _public_config(doc)


@route("DELETE", "/pipelines/{pipeline}/review-app-config")
def config_disable(ctx: Ctx, pipeline: str) -> Any:
    doc = _config(ctx, find_pipeline(ctx.sandbox, pipeline, id_only=True)["id"])
    ctx.store.delete("review-app-config", doc["id"])
    return _public_config(doc)


def review_app_name(sb: Sandbox, base: str, branch: str, pr_number: int | None) -> str:
    """A valid, free app name from the base name and the PR number or branch."""
    tail = (
        f"pr-{pr_number}" if pr_number else re.sub(r"[^a-z0-9]+", "-", branch.lower()).strip("-") or "branch"
    )
    name = f"{base}-{tail}"[:30].rstrip("-")
    candidate, n = name, 1
    while sb.store.first("app", name=candidate):
        n += 1
        suffix = f"-{n}"
        candidate = name[: 30 - len(suffix)].rstrip("-") + suffix
    return candidate


def _review_app(ctx: Ctx, ident: str) -> dict[str, Any]:
    doc = ctx.store.get("review-app", ident) if UUID_RE.match(ident) else None
    if doc is None or doc["status"] == "deleted":
        raise not_found("review app")
    return doc


@route("POST", "/review-apps")
def review_apps_create(ctx: Ctx) -> Any:
    sb = ctx.sandbox
    body = ctx.json_body()
    p = find_pipeline(sb, ref_id(body.get("pipeline"), "pipeline"), id_only=True)
    config = ctx.store.get("review-app-config", p["id"])
    if config is None:
        raise invalid("Review apps are not enabled for this pipeline.")
    branch = body.get("branch")
    if not isinstance(branch, str) or not branch:
        raise invalid("branch is required.")
    blob = body.get("source_blob")
    if not isinstance(blob, dict) or not isinstance(blob.get("url"), str):
        raise invalid("source_blob.url is required.")
    pr = body.get("pr_number")
    if pr is not None and (not isinstance(pr, int) or isinstance(pr, bool) or pr < 1):
        raise invalid("pr_number must be a positive integer.")
    env = body.get("environment") or {}
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        raise invalid("environment must map names to strings.")
    name = review_app_name(sb, config["base_name"] or p["name"], branch, pr)
    app = create_app(sb, owner=ctx.account, name=name)
    app["_config"] = dict(env)
    ctx.store.put("app", app)
    couple(sb, app, p, "review")
    now = ctx.now_iso()
    doc = {
        "app": {"id": app["id"]},
        "app_setup": None,
        "branch": branch,
        "created_at": now,
        "id": ctx.new_id(),
        "pipeline": {"id": p["id"]},
        "status": "creating",
        "updated_at": now,
        "creator": {"id": ctx.account.get("id", "")},
        "wait_for_ci": bool(config["wait_for_ci"]),
        "error_status": None,
        "message": None,
        "fork_repo": None,
        "pr_number": pr,
        "_source_blob": blob,
    }
    ctx.store.put("review-app", doc, parent=p["id"])
    ctx.publish("app", "create", {"id": app["id"], "name": app["name"]}, app)
    # The branch is built and deployed into the new app, as Heroku does (the builds family's rules).
    builds.new_build(
        sb,
        app,
        source_blob={"url": blob["url"], "version": blob.get("version")},
        buildpacks=None,
        user=ctx.account,
    )
    ctx.schedule(sb.config.duration("review_app"), "review_app_created", {"id": doc["id"]})
    return Reply(doc, 201)


@task("review_app_created")
def review_app_created(sb: Sandbox, payload: dict[str, Any]) -> None:
    doc = sb.store.get("review-app", payload["id"])
    if doc is None or doc["status"] != "creating":
        return
    doc["status"] = "created"
    sb.store.put("review-app", doc)


@route("GET", "/review-apps/{review_app}")
def review_apps_info(ctx: Ctx, review_app: str) -> Any:
    return _review_app(ctx, review_app)


@route("GET", "/apps/{app}/review-app")
def review_apps_by_app(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    doc = ctx.store.first("review-app", app__id=record["id"])
    if doc is None or doc["status"] == "deleted":
        raise not_found("review app")
    return doc


@route("GET", "/pipelines/{pipeline}/review-apps")
def review_apps_list(ctx: Ctx, pipeline: str) -> Any:
    p = find_pipeline(ctx.sandbox, pipeline, id_only=True)
    rows = [r for r in ctx.store.all("review-app", parent=p["id"]) if r["status"] != "deleted"]
    return ctx.page(rows)


@route("DELETE", "/review-apps/{review_app}")
def review_apps_delete(ctx: Ctx, review_app: str) -> Any:
    doc = _review_app(ctx, review_app)
    app = ctx.store.get("app", doc["app"]["id"])
    if app is not None:
        ctx.publish("app", "destroy", {"id": app["id"], "name": app["name"]}, None)
        destroy_app(ctx.sandbox, app)
    doc["status"] = "deleted"
    doc["updated_at"] = ctx.now_iso()
    ctx.store.put("review-app", doc)
    return doc
