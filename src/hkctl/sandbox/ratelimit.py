"""Heroku's rate limit: a 4,500-token pool per token, refilled at 75 per minute by the sandbox clock."""

from __future__ import annotations

import threading

POOL = 4500
REFILL_PER_SECOND = 75 / 60


class RateLimits:
    def __init__(self, pool: int = POOL) -> None:
        self.pool = pool
        self._state: dict[str, tuple[float, float]] = {}  # token id -> (tokens, at)
        self._lock = threading.Lock()

    def _level(self, key: str, now: float) -> float:
        tokens, at = self._state.get(key, (float(self.pool), now))
        return min(float(self.pool), tokens + max(0.0, now - at) * REFILL_PER_SECOND)

    def take(self, key: str, now: float) -> tuple[bool, int]:
        """Spend one token; (allowed, remaining)."""
        with self._lock:
            level = self._level(key, now)
            if level < 1:
                self._state[key] = (level, now)
                return False, 0
            self._state[key] = (level - 1, now)
            return True, int(level - 1)

    def remaining(self, key: str, now: float) -> int:
        with self._lock:
            return int(self._level(key, now))

    def set(self, key: str, remaining: int, now: float) -> None:
        with self._lock:
            self._state[key] = (float(remaining), now)

    def reset(self) -> None:
        with self._lock:
            self._state.clear()
