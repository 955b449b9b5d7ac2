"""Triage counts per minute, gathered inside the same fast pass as the text triage (one read, no second scan).

`Timeline` is a triage `Aggregate` that also remembers *when*: each chunk of whole lines is cut at
minute boundaries (found by bisecting on the timestamps that start the lines, so a minute costs a few
`bytes.find` calls, not a pass per line), each minute's router lines are counted by the unchanged
fast path into a fresh (path, tail) Counter, and that small Counter is folded into per-minute
status classes, service-time histograms (2 significant digits: ≤5 % error on a percentile) and
per-path histograms before it is added to the overall counts. Error codes, memory samples, dyno
state changes and releases carry their own timestamps and are kept per minute as they are counted.

The totals are exactly those of `hkctl logs triage` (the text report is built from this object);
only the time series are per minute. A minute key is the timestamp's first 16 characters as written
(`2026-11-28T14:05`); Heroku writes UTC. Lines out of time order inside a chunk may be counted in a
neighbouring minute; nothing is lost.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from hkctl.logs import fast
from hkctl.logs.aggregate import Aggregate, is_streaming, memory_mb, tail_value
from hkctl.logs.parse import Record, parse_line

CLASSES = ("2xx", "3xx", "4xx", "5xx")
EVENTS_CAP = 2000  # dyno state changes kept with their times (a crash loop can log thousands)
MARKERS_CAP = 500


@lru_cache(maxsize=65536)
def quantise(ms: int) -> int:
    """Service time rounded to 2 significant digits (exact below 100 ms): bounded histograms."""
    if ms < 100:
        return ms
    digits = len(str(ms)) - 2
    step = 10**digits
    return (ms + step // 2) // step * step


@lru_cache(maxsize=65536)
def _tail_info(tail: bytes) -> tuple[int | None, int]:
    """(quantised service ms, status class index 0–3, or 4 for anything else) of a router tail.

    The service time is None where triage leaves it out of the percentiles: no service time
    (router-answered, H27/H28) and websocket upgrades (101)."""
    ms, status = tail_value(tail)
    first = status[:1]
    cls = b"2345".find(first) if first else -1
    return (None if ms is None or status == b"101" else quantise(ms)), cls if cls >= 0 else 4


@dataclass
class Timeline(Aggregate):
    """An Aggregate that also keeps router, code, memory and dyno counts per minute (`minute` keys)."""

    status: dict[str, list[int]] = field(default_factory=dict)  # minute -> [2xx, 3xx, 4xx, 5xx, other]
    service: dict[str, Counter[int]] = field(default_factory=dict)  # minute -> quantised ms -> n
    path_service: dict[str, dict[bytes, Counter[int]]] = field(default_factory=dict)
    path_errors: dict[str, Counter[bytes]] = field(default_factory=dict)  # minute -> path -> 5xx
    minute_codes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (minute, code)
    dyno_codes: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (minute, R1x, dyno)
    minute_memory: dict[tuple[str, str], list[float]] = field(default_factory=dict)  # -> [max, quota]
    events: list[tuple[str, str, str, str]] = field(default_factory=list)  # (ts, dyno, from, to)
    events_dropped: int = 0

    # ------------------------------------------------------------ hooks on the triage pass
    def add_code(self, code: str, ts: str | None, dyno: str | None, path: bytes | None = None) -> None:
        super().add_code(code, ts, dyno, path)
        if ts:
            self.minute_codes[(ts[:16], code)] += 1
            if code[:1] == "R" and dyno:
                self.dyno_codes[(ts[:16], code, dyno)] += 1

    def add_record(self, rec: Record, *, router_stats: bool = True) -> None:
        super().add_record(rec, router_stats=router_stats)
        if rec.source != "heroku" or rec.router is not None or not rec.timestamp:
            return
        ts, msg = rec.timestamp, rec.message
        if rec.fields and "sample#memory_total" in rec.fields:
            total = memory_mb(rec.fields.get("sample#memory_total"))
            quota = memory_mb(rec.fields.get("sample#memory_quota")) or 512.0
            name = rec.fields.get("source") or rec.dyno or "?"
            if total is not None:
                cur = self.minute_memory.setdefault((ts[:16], name), [0.0, quota])
                cur[0] = max(cur[0], total)
                cur[1] = quota
        elif msg.startswith("State changed from "):
            parts = msg.split()
            if len(parts) >= 6:
                self._event(ts, rec.dyno or "?", parts[3], parts[5])
        elif msg.startswith("Restarting"):
            self._event(ts, rec.dyno or "?", "", "restarting")

    def _event(self, ts: str, dyno: str, old: str, new: str) -> None:
        if len(self.events) < EVENTS_CAP:
            self.events.append((ts, dyno, old, new))
        else:
            self.events_dropped += 1

    # ------------------------------------------------------------ per-minute router counts
    def fold(self, minute: str, part: Counter[tuple[bytes, bytes]]) -> None:
        """Add one minute's (path, tail) counts to the per-minute series and to the totals."""
        status = self.status.setdefault(minute, [0, 0, 0, 0, 0])
        service = self.service.setdefault(minute, Counter())
        paths = self.path_service.setdefault(minute, {})
        errors = self.path_errors.setdefault(minute, Counter())
        total = self.path_tail
        total_get = total.get
        info = _tail_info
        streaming = is_streaming
        for key, n in part.items():
            path, tail = key
            q, cls = info(tail)
            status[cls] += n
            total[key] = total_get(key, 0) + n
            if cls == 3:
                errors[path] = errors.get(path, 0) + n
            if q is None or streaming(path):
                continue  # as in the text triage: long by design or no time, not in the percentiles
            service[q] = service.get(q, 0) + n
            hist = paths.get(path)
            if hist is None:
                hist = paths[path] = Counter()
            hist[q] = hist.get(q, 0) + n

    def merge(self, other: Aggregate) -> Timeline:
        super().merge(other)
        if not isinstance(other, Timeline):
            return self
        for minute, counts in other.status.items():
            mine = self.status.setdefault(minute, [0, 0, 0, 0, 0])
            for i, n in enumerate(counts):
                mine[i] += n
        for minute, hist in other.service.items():
            self.service.setdefault(minute, Counter()).update(hist)
        for minute, paths in other.path_service.items():
            mine_paths = self.path_service.setdefault(minute, {})
            for path, hist in paths.items():
                mine_paths.setdefault(path, Counter()).update(hist)
        for minute, errs in other.path_errors.items():
            self.path_errors.setdefault(minute, Counter()).update(errs)
        self.minute_codes.update(other.minute_codes)
        self.dyno_codes.update(other.dyno_codes)
        for key, (total, quota) in other.minute_memory.items():
            cur = self.minute_memory.setdefault(key, [0.0, quota])
            cur[0] = max(cur[0], total)
        room = EVENTS_CAP - len(self.events)
        self.events += other.events[:room]
        self.events_dropped += other.events_dropped + max(0, len(other.events) - room)
        return self


