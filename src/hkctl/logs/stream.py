"""Read log streams: Server-Sent Events or plain text, and a tail that reconnects without duplicates."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from hkctl.errors import TransportError
from hkctl.polling import backoff_delay


@dataclass
class Event:
    """One Server-Sent Event: its data (lines joined by newlines) and the last `id:` seen."""

    data: str
    id: str | None = None


def sse_events(lines: Iterable[str]) -> Iterator[Event]:
    """Decode an SSE stream (WHATWG rules: `data:` lines joined by newlines, a blank line dispatches)."""
    data: list[str] = []
    last_id: str | None = None
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                yield Event("\n".join(data), last_id)
                data = []
            continue
        if line.startswith(":"):
            continue  # comment / keep-alive
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        elif name == "id" and "\0" not in value:
            last_id = value
        # `event:` and `retry:` carry nothing a log reader needs
    if data:
        yield Event("\n".join(data), last_id)


def is_sse(content_type: str) -> bool:
    """True when the stream's Content-Type is text/event-stream (else plain text lines)."""
    return "text/event-stream" in content_type.lower()


def log_lines(content_type: str, lines: Iterable[str]) -> Iterator[tuple[str | None, str]]:
    """(event id or None, log line) from a stream of either kind; SSE data may hold several lines."""
    if is_sse(content_type):
        for event in sse_events(lines):
            for line in event.data.split("\n"):
                if line:
                    yield event.id, line
        return
    for raw in lines:
        line = raw.rstrip("\r\n")
        if line:
            yield None, line


@dataclass
class Dedup:
    """Remembers recent lines so a reconnected tail can skip what it already printed.

    A new session starts with a backlog that overlaps what was seen; a line is new when it was not
    seen and is not older than the oldest line still remembered (older ones were seen and forgotten,
    or predate the tail).
    """

    size: int = 10000
    _seen: set[str] = field(default_factory=set)
    _order: deque[str] = field(default_factory=deque)
    floor: str = ""

    def fresh(self, line: str) -> bool:
        """True for a line not printed yet (and not older than what was forgotten); it is then remembered."""
        if line in self._seen:
            return False
        ts = line.split(" ", 1)[0]
        if self.floor and ts[:1].isdigit() and ts < self.floor:
            return False
        self._seen.add(line)
        self._order.append(line)
        if len(self._order) > self.size:
            old = self._order.popleft()
            self._seen.discard(old)
            old_ts = old.split(" ", 1)[0]
            if old_ts[:1].isdigit() and old_ts > self.floor:
                self.floor = old_ts
        return True

    def start(self, first_line: str) -> None:
        """Lines older than the first one printed are not part of this tail."""
        ts = first_line.split(" ", 1)[0]
        if not self.floor and ts[:1].isdigit():
            self.floor = ts


Opener = Callable[[bool], AbstractContextManager[tuple[str, Iterator[str]]]]


def tail(
    open_stream: Opener,
    *,
    say: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    max_failures: int = 5,
) -> Iterator[str]:
    """Yield log lines forever; when the stream ends or fails, open a new session and carry on.

    `open_stream(reconnect)` opens a session's stream (reconnect=True asks for the largest backlog,
    so lines logged while disconnected are not lost); duplicates from the overlap are skipped.
    """
    dedup = Dedup()
    failures = 0
    reconnect = False
    while True:
        try:
            with open_stream(reconnect) as (ctype, raw):
                for _, line in log_lines(ctype, raw):
                    dedup.start(line)
                    if dedup.fresh(line):
                        failures = 0
                        yield line
            why = "the log stream ended"
        except TransportError as exc:
            why = str(exc)
        failures += 1
        if failures > max_failures:
            raise TransportError(f"log tail gave up after {max_failures} reconnects: {why}")
        say(f"reconnecting ({why})")
        if failures > 1:
            sleep(backoff_delay(failures - 2, base=0.5, cap=10.0))
        reconnect = True
