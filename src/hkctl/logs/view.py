"""Show log lines: parse, filter, print raw or as JSON records, count what was seen; render triage as text."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from hkctl.logs.filters import Filters
from hkctl.logs.parse import Record, parse_line


@dataclass
class Shown:
    """Counts of one `show` run: lines seen, lines printed, lines that did not parse."""

    seen: int = 0
    shown: int = 0
    malformed: int = 0


def show(
    lines: Iterable[str],
    filters: Filters,
    write: Callable[[str], None],
    *,
    as_json: bool = False,
    last: int | None = None,
    color: bool = False,
) -> Shown:
    """Print matching lines as they arrive (or only the `last` N, for a file); never raises on a bad line."""
    stats = Shown()
    keep: deque[str] | None = deque(maxlen=last) if last else None
    for line in lines:
        rec = parse_line(line)
        stats.seen += 1
        if rec.malformed:
            stats.malformed += 1
        if not filters(rec):
            continue
        text = (
            json.dumps(rec.to_json(), ensure_ascii=False) if as_json else (paint(rec) if color else rec.raw)
        )
        stats.shown += 1
        if keep is not None:
            keep.append(text)
        else:
            write(text)
    for text in keep or ():
        write(text)
    return stats


_RESET = "\x1b[0m"


def paint(rec: Record) -> str:
    """ANSI colours for a terminal: the line's origin dimmed, errors red, warnings yellow."""
    if rec.timestamp is None:
        return rec.raw
    head = f"\x1b[2m{rec.timestamp}\x1b[0m \x1b[{'36' if rec.source == 'heroku' else '35'}m{rec.source}[{rec.dyno}]:{_RESET} "
    status = (rec.router or {}).get("status") or 0
    if rec.code and not rec.code.startswith(("H8", "H27", "H28")) or status >= 500:
        return f"{head}\x1b[31m{rec.message}{_RESET}"
    if rec.code or status >= 400:
        return f"{head}\x1b[33m{rec.message}{_RESET}"
    return head + rec.message


def _ms(ms: int) -> str:
    return f"{ms / 1000:.1f}s" if ms >= 1000 else f"{ms}ms"


def triage_text(r: dict[str, Any], title: str) -> list[str]:
    """The triage report for a person: findings first, then the numbers behind them."""
    out: list[str] = []
    w = r.get("window") or {}
    span = f" ({w.get('first')} → {w.get('last')})" if w.get("first") else ""
    out.append(f"{title}: {r['lines']} lines{span}, {r['malformed']} malformed")
    out.append("")
    out.append("Findings")
    for f in r["findings"] or [{"severity": "info", "message": "nothing stands out"}]:
        out.append(f"  {f['severity'].upper():<8}  {f['message']}")
    rt = r["router"]
    if rt["requests"]:
        c, s = rt["status_classes"], rt["service_ms"]
        out += [
            "",
            f"Router: {rt['requests']} requests · 2xx {c['2xx']} · 3xx {c['3xx']} · 4xx {c['4xx']} · "
            f"5xx {c['5xx']} · service p50 {_ms(s['p50'])} p95 {_ms(s['p95'])} p99 {_ms(s['p99'])} "
            f"max {_ms(s['max'])} · connect p95 {_ms(rt['connect_ms']['p95'])}",
        ]
        top = ", ".join(f"{k}×{v}" for k, v in rt["top_statuses"].items())
        out.append(f"  statuses: {top}")
        out += ["", "Paths by p95", f"  {'P95':>7} {'P50':>7} {'REQS':>6} {'5XX':>5}  PATH"]
        for p in rt["paths"]:
            out.append(
                f"  {_ms(p['p95_ms']):>7} {_ms(p['p50_ms']):>7} {p['requests']:>6} {p['errors']:>5}  {p['path']}"
            )
        if rt["paths_by_errors"]:
            out += ["", "Paths by 5xx"]
            for p in rt["paths_by_errors"]:
                out.append(f"  {p['errors']:>5} of {p['requests']:<6} {p['path']}")
        excluded = {k: v for k, v in rt.get("latency_excluded", {}).items() if v}
        if excluded:
            kept = ", ".join(f"{k} {v}" for k, v in excluded.items())
            out.append(f"  not in the latency figures: {kept}")
        out += ["", "Slowest requests"]
        for q in rt["slowest"]:
            out.append(f"  {_ms(q['service_ms']):>7}  {q['status']}  {q['request_id']}  {q['path']}")
    if r["codes"]:
        out += ["", "Error codes"]
        for code, e in r["codes"].items():
            dynos = ",".join(e.get("dynos", [])[:6])
            out.append(
                f"  {code} {e['title']} ×{e['count']}  [{e.get('first_seen')} → {e.get('last_seen')}] {dynos}"
            )
            out.append(f"      {e['meaning']} Do: {e['action']}")
    d = r["dynos"]
    out += [
        "",
        f"Dynos: {d['crashes']} crash(es), {d['restarts']} restart(s), {d['boot_timeouts']} boot timeout(s), "
        f"{d['state_changes']} state change(s); R14 ×{d['r14']}, R15 ×{d['r15']}",
    ]
    for dyno, m in d["memory"].items():
        out.append(
            f"  {dyno:<10} memory peak {m['max_total_mb']:.0f} MB of {m['quota_mb']:.0f} MB ({m['percent']:.0f}%)"
        )
    if r["deploy_events"]:
        out += ["", f"Releases and deploys ({r['releases']} release(s))"]
        out += [f"  {e['timestamp']}  {e['message']}" for e in r["deploy_events"]]
    if r["app_errors"]:
        out += ["", "App errors by shape"]
        out += [f"  ×{e['count']:<5} {e.get('kind', ''):<24} {e['shape'][:120]}" for e in r["app_errors"]]
    if r.get("likely_causes"):
        out += ["", "Likely causes (same dyno, within seconds)"]
        out += [
            f"  {c['code']} on {c['dyno']} ×{c['count']}: {c['cause']} ({c['seconds_apart']:+.1f} s)"
            for c in r["likely_causes"]
        ]
    pg = r.get("postgres") or {}
    if pg.get("errors"):
        out += ["", f"Postgres errors ({pg['errors']} of {pg['messages']} messages)"]
        out += [
            f"  ×{s['count']:<5} {s['sqlstate']} {s['name']}  {s['example'][:100]}" for s in pg["by_sqlstate"]
        ]
    if r["n_plus_one"]:
        out += ["", "N+1 suspects"]
        out += [f"  ×{s['count']:<4} {s['request_id']}  {s['statement'][:120]}" for s in r["n_plus_one"]]
    return out
