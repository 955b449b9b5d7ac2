"""Pipelines: list, info, create, couplings (add/remove an app at a stage), promotions and their targets."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hkctl.errors import HkctlError, NotFound, UsageError
from hkctl.polling import poll
from hkctl.resources import apps
from hkctl.resources._record import Record, check_app, is_uuid
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

PIPELINE_NAME = re.compile(r"^[a-z][a-z0-9-]{2,29}$")
#: Heroku's stages, upstream first; a promotion goes from one stage to the next one that has apps.
STAGES = ("test", "review", "development", "staging", "production")
PROMOTABLE = ("development", "staging", "production")


@dataclass(frozen=True, kw_only=True)
class Pipeline(Record):
    """A pipeline (API object `pipeline`): name, id and owner (a user or a team, by id)."""

    id: str
    name: str
    owner_type: str | None
    owner_id: str | None
    created_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Pipeline:
        owner: dict[str, Any] = d["owner"] if isinstance(d.get("owner"), dict) else {}
        return cls(
            raw=d,
            id=d["id"],
            name=d["name"],
            owner_type=owner.get("type"),
            owner_id=owner.get("id"),
            created_at=d.get("created_at"),
        )


def owner_labels(client: HerokuClient, pipelines: list[Pipeline]) -> dict[str, str]:
    """pipeline id → its owner as a person reads it: your account's email, else `user ID` / `team ID`.

    The API names the owner only by id and type; one `GET /account` tells whether it is you.
    """
    me: dict[str, Any] = {}
    if any(p.owner_type == "user" for p in pipelines):
        me = client.get("/account", action="account_info") or {}
    labels = {}
    for p in pipelines:
        if p.owner_type == "user" and p.owner_id and p.owner_id == me.get("id"):
            labels[p.id] = str(me.get("email") or p.owner_id)
        else:
            labels[p.id] = f"{p.owner_type or 'owner'} {p.owner_id}" if p.owner_id else "-"
    return labels


@dataclass(frozen=True, kw_only=True)
class Coupling(Record):
    """A pipeline coupling (API object `pipeline-coupling`): an app (by id) at a stage of a pipeline."""

    id: str
    app_id: str
    pipeline_id: str
    stage: str

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Coupling:
        return cls(
            raw=d, id=d["id"], app_id=d["app"]["id"], pipeline_id=d["pipeline"]["id"], stage=d["stage"]
        )


@dataclass(frozen=True, kw_only=True)
class Promotion(Record):
    """A pipeline promotion (API object `pipeline-promotion`): source app and release, status."""

    id: str
    pipeline_id: str
    source_app_id: str
    source_release_id: str | None
    status: str

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Promotion:
        source = d.get("source") or {}
        return cls(
            raw=d,
            id=d["id"],
            pipeline_id=d["pipeline"]["id"],
            source_app_id=source.get("app", {}).get("id", ""),
            source_release_id=(source.get("release") or {}).get("id"),
            status=d["status"],
        )


@dataclass(frozen=True, kw_only=True)
class PromotionTarget(Record):
    """A promotion target (API object `pipeline-promotion-target`): an app, its status, its new release."""

    id: str
    app_id: str
    status: str
    release_id: str | None
    error_message: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> PromotionTarget:
        return cls(
            raw=d,
            id=d["id"],
            app_id=d["app"]["id"],
            status=d["status"],
            release_id=(d.get("release") or {}).get("id"),
            error_message=d.get("error_message"),
        )


def check_pipeline(ident: str) -> str:
    """`ident` when it is a pipeline name (3-30 lowercase, digits, dashes) or id, else UsageError."""
    if not isinstance(ident, str) or not (PIPELINE_NAME.match(ident) or is_uuid(ident)):
        raise UsageError(
            f"invalid pipeline {ident!r}: use its name (3–30 lowercase letters, digits, dashes) or id"
        )
    return ident


def check_stage(stage: str) -> str:
    """`stage` when it is one of Heroku's stages (test ... production), else UsageError (exit 2)."""
    if stage not in STAGES:
        raise UsageError(f"invalid stage {stage!r}: use one of {', '.join(STAGES)}")
    return stage


# ---------------------------------------------------------------- pipelines
def list_(client: HerokuClient, *, limit: int | None = None) -> Iterator[Pipeline]:
    """Every pipeline the account sees (GET /pipelines, every page, by name; `limit` caps the count)."""
    for item in client.paginate("/pipelines", field="name", limit=limit, action="pipelines_list"):
        yield Pipeline.from_api(item)


def info(client: HerokuClient, pipeline: str) -> Pipeline:
    """A pipeline by name or id (GET /pipelines/{pipeline}; the Info link takes either); UsageError (exit 2)
    for a malformed name, NotFound for an unknown one."""
    return Pipeline.from_api(
        client.get(f"/pipelines/{seg(check_pipeline(pipeline))}", action="pipelines_info")
    )


