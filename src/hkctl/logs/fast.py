"""The fast path: triage bytes in large chunks, router lines in bulk, on both cores for files.

Per chunk, one `findall` (its pattern starts with a literal, so the regex engine skips ahead with a
fast search) pulls the fields triage needs from every complete `at=info` router line; the results
are counted with C-level `Counter.update(zip(...))`. Every other line (memory samples, state
changes, app output) and every router line carrying an error code (whose fields may be empty) is
parsed in full by `parse_line`, the parser `logs`, `health` and MCP use. If a chunk's counts do not
add up (a router line neither pattern takes, a non-router line it matches, syslog drain framing),
that chunk is re-read line by line, so nothing is lost, only slower.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from typing import Any

from hkctl.logs.aggregate import Aggregate
from hkctl.logs.apperrors import Joiner
from hkctl.logs.parse import parse_line

# Today's complete router line (quoted path, request_id, every number present): matched fastest.
_ROUTER = re.compile(
    rb' heroku\[router\]: at=info method=\S+ path="([^"\n]*)" host=\S* request_id=(\S*) fwd=\S* dyno=\S* '
    rb"connect=(\d+)ms service=(\d+ms status=\d+) "
)
# Older complete forms (unquoted path, no request_id, no `ms`). Lines with a code are never bulk.
_ROUTER_ANY = re.compile(
    rb' heroku\[router\]: at=info method=\S+ path="?([^" \n]*)"? host=\S* (?:request_id=(\S*) )?fwd=\S* '
    rb"dyno=\S* connect=(\d+)(?:ms)? service=(\d+(?:ms)? status=\d+)\b"
)
_MARK = b" heroku[router]: "
_OTHER = re.compile(rb"\n(?!\S+ heroku\[router\]: )([^\n]+)")
_CODE = re.compile(rb" code=[HRL]\d\d")
BLOCK = 8 << 20  # bytes per read: big enough to amortise, small enough to keep RSS low
PARALLEL_MIN = 32 << 20  # below this a second process costs more than it saves
RANGE = 8 << 20  # bytes per range handed to a worker: ~30k router lines, ~0.1 s of one core


def process_chunk(buf: bytes | bytearray, start: int, end: int, agg: Aggregate) -> None:
    """Count the whole lines in buf[start:end]; buf[start-1] must be b"\\n" (a sentinel is fine)."""
    matches = _ROUTER.findall(buf, start, end)
    others = _OTHER.findall(buf, start - 1, end)
    router_lines = buf.count(_MARK, start, end) - sum(1 for line in others if _MARK in line)
    coded = _coded_router_lines(buf, start, end)
    if len(matches) + len(coded) != router_lines:
        matches = _ROUTER_ANY.findall(buf, start, end)
    stray = any(_MARK in line and _ROUTER_ANY.search(line) for line in others)
    if stray or len(matches) + len(coded) != router_lines:
        _slow_chunk(bytes(buf[start:end]), agg)
        return
    if matches:
        cols = [list(map(itemgetter(i), matches)) for i in range(4)]  # C-level transpose
        agg.add_router_bulk(*cols)
        agg.lines += len(matches)
        _edge_timestamps(buf, start, end, agg)
    for line in coded:  # rare, and their fields may be empty: the one parser reads them in full
        agg.add_record(parse_line(line.decode("utf-8", "replace")))
    for line in others:
        rec = parse_line(line.decode("utf-8", "replace"))
        agg.add_record(rec)


def _coded_router_lines(buf: bytes | bytearray, start: int, end: int) -> list[bytes]:
    """Router lines carrying an error code, found by a literal search for ` code=` (rare lines)."""
    out: list[bytes] = []
    pos = start
    while True:
        m = _CODE.search(buf, pos, end)
        if m is None:
            return out
        lo = buf.rfind(b"\n", start - 1, m.start()) + 1
        hi = buf.find(b"\n", m.end(), end)
        hi = end if hi < 0 else hi
        mark = buf.find(_MARK, lo, m.start())
        if mark >= 0 and buf.find(b" ", lo, mark + 1) == mark:  # `<timestamp> heroku[router]: ... code=`
            out.append(bytes(buf[lo:hi]))
        pos = hi


def _edge_timestamps(buf: bytes | bytearray, start: int, end: int, agg: Aggregate) -> None:
    """The window's first and last timestamps (lines are in time order within a chunk)."""
    first = bytes(buf[start : buf.find(b" ", start, end)])
    last_lo = buf.rfind(b"\n", start, end - 1) + 1
    last = bytes(buf[max(start, last_lo) : buf.find(b" ", max(start, last_lo), end)])
    for ts in (first.decode("ascii", "replace"), last.decode("ascii", "replace")):
        if ts[:1].isdigit():
            agg.first_ts = ts if agg.first_ts is None or ts < agg.first_ts else agg.first_ts
            agg.last_ts = ts if agg.last_ts is None or ts > agg.last_ts else agg.last_ts


