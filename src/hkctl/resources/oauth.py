"""OAuth authorizations (scoped tokens): who am I, which scopes does my token have, create, list, revoke.

Token values are secrets: records never keep them (`to_json` drops them), the one created is
returned once by `create` for the caller to print, and every value seen is given to the redactor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.resources._record import Record, is_id_prefix, is_uuid, unique_id
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

SCOPES = ("global", "identity", "read", "write", "read-protected", "write-protected")
#: The spec's advice, shown by `hkctl doctor` when the token is global.
GLOBAL_WARNING = (
    "the token has the global scope (full account access): an agent or a script should never hold one; create a "
    "read-scoped token with `hkctl auth tokens create --scope read --description ...` (add write only "
    "for HEROKU_PERMISSION=full)"
)
_SCOPE_SPLIT = re.compile(r"[,\s]+")


def _without_tokens(d: dict[str, Any]) -> dict[str, Any]:
    out = dict(d)
    for key in ("access_token", "refresh_token"):
        if isinstance(out.get(key), dict):
            out[key] = {k: v for k, v in out[key].items() if k != "token"}
    return out


@dataclass(frozen=True, kw_only=True)
class Authorization(Record):
    """An OAuth authorization (API object `oauth-authorization`), its token values dropped; expiry in s."""

    id: str
    description: str | None
    scope: tuple[str, ...]
    created_at: str | None
    expires_in: int | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Authorization:
        token = d.get("access_token") or {}
        return cls(
            raw=_without_tokens(d),
            id=d["id"],
            description=d.get("description"),
            scope=tuple(d.get("scope") or ()),
            created_at=d.get("created_at"),
            expires_in=token.get("expires_in"),
        )

    @property
    def expires_at(self) -> str | None:
        """When the token stops working (created + expires_in), or None when it never expires."""
        if self.expires_in is None or not self.created_at:
            return None
        created = datetime.strptime(self.created_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return (created + timedelta(seconds=self.expires_in)).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_scopes(text: str) -> list[str]:
    """`read,write` → ["read", "write"]; unknown scopes are bad input (exit 2)."""
    scopes = [s for s in _SCOPE_SPLIT.split(text or "") if s]
    unknown = [s for s in scopes if s not in SCOPES]
    if not scopes or unknown:
        raise UsageError(f"invalid scope {', '.join(unknown) or repr(text)}: choose from {', '.join(SCOPES)}")
    return list(dict.fromkeys(scopes))


def check_id(ident: str) -> str:
    """`ident` when it is a whole authorization id (a UUID), else UsageError (exit 2)."""
    if not is_uuid(ident):
        raise UsageError(f"invalid authorization id {ident!r}: see `hkctl auth tokens list`")
    return ident


def whoami(client: HerokuClient) -> tuple[dict[str, Any], list[str] | None]:
    """The account behind the token (GET /account) and the token's scopes from the `Oauth-Scope` header
    (None when the API does not say); Unauthorized (401) for a bad token."""
    response = client.request("GET", "/account", action="account_info")
    return dict(response.body), scopes_from_header(response.headers)


def scopes_from_header(headers: dict[str, str]) -> list[str] | None:
    """Heroku names the calling token's scopes in the `Oauth-Scope` response header."""
    value = headers.get("oauth-scope")
    if value is None:
        return None
    return [s for s in _SCOPE_SPLIT.split(value) if s]


def current_scopes(client: HerokuClient) -> list[str] | None:
    """The current token's scopes: from the header of GET /account, else by finding its authorization
    in GET /oauth/authorizations; None when neither says (e.g. a token of another client)."""
    _, scopes = whoami(client)
    if scopes is not None:
        return scopes
    mine = client.token.value
    for item in client.paginate("/oauth/authorizations", action="tokens_list"):
        token = (item.get("access_token") or {}).get("token")
        if token:
            client.redact.add_token(token)
        if token == mine:
            return list(item.get("scope") or [])
    return None


def list_(client: HerokuClient) -> Iterator[Authorization]:
    """Every authorization of the account (GET /oauth/authorizations, every page); token values go to the
    redactor, never into the records."""
    for item in client.paginate("/oauth/authorizations", action="tokens_list"):
        client.redact.add_token((item.get("access_token") or {}).get("token"))
        yield Authorization.from_api(item)


def info(client: HerokuClient, ident: str) -> Authorization:
    """One authorization by id (GET /oauth/authorizations/{id}); UsageError (exit 2) for an id that is not a
    UUID, NotFound for an unknown one."""
    item = client.get(f"/oauth/authorizations/{seg(check_id(ident))}", action="tokens_info")
    client.redact.add_token((item.get("access_token") or {}).get("token"))
    return Authorization.from_api(item)


def create(
    client: HerokuClient, scopes: list[str], description: str, *, expires_in: int | None = None
) -> tuple[Authorization, str]:
    """A new authorization and its token, the only time the token is handed out
    (POST /oauth/authorizations {scope, description, expires_in? in seconds}); returns (record, token).
    UsageError (exit 2, nothing sent) for a non-positive `expires_in`; InvalidParams (422) for bad scopes."""
    if expires_in is not None and expires_in <= 0:
        raise UsageError("--expires-in must be a positive number of seconds")
    body: dict[str, Any] = {"scope": scopes, "description": description}
    if expires_in is not None:
        body["expires_in"] = expires_in
    item = client.json(
        "POST",
        "/oauth/authorizations",
        body=body,
        action="tokens_create",
    )
    token = str((item.get("access_token") or {}).get("token") or "")
    client.redact.add_token(token)
    return Authorization.from_api(item), token


def find(client: HerokuClient, ref: str) -> tuple[Authorization, bool]:
    """The authorization whose id is `ref` or starts with it (`GET /oauth/authorizations`), and
    whether its token is the one this client is using. UsageError (exit 2) when none or several match."""
    items = list(client.paginate("/oauth/authorizations", action="tokens_list"))
    for item in items:
        client.redact.add((item.get("access_token") or {}).get("token"))
    if not is_uuid(ref) and not is_id_prefix(ref):
        raise UsageError(f"invalid authorization id {ref!r}: see `hkctl auth tokens list`")
    if is_uuid(ref) and not any(str(i["id"]).lower() == ref.lower() for i in items):
        # a whole id that this account's listing lacks: send it as typed and let the API answer (404),
        # as the official CLI does; the guard still judges the DELETE first
        return Authorization.from_api({"id": ref}), False
    full = unique_id(ref, (str(i["id"]) for i in items), "authorization")
    item = next(i for i in items if i["id"] == full)
    in_use = (item.get("access_token") or {}).get("token") == client.token.value
    return Authorization.from_api(item), in_use


def revoke(client: HerokuClient, ident: str) -> Authorization:
    """Revoke an authorization (DELETE /oauth/authorizations/{id}); its token stops working at once. The
    guard asks for its id to be typed. UsageError (exit 2) for a non-UUID id; NotFound for an unknown one."""
    item = client.json(
        "DELETE",
        f"/oauth/authorizations/{seg(check_id(ident))}",
        action="tokens_revoke",
        # the guard asks for this id to be typed (or --confirm ID)
    )
    return Authorization.from_api(item)
