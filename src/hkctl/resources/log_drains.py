"""Log drains: list, add, remove (by id, URL or token)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hkctl.errors import HkctlError, UsageError
from hkctl.resources._record import Record, check_app, is_id_prefix, is_uuid, unique_id
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

SCHEMES = ("syslog", "syslog+tls", "https", "http")


@dataclass(frozen=True, kw_only=True)
class LogDrain(Record):
    """A log drain (API object `log-drain`): where Logplex forwards the app's log (`url`), its token."""

    id: str
    url: str
    token: str
    addon: str | None
    created_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> LogDrain:
        return cls(
            raw=d,
            id=d["id"],
            url=d["url"],
            token=d["token"],
            addon=(d.get("addon") or {}).get("name"),
            created_at=d.get("created_at"),
        )


def check_url(url: str) -> str:
    """`url` when it is a syslog://, syslog+tls://, http:// or https:// URL with a host, else UsageError."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise UsageError(f"invalid drain URL {url!r}: use syslog://, syslog+tls://, http:// or https://")
    return url


def list_(client: HerokuClient, app: str) -> list[LogDrain]:
    """Every log drain of the app (GET /apps/{app}/log-drains); NotFound for an unknown app."""
    items = client.paginate(f"/apps/{seg(check_app(app))}/log-drains", action="drains_list")
    return [LogDrain.from_api(d) for d in items]


def add(client: HerokuClient, app: str, url: str) -> LogDrain:
    """Add a log drain (POST /apps/{app}/log-drains {url}); returns it with its token. UsageError (exit 2,
    nothing sent) for a bad URL; InvalidParams (422) when the app already has it."""
    return LogDrain.from_api(
        client.json(
            "POST",
            f"/apps/{seg(check_app(app))}/log-drains",
            body={"url": check_url(url)},
            action="drains_add",
        )
    )


def remove(client: HerokuClient, app: str, drain: str) -> LogDrain:
    """Remove a drain named by its id (or a unique start of it), URL or token
    (DELETE /apps/{app}/log-drains/{id}; GET /apps/{app}/log-drains first unless given a whole id).

    A URL cannot travel as one path segment (servers decode %2F before routing), so a URL or
    token is first resolved to the drain's id through the list. UsageError (exit 2) for an empty or
    ambiguous name; HkctlError when no drain matches; NotFound for an unknown id.
    """
    if not drain:
        raise UsageError("name the drain by its id, URL or token")
    if not is_uuid(drain):
        drains = list_(client, app)
        match = next((d for d in drains if drain in (d.url, d.token)), None)
        if match is None and is_id_prefix(drain):
            drain = unique_id(drain, (d.id for d in drains), "drain")
        elif match is None:
            raise HkctlError(f"no drain {drain!r} on {app}")
        else:
            drain = match.id
    return LogDrain.from_api(
        client.json(
            "DELETE",
            f"/apps/{seg(check_app(app))}/log-drains/{seg(drain)}",
            action="drains_remove",
        )
    )
