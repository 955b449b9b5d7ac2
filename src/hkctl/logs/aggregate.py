"""The triage accumulator: mergeable partial counts that both the fast path and per-line parsing feed.

Service times are kept as exact histograms (Counter of ms → count, overall and per normalised
path), so nearest-rank percentiles are exact, partial results merge by addition, and memory is
bounded by the number of distinct values rather than the number of requests.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from hkctl.logs.parse import Record

# Path normalisation, applied to one path or to many joined by "\n" (re.M makes `$` a line end).
_NORMALISE: list[tuple[re.Pattern[bytes], bytes]] = [
    (re.compile(rb"[?#][^\n]*"), b""),
    (re.compile(rb"-[0-9a-fA-F]{8,}(?=\.\w+$)", re.M), b"-:hash"),
    (re.compile(rb"\.[0-9a-fA-F]{8,}(?=\.\w+$)", re.M), b".:hash"),
    (re.compile(rb"/(?:\d+|(?=[0-9a-fA-F-]*\d)[0-9a-fA-F-]{8,})(?=/|$)", re.M), b"/:id"),
]

_STATE = re.compile(r"State changed from (\w+) to (\w+)")
_RELEASE = re.compile(
    r"^(Release v\d+|Deploy |Rollback |Set .* config var|Unset .* config var|Attach |Detach |"
    r"Build |Scale |Scaled |Promote )"
)
_APP_ERROR = re.compile(
    r"Exception|Error|FATAL|\bfatal\b|Completed 5\d\d|\bfail(?:ed|ure)?\b|\bretry\b|\bdead\b"
    r"|backlog|could not obtain|connection pool|PG::|Mysql2::"
)
_SLOW_AR = re.compile(r"ActiveRecord: (\d{3,})\.\d+ms")
_SQL = re.compile(r"\b(SELECT\b.*?\bFROM\b.*)", re.I)
_REQ_TAG = re.compile(r"(?:\[|request_id=)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
_SHAPE_SUBS = [
    (re.compile(r"^[A-Z], \[[^\]]*\]\s+"), ""),  # Ruby logger prefix `E, [2026-... #4]`
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<id>"),
    (re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""), "<str>"),
    (re.compile(r"\b0x[0-9a-f]+\b|\b[0-9a-f]{12,}\b"), "<hex>"),
    (re.compile(r"\$\d+|(?<!Completed )\b\d+(?:\.\d+)?(?=\b|ms\b)"), "<n>"),
]
SHAPES_CAP = 500  # distinct app-error shapes kept (the rest are counted under "other")


def normalise(path: bytes) -> bytes:
    for rx, repl in _NORMALISE:
        path = rx.sub(repl, path)
    return path


def normalise_many(paths: list[bytes]) -> list[bytes]:
    """Normalise many paths with a handful of C-level passes over one joined buffer."""
    blob = b"\n".join(p.replace(b"\n", b" ") for p in paths) if len(paths) < 64 else b"\n".join(paths)
    for rx, repl in _NORMALISE:
        blob = rx.sub(repl, blob)
    out = blob.split(b"\n")
    return out if len(out) == len(paths) else [normalise(p) for p in paths]


def shape(message: str) -> str:
    """A message with its variable parts (ids, numbers, strings) replaced, to group alike errors."""
    message = message[:400]  # the shape of a 10,000-byte line is in its head
    for rx, repl in _SHAPE_SUBS:
        message = rx.sub(repl, message)
    return message.strip()[:200]


@dataclass
class CodeSeen:
    count: int = 0
    first: str | None = None
    last: str | None = None
    dynos: set[str] = field(default_factory=set)

    def merge(self, other: CodeSeen) -> None:
        self.count += other.count
        self.first = min(x for x in (self.first, other.first) if x) if (self.first or other.first) else None
        self.last = max(x for x in (self.last, other.last) if x) if (self.last or other.last) else None
        self.dynos |= other.dynos


@dataclass
class Aggregate:
    """Partial triage counts for some lines; `merge` adds another partial (order-independent)."""

    top: int = 10
    lines: int = 0
    malformed: int = 0
    first_ts: str | None = None
    last_ts: str | None = None
    # (normalised path, b"<service>ms status=<status>") → count: one C-level Counter update per chunk
    # gives per-path service histograms, statuses and the overall histogram, all exact.
    path_tail: Counter[tuple[bytes, bytes]] = field(default_factory=Counter)
    connect: Counter[bytes] = field(default_factory=Counter)
    slowest: list[tuple[int, bytes, bytes, bytes]] = field(default_factory=list)  # min-heap
    codes: dict[str, CodeSeen] = field(default_factory=dict)
    crashes: Counter[str] = field(default_factory=Counter)
    restarts: int = 0
    state_changes: int = 0
    memory: dict[str, list[float]] = field(default_factory=dict)  # dyno -> [max_total, quota]
    releases: list[tuple[str, str]] = field(default_factory=list)
    app_errors: Counter[str] = field(default_factory=Counter)
    app_error_example: dict[str, str] = field(default_factory=dict)
    sql: Counter[tuple[str, str]] = field(default_factory=Counter)
    slow_queries: int = 0

    # ------------------------------------------------------------ router lines, in bulk
    def add_router_bulk(
        self, paths: list[bytes], rids: list[bytes], connects: list[bytes], tails: list[bytes]
    ) -> None:
        """Count router lines given as columns; a tail is `b"<service>ms status=<status>"`."""
        npaths = normalise_many(paths)
        self.path_tail.update(zip(npaths, tails, strict=True))
        self.connect.update(connects)  # raw bytes: converted once per distinct value, at report time
        heap = self.slowest
        floor = heap[0][0] if len(heap) >= self.top else -1
        slow = {t for t in set(tails) if tail_value(t)[0] >= floor}  # distinct tails: a few thousand
        if not slow:  # the usual case once the heap is full
            return
        # Whole-tuple comparison: the same top N whatever order chunks (and processes) arrive in.
        picks = _positions(tails, slow) if len(slow) <= 8 else [i for i, t in enumerate(tails) if t in slow]
        for i in picks:
            ms, status = tail_value(tails[i])
            item = (ms, paths[i], status, rids[i])
            if len(heap) < self.top:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)

    # ------------------------------------------------------------ any parsed line
    def add_record(self, rec: Record, *, router_stats: bool = True) -> None:
        """Count one parsed line (router_stats=False: its router numbers were counted in bulk)."""
        self.lines += 1
        if rec.malformed:
            self.malformed += 1
        ts = rec.timestamp
        if ts:
            if self.first_ts is None or ts < self.first_ts:
                self.first_ts = ts
            if self.last_ts is None or ts > self.last_ts:
                self.last_ts = ts
        if rec.code:
            self.add_code(rec.code, ts, rec.router.get("dyno") if rec.router is not None else rec.dyno)
        if rec.router is not None:
            if router_stats and rec.router.get("status") is not None:
                r = rec.router
                self.add_router_bulk(
                    [str(r.get("path", "")).encode()],
                    [str(r.get("request_id") or "").encode()],
                    [str(r.get("connect_ms") or 0).encode()],
                    [f"{r.get('service_ms') or 0}ms status={r['status']}".encode()],
                )
            return
        if rec.source == "heroku":
            self._heroku(rec)
        elif rec.source == "app":
            self._app(rec)

    def add_code(self, code: str, ts: str | None, dyno: str | None) -> None:
        seen = self.codes.get(code)
        if seen is None:
            seen = self.codes[code] = CodeSeen()
        seen.count += 1
        if ts:
            seen.first = ts if seen.first is None or ts < seen.first else seen.first
            seen.last = ts if seen.last is None or ts > seen.last else seen.last
        if dyno:
            seen.dynos.add(dyno)

    def _heroku(self, rec: Record) -> None:
        msg, dyno = rec.message, rec.dyno or "?"
        if rec.fields and "sample#memory_total" in rec.fields:
            total = _mb(rec.fields.get("sample#memory_total"))
            quota = _mb(rec.fields.get("sample#memory_quota")) or 512.0
            name = rec.fields.get("source") or dyno
            if total is not None:
                cur = self.memory.setdefault(name, [0.0, quota])
                cur[0] = max(cur[0], total)
                cur[1] = quota
            return
        m = _STATE.search(msg)
        if m:
            self.state_changes += 1
            if m.group(2) == "crashed":
                self.crashes[dyno] += 1
            return
        if msg.startswith("Restarting"):
            self.restarts += 1
            return
        if dyno == "api" and _RELEASE.search(msg):
            self.releases.append((rec.timestamp or "", msg))

    def _app(self, rec: Record) -> None:
        msg = rec.message
        slow = _SLOW_AR.search(msg)
        if slow:
            self.slow_queries += 1
        sql = _SQL.search(msg) if "SELECT" in msg or "select" in msg else None
        if sql:
            rid = _REQ_TAG.search(msg)
            if rid:
                self.sql[(rid.group(1), shape(sql.group(1)))] += 1
            return
        if _APP_ERROR.search(msg):  # a slow query alone is counted in slow_queries, not as an error
            key = shape(msg)
            if key not in self.app_errors and len(self.app_errors) >= SHAPES_CAP:
                key = "<other>"
            self.app_errors[key] += 1
            self.app_error_example.setdefault(key, f"{rec.dyno}: {msg[:300]}")

    # ------------------------------------------------------------ combining partials
    def merge(self, other: Aggregate) -> Aggregate:
        self.lines += other.lines
        self.malformed += other.malformed
        for ts in (other.first_ts,):
            if ts and (self.first_ts is None or ts < self.first_ts):
                self.first_ts = ts
        if other.last_ts and (self.last_ts is None or other.last_ts > self.last_ts):
            self.last_ts = other.last_ts
        for name in ("path_tail", "connect", "crashes", "sql"):
            _add(getattr(self, name), getattr(other, name))
        for item in other.slowest:
            if len(self.slowest) < self.top:
                heapq.heappush(self.slowest, item)
            elif item > self.slowest[0]:
                heapq.heapreplace(self.slowest, item)
        for code, seen in other.codes.items():
            self.codes.setdefault(code, CodeSeen()).merge(seen)
        self.restarts += other.restarts
        self.state_changes += other.state_changes
        for dyno, (total, quota) in other.memory.items():
            cur = self.memory.setdefault(dyno, [0.0, quota])
            cur[0] = max(cur[0], total)
        self.releases += other.releases
        _add(self.app_errors, other.app_errors)
        for k, v in other.app_error_example.items():
            self.app_error_example.setdefault(k, v)
        self.slow_queries += other.slow_queries
        return self


def _positions(items: list[bytes], wanted: set[bytes]) -> list[int]:
    """Indices of the wanted values, found with C-level list.index scans (few values, many items)."""
    out: list[int] = []
    for value in wanted:
        i = -1
        while True:
            try:
                i = items.index(value, i + 1)
            except ValueError:
                break
            out.append(i)
    return sorted(out)


def _add(mine: Counter[Any], theirs: Counter[Any]) -> None:
    """Counter.update for Counter arguments, without building an intermediate Counter."""
    get = mine.get
    for k, v in theirs.items():
        mine[k] = get(k, 0) + v


_TAIL = re.compile(rb"(\d*)(?:ms)? status=(\d+)")


@lru_cache(maxsize=65536)
def tail_value(tail: bytes) -> tuple[int, bytes]:
    """(service ms, status) of a `b"123ms status=200"` tail (an empty service counts as 0)."""
    m = _TAIL.match(tail.strip())
    if m is None:
        return 0, b"000"
    return int(m.group(1) or 0), m.group(2)


def _mb(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value.removesuffix("MB"))
    except ValueError:
        return None
