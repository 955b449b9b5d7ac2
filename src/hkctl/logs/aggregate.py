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

from hkctl.logs import apperrors, postgres
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
_SLOW_AR = re.compile(r"ActiveRecord: (\d{3,})\.\d+ms")
_SQL = re.compile(r"\b(SELECT\b.*?\bFROM\b.*)", re.I)
_REQ_TAG = re.compile(r"(?:\[|request_id=)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
_SHAPE_SUBS = [
    (re.compile(r"^[A-Z], \[[^\]]*\]\s+"), ""),  # Ruby logger prefix `E, [2026-... #4]`
    (re.compile(r"^\[\d{4}-[^\]]*\]\s*(?:\[\d+\]\s*)?"), ""),  # gunicorn `[2024-... +0000] [4]`
    (re.compile(r"^\d{4}-\d\d-\d\d[T ][\d:.,]+(?:Z|[+-]\d\d:?\d\d)?\s+"), ""),  # a leading timestamp
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<id>"),
    (re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""), "<str>"),
    (re.compile(r"\b0x[0-9a-f]+\b|\b[0-9a-f]{12,}\b"), "<hex>"),
    (re.compile(r"\$\d+|(?<!Completed )\b\d+(?:\.\d+)?(?=\b|ms\b)"), "<n>"),
]
# SQL: double-quoted (and backquoted) names are identifiers and stay; literals and binds become `?`.
_SQL_SUBS = [
    (re.compile(r"\s+\[\[.*$"), ""),  # Rails' bind list after the statement: `  [["id", 1]]`
    (re.compile(r"'(?:[^'\\]|\\.|'')*'"), "?"),
    (re.compile(r"\$\d+|(?<![\w\".])-?\b\d+(?:\.\d+)?\b(?![\w\"])"), "?"),
    (re.compile(r"\s+"), " "),
]
SHAPES_CAP = 500  # distinct app-error shapes kept (the rest are counted under "other")
CULPRITS_CAP = 5000  # worker timeouts / OOMs kept for correlation
SYMPTOMS_CAP = 20000  # H12/H13/R14/R15 occurrences kept for correlation
SYMPTOM_CODES = frozenset({"H12", "H13", "R14", "R15"})
LATENCY_EXCLUDED_CODES = frozenset({"H27", "H28"})  # the client's doing: no service-time sample
# A Postgres message's later parts (same N) that repeat the SQLSTATE of the error they belong to.
_PG_ATTACHED = frozenset({"DETAIL", "HINT", "STATEMENT", "CONTEXT", "QUERY", "LOCATION"})


def normalise(path: bytes) -> bytes:
    """A request path grouped with its kind: query dropped, ids → `/:id`, asset hashes → `-:hash` (bytes)."""
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


def sql_shape(statement: str) -> str:
    """`SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2  [["id", 7]]` →
    `SELECT "users".* FROM "users" WHERE "users"."id" = ? LIMIT ?` (identifiers kept)."""
    statement = statement[:400]
    for rx, repl in _SQL_SUBS:
        statement = rx.sub(repl, statement)
    return statement.strip()[:200]


def shape(message: str) -> str:
    """A message with its variable parts (ids, numbers, strings) replaced, to group alike errors."""
    message = message[:400]  # the shape of a 10,000-byte line is in its head
    for rx, repl in _SHAPE_SUBS:
        message = rx.sub(repl, message)
    return message.strip()[:200]


