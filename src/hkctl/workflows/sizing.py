"""The dyno sizing guide behind `hkctl cost --sizes`: memory, CPU share, list price and when to pick each size.

Memory and CPU share are Heroku's dyno-types article (2024-06-04); prices come from prices.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from hkctl.workflows.prices import DYNO_MONTHLY, ECO_POOL_MONTHLY


@dataclass(frozen=True)
class Size:
    """A dyno size (API object `dyno-size`) in the sizing guide: memory, CPU share, when to pick it."""

    name: str  # Heroku's spelling
    memory: str
    cpu: str  # CPU share: a multiple of the shared baseline, or dedicated
    pick_when: str

    @property
    def monthly(self) -> float:
        """List price, USD per month for one dyno running all month (KeyError for a size prices.py lacks)."""
        return DYNO_MONTHLY[self.name.lower()]

    def price(self) -> str:
        """`$25` (per dyno-month), or `$5 pool` for Eco (the account's shared 1,000 hours)."""
        if self.name == "Eco":
            return f"${ECO_POOL_MONTHLY:g} pool"
        return f"${self.monthly:g}"

    def to_json(self) -> dict[str, object]:
        """{size, memory, cpu_share, monthly_usd (the pool's price for Eco), pick_when}."""
        return {
            "size": self.name,
            "memory": self.memory,
            "cpu_share": self.cpu,
            "monthly_usd": self.monthly if self.name != "Eco" else ECO_POOL_MONTHLY,
            "pick_when": self.pick_when,
        }


COMMON_RUNTIME = (
    Size(
        "Eco", "512 MB", "1x shared", "demos and side projects: sleeps after 30 min idle; 1,000 hours shared"
    ),
    Size("Basic", "512 MB", "1x shared", "a small app that must not sleep; one dyno per process type"),
    Size("Standard-1X", "512 MB", "1x shared", "production web and workers that fit in 512 MB; scale out"),
    Size("Standard-2X", "1 GB", "2x shared", "R14 (memory quota exceeded) on 1X, or more threads per dyno"),
    Size("Performance-M", "2.5 GB", "dedicated", "steady traffic needing predictable latency; autoscaling"),
    Size("Performance-L", "14 GB", "dedicated", "many processes per dyno or large memory at high traffic"),
    Size("Performance-L-RAM", "30 GB", "dedicated", "memory-bound work (caches, large datasets), less CPU"),
    Size("Performance-XL", "62 GB", "dedicated", "very large memory with the CPU of L"),
    Size("Performance-2XL", "126 GB", "dedicated", "the largest Common Runtime dyno"),
)

SPACES_NOTE = (
    "Private-* and Shield-* sizes (S, M, L, L-RAM, XL, 2XL) run only in Private or Shield Spaces; "
    "Fir-generation apps use dyno-<cpus>c-<memory>gb sizes."
)
