"""Base of every typed record: frozen, built from the API's JSON, keeping that JSON for --json output."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hkctl.errors import UsageError

APP_NAME = re.compile(r"^[a-z][a-z0-9-]{1,28}[a-z0-9]$")


@dataclass(frozen=True, kw_only=True)
class Record:
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The complete record as the API sent it."""
        return dict(self.raw)


def name_of(obj: Any, key: str = "name") -> str | None:
    """`obj[key]` when obj is a dict (e.g. region.name), else None."""
    return obj.get(key) if isinstance(obj, Mapping) else None


def is_uuid(value: str) -> bool:
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
