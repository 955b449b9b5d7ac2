"""Pure retry policy: which failures may be retried, and how long to wait before the next try.

Reads and idempotent writes are retried on 429, 502/503/504 and connection failures. A POST that
is a write is retried only when it provably was not processed: a 429 (rejected before processing)
or a connection that was refused before anything was sent. Heroku has no idempotency key.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from hkctl.polling import backoff_delay

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
MAX_DELAY = 30.0


def should_retry_status(status: int, *, idempotent: bool, attempt: int, max_retries: int) -> bool:
    if attempt >= max_retries or status not in RETRYABLE_STATUSES:
        return False
    return status == 429 or idempotent


def should_retry_connection(*, sent: bool, idempotent: bool, attempt: int, max_retries: int) -> bool:
    """`sent` is False when the connection failed before the request left (connect error)."""
    if attempt >= max_retries:
        return False
    return idempotent or not sent


def backoff(
    attempt: int, *, base: float, retry_after: str | None = None, rng: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before try `attempt + 1`: Retry-After when given, else exponential with full jitter."""
    if retry_after:
        try:
            return min(max(float(retry_after), 0.0), MAX_DELAY * 4)
        except ValueError:
            pass
    return backoff_delay(attempt, base=base, cap=MAX_DELAY, rng=rng)