def _slow_chunk(data: bytes, agg: Aggregate) -> None:
    for raw in data.split(b"\n"):
        if raw.strip():
            agg.add_record(parse_line(raw.decode("utf-8", "replace")))


def _chunks(
    read_into: Any, limit: int | None = None, block: int = BLOCK
) -> Iterator[tuple[bytearray, int, int]]:
    """(buf, start, end) windows of whole lines; buf[0] is a newline sentinel, reused between reads."""
    buf = bytearray(block + 2)  # 1 sentinel + data + room for a final newline
    view = memoryview(buf)
    buf[0] = 10
    carry = 0
    remaining = limit
    while True:
        want = len(buf) - 2 - carry
        if remaining is not None:
            want = min(want, remaining)
        n = read_into.readinto(view[1 + carry : 1 + carry + want]) if want > 0 else 0
        if remaining is not None:
            remaining -= n or 0
        filled = 1 + carry + (n or 0)
        if not n:
            if filled > 1:
                buf[filled : filled + 1] = b"\n"
                yield buf, 1, filled + 1
            return
        cut = buf.rfind(b"\n", 1, filled) + 1
        if cut <= 1:  # one line longer than the block: grow
            view.release()
            buf.extend(bytes(block))
            view = memoryview(buf)
            carry = filled - 1
            continue
        yield buf, 1, cut
        carry = filled - cut
        buf[1 : 1 + carry] = buf[cut:filled]


def triage_stream(stream: Any, *, top: int = 10, limit: int | None = None, block: int = BLOCK) -> Aggregate:
    """Triage a binary stream in `block`-sized windows of whole lines."""
    agg = Aggregate(top=max(top, 1))
    for buf, start, end in _chunks(stream, limit, block):
        process_chunk(buf, start, end, agg)
    return agg


def triage_lines(lines: Iterable[str], *, top: int = 10) -> Aggregate:
    """Triage text lines (a log session), batching them into chunks for the fast path."""
    agg = Aggregate(top=max(top, 1))
    for buf, start, end in line_chunks(lines):
        process_chunk(buf, start, end, agg)
    return agg


def line_chunks(lines: Iterable[str]) -> Iterator[tuple[bytes, int, int]]:
    """Text lines as the (buffer, start, end) chunks of whole lines that `process_chunk` reads."""
    batch: list[str] = []
    size = 0
    for line in lines:
        batch.append(line.rstrip("\r\n"))
        size += len(line)
        if size > BLOCK // 4:
            yield _chunk(batch)
            batch, size = [], 0
    if batch:
        yield _chunk(batch)


def _chunk(batch: list[str]) -> tuple[bytes, int, int]:
    data = b"\n" + "\n".join(batch).encode() + b"\n"
    return data, 1, len(data)


