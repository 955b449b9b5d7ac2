"""MCP tools over the workflows that read: the health dashboard and the cost estimate."""

from __future__ import annotations

from typing import Any

from hkctl.mcp.families.delivery import HEALTH_READS
from hkctl.mcp.table import APP, Args, ToolSpec
from hkctl.transport.client import HerokuClient
from hkctl.workflows import cost, health


def _health_check(client: HerokuClient, args: Args) -> Any:
    h = health.check_app(client, args["app"])
    out = h.to_json()
    out["releases"] = out["releases"][:5]  # the latest few are what a model needs
    return out


def _cost_estimate(client: HerokuClient, args: Args) -> Any:
    return cost.for_app(client, args["app"])


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "health_check",
        "One-call health dashboard of an app: formation and dynos, latest releases, add-ons, domains, "
        "recent router 5xx and H/R codes; `healthy` with the problems found.",
        HEALTH_READS,
        _health_check,
        (APP,),
    ),
    ToolSpec(
        "cost_estimate",
        "Monthly cost estimate (dynos × list price + add-on plans); unknown prices are listed, not guessed.",
        (
            "apps_info",
            "formation_list",
            "addons_list",
            "addon_services_info",
            "addon_plans_list",
            "rate_limit_info",
        ),
        _cost_estimate,
        (APP,),
    ),
)
