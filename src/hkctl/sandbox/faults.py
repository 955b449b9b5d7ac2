"""Fault injection: latency, failing answers by rate (seeded) or every Nth, before or after processing.

`phase="before"`: the fault replaces the request (nothing is processed). `phase="after"`: the
request is processed and committed, and its answer is lost (replaced by the fault), which is how
a client learns that an un-retried POST has an unknown outcome.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

MAX_LATENCY_MS = 120_000


class FaultSettingError(ValueError):
    """A fault setting of the wrong type or out of range (the control API answers 422 with it)."""


def _int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FaultSettingError(f"{name} must be an integer from {low} to {high}")
    try:
        number = int(value)
    except ValueError:
        raise FaultSettingError(f"{name} must be an integer from {low} to {high}") from None
    if not low <= number <= high:
        raise FaultSettingError(f"{name} must be an integer from {low} to {high}")
    return number


def validate(changes: dict[str, object]) -> dict[str, object]:
    """The settings as Faults.configure takes them, or FaultSettingError naming the first bad one."""
    out: dict[str, object] = {}
    for key, value in changes.items():
        if key == "latency_ms":
            out[key] = _int(key, value, 0, MAX_LATENCY_MS)
        elif key in ("every", "seed"):
            out[key] = _int(key, value, 0, 2**31 - 1)
        elif key == "rate":
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0.0 <= float(value) <= 1.0
            ):
                raise FaultSettingError("rate must be a number from 0 to 1")
            out[key] = float(value)
        elif key == "phase":
            if value not in ("before", "after"):
                raise FaultSettingError("phase must be 'before' or 'after'")
            out[key] = value
        elif key == "statuses":
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, list | tuple) or not items:
                raise FaultSettingError(
                    "statuses must be a non-empty list of HTTP statuses (e.g. [429, 503])"
                )
            out[key] = tuple(
                _int("each status", s.strip() if isinstance(s, str) else s, 400, 599) for s in items
            )
        elif key == "routes":
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, list | tuple) or not all(isinstance(r, str) for r in items):
                raise FaultSettingError("routes must be a list of 'METHOD /template' strings")
            out[key] = tuple(r.strip() for r in items if r.strip())
        else:
            raise FaultSettingError(f"unknown fault setting {key!r}")
    return out


@dataclass
class Faults:
    latency_ms: int = 0
    rate: float = 0.0
    statuses: tuple[int, ...] = (503,)
    every: int = 0
    phase: str = "before"
    seed: int = 1
    routes: tuple[str, ...] = ()  # "METHOD /template" or "/template"; empty = every API route
    _count: int = field(default=0, repr=False)
    _rng: random.Random = field(default_factory=lambda: random.Random(1), repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def configure(self, **changes: object) -> None:
        with self._lock:
            for key, value in changes.items():
                if key == "statuses" and isinstance(value, str):
                    value = tuple(int(s) for s in value.split(",") if s.strip())
                elif key == "statuses" and isinstance(value, list):
                    value = tuple(int(s) for s in value)
                elif key == "routes" and isinstance(value, str):
                    value = tuple(r.strip() for r in value.split(",") if r.strip())
                elif key == "routes" and isinstance(value, list):
                    value = tuple(value)
                setattr(self, key, value)
            self._count = 0
            self._rng = random.Random(self.seed)

    @property
    def active(self) -> bool:
        return bool(self.rate or self.every)

    def applies(self, method: str, template: str | None) -> bool:
        if not self.routes:
            return True
        return any(r in (f"{method} {template}", template) for r in self.routes)

    def pick(self) -> int | None:
        """The status to fail this answer with, or None (counts every answer it is asked about)."""
        with self._lock:
            self._count += 1
            n = self._count
            if self.every and n % self.every == 0:
                return self.statuses[(n // self.every - 1) % len(self.statuses)]
            if self.rate and self._rng.random() < self.rate:
                return self._rng.choice(self.statuses)
            return None