@dataclass
class CodeSeen:
    """One H/R/L code's occurrences: count, first and last timestamps (ISO), dynos, paths (router codes)."""

    count: int = 0
    first: str | None = None
    last: str | None = None
    dynos: set[str] = field(default_factory=set)
    paths: Counter[bytes] = field(default_factory=Counter)  # router codes: normalised path → count

    def merge(self, other: CodeSeen) -> None:
        """Add another partial's occurrences of the same code (order-independent)."""
        self.count += other.count
        self.first = min(x for x in (self.first, other.first) if x) if (self.first or other.first) else None
        self.last = max(x for x in (self.last, other.last) if x) if (self.last or other.last) else None
        self.dynos |= other.dynos
        _add(self.paths, other.paths)


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
    # shape → (timestamp, example, kind) of its earliest line: the same whatever order chunks arrive in
    app_error_first: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    sql: Counter[tuple[str, str]] = field(default_factory=Counter)
    slow_queries: int = 0
    app_error_kinds: Counter[str] = field(default_factory=Counter)
    latency_excluded: Counter[str] = field(default_factory=Counter)  # reason → router lines
    pg_messages: int = 0
    pg_errors: Counter[str] = field(default_factory=Counter)  # SQLSTATE (or severity) → count
    pg_first: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (timestamp, example)
    culprits: list[tuple[str, str, str, str]] = field(default_factory=list)  # (ts, dyno, kind, line)
    symptoms: list[tuple[str, str, str]] = field(default_factory=list)  # (ts, code, dyno)
    joiner: apperrors.Joiner = field(default_factory=apperrors.Joiner, repr=False, compare=False)

    @property
    def app_error_example(self) -> dict[str, str]:
        """shape → its earliest example line (`dyno: message`), as before app_error_first existed."""
        return {k: v[1] for k, v in self.app_error_first.items()}

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
        slow = {t for t in set(tails) if (tail_value(t)[0] or -1) >= floor}  # a few thousand distinct
        if not slow:  # the usual case once the heap is full
            return
        # Whole-tuple comparison: the same top N whatever order chunks (and processes) arrive in.
        picks = _positions(tails, slow) if len(slow) <= 8 else [i for i, t in enumerate(tails) if t in slow]
        for i in picks:
            ms, status = tail_value(tails[i])
            if ms is None or status == b"101" or is_streaming(npaths[i]):
                continue  # streaming and websocket requests are not slow, they are long
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
        if rec.router is not None:
            r = rec.router
            path = str(r.get("path", "")).encode()
            if rec.code:
                self.add_code(rec.code, ts, r.get("dyno") or None, normalise(path))
            if router_stats and r.get("status") is not None:
                self._router_record(r, rec.code, path)
            return
        if rec.code:
            self.add_code(rec.code, ts, rec.dyno)
        if rec.source == "heroku":
            self._heroku(rec)
        elif rec.source == "app":
            self._app(rec)

    def _router_record(self, r: dict[str, Any], code: str | None, path: bytes) -> None:
        """One router line parsed in full: an empty field is absent (no sample), never zero."""
        service, connect = r.get("service_ms"), r.get("connect_ms")
        if code in LATENCY_EXCLUDED_CODES:
            self.latency_excluded[code] += 1
            service = None
        elif service is None:
            self.latency_excluded["router_answered"] += 1  # H10, H14, H80, H81, ...: no dyno involved
        tail = f"{service}ms status={r['status']}" if service is not None else f"status={r['status']}"
        self.add_router_bulk(
            [path],
            [str(r.get("request_id") or "").encode()],
            [str(connect).encode()] if connect is not None and service is not None else [],
            [tail.encode()],
        )

    def add_code(self, code: str, ts: str | None, dyno: str | None, path: bytes | None = None) -> None:
        """Count one occurrence of an H/R/L code at `ts` (ISO) on `dyno`, under its normalised `path` for
        router codes; H12/H13/R14/R15 with a time and a dyno are also kept as symptoms for correlation."""
        seen = self.codes.get(code)
        if seen is None:
            seen = self.codes[code] = CodeSeen()
        seen.count += 1
        if path is not None:
            seen.paths[path] += 1
        if code in SYMPTOM_CODES and ts and dyno and len(self.symptoms) < SYMPTOMS_CAP:
            self.symptoms.append((ts, code, dyno))
        if ts:
            seen.first = ts if seen.first is None or ts < seen.first else seen.first
            seen.last = ts if seen.last is None or ts > seen.last else seen.last
        if dyno:
            seen.dynos.add(dyno)

    def _heroku(self, rec: Record) -> None:
        msg, dyno = rec.message, rec.dyno or "?"
        if rec.fields and "sample#memory_total" in rec.fields:
            total = memory_mb(rec.fields.get("sample#memory_total"))
            quota = memory_mb(rec.fields.get("sample#memory_quota")) or 512.0
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
        if rec.postgres is not None:
            self._postgres(rec.postgres, rec.timestamp or "")
            return
        slow = _SLOW_AR.search(msg)
        if slow:
            self.slow_queries += 1
        sql = _SQL.search(msg) if "SELECT" in msg or "select" in msg else None
        if sql:
            rid = _REQ_TAG.search(msg)
            if rid:
                self.sql[(rid.group(1), sql_shape(sql.group(1)))] += 1
            return
        # a slow query alone is counted in slow_queries, not as an error
        for kind, text, ts, dyno in self.joiner.feed(rec.dyno or "?", msg, rec.timestamp or ""):
            self.add_app_error(kind, text, ts, dyno)

    def add_app_error(self, kind: str, message: str, ts: str, dyno: str) -> None:
        """Count one app error of `kind` (an `apperrors` kind) under its shape; keep it for correlation
        when its kind names a cause (worker timeout, OOM). ts is the line's ISO timestamp or ""."""
        key = shape(message)
        if key not in self.app_errors and len(self.app_errors) >= SHAPES_CAP:
            key = "<other>"
        self.app_errors[key] += 1
        self.app_error_kinds[kind] += 1
        _earliest(self.app_error_first, key, (ts, f"{dyno}: {message[:300]}", kind))
        if apperrors.CAUSES.get(kind) and ts and len(self.culprits) < CULPRITS_CAP:
            self.culprits.append((ts, dyno, kind, message[:200]))

    def _postgres(self, pg: dict[str, Any], ts: str) -> None:
        if pg["part"] == 1:
            self.pg_messages += 1
        if not pg["error"] or pg["severity"] in _PG_ATTACHED:
            return  # DETAIL, STATEMENT, ... belong to the error they follow
        if pg["part"] != 1 and pg["severity"] not in postgres.ERROR_SEVERITIES:
            return  # a later part of a message whose first part was counted
        key = pg["sql_error_code"] or pg["severity"]
        self.pg_errors[key] += 1
        _earliest(self.pg_first, key, (ts, f"{pg['severity'] or ''}:  {pg['text'][:300]}".strip()))

    def finish(self) -> Aggregate:
        """Close multi-line errors still open at the end of the input (call once, before the report)."""
        for kind, text, ts, dyno in self.joiner.flush():
            self.add_app_error(kind, text, ts, dyno)
        return self

    # ------------------------------------------------------------ combining partials
    def merge(self, other: Aggregate) -> Aggregate:
        """Add another partial (its multi-line errors closed first) into this one and return self; the
        result is the same whatever order the partials arrive in."""
        other.finish()
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
        for k, v in other.app_error_first.items():
            _earliest(self.app_error_first, k, v)
        self.slow_queries += other.slow_queries
        for name in ("app_error_kinds", "latency_excluded", "pg_errors"):
            _add(getattr(self, name), getattr(other, name))
        for k, pv in other.pg_first.items():
            _earliest(self.pg_first, k, pv)
        self.pg_messages += other.pg_messages
        self.culprits = (self.culprits + other.culprits)[:CULPRITS_CAP]
        self.symptoms = (self.symptoms + other.symptoms)[:SYMPTOMS_CAP]
        return self


