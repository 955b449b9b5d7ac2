"""Turn a triage Aggregate into the report (the JSON contract of issue 5) and its ranked findings."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Mapping
from itertools import accumulate
from typing import Any

from hkctl.logs.aggregate import Aggregate, is_streaming, tail_value
from hkctl.logs.codes import lookup
from hkctl.logs.correlate import likely_causes
from hkctl.logs.postgres import ERROR_SEVERITIES, sqlstate_name

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
N_PLUS_ONE_MIN = 10  # the same SQL shape this many times under one request id


def nearest_rank(hist: Mapping[int, int], fractions: tuple[float, ...]) -> list[int]:
    """Nearest-rank percentiles from an exact histogram: the smallest value with rank ≥ ⌈p·n⌉."""
    n = sum(hist.values())
    if n == 0:
        return [0 for _ in fractions]
    ranks = [max(1, -(-int(round(f * n * 1_000_000)) // 1_000_000)) for f in fractions]
    values = sorted(hist)
    cumulative = list(accumulate(hist[v] for v in values))
    return [int(values[bisect_left(cumulative, rank)]) for rank in ranks]


def _classes(statuses: Counter[bytes]) -> dict[str, int]:
    out = {"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0}
    for status, count in statuses.items():
        key = f"{status[:1].decode()}xx"
        out[key] = out.get(key, 0) + count
    return out


def _unpack(
    agg: Aggregate,
) -> tuple[Counter[int], Counter[bytes], list[dict[str, Any]], list[dict[str, Any]]]:
    """Overall service histogram, status counts, per-path rows and streaming rows, from the (path, tail)
    counts. Requests without a service time (router-answered, H27/H28) count for status, not latency;
    websocket upgrades (101) and streaming paths are reported apart from the percentiles."""
    service: Counter[int] = Counter()
    statuses: Counter[bytes] = Counter()
    hists: dict[bytes, Counter[int]] = defaultdict(Counter)
    requests: Counter[bytes] = Counter()
    errors: Counter[bytes] = Counter()
    client: Counter[bytes] = Counter()
    streams: dict[bytes, Counter[int]] = defaultdict(Counter)
    for (path, tail), count in agg.path_tail.items():
        ms, status = tail_value(tail)
        statuses[status] += count
        if status[:1] == b"5":
            errors[path] += count
        elif status[:1] == b"4":
            client[path] += count
        if ms is not None and (status == b"101" or is_streaming(path)):
            streams[path][ms] += count
            continue
        requests[path] += count
        if ms is not None:
            service[ms] += count
            hists[path][ms] += count
    rows = []
    for path, n in requests.items():
        p50, p95, top = nearest_rank(hists[path], (0.5, 0.95, 1.0)) if path in hists else (0, 0, 0)
        rows.append(
            {
                "path": path.decode("utf-8", "replace"),
                "requests": n,
                "errors": errors[path],
                "p95_ms": p95,
                "p50_ms": p50,
                "max_ms": top,
                "client_errors": client[path],
                "timed": sum(hists[path].values()) if path in hists else 0,
            }
        )
    stream_rows: list[dict[str, Any]] = [
        {
            "path": path.decode("utf-8", "replace"),
            "requests": sum(hist.values()),
            "max_ms": max(hist),
            "errors": errors[path],
        }
        for path, hist in streams.items()
    ]
    stream_rows.sort(key=lambda r: (-r["requests"], r["path"]))
    return service, statuses, rows, stream_rows


def report(agg: Aggregate, *, top: int = 10) -> dict[str, Any]:
    """The triage report; names follow issue 5's contract, extra fields are additions."""
    agg.finish()
    service, statuses, rows, stream_rows = _unpack(agg)
    p50, p95, p99, pmax = nearest_rank(service, (0.5, 0.95, 0.99, 1.0))
    connect: Counter[int] = Counter()
    for raw, n in agg.connect.items():
        if raw.isdigit():  # an empty connect= is absent, not 0
            connect[int(raw)] += n
    (c95,) = nearest_rank(connect, (0.95,))
    by_p95 = sorted(rows, key=lambda r: (-r["p95_ms"], -r["requests"], r["path"]))[:top]
    by_errors = sorted((r for r in rows if r["errors"]), key=lambda r: (-r["errors"], r["path"]))[:top]
    slowest = sorted(agg.slowest, reverse=True)[:top]
    codes = {}
    for code, seen in sorted(agg.codes.items()):
        entry = lookup(code)
        codes[code] = {
            "count": seen.count,
            "title": entry.title,
            "meaning": entry.meaning,
            # inside this report, advice to run `hkctl logs triage` points at the report's own lists
            "action": entry.action.replace("in `hkctl logs triage`", "in this report's slowest paths"),
            "severity": entry.severity,
            "first_seen": seen.first,
            "last_seen": seen.last,
            "dynos": sorted(seen.dynos),
        }
        if seen.paths:
            codes[code]["paths"] = {
                p.decode("utf-8", "replace"): n
                for p, n in sorted(seen.paths.items(), key=lambda x: (-x[1], x[0]))[:top]
            }
    memory = {
        dyno: {"max_total_mb": round(total, 2), "quota_mb": quota, "percent": round(100 * total / quota, 1)}
        for dyno, (total, quota) in sorted(agg.memory.items())
    }
    n_plus_one = [
        {"request_id": rid, "statement": stmt, "count": n}
        for (rid, stmt), n in sorted(agg.sql.items(), key=lambda x: (-x[1], x[0]))
        if n >= N_PLUS_ONE_MIN
    ][:top]
    result: dict[str, Any] = {
        "lines": agg.lines,
        "malformed": agg.malformed,
        "window": {"first": agg.first_ts, "last": agg.last_ts},
        "router": {
            "requests": sum(statuses.values()),
            "status_classes": _classes(statuses),
            "top_statuses": {
                s.decode(): n for s, n in sorted(statuses.items(), key=lambda x: (-x[1], x[0]))[:top]
            },
            "service_ms": {"p50": p50, "p95": p95, "p99": p99, "max": pmax},
            "connect_ms": {"p95": c95},
            "paths": by_p95,
            "paths_by_errors": by_errors,
            "latency_excluded": {
                **dict(sorted(agg.latency_excluded.items())),
                "streaming": sum(r["requests"] for r in stream_rows),
            },
            "streaming": stream_rows[:top],
            "slowest": [
                {
                    "path": path.decode("utf-8", "replace"),
                    "service_ms": ms,
                    "status": int(status or 0),
                    "request_id": rid.decode("utf-8", "replace"),
                }
                for ms, path, status, rid in slowest
            ],
        },
        "codes": codes,
        "dynos": {
            "crashes": sum(agg.crashes.values()),
            "crashed": dict(agg.crashes),
            "restarts": agg.restarts,
            "boot_timeouts": agg.codes["R10"].count if "R10" in agg.codes else 0,
            "state_changes": agg.state_changes,
            "memory": memory,
            "r14": agg.codes["R14"].count if "R14" in agg.codes else 0,
            "r15": agg.codes["R15"].count if "R15" in agg.codes else 0,
        },
        "releases": sum(1 for _, m in agg.releases if m.startswith("Release v")),
        "platform_changes": len(agg.releases),
        "deploy_events": [{"timestamp": ts, "message": m} for ts, m in sorted(agg.releases)[-top:]],
        "app_errors": [
            {
                "shape": s,
                "count": n,
                "example": agg.app_error_first[s][1] if s in agg.app_error_first else "",
                "kind": agg.app_error_first[s][2] if s in agg.app_error_first else "other",
            }
            for s, n in sorted(agg.app_errors.items(), key=lambda x: (-x[1], x[0]))[:top]
        ],
        "app_error_kinds": dict(sorted(agg.app_error_kinds.items(), key=lambda x: (-x[1], x[0]))),
        "postgres": {
            "messages": agg.pg_messages,
            "errors": sum(agg.pg_errors.values()),
            "by_sqlstate": [
                {
                    "sqlstate": k,
                    "name": k.lower() if k in ERROR_SEVERITIES else sqlstate_name(k),
                    "count": n,
                    "example": agg.pg_first[k][1] if k in agg.pg_first else "",
                }
                for k, n in sorted(agg.pg_errors.items(), key=lambda x: (-x[1], x[0]))[:top]
            ],
        },
        "likely_causes": likely_causes(agg.culprits, agg.symptoms)[:top],
        "slow_queries": agg.slow_queries,
        "n_plus_one": n_plus_one,
    }
    result["findings"] = findings(result)
    return result


