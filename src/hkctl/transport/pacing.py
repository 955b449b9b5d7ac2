"""Pace requests against the API's rate-limit budget so that a long run never receives a 429.

Heroku gives each account a pool of 4,500 request tokens, refilled continuously at 75 per minute
(facts.md §5). The pacer keeps its own copy of that bucket: it starts from the last
`RateLimit-Remaining` seen, takes one token before each request, adds the refill as its clock
moves, and waits (with the injected `sleep`) when the next token is not there yet. Each answer's
`RateLimit-Remaining` can only lower its estimate (another client on the same account spends too),
never raise it past what it has counted, so the estimate stays on the safe side.
Thread-safe: concurrent workers share one pacer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from hkctl.errors import HkctlError

POOL = 4500
REFILL_PER_SECOND = 75 / 60
RESERVE = 1.0  # tokens kept back: the header is rounded down, and float sums drift


class PacingCancelled(HkctlError):
    """The run was interrupted while a request waited for its token (nothing was sent)."""


class BudgetSpent(HkctlError):
    """The run already sent every request it was allowed (its plan, or --budget): this one is not sent.

    Retries of failed answers count: without this cap they were sent on top of the allowed plan."""


class Pacer:
    """A token bucket mirroring the API's; `acquire()` before a request, `done()` after its answer."""

    def __init__(
        self,
        remaining: int | None,
        *,
        pool: int = POOL,
        refill_per_second: float = REFILL_PER_SECOND,
        reserve: float = RESERVE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Any] = time.sleep,
        limit: int | None = None,
    ) -> None:
        self.pool = pool
        self.limit = limit  # requests this pacer may let through in all (None: no cap)
        self.rate = refill_per_second
        self.reserve = reserve
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._sleeping = threading.Lock()
        self.level = float(pool if remaining is None else remaining)
        self._at = clock()
        self.in_flight = 0
        self.sent = 0
        self.waited = 0.0  # seconds spent waiting for the refill
        self.throttled = 0  # 429 answers seen (the point of pacing is that this stays 0)
        self.cancelled = False
        self.last_remaining: int | None = remaining

    def _refill(self, now: float) -> None:
        self.level = min(float(self.pool), self.level + max(0.0, now - self._at) * self.rate)
        self._at = now

    def wait_for(self, tokens: float = 1.0) -> float:
        """Seconds until `tokens` can be taken (0 when they can be now)."""
        with self._lock:
            self._refill(self._clock())
            missing = tokens + self.reserve - self.level
        return max(0.0, missing / self.rate)

    def cancel(self) -> None:
        """Make every waiting and later `acquire()` raise PacingCancelled (the run was interrupted)."""
        self.cancelled = True

    def acquire(self) -> None:
        """Take one token, first waiting for the refill when the bucket is short.

        Raises PacingCancelled once cancelled, and BudgetSpent once `limit` requests went (retries count).
        """
        while True:
            if self.cancelled:
                raise PacingCancelled("interrupted while waiting for the rate-limit refill")
            with self._lock:
                if self.limit is not None and self.sent >= self.limit:
                    raise BudgetSpent(
                        f"not sent: the run's {self.limit:,} allowed requests are spent (failed answers "
                        "were retried); read this app again, or allow more with --budget"
                    )
                self._refill(self._clock())
                missing = 1.0 + self.reserve - self.level
                if missing <= 0:
                    self.level -= 1.0
                    self.in_flight += 1
                    self.sent += 1
                    return
            # One waiter sleeps at a time; the others queue here and look again when it wakes, so
            # eight workers short of a token wait for the refill once, not eight times over.
            with self._sleeping:
                wait = self.wait_for(1.0)
                if wait > 0 and not self.cancelled:
                    self.waited += wait
                    self._sleep(wait)

    def pause(self, seconds: float) -> None:
        """A retry's backoff (a 429's Retry-After, say) waited with the pacer's sleep, which Ctrl-C ends
        (`cancel()`); PacingCancelled when the run was interrupted."""
        if self.cancelled:
            raise PacingCancelled("interrupted before a retry")
        self._sleep(seconds)
        if self.cancelled:
            raise PacingCancelled("interrupted while waiting to retry")

    def done(self, remaining: str | int | None, status: int | None = None) -> None:
        """An answer came back (`remaining` is its RateLimit-Remaining, if any)."""
        with self._lock:
            self.in_flight = max(0, self.in_flight - 1)
            if status == 429:
                self.throttled += 1
            try:
                value = None if remaining is None else int(remaining)
            except ValueError:
                value = None
            if value is None:
                return
            self.last_remaining = value
            self._refill(self._clock())
            # Requests still in flight may not be counted in this answer yet: assume they are not.
            self.level = min(self.level, float(value - self.in_flight))

    @property
    def estimate(self) -> int:
        """Tokens the pacer believes are left now."""
        with self._lock:
            self._refill(self._clock())
            return int(self.level)