def _earliest(firsts: dict[str, Any], key: str, value: tuple[str, ...]) -> None:
    """Keep the smallest (timestamp, ...) tuple per key: order-independent, so partials merge alike."""
    cur = firsts.get(key)
    if cur is None or value < cur:
        firsts[key] = value


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


_TAIL = re.compile(rb"(?:(\d+)(?:ms)? )?status=(\d+)")
_STREAMING = re.compile(
    rb"(?:^|/)(?:cable|websockets?|ws|socket\.io|sockjs|sse|stream|event-?stream|eventsource|faye|"
    rb"long-?poll|subscriptions|_next/webpack-hmr)(?:/|$)",
    re.I,
)


@lru_cache(maxsize=65536)
def tail_value(tail: bytes) -> tuple[int | None, bytes]:
    """(service ms or None when absent, status) of a `b"123ms status=200"` or `b"status=503"` tail."""
    m = _TAIL.match(tail.strip())
    if m is None:
        return None, b"000"
    return (int(m.group(1)) if m.group(1) else None), m.group(2)


@lru_cache(maxsize=4096)
def is_streaming(path: bytes) -> bool:
    """A websocket or streaming endpoint (ActionCable, socket.io, SSE): long by design, not slow."""
    return _STREAMING.search(path) is not None


def memory_mb(value: str | None) -> float | None:
    """A log-runtime-metrics memory figure (`412.33MB`) in MB; None when absent or not a number."""
    if not value:
        return None
    try:
        return float(value.removesuffix("MB"))
    except ValueError:
        return None
