"""Wait for a condition: poll with exponential backoff up to a timeout, with the clock and sleep injected."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from hkctl.errors import HkctlError

T = TypeVar("T")


class WaitTimedOut(HkctlError):
    """The condition did not come true within the timeout (exit 1)."""


def poll(
    check: Callable[[], T | None],
    *,
    timeout: float,
    what: str = "the operation",
    interval: float = 0.5,
    factor: float = 1.5,
    max_interval: float = 5.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_wait: Callable[[float, int], None] | None = None,
) -> T:
    """Call `check` until it returns something other than None and return that.

    The first check is immediate; later ones are spaced interval, interval×factor, … (at most
    max_interval), never past the deadline. `on_wait(elapsed, attempt)` is called before each sleep,
    e.g. to draw progress on a TTY.
    """
    start = clock()
    attempt = 0
    delay = interval
    while True:
        result = check()
        if result is not None:
            return result
        elapsed = clock() - start
        if elapsed >= timeout:
            raise WaitTimedOut(f"gave up waiting for {what} after {elapsed:.0f}s")
        attempt += 1
        if on_wait is not None:
            on_wait(elapsed, attempt)
        sleep(min(delay, max(0.0, timeout - elapsed)))
        delay = min(delay * factor, max_interval)
