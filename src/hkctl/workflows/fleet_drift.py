"""`fleet drift`: per pipeline, config keys one stage has and another lacks, and formations that matter.

Per app of a pipeline (development, staging, production; review apps come and go, so they are left
out): the config var names (values are dropped as soon as they are read) and the formation, 2
requests. A finding is a key present in one stage and missing in another, a process type running
in one stage and missing (or at 0) in another, or production running a process type smaller than
staging does (fewer dynos, or a cheaper size). An app's two reads are sent together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hkctl.workflows.fleet import Job, Row, read_config_keys, read_formation
from hkctl.workflows.fleet_run import AppResult, Reader, RunReport
from hkctl.workflows.prices import dyno_price

if TYPE_CHECKING:
    from hkctl.resources.formation import Formation
    from hkctl.workflows.fleet_select import FleetApp, Selection

COMPARED = ("development", "staging", "production")


def drift_apps(apps: Sequence[FleetApp]) -> list[FleetApp]:
    """Apps of pipelines that have at least two compared stages in the selection."""
    stages: dict[str, set[str]] = {}
    for a in apps:
        if a.pipeline and a.stage in COMPARED:
            stages.setdefault(a.pipeline, set()).add(str(a.stage))
    return [a for a in apps if a.pipeline and a.stage in COMPARED and len(stages[a.pipeline]) > 1]


def _price(size: str | None) -> float:
    return dyno_price(size) or 0.0


def _running(formation: Sequence[Formation]) -> dict[str, Formation]:
    return {f.type: f for f in formation if f.quantity}


def _shape(f: Formation) -> str:
    return f"{f.quantity}×{f.size}"


def findings(pipeline: str, members: Sequence[AppResult]) -> list[Row]:
    """Drift rows of one pipeline from its members' reads (key names and formations only)."""
    rows: list[Row] = []
    ok = [m for m in members if not m.error]
    for m in members:
        if m.error:
            rows.append(_row(pipeline, "error", m.app.name, f"{m.app.stage}: could not read: {m.error}"))
    by_stage = {s: [m for m in ok if m.app.stage == s] for s in COMPARED}
    stages = [s for s in COMPARED if by_stage[s]]
    keys = sorted({k for m in ok for k in m.data["config"]})
    for key in keys:
        have = [s for s in stages if any(key in m.data["config"] for m in by_stage[s])]
        lack = [(s, m.app.name) for s in stages for m in by_stage[s] if key not in m.data["config"]]
        if have and lack:
            missing = ", ".join(f"{s} ({name})" for s, name in lack)
            rows.append(_row(pipeline, "config", key, f"set in {', '.join(have)}; missing in {missing}"))
    types = sorted({t for m in ok for t in _running(m.data["formation"])})
    for ptype in types:
        have = [s for s in stages if any(ptype in _running(m.data["formation"]) for m in by_stage[s])]
        lack = [
            (s, m.app.name) for s in stages for m in by_stage[s] if ptype not in _running(m.data["formation"])
        ]
        if have and lack:
            missing = ", ".join(f"{s} ({name})" for s, name in lack)
            rows.append(
                _row(pipeline, "formation", ptype, f"runs in {', '.join(have)}; missing in {missing}")
            )
    for prod in by_stage["production"]:
        for stg in by_stage["staging"]:
            p, s = _running(prod.data["formation"]), _running(stg.data["formation"])
            for ptype in sorted(set(p) & set(s)):
                smaller = p[ptype].quantity < s[ptype].quantity or _price(p[ptype].size) < _price(
                    s[ptype].size
                )
                if smaller:
                    rows.append(
                        _row(
                            pipeline,
                            "formation",
                            ptype,
                            f"production {_shape(p[ptype])} ({prod.app.name}) is smaller than staging "
                            f"{_shape(s[ptype])} ({stg.app.name})",
                        )
                    )
    return rows


def _row(pipeline: str, kind: str, subject: str, detail: str) -> Row:
    return {"pipeline": pipeline, "kind": kind, "subject": subject, "detail": detail}


def drift_job(selection: Selection) -> Job:
    """The drift Job: 2 requests per app of a compared pipeline, sent together; rows are findings."""

    def line(result: AppResult) -> Row:
        app = result.app
        out: dict[str, Any] = {"app": app.name, "pipeline": app.pipeline, "stage": app.stage}
        if result.error:
            return {**out, "error": result.error, "status": result.status}
        formation = [
            {"type": f.type, "quantity": f.quantity, "size": f.size} for f in result.data["formation"]
        ]
        return {**out, "config_keys": result.data["config"], "formation": formation}

    def finish(report: RunReport, _rows: list[Row]) -> list[Row]:
        groups: dict[str, list[AppResult]] = {}
        for res in report.results:
            groups.setdefault(str(res.app.pipeline), []).append(res)
        rows: list[Row] = []
        for pipeline in sorted(groups):
            rows += findings(pipeline, groups[pipeline])
        return rows

    reads: dict[str, Reader] = {"config": read_config_keys, "formation": read_formation}
    columns = [("pipeline", "pipeline"), ("kind", "kind"), ("subject", "subject"), ("detail", "detail")]
    return Job("drift", drift_apps(selection.apps), reads, line, columns, finish=finish, together=True)
