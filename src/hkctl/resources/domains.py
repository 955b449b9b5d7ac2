"""Domains: list, info, add (returns the DNS target to point a CNAME at), remove."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.resources._record import Record, check_app, name_of
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

HOSTNAME = re.compile(r"^(\*\.)?(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")


@dataclass(frozen=True, kw_only=True)
class Domain(Record):
    """A custom domain (API object `domain`): hostname, kind, the DNS target (`cname`) and its status."""

    id: str
    hostname: str
    kind: str | None
    cname: str | None
    status: str | None
    acm_status: str | None
    sni_endpoint: str | None
    created_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Domain:
        return cls(
            raw=d,
            id=d["id"],
            hostname=d["hostname"],
            kind=d.get("kind"),
            cname=d.get("cname"),
            status=d.get("status"),
            acm_status=d.get("acm_status"),
            sni_endpoint=name_of(d.get("sni_endpoint")),
            created_at=d.get("created_at"),
        )


def check_hostname(hostname: str) -> str:
    """A DNS name (optionally `*.` wildcard), lower-cased; anything else is bad input (exit 2)."""
    host = hostname.strip().lower().rstrip(".") if isinstance(hostname, str) else ""
    if not HOSTNAME.match(host) or len(host) > 253:
        raise UsageError(f"invalid hostname {hostname!r}: give a DNS name such as www.example.com")
    return host


def list_(client: HerokuClient, app: str) -> Iterator[Domain]:
    """Every domain of the app (GET /apps/{app}/domains, every page); NotFound for an unknown app."""
    for item in client.paginate(f"/apps/{seg(check_app(app))}/domains", action="domains_list"):
        yield Domain.from_api(item)


def info(client: HerokuClient, app: str, hostname: str) -> Domain:
    """A domain by hostname (GET /apps/{app}/domains/{hostname}); UsageError (exit 2) for a malformed
    hostname, NotFound for one the app does not have."""
    path = f"/apps/{seg(check_app(app))}/domains/{seg(check_hostname(hostname))}"
    return Domain.from_api(client.get(path, action="domains_info"))


def add(client: HerokuClient, app: str, hostname: str, *, sni_endpoint: str | None = None) -> Domain:
    """Add a custom domain (POST /apps/{app}/domains {hostname, sni_endpoint}; null endpoint: Heroku picks);
    the returned Domain's `cname` is the DNS target to point at. UsageError (exit 2, nothing sent) for a bad
    hostname; InvalidParams (422) when it is taken."""
    host = check_hostname(hostname)
    created = client.json(
        "POST",
        f"/apps/{seg(check_app(app))}/domains",
        # The schema requires sni_endpoint; null lets Heroku pick (or none without a certificate).
        body={"hostname": host, "sni_endpoint": sni_endpoint},
        action="domains_add",
    )
    return Domain.from_api(created)


def remove(client: HerokuClient, app: str, hostname: str) -> Domain:
    """Remove a custom domain (DELETE /apps/{app}/domains/{hostname}); returns it as removed. UsageError
    (exit 2, nothing sent) for a malformed hostname; NotFound when the app does not have it."""
    host = check_hostname(hostname)
    return Domain.from_api(
        client.json(
            "DELETE",
            f"/apps/{seg(check_app(app))}/domains/{seg(host)}",
            action="domains_remove",
        )
    )
