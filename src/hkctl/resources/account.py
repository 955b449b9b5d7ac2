"""The account behind the token, and the rate-limit budget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient


def info(client: HerokuClient) -> dict[str, Any]:
    """The account behind the token, as the API sends it: {id, email, name, ...} (GET /account)."""
    return dict(client.get("/account", action="account_info"))


def rate_limit(client: HerokuClient) -> int:
    """Requests left in the rate-limit pool (GET /account/rate-limits; this call itself is free)."""
    return int(client.get("/account/rate-limits", action="rate_limit_info")["remaining"])
