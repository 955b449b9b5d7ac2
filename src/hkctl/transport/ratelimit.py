"""Tracks RateLimit-Remaining from every response and warns once when the budget runs low."""

from __future__ import annotations

from collections.abc import Callable

POOL = 4500
WARN_BELOW = POOL // 10


class RateLimitTracker:
    def __init__(self, warn: Callable[[str], None]) -> None:
        self.remaining: int | None = None
        self._warn = warn
        self._warned = False

    def observe(self, header: str | None) -> None:
        if header is None:
            return
        try:
            self.remaining = int(header)
        except ValueError:
            return
        if self.remaining < WARN_BELOW and not self._warned:
            self._warned = True
            self._warn(
                f"warning: API rate limit low: {self.remaining} of {POOL} requests left "
                "(refills about 75 per minute)"
            )