def create(client: HerokuClient, name: str, *, team: str | None = None) -> Pipeline:
    """`POST /pipelines` {name, owner?} owned by you, or by `team` (its id is read first:
    `GET /teams/{team}`). UsageError (exit 2, nothing sent) for a malformed name; NotFound for an unknown
    team; InvalidParams (422) when the name is taken."""
    if not PIPELINE_NAME.match(name):
        raise UsageError(f"invalid pipeline name {name!r}: 3–30 lowercase letters, digits and dashes")
    body: dict[str, Any] = {"name": name}
    if team is not None:
        team_id = client.get(f"/teams/{seg(team)}", action="teams_info")["id"]
        body["owner"] = {"id": team_id, "type": "team"}
    return Pipeline.from_api(client.json("POST", "/pipelines", body=body, action="pipelines_create"))


# ---------------------------------------------------------------- couplings
def couplings(client: HerokuClient, pipeline_id: str) -> list[Coupling]:
    """Every app of a pipeline (GET /pipelines/{id}/pipeline-couplings; this link takes the pipeline's id
    only); NotFound for an unknown id."""
    items = client.paginate(
        f"/pipelines/{seg(pipeline_id)}/pipeline-couplings", action="pipeline_couplings_list"
    )
    return [Coupling.from_api(c) for c in items]


def all_couplings(client: HerokuClient) -> list[Coupling]:
    """Every coupling of every pipeline the account sees, in one list read (GET /pipeline-couplings)."""
    return [
        Coupling.from_api(c) for c in client.paginate("/pipeline-couplings", action="pipeline_couplings_all")
    ]


def coupling_for_app(client: HerokuClient, app: str) -> Coupling | None:
    """The app's coupling (GET /apps/{app}/pipeline-couplings), or None when the app is in no pipeline
    (the API answers 404); NotFound when the app itself does not exist."""
    try:
        body = client.get(f"/apps/{seg(check_app(app))}/pipeline-couplings", action="pipeline_couplings_app")
    except NotFound as exc:
        if (exc.body or {}).get("resource") != "app":  # the app exists but is in no pipeline
            return None
        raise
    return Coupling.from_api(body)


def add_app(client: HerokuClient, app: str, pipeline_id: str, stage: str) -> Coupling:
    """Add an app to a pipeline at a stage (POST /pipeline-couplings {app, pipeline, stage}); UsageError (exit
    2, nothing sent) for a bad app name or stage; InvalidParams (422) when the app is already in one."""
    body = {"app": check_app(app), "pipeline": pipeline_id, "stage": check_stage(stage)}
    return Coupling.from_api(
        client.json(
            "POST",
            "/pipeline-couplings",
            body=body,
            action="pipeline_couplings_create",
        )
    )


def remove_app(client: HerokuClient, app: str) -> Coupling:
    """Take an app out of its pipeline (GET /apps/{app}/pipeline-couplings, then
    DELETE /pipeline-couplings/{id}); HkctlError when the app is in no pipeline."""
    coupling = coupling_for_app(client, app)
    if coupling is None:
        raise HkctlError(f"{app} is not in a pipeline")
    return Coupling.from_api(
        client.json(
            "DELETE",
            f"/pipeline-couplings/{seg(coupling.id)}",
            action="pipeline_couplings_delete",
        )
    )


# ---------------------------------------------------------------- promotions
def next_stage(stages_with_apps: set[str], source_stage: str) -> str | None:
    """The first stage downstream of `source_stage` that has apps."""
    if source_stage not in PROMOTABLE:
        return None
    for stage in PROMOTABLE[PROMOTABLE.index(source_stage) + 1 :]:
        if stage in stages_with_apps:
            return stage
    return None


def promote(
    client: HerokuClient,
    pipeline_id: str,
    source_app_id: str,
    target_app_ids: list[str],
    *,
    source_name: str | None = None,
    target_names: list[str] | None = None,
) -> Promotion:
    """One promotion: the source app's current slug goes to every target (POST /pipeline-promotions
    {pipeline, source, targets}; one write, one confirmation). UsageError (exit 2, nothing sent) for no
    targets; the answer's status is usually `pending` (see `wait_for_promotion`)."""
    if not target_app_ids:
        raise UsageError("nothing to promote to: no target apps")
    body = {
        "pipeline": {"id": pipeline_id},
        "source": {"app": {"id": source_app_id}},
        "targets": [{"app": {"id": t}} for t in target_app_ids],
    }
    return Promotion.from_api(
        client.json(
            "POST",
            "/pipeline-promotions",
            body=body,
            action="pipeline_promotions_create",
        )
    )


def promotion_info(client: HerokuClient, promotion_id: str) -> Promotion:
    """A promotion by id (GET /pipeline-promotions/{id}); NotFound for an unknown one."""
    return Promotion.from_api(
        client.get(f"/pipeline-promotions/{seg(promotion_id)}", action="pipeline_promotions_info")
    )


