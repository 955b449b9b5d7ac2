"""Waiting, below every layer: one backoff formula and a poll loop, with the clock and sleep injected.

`resources/` (a build, a backup, a promotion, a one-off dyno), `workflows/` (rollback and deploy
verification), `transport/` (retries) and `logs/` (stream reconnects) all wait with these.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from hkctl.errors import WaitTimedOut

T = TypeVar("T")

__all__ = ["WaitTimedOut", "backoff_delay", "poll"]


def backoff_delay(
    attempt: int,
    *,
    base: float,
    cap: float,
    factor: float = 2.0,
    rng: Callable[[], float] | None = None,
) -> float:
    """Seconds to wait before try `attempt + 1` (attempt 0 waits `base`): base × factor**attempt, at most `cap`.

    With `rng` (a callable returning [0, 1)) the delay is jittered to [d/2, d), so clients that
    failed together do not retry together.
    """
    delay = min(base * factor ** max(attempt, 0), cap)
    if rng is None:
        return delay
    return delay / 2 + rng() * delay / 2


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

    The first check is immediate; later ones are spaced interval, interval×factor, … (seconds, at
    most max_interval), never past the deadline. `on_wait(elapsed, attempt)` is called before each
    sleep, e.g. to draw progress on a TTY. Raises WaitTimedOut (exit 1) after `timeout` seconds.
    """
    start = clock()
    attempt = 0
    while True:
        result = check()
        if result is not None:
            return result
        elapsed = clock() - start
        if elapsed >= timeout:
            raise WaitTimedOut(f"gave up waiting for {what} after {elapsed:.0f}s")
        if on_wait is not None:
            on_wait(elapsed, attempt + 1)
        delay = backoff_delay(attempt, base=interval, cap=max_interval, factor=factor)
        sleep(min(delay, max(0.0, timeout - elapsed)))
        attempt += 1
