"""Dyno list prices (USD per dyno per month), copied from facts.md §11 with their dates and sources.

Keys are lower-case API size names: the API and the official CLI spell sizes in several cases
(`standard-1X`, `Standard-1X`), so lookups ignore case. A size that is not here is *unknown*:
the cost estimate lists it instead of guessing.
"""

from __future__ import annotations

PRICES_AS_OF = "2024-06-04"
PRICES_SOURCE = (
    "Heroku Dev Center dyno-types (2024-06-04) and usage-and-billing (2023-02-06); "
    "performance/private/shield/Fir sizes from the official CLI's COST_MONTHLY table (2026-05-13)"
)

#: Eco dynos share one $5 pool of 1,000 dyno hours per account: counted once per estimate.
ECO_POOL_MONTHLY = 5.0

DYNO_MONTHLY: dict[str, float] = {
    # Cedar generation
    "eco": 0.0,  # per dyno; the shared pool is ECO_POOL_MONTHLY
    "basic": 7.0,
    "standard-1x": 25.0,
    "standard-2x": 50.0,
    "performance-m": 250.0,
    "performance-l": 500.0,
    "performance-l-ram": 500.0,
    "performance-xl": 750.0,
    "performance-2xl": 1500.0,
    "private-s": 225.0,
    "private-m": 450.0,
    "private-l": 900.0,
    "private-l-ram": 500.0,
    "private-xl": 750.0,
    "private-2xl": 1500.0,
    "shield-s": 270.0,
    "shield-m": 540.0,
    "shield-l": 1080.0,
    "shield-l-ram": 600.0,
    "shield-xl": 900.0,
    "shield-2xl": 1800.0,
    # legacy names still found on old apps (official CLI table)
    "free": 0.0,
    "hobby": 7.0,
    "1x": 36.0,
    "2x": 72.0,
    "px": 576.0,
    "performance": 500.0,
    # Fir generation
    "dyno-1c-0.5gb": 25.0,
    "dyno-2c-1gb": 50.0,
    "dyno-1c-4gb": 80.0,
    "dyno-1c-8gb": 100.0,
    "dyno-2c-4gb": 150.0,
    "dyno-2c-8gb": 160.0,
    "dyno-2c-16gb": 250.0,
    "dyno-4c-8gb": 300.0,
    "dyno-4c-16gb": 320.0,
    "dyno-4c-32gb": 500.0,
    "dyno-8c-16gb": 600.0,
    "dyno-8c-32gb": 640.0,
    "dyno-8c-64gb": 750.0,
    "dyno-16c-32gb": 1200.0,
    "dyno-16c-64gb": 1000.0,
    "dyno-16c-128gb": 1500.0,
    "dyno-32c-64gb": 2400.0,
}

#: Memory quota (MB) per size, for the health dashboard's memory context.
DYNO_MEMORY_MB: dict[str, int] = {
    "eco": 512,
    "basic": 512,
    "standard-1x": 512,
    "standard-2x": 1024,
    "performance-m": 2560,
    "performance-l": 14336,
}


def dyno_price(size: str | None) -> float | None:
    """Monthly list price of one dyno of `size`, or None when the size is unknown."""
    if not size:
        return None
    return DYNO_MONTHLY.get(size.strip().lower())
