"""Where the sandbox's ids come from: one source per sandbox, seeded for reproducible runs.

With a seed, the n-th id is derived from (seed, n), so two sandboxes built with the same seed and
driven through the same writes hand out the same ids (apps, releases, builds, slugs, add-ons,
domains, webhooks, transfers, ...). Without one they are `uuid4`s. The sandbox counts n in its
store, so the count rolls back with a failed transaction, starts over on a reset (the ids of a
fresh sandbox) and carries on after a restart over the same `--db` (no id is handed out twice).
Request-Ids come from a second stream (`Ids.stream("request")`, counted in memory), so reads
never shift the ids of what writes create.

Secrets (access tokens, signing secrets, add-on passwords, log-session and backup tokens) do not
come from here: they stay `secrets` draws, since a seed anyone can repeat must not open the sandbox.
"""

from __future__ import annotations

import hashlib
import itertools
import uuid
from collections.abc import Callable

#: The store counter that numbers seeded ids.
COUNTER = "ids"


class Ids:
    """UUID-formatted ids: `new()`; `hex(n)` for id-like hex strings (e.g. a web URL's suffix).

    `counter(name) -> int` numbers the ids (the sandbox passes `Store.next`); in memory when None.
    """

    def __init__(self, seed: int | str | None = None, *, counter: Callable[[str], int] | None = None) -> None:
        self.seed = seed
        if counter is None:
            count = itertools.count(1)  # next() on it is atomic: safe across the handler threads
            counter = lambda _name: next(count)  # noqa: E731
        self._counter = counter

    def stream(self, name: str) -> Ids:
        """A separate source (same seed, another sequence, counted in memory)."""
        return Ids(None if self.seed is None else f"{self.seed}:{name}")

    def new(self) -> str:
        """A new id, e.g. '01234567-89ab-4cde-8f01-23456789abcd' (version 4 layout)."""
        if self.seed is None:
            return str(uuid.uuid4())
        digest = hashlib.sha256(f"{self.seed}:{self._counter(COUNTER)}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    def hex(self, length: int) -> str:
        """`length` lowercase hex digits (at most 32)."""
        return uuid.UUID(self.new()).hex[:length]
