"""Slugs: info (the compiled app a release runs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.resources._record import Record, check_app, is_uuid, name_of
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient


@dataclass(frozen=True, kw_only=True)
class Slug(Record):
    """A slug (API object `slug`): the compiled app a release runs; `size` in bytes."""

    id: str
    size: int | None
    stack: str | None
    commit: str | None
    buildpack_provided_description: str | None
    process_types: dict[str, str]
    checksum: str | None
    created_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Slug:
        return cls(
            raw=d,
            id=d["id"],
            size=d.get("size"),
            stack=name_of(d.get("stack")),
            commit=d.get("commit"),
            buildpack_provided_description=d.get("buildpack_provided_description"),
            process_types=dict(d.get("process_types") or {}),
            checksum=d.get("checksum"),
            created_at=d.get("created_at"),
        )


def info(client: HerokuClient, app: str, slug_id: str) -> Slug:
    """A slug by id (GET /apps/{app}/slugs/{id}); UsageError (exit 2, nothing sent) for an id that is not a
    UUID or a bad app name, NotFound for an unknown one."""
    if not is_uuid(slug_id):
        raise UsageError(f"invalid slug id {slug_id!r}: slugs are named by their id (a UUID)")
    return Slug.from_api(client.get(f"/apps/{seg(check_app(app))}/slugs/{seg(slug_id)}", action="slugs_info"))
