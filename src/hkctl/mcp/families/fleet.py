"""MCP tools over many apps at once: fleet_find, fleet_health, fleet_cost, with the CLI's budget rules.

The plan (`apps × requests per app = N of M left`) is made before the per-app reads, exactly as
`hkctl fleet` does; a plan above `max_share` of what is left is refused with the numbers (no one
can be asked in the middle of a tool call) unless `budget` allows it. Rows are capped like every
list answer; health puts the unhealthy first and cost the most expensive, so the cap keeps them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hkctl.errors import UsageError
from hkctl.mcp.table import LIMIT, Args, Param, ToolSpec, capped
from hkctl.transport.client import HerokuClient
from hkctl.workflows.fleet import Filters, addons_by_app, find_job, health_job, parse_age
from hkctl.workflows.fleet_budget import execute
from hkctl.workflows.fleet_cost import cost_job, cost_totals
from hkctl.workflows.fleet_select import select

SELECTION = (
    Param("team", "string", "Only the apps of this team."),
    Param("pipelines", "array", "Only apps of these pipelines (names).", extra={"items": {"type": "string"}}),
    Param("match", "string", "Only apps whose name matches this glob (e.g. 'pay*')."),
    Param(
        "budget",
        "integer",
        "Allow up to this many API requests (needed when the plan is over max_share of what is left).",
        extra={"minimum": 0},
    ),
    Param(
        "max_share",
        "integer",
        "Refuse plans needing more than this percentage of the rate-limit budget left (default 50).",
        extra={"minimum": 1, "maximum": 100},
    ),
    LIMIT,
)
LISTS = ("apps_list", "team_apps_list", "pipelines_list", "pipeline_couplings_all", "addons_list_all")


def _run(
    client: HerokuClient, args: Args, make: Any, *, with_pipelines: bool = False
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Select, plan and check the budget, run; the capped answer and every row."""
    selection = select(
        client,
        team=args.get("team"),
        pipelines=tuple(args.get("pipelines") or ()),
        match=args.get("match"),
        with_pipelines=with_pipelines,
    )
    job = make(client, selection)
    plan, report = execute(
        client,
        job,
        share=int(args.get("max_share") or 50) / 100,
        budget=args.get("budget"),
        confirmer=None,
    )
    rows = job.rows(report)
    answer: dict[str, Any] = {
        "selection": selection.described,
        "plan": plan.text(),
        "covered": report.covered,
        "apps": report.total,
        "requests": report.requests,
        "rate_limit_remaining": client.ratelimit.remaining,
        "failed": sum(1 for r in report.results if r.error),
    }
    answer.update(capped(rows, args.get("limit"), view=_short))
    return answer, rows


def _short(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v not in (None, [], "")}


def _find(client: HerokuClient, args: Args) -> Any:
    maintenance = args.get("maintenance")
    filters = Filters(
        stack=args.get("stack"),
        size=args.get("size"),
        addon=args.get("addon"),
        no_release_days=parse_age(args.get("no_release_since")),
        maintenance=None if maintenance is None else bool(maintenance),
        config_key=args.get("config_key"),
        missing=bool(args.get("missing")),
    )
    if filters == Filters():
        raise UsageError(
            "name at least one filter (stack, size, addon, no_release_since, maintenance, config_key)"
        )

    def make(c: HerokuClient, selection: Any) -> Any:
        addons = addons_by_app(c) if filters.addon else None
        return find_job(selection, filters, datetime.now(UTC), addons)

    return _run(client, args, make)[0]


def _health(client: HerokuClient, args: Args) -> Any:
    answer, rows = _run(client, args, lambda _c, s: health_job(s))
    answer["unhealthy"] = sum(1 for r in rows if r.get("verdict") == "unhealthy")
    return answer


def _cost(client: HerokuClient, args: Args) -> Any:
    answer, rows = _run(client, args, lambda _c, s: cost_job(s), with_pipelines=True)
    answer["totals"] = cost_totals(rows)
    answer["currency"] = "USD"
    return answer


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "fleet_find",
        "Find apps across the account (or a team, pipelines, a name glob) by stack, dyno size, add-on plan, "
        "time since the last release, maintenance mode or a config var name that is set or missing. List-field "
        "filters cost no request per app; the plan is checked against the rate-limit budget first.",
        (*LISTS, "formation_list", "config_show"),
        _find,
        (
            *SELECTION,
            Param("stack", "string", "Stack name, e.g. heroku-20."),
            Param("size", "string", "Dyno size, e.g. Standard-1X."),
            Param("addon", "string", "Add-on plan or service, e.g. heroku-postgresql:essential-0."),
            Param("no_release_since", "string", "No release for this long: 90d, 12w, 6m, 1y."),
            Param("maintenance", "boolean", "Maintenance mode on (true) or off (false)."),
            Param("config_key", "string", "Config var name (values are never read into the answer)."),
            Param("missing", "boolean", "With config_key: apps that do NOT set it."),
        ),
    ),
    ToolSpec(
        "fleet_health",
        "The health checks of health_check for many apps (5 requests per app, paced under the rate limit); "
        "unhealthy apps first with the reason. Plans over max_share of the budget left are refused with the "
        "numbers unless budget allows them.",
        (*LISTS, "formation_list", "dynos_list", "releases_list", "domains_list", "log_sessions_create"),
        _health,
        SELECTION,
    ),
    ToolSpec(
        "fleet_cost",
        "Monthly cost estimate per app across many apps (dynos at list price + add-on prices), most expensive "
        "first, with totals per team and per pipeline (1 request per app).",
        (*LISTS, "formation_list"),
        _cost,
        SELECTION,
    ),
)
