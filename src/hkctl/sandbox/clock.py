"""Sandbox time: real, or manual (moves only when told), so lifecycles can be advanced without waiting."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class Clock:
    """Real time, plus an offset that the control API can advance."""

    def __init__(self, *, manual: bool = False, start: float | None = None) -> None:
        self.manual = manual
        self._lock = threading.Lock()
        self._base = start if start is not None else time.time()
        self._offset = 0.0

    def now(self) -> float:
        with self._lock:
            return (self._base if self.manual else time.time()) + self._offset

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._offset += seconds
        return self.now()


def iso(ts: float) -> str:
    """ISO-8601 in UTC as Heroku writes it: 2012-01-01T12:00:00Z."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
