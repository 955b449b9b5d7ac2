"""Releases: list (newest first, `Range: version ..; order=desc`), info by vN / N / id, roll back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.resources._record import Record, check_app, is_id_prefix, is_uuid, name_of, unique_id
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.guard.policy import PlannedWrite
    from hkctl.transport.client import HerokuClient

_VERSION = re.compile(r"\A[vV]?([0-9]+)\Z")  # ASCII digits, anchored (`$` would allow "1\n")
MAX_VERSION = 2**31 - 1  # the API's versions are 32-bit integers; anything above is a typo


@dataclass(frozen=True, kw_only=True)
class Release(Record):
    """A release (API object `release`): version, status, whether current, its slug; dates ISO 8601."""

    id: str
    version: int
    description: str
    status: str
    current: bool
    user: str | None
    slug_id: str | None
    created_at: str | None
    eligible_for_rollback: bool

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Release:
        return cls(
            raw=d,
            id=d["id"],
            version=int(d["version"]),
            description=d.get("description") or "",
            status=d.get("status") or "",
            current=bool(d.get("current")),
            user=name_of(d.get("user"), "email"),
            slug_id=name_of(d.get("slug"), "id"),
            created_at=d.get("created_at"),
            eligible_for_rollback=bool(d.get("eligible_for_rollback")),
        )

    @property
    def label(self) -> str:
        """`v42`."""
        return f"v{self.version}"


def parse_version(text: str) -> int:
    """`v42` or `42` → 42: ASCII digits from 1 to 2**31-1, else UsageError (exit 2, nothing sent).

    Surrounding whitespace is ignored (as `info` does); anything else, a Unicode digit included, is not.
    """
    m = _VERSION.match(text.strip())
    digits = m.group(1) if m else ""
    version = int(digits) if 0 < len(digits) <= 10 else 0  # (int() of 5000 digits raises)
    if not 1 <= version <= MAX_VERSION:
        raise UsageError(
            f"invalid release {_shown(text)}: use a version like v42 (a whole number from 1 to {MAX_VERSION})"
        )
    return version


def release_ref(ref: str) -> str:
    """`v42`, `42` or a release id → what goes in the path (`42`, as the official CLI sends it)."""
    if is_uuid(ref):
        return ref
    if _VERSION.fullmatch(ref) or not ref.strip():
        return str(parse_version(ref))
    raise UsageError(f"invalid release {_shown(ref)}: use a version like v42 (or 42, or the release id)")


def _shown(text: str) -> str:
    """The input as an error quotes it: one line, at most 40 characters."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def list_(client: HerokuClient, app: str, *, max_items: int | None = None) -> list[Release]:
    """The app's releases, newest first (GET /apps/{app}/releases, Range: version ..; order=desc);
    `max_items` asks for one page of that size (the spec's `max=N`). NotFound for an unknown app."""
    items = client.paginate(
        f"/apps/{seg(check_app(app))}/releases",
        field="version",
        order="desc",
        limit=max_items,
        action="releases_list",
    )
    return [Release.from_api(r) for r in items]


def current(client: HerokuClient, app: str) -> Release | None:
    """The newest release (GET /apps/{app}/releases, Range max=1), None when the app has none."""
    rows = list_(client, app, max_items=1)
    return rows[0] if rows else None


def info(client: HerokuClient, app: str, ref: str) -> Release:
    """`GET /apps/{app}/releases/{version or id}`; an abbreviated id is found in the list first
    (GET /apps/{app}/releases). UsageError (exit 2) for a malformed or ambiguous ref; NotFound for an
    unknown one."""
    ref = ref.strip()
    if not _VERSION.match(ref) and not is_uuid(ref) and is_id_prefix(ref):
        ref = unique_id(ref, (r.id for r in list_(client, app)), "release")
    path = f"/apps/{seg(check_app(app))}/releases/{seg(release_ref(ref))}"
    return Release.from_api(client.get(path, action="releases_info"))


def rollback(client: HerokuClient, app: str, target: Release, *, current: Release | None = None) -> Release:
    """`POST /apps/{app}/releases {"release": id}`: a new release running the target's slug and config.

    The guard decides the risk: rolling back production needs the app's name typed (or --confirm APP).
    InvalidParams (422) when the API refuses the target (e.g. it has no slug to run).
    """
    return Release.from_api(client.send(rollback_write(client, app, target.id)).body)


def rollback_write(client: HerokuClient, app: str, release_id: str) -> PlannedWrite:
    """`POST /apps/{app}/releases {"release": id}` (a rollback), as shown and as sent."""
    return client.planned(
        "POST",
        f"/apps/{seg(check_app(app))}/releases",
        body={"release": release_id},
        action="releases_create",
    )
