"""Dyno sizes the platform accepts, in Heroku's spelling: matched case-insensitively, unknown refused.

The list is the official CLI's (`ps:type` COST_MONTHLY, facts.md §11) without its legacy names
(Free, Hobby, 1X, 2X, PX, Performance), which the API no longer accepts for a new formation:

- Common Runtime: Eco, Basic, Standard-1X/2X, Performance-M/L/L-RAM/XL/2XL
- Private Spaces: Private-S/M/L/L-RAM/XL/2XL; Shield Private Spaces: Shield-S/M/L/L-RAM/XL/2XL
- Fir generation: `dyno-<cpus>c-<memory>gb` (lower case, as the CLI lists them)

A size newer than this table can be passed through unchanged with `force=True` (`--force-size`).
"""

from __future__ import annotations

import difflib

from hkctl.errors import UsageError

COMMON_RUNTIME = (
    "Eco",
    "Basic",
    "Standard-1X",
    "Standard-2X",
    "Performance-M",
    "Performance-L",
    "Performance-L-RAM",
    "Performance-XL",
    "Performance-2XL",
)
_SPACE_TIERS = ("S", "M", "L", "L-RAM", "XL", "2XL")
PRIVATE = tuple(f"Private-{t}" for t in _SPACE_TIERS)
SHIELD = tuple(f"Shield-{t}" for t in _SPACE_TIERS)
FIR = (
    "dyno-1c-0.5gb",
    "dyno-2c-1gb",
    "dyno-1c-4gb",
    "dyno-1c-8gb",
    "dyno-2c-4gb",
    "dyno-2c-8gb",
    "dyno-2c-16gb",
    "dyno-4c-8gb",
    "dyno-4c-16gb",
    "dyno-4c-32gb",
    "dyno-8c-16gb",
    "dyno-8c-32gb",
    "dyno-8c-64gb",
    "dyno-16c-32gb",
    "dyno-16c-64gb",
    "dyno-16c-128gb",
    "dyno-32c-64gb",
)
ALL = COMMON_RUNTIME + PRIVATE + SHIELD + FIR
_BY_LOWER = {s.lower(): s for s in ALL}


def closest(size: str, n: int = 3) -> list[str]:
    """The known sizes nearest to `size` in spelling (best first), in Heroku's spelling."""
    found = difflib.get_close_matches(size.strip().lower(), list(_BY_LOWER), n=n, cutoff=0.5)
    return [_BY_LOWER[f] for f in found]


def canonical(size: str, *, force: bool = False) -> str:
    """`standard-1x` → `Standard-1X`; an unknown size is UsageError (exit 2) naming the closest ones.

    With `force`, an unknown size is passed through as typed (for sizes newer than hkctl): the API
    judges it.
    """
    text = size.strip()
    found = _BY_LOWER.get(text.lower())
    if found:
        return found
    if force and text:
        return text
    near = closest(text)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise UsageError(
        f"unknown dyno size {size!r}{hint} (a size newer than hkctl: pass --force-size; "
        f"known: {', '.join(COMMON_RUNTIME)}, Private-*/Shield-* {'/'.join(_SPACE_TIERS)}, Fir dyno-*)"
    )
