"""MCP tools over pipelines (stages, promotion) and webhooks."""

from __future__ import annotations

from typing import Any

from hkctl.mcp.table import APP, DEFAULT_LIST, LIMIT, Args, Param, ToolSpec, capped, pick
from hkctl.resources import pipelines, webhooks
from hkctl.transport.client import HerokuClient
from hkctl.workflows import promote

PIPELINE = Param("pipeline", "string", "Pipeline name or id.", required=True)
# What the health check of the source app reads before a promotion (workflows/health.py).
HEALTH_READS = (
    "apps_info",
    "formation_list",
    "dynos_list",
    "releases_list",
    "addons_list",
    "domains_list",
    "log_sessions_create",
    "rate_limit_info",
)


def _pipelines_list(client: HerokuClient, args: Args) -> Any:
    limit = int(args.get("limit") or DEFAULT_LIST)
    return capped(pipelines.list_(client, limit=limit + 1), limit, view=lambda p: pick(p, "name", "id"))


def _pipelines_info(client: HerokuClient, args: Args) -> Any:
    p = pipelines.info(client, args["pipeline"])
    rows = pipelines.couplings(client, p.id)
    names = pipelines.app_names(client, [c.app_id for c in rows])
    order = {s: i for i, s in enumerate(pipelines.STAGES)}
    rows.sort(key=lambda c: (order.get(c.stage, 99), names[c.app_id]))
    return {
        "pipeline": {"name": p.name, "id": p.id},
        "apps": [{"stage": c.stage, "app": names[c.app_id], "app_id": c.app_id} for c in rows],
    }


def _pipelines_promote(client: HerokuClient, args: Args) -> Any:
    plan = pipelines.plan_promotion(
        client, args["pipeline"], source=args.get("source"), targets=list(args.get("targets") or []) or None
    )
    notes: list[str] = []
    promote.check_source(client, plan.source_name, no_check=bool(args.get("no_check")), say=notes.append)
    promotion, results = pipelines.run_promotion(client, plan)
    return {
        "promotion": promotion.id,
        "source": plan.source_name,
        "targets": [
            {"app": plan.targets.get(t.app_id, t.app_id), "status": t.status, "error": t.error_message}
            for t in results
        ],
        "notes": notes,
    }


def _webhooks_list(client: HerokuClient, args: Args) -> Any:
    return capped(
        webhooks.list_(client, args["app"]),
        args.get("limit"),
        view=lambda w: pick(w, "id", "url", "include", "level"),
    )


def _webhooks_deliveries(client: HerokuClient, args: Args) -> Any:
    limit = int(args.get("limit") or DEFAULT_LIST)
    items = webhooks.deliveries(client, args["app"], status=args.get("status"), limit=limit + 1)
    return capped(
        items,
        limit,
        view=lambda d: pick(
            d, "id", "status", "event.include", "num_attempts", "last_attempt.code", "created_at"
        ),
    )


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec("pipelines_list", "List pipelines (name, id).", ("pipelines_list",), _pipelines_list, (LIMIT,)),
    ToolSpec(
        "pipelines_info",
        "Show a pipeline and its apps by stage (review, development, staging, production).",
        ("pipelines_info", "pipeline_couplings_list", "apps_info"),
        _pipelines_info,
        (PIPELINE,),
    ),
    ToolSpec(
        "pipelines_promote",
        "Promote the source app's slug to the next stage (default: staging → production). The source "
        "app's health is checked first and an unhealthy source is refused unless no_check is true.",
        (
            "pipelines_info",
            "pipeline_couplings_list",
            "pipeline_promotions_create",
            "pipeline_promotion_targets_list",
        )
        + HEALTH_READS,
        _pipelines_promote,
        (
            PIPELINE,
            Param("source", "string", "Source app (default: the pipeline's single staging app)."),
            Param(
                "targets",
                "array",
                "Target apps (default: the next stage).",
                extra={"items": {"type": "string"}},
            ),
            Param("no_check", "boolean", "Skip the source health check (said in the answer)."),
        ),
    ),
    ToolSpec(
        "webhooks_list",
        "List an app's webhook subscriptions.",
        ("webhooks_list",),
        _webhooks_list,
        (APP, LIMIT),
    ),
    ToolSpec(
        "webhooks_deliveries",
        "List an app's recent webhook deliveries, newest first (filter by status).",
        ("webhook_deliveries_list",),
        _webhooks_deliveries,
        (
            APP,
            Param(
                "status",
                "string",
                "Only deliveries in this status.",
                extra={"enum": ["pending", "scheduled", "retrying", "failed", "succeeded"]},
            ),
            LIMIT,
        ),
    ),
)
