"""Name the likely cause of router and memory errors: a worker timeout or OOM on the same dyno, seconds apart.

A gunicorn WORKER TIMEOUT or SIGKILL, a Puma timed-out worker, a Node heap OOM, ... on dyno D
within WINDOW seconds of an H12/H13/R14/R15 on D is reported as that error's likely cause.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import datetime
from typing import Any

WINDOW = 5.0  # seconds either side ("a few seconds"): the kill and the router's answer are close


def _epoch(ts: str) -> float | None:
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def likely_causes(
    culprits: list[tuple[str, str, str, str]],
    symptoms: list[tuple[str, str, str]],
    *,
    window: float = WINDOW,
) -> list[dict[str, Any]]:
    """One row per (code, dyno, cause kind): how many of the code's occurrences had that kind nearby.

    culprits: (timestamp, dyno, kind, line); symptoms: (timestamp, code, dyno). Rows are
    {"code", "dyno", "cause", "count", "first_seen", "seconds_apart", "example"}, most frequent first;
    seconds_apart is the code's time minus the cause's at the first match (positive: cause first).
    """
    by_dyno: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    for ts, dyno, kind, line in culprits:
        t = _epoch(ts)
        if t is not None:
            by_dyno[dyno].append((t, kind, line))
    times: dict[str, list[float]] = {}
    for dyno, rows in by_dyno.items():
        rows.sort()
        times[dyno] = [x[0] for x in rows]
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for ts, code, dyno in sorted(symptoms):
        near = by_dyno.get(dyno)
        t = _epoch(ts)
        if not near or t is None:
            continue
        lo = bisect.bisect_left(times[dyno], t - window)
        hi = bisect.bisect_right(times[dyno], t + window)
        if lo == hi:
            continue
        # every kind of cause in the window, each at its closest occurrence
        closest: dict[str, tuple[float, str]] = {}
        for ct, kind, line in near[lo:hi]:
            if kind not in closest or abs(t - ct) < abs(t - closest[kind][0]):
                closest[kind] = (ct, line)
        for kind, (ct, line) in closest.items():
            key = (code, dyno, kind)
            row = found.get(key)
            if row is None:
                found[key] = {
                    "code": code,
                    "dyno": dyno,
                    "cause": kind,
                    "count": 1,
                    "first_seen": ts,
                    "seconds_apart": round(t - ct, 3),
                    "example": line,
                }
            else:
                row["count"] += 1
    # the most frequent first; at equal counts the earliest cause first (a timeout before the kill)
    return sorted(
        found.values(), key=lambda r: (-r["count"], r["code"], r["dyno"], -r["seconds_apart"], r["cause"])
    )