def _secs(ms: int) -> str:
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms} ms"


def findings(r: dict[str, Any]) -> list[dict[str, str]]:
    """A short ranked list, one actionable sentence each: critical, then warning, then info."""
    out: list[tuple[int, int, str, str]] = []  # (severity rank, -weight, severity, message)

    def add(severity: str, weight: int, message: str) -> None:
        out.append((SEVERITY_ORDER[severity], -weight, severity, message))

    router = r["router"]
    requests = router["requests"]
    causes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for cause in r.get("likely_causes", []):
        causes[cause["code"]].append(cause)
    for code, c in r["codes"].items():
        where = f" on {', '.join(c['dynos'][:4])}" if c["dynos"] else ""
        extra = ""
        if code in ("H12", "H13", "H15", "H18") and c.get("paths"):
            # the paths that timed out or were cut, from the code's own lines (not the slowest overall)
            top = ", ".join(f"{p} ×{n}" for p, n in list(c["paths"].items())[:3])
            extra = f" On {top}."
        for cause in causes.get(code, [])[:2]:
            when = cause["seconds_apart"]
            rel = f"{abs(when):.1f} s {'before' if when >= 0 else 'after'}"
            extra += (
                f" Likely cause on {cause['dyno']}: {cause['cause']} {rel} "
                f"(×{cause['count']}: `{cause['example'][:100]}`)."
            )
        add(
            c["severity"],
            c["count"] * 10,  # a named cause outranks the 5xx rate it explains (router-answered 5xx count)
            f"{code} {c['title']} ×{c['count']}{where}: {c['meaning']}{extra} Do: {c['action']}",
        )
    if r["dynos"]["crashes"]:
        who = ", ".join(f"{d} ×{n}" for d, n in sorted(r["dynos"]["crashed"].items()))
        add(
            "critical",
            r["dynos"]["crashes"] * 10,
            f"Dynos crashed ({who}); read the app lines just before "
            "each crash (`hkctl logs --state-changes --app-errors`) and fix the cause before restarting.",
        )
    if requests:
        err = router["status_classes"]["5xx"]
        rate = err / requests
        if rate >= 0.01:
            sev = "critical" if rate >= 0.05 else "warning"
            paths = ", ".join(p["path"] for p in router["paths_by_errors"][:3])
            add(
                sev,
                err,
                f"{err} of {requests} requests ({rate:.1%}) answered 5xx, mostly on {paths}; "
                "start with the first path's app errors.",
            )
        for p in router["paths"][:3]:
            if p["p95_ms"] >= 1000 and p["requests"] >= 5:
                add(
                    "warning",
                    p["p95_ms"],
                    f"{p['path']} is slow: p95 {_secs(p['p95_ms'])} over {p['requests']} "
                    "requests; profile it or move the work to a background job.",
                )
        if router["connect_ms"]["p95"] >= 100:
            add(
                "warning",
                router["connect_ms"]["p95"],
                f"Connect time p95 is {router['connect_ms']['p95']} ms: "
                "requests queue for busy dynos; scale web or reduce slow requests.",
            )
    for dyno, m in r["dynos"]["memory"].items():
        pct = m["percent"]
        if pct >= 90:
            sev = "critical" if pct >= 200 else "warning"
            add(
                sev,
                int(pct),
                f"{dyno} peaked at {m['max_total_mb']:.0f} MB of its {m['quota_mb']:.0f} MB quota "
                f"({pct:.0f}%); lower WEB_CONCURRENCY/threads or move to a larger dyno size.",
            )
    for e in r["app_errors"][:3]:
        add("warning", e["count"], f"App error ({e['kind']}) ×{e['count']}: {e['shape'][:120]}")
    pg = r["postgres"]
    if pg["errors"]:
        parts = ", ".join(f"{s['sqlstate']} {s['name']} ×{s['count']}" for s in pg["by_sqlstate"][:4])
        first = pg["by_sqlstate"][0]
        add(
            "warning",
            pg["errors"],
            f"Postgres errors ×{pg['errors']}: {parts} (e.g. `{first['example'][:100]}`); "
            "`hkctl logs --source app --dyno postgres --app-errors` shows them.",
        )
    if r["slow_queries"]:
        add(
            "warning",
            r["slow_queries"],
            f"{r['slow_queries']} request(s) spent 100 ms or more in ActiveRecord; find them with "
            "`hkctl logs --app-errors --grep 'ActiveRecord: [0-9]{3,}'` and add indexes or preload.",
        )
    for s in r["n_plus_one"][:3]:
        add(
            "warning",
            s["count"],
            f"N+1 suspect: `{s['statement'][:100]}` ran {s['count']} times in request "
            f"{s['request_id']}; preload the association.",
        )
    if r["releases"] or r["deploy_events"]:
        last = r["deploy_events"][-1]["message"] if r["deploy_events"] else ""
        add(
            "info",
            0,
            f"{r['releases']} release(s) and {r['platform_changes']} platform change line(s) in this window "
            f"(last: {last}); check whether errors started after a change (`hkctl releases`).",
        )
    if r["malformed"]:
        add(
            "info",
            r["malformed"],
            f"{r['malformed']} line(s) could not be parsed; they were counted and kept.",
        )
    if not requests:
        add("info", 0, "No router lines in this window: no web traffic, or the session was filtered.")
    out.sort()
    return [{"severity": sev, "message": msg} for _, _, sev, msg in out]
