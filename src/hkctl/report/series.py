"""Chart-ready series from a Timeline: per-minute counts re-binned to a bucket chosen from the window.

Everything here is small (a few hundred buckets whatever the log's size), so drawing costs the same
for 1,000 lines as for 1,000,000. Times are epoch seconds (UTC); service times are milliseconds.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hkctl.logs.codes import lookup
from hkctl.logs.triage import nearest_rank
from hkctl.report.timeline import CLASSES, Timeline

BUCKETS_MIN = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440)  # bucket sizes in minutes
MAX_BUCKETS = 240
_RELEASE = re.compile(r"^(?:Release (v\d+)|Rollback to (v\d+))")
_CONFIG = re.compile(r"^(Set|Unset) (.*?) config vars?\b")


def epoch(ts: str) -> float:
    """Epoch seconds of a log timestamp or minute key (`2026-11-28T14:05`, assumed UTC when bare)."""
    text = ts if len(ts) > 16 else ts + ":00"
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


@dataclass
class Marker:
    """A release or config change drawn as a vertical line on every time chart."""

    t: float
    kind: str  # "release" | "config"
    label: str
    text: str


@dataclass
class Series:
    """What the charts draw: buckets of `bucket_s` seconds starting at `times[i]`."""

    t0: float
    t1: float
    bucket_s: int
    times: list[float]
    status: dict[str, list[int]]
    latency: dict[str, list[float | None]]
    h12: list[int]
    codes: dict[str, list[int]]
    code_titles: dict[str, str]
    memory: dict[str, list[float | None]]
    quota: dict[str, float]
    r_marks: list[tuple[float, str, str]]  # (t, R14|R15, dyno)
    events: list[tuple[float, str, str, str]]  # (t, dyno, from, to)
    markers: list[Marker]
    histogram: list[tuple[int, int, int]]  # (lo ms, hi ms, requests)
    paths: list[dict[str, Any]] = field(default_factory=list)

    @property
    def window(self) -> str:
        fmt = "%Y-%m-%d %H:%M"
        first = datetime.fromtimestamp(self.t0, UTC).strftime(fmt)
        last = datetime.fromtimestamp(self.t1, UTC).strftime("%H:%M" if self.t1 - self.t0 < 86400 else fmt)
        size = f"{self.bucket_s // 60} min" if self.bucket_s < 3600 else f"{self.bucket_s // 3600} h"
        return f"{first}–{last} UTC, per {size}"


def choose_bucket(span_s: float) -> int:
    """The smallest bucket (seconds) that keeps the window within MAX_BUCKETS buckets."""
    for minutes in BUCKETS_MIN:
        if span_s / (minutes * 60) <= MAX_BUCKETS:
            return minutes * 60
    return BUCKETS_MIN[-1] * 60


def build(tl: Timeline, report: dict[str, Any], *, extra_markers: list[Marker] | None = None) -> Series:
    """Re-bin the Timeline's minutes; `report` is triage.report(tl) (paths, releases and totals)."""
    minutes = {m: epoch(m) for m in {*tl.status, *(k[0] for k in tl.minute_codes)}}
    minutes.update({k[0]: epoch(k[0]) for k in tl.minute_memory})
    edges = [epoch(ts[:16]) for ts in (tl.first_ts, tl.last_ts) if ts]  # app-only logs have a window too
    stamps = [t for t in [*minutes.values(), *edges] if t > 0]
    markers = _markers(tl)
    seen = {(m.kind, m.label) for m in markers}
    markers += [m for m in extra_markers or [] if (m.kind, m.label) not in seen]
    if not stamps:  # nothing timestamped: an empty window ending now, so the axes still read as times
        stamps = [datetime.now(UTC).timestamp() // 60 * 60]
    lo, hi = min(stamps), max(stamps) + 60
    bucket = choose_bucket(hi - lo)
    t0 = lo // bucket * bucket
    n = max(1, int(-(-(hi - t0) // bucket)))
    times = [t0 + i * bucket for i in range(n)]

    def index(t: float) -> int:
        return min(n - 1, max(0, int((t - t0) // bucket)))

    status = {c: [0] * n for c in CLASSES}
    service: list[Counter[int]] = [Counter() for _ in range(n)]
    for minute, counts in tl.status.items():
        i = index(minutes[minute])
        for c, v in zip(CLASSES, counts, strict=False):
            status[c][i] += v
        service[i].update(tl.service.get(minute, {}))
    latency: dict[str, list[float | None]] = {"p50": [], "p95": [], "p99": []}
    for hist in service:
        values: list[int | None] = [None, None, None]
        if hist:
            values = [*nearest_rank(hist, (0.5, 0.95, 0.99))]
        for key, value in zip(("p50", "p95", "p99"), values, strict=True):
            latency[key].append(value)
    codes: dict[str, list[int]] = {}
    for (minute, code), count in tl.minute_codes.items():
        codes.setdefault(code, [0] * n)[index(minutes.get(minute) or epoch(minute))] += count
    memory: dict[str, list[float | None]] = {}
    quota: dict[str, float] = {}
    for (minute, dyno), (total, q) in sorted(tl.minute_memory.items()):
        row = memory.setdefault(dyno, [None] * n)
        i = index(minutes.get(minute) or epoch(minute))
        row[i] = max(row[i] or 0.0, total)
        quota[dyno] = q
    r_marks = sorted((epoch(m) + 30, code, dyno) for (m, code, dyno) in tl.dyno_codes)
    events = sorted((epoch(ts), dyno, old, new) for ts, dyno, old, new in tl.events)
    return Series(
        t0=t0,
        t1=t0 + n * bucket,
        bucket_s=bucket,
        times=times,
        status=status,
        latency=latency,
        h12=codes.get("H12", [0] * n),
        codes=dict(sorted(codes.items(), key=lambda kv: -sum(kv[1]))),
        code_titles={c: lookup(c).title for c in codes},
        memory=memory,
        quota=quota,
        r_marks=r_marks,
        events=events,
        markers=sorted(markers, key=lambda m: m.t),
        histogram=_histogram(tl),
        paths=_paths(tl, report, t0, bucket, n),
    )


def _markers(tl: Timeline) -> list[Marker]:
    out = []
    for ts, message in tl.releases:
        rel = _RELEASE.match(message)
        if rel:
            out.append(Marker(epoch(ts), "release", rel.group(1) or rel.group(2), message))
            continue
        cfg = _CONFIG.match(message)
        if cfg:
            names = cfg.group(2).split(", ")
            label = names[0] + (f" +{len(names) - 1}" if len(names) > 1 else "")
            out.append(Marker(epoch(ts), "config", f"{cfg.group(1).lower()} {label}", message))
    return out


_EDGES = (0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 30000)


def _histogram(tl: Timeline) -> list[tuple[int, int, int]]:
    """Requests per service-time band (1-2-5 steps up to the router's 30 s timeout, then beyond)."""
    counts = [0] * len(_EDGES)
    for hist in tl.service.values():
        for ms, c in hist.items():
            i = 0
            while i + 1 < len(_EDGES) and ms >= _EDGES[i + 1]:
                i += 1
            counts[i] += c
    edges = [*_EDGES, 60000]
    return [(edges[i], edges[i + 1], counts[i]) for i in range(len(_EDGES))]


def _paths(tl: Timeline, report: dict[str, Any], t0: float, bucket: int, n: int) -> list[dict[str, Any]]:
    """The triage's slowest paths with a p95 (and 5xx) per bucket for their sparklines."""
    rows = [dict(r) for r in report.get("router", {}).get("paths", [])]
    wanted = {r["path"].encode(): r for r in rows}
    per: dict[bytes, list[Counter[int]]] = {p: [Counter() for _ in range(n)] for p in wanted}
    errs: dict[bytes, list[int]] = {p: [0] * n for p in wanted}
    for minute, paths in tl.path_service.items():
        i = min(n - 1, max(0, int((epoch(minute) - t0) // bucket)))
        for p, hist in paths.items():
            if p in per:
                per[p][i].update(hist)
        for p, c in tl.path_errors.get(minute, {}).items():
            if p in errs:
                errs[p][i] += c
    for p, row in wanted.items():
        row["spark_p95"] = [nearest_rank(h, (0.95,))[0] if h else None for h in per[p]]
        row["spark_requests"] = [sum(h.values()) for h in per[p]]
        row["spark_5xx"] = errs[p]
    return rows
