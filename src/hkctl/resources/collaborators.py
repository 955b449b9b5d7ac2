"""Collaborators: list, add and remove people with access to an app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.resources._record import Record, check_app, is_uuid, name_of
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

EMAIL = re.compile(r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$")


@dataclass(frozen=True, kw_only=True)
class Collaborator(Record):
    """A collaborator (API object `collaborator`): a person with access to an app."""

    id: str
    email: str | None
    role: str | None
    created_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Collaborator:
        return cls(
            raw=d,
            id=d["id"],
            email=name_of(d.get("user"), "email"),
            role=d.get("role"),
            created_at=d.get("created_at"),
        )


def check_email(email: str) -> str:
    """`email` when it looks like an address (one @, a dot in the domain), else UsageError (exit 2)."""
    if not isinstance(email, str) or not EMAIL.match(email):
        raise UsageError(f"invalid email address {email!r}")
    return email


def list_(client: HerokuClient, app: str) -> Iterator[Collaborator]:
    """Every collaborator of the app (GET /apps/{app}/collaborators, every page); NotFound for an
    unknown app."""
    for item in client.paginate(f"/apps/{seg(check_app(app))}/collaborators", action="access_list"):
        yield Collaborator.from_api(item)


def add(client: HerokuClient, app: str, email: str, *, silent: bool = False) -> Collaborator:
    """Give `email` access to the app (POST /apps/{app}/collaborators; `silent`: no email sent);
    UsageError (exit 2, nothing sent) for a bad address or app name."""
    created = client.json(
        "POST",
        f"/apps/{seg(check_app(app))}/collaborators",
        body={"user": check_email(email), "silent": silent},
        action="access_add",
    )
    return Collaborator.from_api(created)


def remove(client: HerokuClient, app: str, who: str) -> Collaborator:
    """Remove a collaborator by email or collaborator id (DELETE /apps/{app}/collaborators/{who});
    UsageError (exit 2, nothing sent) for something that is neither, NotFound when not a collaborator."""
    if not is_uuid(who):
        check_email(who)
    return Collaborator.from_api(
        client.json(
            "DELETE",
            f"/apps/{seg(check_app(app))}/collaborators/{seg(who)}",
            action="access_remove",
        )
    )
