"""Pipelines, couplings and promotions: create/list/rename/delete, stages, slug promotion downstream.

Promotion rule (sandbox, documented in the cookbook): the source app's current release must have
a slug; each target gets a release `Promote <source> v<N>` running that slug after
`duration("promotion")`. A target app in maintenance mode fails with an error_message and gets no
release; the promotion itself still moves pending → completed, as Heroku's does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hkctl.sandbox.backend.pipelines import (
    PIPELINE_NAME,
    check_stage,
    couple,
    coupling_of_app,
    couplings_of,
    create_pipeline,
    find_pipeline,
    ref_id,
)
from hkctl.sandbox.backend.releases import create_release, current
from hkctl.sandbox.clock import iso
from hkctl.sandbox.routing import UUID_RE, Ctx, Reply, invalid, not_found, route, task

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox


# ---------------------------------------------------------------- pipelines
@route("GET", "/pipelines")
def pipelines_list(ctx: Ctx) -> Any:
    rows = ctx.store.all("pipeline")
    name = ctx.query.get("eq[name]")  # the official CLI looks pipelines up by name this way
    if name is not None:
        rows = [p for p in rows if p["name"] == name]
    return ctx.page(rows, allowed=("id", "name"))


@route("GET", "/pipelines/{pipeline}")
def pipelines_info(ctx: Ctx, pipeline: str) -> Any:
    return find_pipeline(ctx.sandbox, pipeline)


@route("POST", "/pipelines")
def pipelines_create(ctx: Ctx) -> Any:
    body = ctx.json_body()
    owner = body.get("owner") if isinstance(body.get("owner"), dict) else None
    if owner is not None and (owner.get("type") not in ("user", "team") or not owner.get("id")):
        raise invalid("owner must have an id and a type of user or team.")
    doc = create_pipeline(ctx.sandbox, body.get("name"), owner or {"id": ctx.account["id"], "type": "user"})
    return Reply(doc, 201)


@route("PATCH", "/pipelines/{pipeline}")
def pipelines_update(ctx: Ctx, pipeline: str) -> Any:
    doc = find_pipeline(ctx.sandbox, pipeline, id_only=True)
    name = ctx.json_body().get("name")
    if name is not None and name != doc["name"]:
        if not isinstance(name, str) or not PIPELINE_NAME.match(name):
            raise invalid(
                "Name must start with a letter and can only contain lowercase letters, digits and dashes."
            )
        if ctx.store.first("pipeline", name=name):
            raise invalid("Name is already taken")
        doc["name"] = name
        doc["updated_at"] = ctx.now_iso()
        ctx.store.put("pipeline", doc)
    return doc


@route("DELETE", "/pipelines/{pipeline}")
def pipelines_delete(ctx: Ctx, pipeline: str) -> Any:
    doc = find_pipeline(ctx.sandbox, pipeline, id_only=True)
    for c in couplings_of(ctx.sandbox, doc["id"]):
        ctx.store.delete("pipeline-coupling", c["id"])
    ctx.store.delete("pipeline", doc["id"])
    return doc


# ---------------------------------------------------------------- couplings
@route("GET", "/pipelines/{pipeline}/pipeline-couplings")
def couplings_list(ctx: Ctx, pipeline: str) -> Any:
    doc = find_pipeline(ctx.sandbox, pipeline, id_only=True)
    return ctx.page(couplings_of(ctx.sandbox, doc["id"]))


@route("GET", "/pipeline-couplings")
def couplings_all(ctx: Ctx) -> Any:
    return ctx.page(ctx.store.all("pipeline-coupling"))


@route("GET", "/pipeline-couplings/{coupling}")
def couplings_info(ctx: Ctx, coupling: str) -> Any:
    return _coupling(ctx, coupling)


def _coupling(ctx: Ctx, ident: str) -> dict[str, Any]:
    doc = ctx.store.get("pipeline-coupling", ident) if UUID_RE.match(ident) else None
    if doc is None:
        raise not_found("pipeline coupling")
    return doc


@route("GET", "/apps/{app}/pipeline-couplings")
def couplings_by_app(ctx: Ctx, app: str) -> Any:
    """A single object, not a list (the official CLI's apps:info relies on it)."""
    doc = coupling_of_app(ctx.sandbox, ctx.app(app)["id"])
    if doc is None:
        raise not_found("pipeline coupling")
    # Heroku names the pipeline here too; apps:info prints `<pipeline.name> - <stage>` from it.
    pipeline = ctx.store.get("pipeline", doc["pipeline"]["id"])
    if pipeline is not None:
        doc["pipeline"] = {"id": pipeline["id"], "name": pipeline["name"]}
    return doc


@route("POST", "/pipeline-couplings")
def couplings_create(ctx: Ctx) -> Any:
    body = ctx.json_body()
    app = ctx.app(ref_id(body.get("app"), "app"))
    pipeline = find_pipeline(ctx.sandbox, ref_id(body.get("pipeline"), "pipeline"), id_only=True)
    return Reply(couple(ctx.sandbox, app, pipeline, body.get("stage")), 201)


@route("PATCH", "/pipeline-couplings/{coupling}")
def couplings_update(ctx: Ctx, coupling: str) -> Any:
    doc = _coupling(ctx, coupling)
    body = ctx.json_body()
    if "stage" in body:
        doc["stage"] = check_stage(body["stage"])
        doc["updated_at"] = ctx.now_iso()
        ctx.store.put("pipeline-coupling", doc)
    return doc


@route("DELETE", "/pipeline-couplings/{coupling}")
def couplings_delete(ctx: Ctx, coupling: str) -> Any:
    doc = _coupling(ctx, coupling)
    ctx.store.delete("pipeline-coupling", doc["id"])
    return doc


# ---------------------------------------------------------------- promotions
@route("POST", "/pipeline-promotions")
def promotions_create(ctx: Ctx) -> Any:
    sb = ctx.sandbox
    body = ctx.json_body()
    pipeline = find_pipeline(sb, ref_id(body.get("pipeline"), "pipeline"), id_only=True)
    source: dict[str, Any] = body["source"] if isinstance(body.get("source"), dict) else {}
    src_app = ctx.app(ref_id(source.get("app"), "source.app"))
    src_coupling = coupling_of_app(sb, src_app["id"])
    if not src_coupling or src_coupling["pipeline"]["id"] != pipeline["id"]:
        raise invalid(f"App {src_app['name']} is not in pipeline {pipeline['name']}.")
    release = _source_release(sb, src_app, source.get("release"))
    targets = body.get("targets")
    if not isinstance(targets, list) or not targets:
        raise invalid("targets must list at least one app.")
    target_apps = []
    for t in targets:
        app = ctx.app(ref_id(t.get("app") if isinstance(t, dict) else None, "targets[].app"))
        coupling = coupling_of_app(sb, app["id"])
        if not coupling or coupling["pipeline"]["id"] != pipeline["id"]:
            raise invalid(f"App {app['name']} is not in pipeline {pipeline['name']}.")
        if app["id"] == src_app["id"]:
            raise invalid("An app cannot be promoted to itself.")
        target_apps.append(app)
    now = ctx.now_iso()
    promotion = {
        "created_at": now,
        "id": ctx.new_id(),
        "pipeline": {"id": pipeline["id"]},
        "source": {"app": {"id": src_app["id"]}, "release": {"id": release["id"]}},
        "status": "pending",
        "updated_at": now,
        "_slug_id": release["slug"]["id"],
        "_description": f"Promote {src_app['name']} v{release['version']}",
        "_actor": {"id": ctx.account.get("id", ""), "email": ctx.account.get("email", "")},
    }
    ctx.store.put("pipeline-promotion", promotion)
    for app in target_apps:
        target = {
            "app": {"id": app["id"]},
            "error_message": None,
            "id": ctx.new_id(),
            "pipeline_promotion": {"id": promotion["id"]},
            "release": None,
            "status": "pending",
        }
        ctx.store.put("pipeline-promotion-target", target, parent=promotion["id"])
    ctx.schedule(sb.config.duration("promotion"), "promotion_run", {"promotion": promotion["id"]})
    return Reply(promotion, 201)


def _source_release(sb: Sandbox, app: dict[str, Any], wanted: Any) -> dict[str, Any]:
    if isinstance(wanted, dict) and wanted.get("id"):
        rel = sb.store.get("release", str(wanted["id"]))
        if rel is None or rel["app"]["id"] != app["id"]:
            raise not_found("release")
    else:
        rel = current(sb, app)
    if rel is None or not rel.get("slug"):
        raise invalid(f"App {app['name']} has no slug to promote: deploy a build to it first.")
    return rel


@task("promotion_run")
def promotion_run(sb: Sandbox, payload: dict[str, Any]) -> None:
    promotion = sb.store.get("pipeline-promotion", payload["promotion"])
    if promotion is None or promotion["status"] != "pending":
        return
    for target in sb.store.all("pipeline-promotion-target", parent=promotion["id"]):
        app = sb.store.get("app", target["app"]["id"])
        if app is None:
            target.update(status="failed", error_message="The target app no longer exists.")
        elif app.get("maintenance"):
            target.update(
                status="failed",
                error_message=f"Target app {app['name']} is in maintenance mode; turn it off and promote again.",
            )
        else:
            rel = create_release(
                sb,
                app,
                description=promotion["_description"],
                user=promotion["_actor"],
                slug_id=promotion["_slug_id"],
            )
            target.update(status="succeeded", release={"id": rel["id"]})
        sb.store.put("pipeline-promotion-target", target)
    promotion["status"] = "completed"
    promotion["updated_at"] = iso(sb.clock.now())
    sb.store.put("pipeline-promotion", promotion)


def _promotion(ctx: Ctx, ident: str) -> dict[str, Any]:
    doc = ctx.store.get("pipeline-promotion", ident) if UUID_RE.match(ident) else None
    if doc is None:
        raise not_found("pipeline promotion")
    return doc


@route("GET", "/pipeline-promotions/{promotion}")
def promotions_info(ctx: Ctx, promotion: str) -> Any:
    return _promotion(ctx, promotion)


@route("GET", "/pipeline-promotions/{promotion}/promotion-targets")
def promotion_targets(ctx: Ctx, promotion: str) -> Any:
    doc = _promotion(ctx, promotion)
    return ctx.page(ctx.store.all("pipeline-promotion-target", parent=doc["id"]))


@route("GET", "/pipelines/{pipeline}/latest-releases")
def latest_releases(ctx: Ctx, pipeline: str) -> Any:
    """The current release of every app in the pipeline (one per app)."""
    doc = find_pipeline(ctx.sandbox, pipeline, id_only=True)
    rows = []
    for c in couplings_of(ctx.sandbox, doc["id"]):
        app = ctx.store.get("app", c["app"]["id"])
        rel = current(ctx.sandbox, app) if app else None
        if rel is not None:
            rows.append(rel)
    return ctx.page(rows)