def promotion_targets(client: HerokuClient, promotion_id: str) -> list[PromotionTarget]:
    """A promotion's targets and their status (GET /pipeline-promotions/{id}/promotion-targets, every
    page)."""
    items = client.paginate(
        f"/pipeline-promotions/{seg(promotion_id)}/promotion-targets",
        action="pipeline_promotion_targets_list",
    )
    return [PromotionTarget.from_api(t) for t in items]


def wait_for_promotion(
    client: HerokuClient,
    promotion_id: str,
    *,
    timeout: float = 300.0,
    interval: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    on_poll: Callable[[list[PromotionTarget]], None] | None = None,
) -> list[PromotionTarget]:
    """Poll the targets (GET /pipeline-promotions/{id}/promotion-targets, from `interval` s backing off to
    10 s) until none is pending; returns them. WaitTimedOut after `timeout` seconds."""

    def check() -> list[PromotionTarget] | None:
        targets = promotion_targets(client, promotion_id)
        if on_poll:
            on_poll(targets)
        return targets if targets and all(t.status != "pending" for t in targets) else None

    return poll(
        check,
        timeout=timeout,
        what=f"promotion {promotion_id}",
        interval=interval,
        max_interval=10.0,
        clock=monotonic,
        sleep=sleep,
    )


# ---------------------------------------------------------------- a promotion, planned and followed
@dataclass(frozen=True)
class PromotionPlan:
    """Who promotes to whom, resolved from the pipeline's couplings (names for people, ids for the API)."""

    pipeline: Pipeline
    source_id: str
    source_name: str
    source_stage: str
    targets: dict[str, str]  # app id -> app name


def app_names(client: HerokuClient, app_ids: list[str]) -> dict[str, str]:
    """App id → app name, one GET /apps/{id} each; NotFound when an app is gone."""
    return {i: apps.info(client, i).name for i in app_ids}


def plan_promotion(
    client: HerokuClient, pipeline: str, *, source: str | None = None, targets: list[str] | None = None
) -> PromotionPlan:
    """Resolve source and targets: default source is the single staging app, default targets the next stage.

    Reads GET /pipelines/{pipeline}, GET /pipelines/{id}/pipeline-couplings and GET /apps/{id} per app; sends
    nothing. UsageError (exit 2) for an app not in the pipeline, no single staging app without --from,
    nothing downstream without --to, or a target that is the source.
    """
    p = info(client, pipeline)
    rows = couplings(client, p.id)
    names = app_names(client, [c.app_id for c in rows])
    by_name = {names[c.app_id]: c for c in rows}
    by_id = {c.app_id: c for c in rows}

    def coupling_named(app: str) -> Coupling:
        c = by_name.get(app) or by_id.get(app)
        if c is None:
            raise UsageError(f"{app} is not in pipeline {p.name}")
        return c

    if source:
        src = coupling_named(source)
    else:
        staging = [c for c in rows if c.stage == "staging"]
        if len(staging) != 1:
            raise UsageError(
                f"pipeline {p.name} has {len(staging)} staging apps: name the source with --from APP"
            )
        src = staging[0]
    if targets:
        chosen = [coupling_named(t) for t in targets]
    else:
        stage = next_stage({c.stage for c in rows}, src.stage)
        if stage is None:
            raise UsageError(
                f"nothing downstream of {names[src.app_id]} ({src.stage}): name targets with --to APP"
            )
        chosen = [c for c in rows if c.stage == stage]
    if any(c.app_id == src.app_id for c in chosen):
        raise UsageError("an app cannot be promoted to itself")
    return PromotionPlan(
        pipeline=p,
        source_id=src.app_id,
        source_name=names[src.app_id],
        source_stage=src.stage,
        targets={c.app_id: names[c.app_id] for c in chosen},
    )


def run_promotion(
    client: HerokuClient,
    plan: PromotionPlan,
    *,
    timeout: float = 300.0,
    sleep: Callable[[float], None] = time.sleep,
    on_created: Callable[[Promotion], None] | None = None,
) -> tuple[Promotion, list[PromotionTarget]]:
    """Promote as planned (POST /pipeline-promotions) and follow the targets to succeeded/failed
    (GET /pipeline-promotions/{id}/promotion-targets); `on_created` hears of the promotion before the wait:
    its id is what a person follows it by. WaitTimedOut after `timeout` seconds."""
    promotion = promote(
        client,
        plan.pipeline.id,
        plan.source_id,
        list(plan.targets),
        source_name=plan.source_name,
        target_names=list(plan.targets.values()),
    )
    if on_created:
        on_created(promotion)
    return promotion, wait_for_promotion(client, promotion.id, timeout=timeout, sleep=sleep)


def latest_releases(client: HerokuClient, pipeline_id: str) -> list[dict[str, Any]]:
    """The current release of every app in the pipeline, as the API sends them
    (GET /pipelines/{id}/latest-releases, every page)."""
    return list(
        client.paginate(f"/pipelines/{seg(pipeline_id)}/latest-releases", action="pipeline_latest_releases")
    )
