"""Where the sandbox's ids come from: one source per sandbox, seeded for reproducible runs.

With a seed, ids are drawn from a `random.Random(seed)`, so two sandboxes built with the same
seed and driven through the same writes hand out the same ids (apps, releases, builds, slugs,
add-ons, domains, webhooks, transfers, ...). Without one they are `uuid4`s. Request-Ids come from a
second stream (`Ids.stream("request")`), so reads never shift the ids of what writes create.
Secrets (access tokens, signing secrets, add-on passwords) do not come from here: they stay
`secrets` draws, since a seed that anyone can repeat must not open the sandbox.
"""

from __future__ import annotations

import random
import threading
import uuid


class Ids:
    """UUID-formatted ids: `new()`; `hex(n)` for id-like hex strings (e.g. a web URL's suffix)."""

    def __init__(self, seed: int | str | None = None) -> None:
        self.seed = seed
        self._lock = threading.Lock()  # handlers run in a thread pool
        self._rng = None if seed is None else random.Random(str(seed))

    def stream(self, name: str) -> Ids:
        """A separate source (same seed, another sequence) for ids whose count varies with reads."""
        return Ids(None if self.seed is None else f"{self.seed}:{name}")

    def new(self) -> str:
        """A new id, e.g. '01234567-89ab-4cde-8f01-23456789abcd' (version 4 layout)."""
        if self._rng is None:
            return str(uuid.uuid4())
        with self._lock:
            return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def hex(self, length: int) -> str:
        """`length` lowercase hex digits (at most 32)."""
        return uuid.UUID(self.new()).hex[:length]