def _split_points(path: str, size: int, parts: int) -> list[int]:
    """Offsets that cut the file into about `parts` ranges, each starting right after a newline and
    outside any multi-line app error (a traceback is never cut in two)."""
    points = [0]
    with open(path, "rb") as fh:
        for i in range(1, parts):
            fh.seek(size * i // parts)
            fh.readline()
            at = _safe_point(fh, fh.tell(), points[-1])
            if at > points[-1] and at < size:
                points.append(at)
    points.append(size)
    return points


def _safe_point(fh: Any, pos: int, floor: int, window: int = 1 << 16) -> int:
    """The first line start at or after `pos` where no multi-line app error is open, judged from
    the `window` bytes before it; `pos` itself when that cannot be settled within the window."""
    lo = max(floor, pos - window)
    fh.seek(lo)
    before, after = fh.read(pos - lo), fh.read(window)
    if lo > floor:
        before = before[before.find(b"\n") + 1 :]  # the window's first line is a partial one
    joiner = Joiner()
    for raw in before.split(b"\n"):
        _feed(joiner, raw)
    at = pos
    for raw in after.split(b"\n")[:-1]:
        if not joiner.pending:
            return at
        _feed(joiner, raw)
        at += len(raw) + 1
    return at if not joiner.pending else pos


def _feed(joiner: Joiner, raw: bytes) -> None:
    if _MARK in raw or b" app[" not in raw:
        return
    rec = parse_line(raw.decode("utf-8", "replace"))
    if rec.source == "app" and rec.postgres is None:
        joiner.feed(rec.dyno or "?", rec.message, "")


def _triage_ranges(path: str, points: list[int], take: Any, top: int) -> Aggregate:
    """Triage the ranges `take()` hands out (an index, or None when none are left) into one partial."""
    agg = Aggregate(top=max(top, 1))
    with open(path, "rb", buffering=0) as fh:
        while (i := take()) is not None:
            fh.seek(points[i])
            for buf, start, end in _chunks(fh, points[i + 1] - points[i]):
                process_chunk(buf, start, end, agg)
            agg.finish()  # the next range taken is not this one's continuation
    return agg


def _triage_range(path: str, lo: int, hi: int, top: int) -> Aggregate:
    with open(path, "rb", buffering=0) as fh:
        fh.seek(lo)
        return triage_stream(fh, top=top, limit=hi - lo)  # type: ignore[arg-type]


def triage_file(
    path: str,
    *,
    top: int = 10,
    workers: int | None = None,
    parallel_min: int = PARALLEL_MIN,
    range_bytes: int = RANGE,
) -> Aggregate:
    """Triage a file; a large one is cut at line starts into many ranges (several per worker) that
    forked workers take one at a time, so a worker slowed by a busy core simply takes fewer."""
    size = os.path.getsize(path)
    workers = workers or min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2)
    if workers < 2 or size < parallel_min or not hasattr(os, "fork"):
        return _triage_range(path, 0, size, top)
    import multiprocessing as mp  # ~3 ms, only for a log large enough to split across two processes

    points = _split_points(path, size, max(workers * 4, -(-size // range_bytes)))
    ctx = mp.get_context("fork")
    counter = ctx.Value("i", 0)

    def take() -> int | None:
        with counter.get_lock():
            i = int(counter.value)
            counter.value = i + 1
        return i if i < len(points) - 1 else None

    pipes = []
    procs = []
    for _ in range(1, workers):
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=in_child, args=(send, _triage_ranges, path, points, take, top), daemon=True)
        proc.start()
        send.close()
        pipes.append(recv)
        procs.append(proc)
    agg = _triage_ranges(path, points, take, top)  # the parent works too
    for recv, proc in zip(pipes, procs, strict=True):
        part = recv.recv()
        proc.join()
        if isinstance(part, BaseException):
            raise part
        agg.merge(part)
    return agg


def in_child(send: Any, work: Callable[..., object], *args: Any) -> None:
    """In a forked process: send `work(*args)`, or the exception it raised, to the parent over `send`."""
    try:
        result: object = work(*args)
    except Exception as exc:  # reported to the parent, which raises it
        result = exc
    send.send(result)
    send.close()