# ------------------------------------------------------------ cutting chunks at minute boundaries
def _key(buf: bytes | bytearray, pos: int) -> str | None:
    """The minute of the line starting at pos (`2026-11-28T14:05`), or None if it has no timestamp."""
    head = bytes(buf[pos : pos + 16])
    if len(head) == 16 and head[10:11] == b"T" and head[:1].isdigit() and head[13:14] == b":":
        return head.decode("ascii", "replace")
    return None


def minute_ranges(buf: bytes | bytearray, start: int, end: int) -> Iterator[tuple[int, int, str | None]]:
    """(lo, hi, minute) runs of whole lines with the same minute key, found by bisection."""
    lo = start
    while lo < end:
        key = _key(buf, lo)
        last = buf.rfind(b"\n", lo, end - 1) + 1
        if last <= lo or _key(buf, last) == key:
            yield lo, end, key
            return
        a, b = lo, last  # a starts a line with `key`, b starts a line without it
        while True:
            nl = buf.find(b"\n", (a + b) // 2, b - 1)
            if nl < 0:
                nl = buf.find(b"\n", a, b - 1)
                if nl < 0:
                    break
            s = nl + 1
            if _key(buf, s) == key:
                a = s
            else:
                b = s
        yield lo, b, key
        lo = b


def process_chunk(buf: bytes | bytearray, start: int, end: int, tl: Timeline) -> None:
    """The triage fast path over buf[start:end], minute by minute (buf[start-1] must be a newline)."""
    total = tl.path_tail
    for lo, hi, minute in minute_ranges(buf, start, end):
        if minute is None:  # no leading timestamp (syslog framing, pastes): line by line
            _untimed(bytes(buf[lo:hi]), tl)
            continue
        part: Counter[tuple[bytes, bytes]] = Counter()
        tl.path_tail = part
        try:
            fast.process_chunk(buf, lo, hi, tl)
        finally:
            tl.path_tail = total
        tl.fold(minute, part)


def _untimed(data: bytes, tl: Timeline) -> None:
    total = tl.path_tail
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        rec = parse_line(raw.decode("utf-8", "replace"))
        part: Counter[tuple[bytes, bytes]] = Counter()
        tl.path_tail = part
        try:
            tl.add_record(rec)
        finally:
            tl.path_tail = total
        if part:
            if rec.timestamp:
                tl.fold(rec.timestamp[:16], part)
            else:
                for key, n in part.items():
                    total[key] += n


# ------------------------------------------------------------ the same entry points as logs/fast.py
def triage_stream(stream: Any, *, top: int = 10, limit: int | None = None) -> Timeline:
    """Triage a binary stream with per-minute series."""
    tl = Timeline(top=max(top, 1))
    for buf, start, end in fast._chunks(stream, limit):
        process_chunk(buf, start, end, tl)
    return tl


def triage_lines(lines: Iterable[str], *, top: int = 10) -> Timeline:
    """Triage text lines (a log session) with per-minute series."""
    tl = Timeline(top=max(top, 1))
    for buf, start, end in fast.line_chunks(lines):
        process_chunk(buf, start, end, tl)
    return tl


def _range(path: str, lo: int, hi: int, top: int) -> Timeline:
    with open(path, "rb", buffering=0) as fh:
        fh.seek(lo)
        return triage_stream(fh, top=top, limit=hi - lo)


def triage_file(
    path: str,
    *,
    top: int = 10,
    parallel_min: int = fast.PARALLEL_MIN,
    prepare: Callable[[], None] | None = None,
) -> Timeline:
    """Triage a file with per-minute series; a large file is split in two, one forked process each.

    `prepare` (e.g. importing the charting library) runs in this process once its half of the file
    is counted, while the other process finishes the rest.
    """
    size = os.path.getsize(path)
    workers = min(2, os.cpu_count() or 1)
    if workers < 2 or size < parallel_min or not hasattr(os, "fork"):
        tl = _range(path, 0, size, top)
        if prepare:
            prepare()
        return tl
    import multiprocessing as mp  # ~3 ms, only for a log large enough to split across two processes

    mid = fast._split_points(path, size, 2)[1]  # where triage would cut: never inside a traceback
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=fast.in_child, args=(send, _range, path, mid, size, top), daemon=True)
    proc.start()
    send.close()
    tl = _range(path, 0, mid, top)
    if prepare:
        prepare()
    part = recv.recv()
    proc.join()
    if isinstance(part, BaseException):
        raise part
    return tl.merge(part)
