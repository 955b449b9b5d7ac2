"""Base of every typed record: frozen, built from the API's JSON, keeping that JSON for --json output."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hkctl.errors import UsageError

APP_NAME = re.compile(r"^[a-z][a-z0-9-]{1,28}[a-z0-9]$")


@dataclass(frozen=True, kw_only=True)
class Record:
    """Base of the typed records (frozen dataclasses mirroring one API object each).

    Each subclass has a `from_api(d)` classmethod that builds it from the API's JSON object (KeyError when
    the object lacks its `id`/`name`), and `to_json()` gives back that JSON whole, for --json output.
    """

    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The complete record as the API sent it."""
        return dict(self.raw)


def name_of(obj: Any, key: str = "name") -> str | None:
    """`obj[key]` when obj is a dict (e.g. region.name), else None."""
    return obj.get(key) if isinstance(obj, Mapping) else None


def is_uuid(value: str) -> bool:
    """True when `value` parses as a UUID (how the API names most objects by id)."""
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def check_app(app: str) -> str:
    """An app is named by its name or id; anything else is bad input (exit 2, nothing sent)."""
    if not isinstance(app, str) or not (APP_NAME.match(app) or is_uuid(app)):
        raise UsageError(
            f"invalid app name {app!r}: use 3–30 lowercase letters, digits and dashes, starting with a letter "
            "(or the app's id)"
        )
    return app


_ID_PREFIX = re.compile(r"^[0-9a-fA-F][0-9a-fA-F-]{3,35}$")


def is_id_prefix(value: str) -> bool:
    """At least 4 characters of a UUID (`3f1c0e6b`): an abbreviated id, as git takes an abbreviated hash."""
    return bool(_ID_PREFIX.match(value))


def unique_id(ref: str, ids: Iterable[str], what: str) -> str:
    """The one id in `ids` that starts with `ref`; UsageError (exit 2) when none or several do."""
    ref = ref.lower()
    found = sorted({i for i in ids if i.lower().startswith(ref)})
    if not found:
        raise UsageError(f"no {what} with an id starting {ref!r}")
    if len(found) > 1:
        raise UsageError(
            f"{ref!r} matches {len(found)} {what}s ({', '.join(f[:12] for f in found)}): give more of the id"
        )
    return found[0]
