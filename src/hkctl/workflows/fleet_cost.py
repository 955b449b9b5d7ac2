"""`fleet cost`: the monthly estimate per app (workflows/cost.py's prices), and totals per team and pipeline.

Per app one request (the formation); add-ons and their billed prices come from one account-wide list
read. The eco dyno pool is the account's: counted once in the total, not once per app.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hkctl.workflows.cost import estimate
from hkctl.workflows.fleet import Job, Row, addons_by_app, error_row, read_formation
from hkctl.workflows.fleet_run import AppResult, Reader
from hkctl.workflows.prices import ECO_POOL_MONTHLY

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient
    from hkctl.workflows.fleet_select import Selection


def cost_job(selection: Selection) -> Job:
    """Monthly estimate per app (formation × list price + add-on prices), sorted, with group totals."""
    reads: dict[str, Reader] = {"formation": read_formation}
    job = Job("cost", selection.apps, reads, lambda r: None, [], fixed=1, together=True)

    def prepare(client: HerokuClient) -> None:
        job.context["addons"] = addons_by_app(client)

    def line(result: AppResult) -> Row:
        app = result.app
        if result.error:
            return error_row(result, pipeline=app.pipeline, monthly=None, eco=False, unknown=[])
        report = estimate(app.name, result.data["formation"], job.context["addons"].get(app.id, []))
        lines = [x for x in report.lines if x.kind != "eco-pool"]  # the pool is the account's: once
        return {
            "app": app.name,
            "team": app.team,
            "pipeline": app.pipeline,
            "monthly": round(sum(x.monthly or 0.0 for x in lines), 2),
            "eco": any(x.kind == "eco-pool" for x in report.lines),
            "unknown": list(report.unknown),
            "error": None,
        }

    job.prepare, job.line = prepare, line
    job.order = lambda r: (-(r["monthly"] or 0.0), r["app"])
    job.columns = [
        ("app", "app"),
        ("team", "team"),
        ("pipeline", "pipeline"),
        ("monthly", "monthly"),
        ("error", "error"),
    ]
    return job


def cost_totals(rows: Sequence[Row]) -> dict[str, Any]:
    """Totals per team, per pipeline and overall (the eco pool counted once for the account)."""
    teams: dict[str, float] = {}
    pipelines: dict[str, float] = {}
    for r in rows:
        m = r.get("monthly") or 0.0
        teams[r.get("team") or "(personal)"] = teams.get(r.get("team") or "(personal)", 0.0) + m
        if r.get("pipeline"):
            pipelines[r["pipeline"]] = pipelines.get(r["pipeline"], 0.0) + m
    eco = ECO_POOL_MONTHLY if any(r.get("eco") for r in rows) else 0.0
    total = sum(r.get("monthly") or 0.0 for r in rows) + eco

    def ranked(d: dict[str, float]) -> list[dict[str, Any]]:
        return [
            {"name": k, "monthly": round(v, 2)} for k, v in sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    return {
        "teams": ranked(teams),
        "pipelines": ranked(pipelines),
        "eco_pool": eco,
        "total": round(total, 2),
        "complete": not any(r.get("unknown") or r.get("error") for r in rows),
    }
