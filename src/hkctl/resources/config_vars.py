"""Config vars: show, set, unset (one PATCH each; every change makes a release)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from hkctl.errors import UsageError
from hkctl.resources._record import check_app
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

KEY = re.compile(r"[A-Za-z0-9_]+")  # ASCII only, matched whole (`$` would let "KEY\n" through)
MASK = "••••••••"


def parse_assignments(pairs: Iterable[str]) -> dict[str, str]:
    """`K=V` words into a dict; a word without `=` or a bad key is bad input (exit 2).

    A word without `=` is never echoed: it may be a value typed without its key (a secret).
    """
    result: dict[str, str] = {}
    for n, pair in enumerate(pairs, 1):
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(
                f"expected KEY=VALUE: argument {n} has no '=' (not shown: it may be a secret value)"
            )
        check_key(key)
        result[key] = value
    if not result:
        raise UsageError("nothing to set: give at least one KEY=VALUE")
    return result


def check_key(key: str) -> str:
    """A config var name: ASCII letters, digits and underscores only, else UsageError (exit 2)."""
    if not KEY.fullmatch(key):
        raise UsageError(f"invalid config var name {_shown(key)}: use letters, digits and underscores")
    return key


def _shown(key: str) -> str:
    """A key as an error quotes it: on one line (repr escapes a newline) and not too long."""
    text = repr(key)
    return text if len(text) <= 60 else text[:57] + "...'"


def show(client: HerokuClient, app: str) -> dict[str, str]:
    """The app's config vars, KEY → value (GET /apps/{app}/config-vars); the values are added to the
    redactor (never printed unless revealed). NotFound for an unknown app."""
    config = client.get(f"/apps/{seg(check_app(app))}/config-vars", action="config_show") or {}
    client.redact.add_many(config.values())
    return dict(config)


def update(client: HerokuClient, app: str, changes: Mapping[str, str | None]) -> dict[str, str]:
    """Set or unset config vars in one PATCH /apps/{app}/config-vars (a None value unsets the key; the
    change makes a release); returns the whole config after it. Values go to the redactor first."""
    client.redact.add_many(v for v in changes.values() if v)
    config = client.json(
        "PATCH",
        f"/apps/{seg(check_app(app))}/config-vars",
        body=dict(changes),
        action="config_update",
    )
    client.redact.add_many((config or {}).values())
    return dict(config or {})


def masked(config: Mapping[str, str]) -> dict[str, str]:
    """The same keys, every value replaced by the mask (`••••••••`), for display without --reveal."""
    return {k: MASK for k in config}
