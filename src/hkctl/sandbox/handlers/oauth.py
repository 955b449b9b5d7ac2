"""OAuth authorizations: scoped tokens that open the sandbox, with their scopes enforced by the app.

A token made here (`HRKU-` + 60 hex digits, as Heroku's new-style tokens) works against the
sandbox at once; `scope` is checked centrally in sandbox/app.py (a `read` token gets 403 on a write).
Like Heroku, the answers carry `access_token` for the user's own authorizations; hkctl never prints
it except once, on create.
"""

from __future__ import annotations

import secrets
from typing import Any

from hkctl.sandbox.routing import UUID_RE, ApiFault, Ctx, Reply, invalid, route

SCOPES = ("global", "identity", "read", "write", "read-protected", "write-protected")
MAX_EXPIRES_IN = 60 * 60 * 24 * 365


def _mine(ctx: Ctx) -> list[dict[str, Any]]:
    return [a for a in ctx.store.all("oauth-authorization") if a["user"]["id"] == ctx.account.get("id")]


def _find(ctx: Ctx, ident: str) -> dict[str, Any]:
    found = ctx.store.get("oauth-authorization", ident) if UUID_RE.match(ident) else None
    if found is None or found["user"]["id"] != ctx.account.get("id"):
        raise ApiFault(404, "not_found", "Couldn't find that authorization.", resource="oauth-authorization")
    return found


@route("GET", "/oauth/authorizations")
def tokens_list(ctx: Ctx) -> Any:
    return ctx.page(_mine(ctx))


@route("GET", "/oauth/authorizations/{authorization}")
def tokens_info(ctx: Ctx, authorization: str) -> Any:
    return _find(ctx, authorization)


@route("POST", "/oauth/authorizations")
def tokens_create(ctx: Ctx) -> Any:
    body = ctx.json_body()
    scope = body.get("scope")
    if not isinstance(scope, list) or not scope or not all(isinstance(s, str) for s in scope):
        raise invalid("Missing required params: scope.")
    unknown = [s for s in scope if s not in SCOPES]
    if unknown:
        raise invalid(f"Invalid scope: {', '.join(unknown)}. Valid scopes: {', '.join(SCOPES)}.")
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        raise invalid("description must be a string.")
    expires_in = body.get("expires_in")
    if expires_in is not None and (
        not isinstance(expires_in, int)
        or isinstance(expires_in, bool)
        or not 0 < expires_in <= MAX_EXPIRES_IN
    ):
        raise invalid(f"expires_in must be a number of seconds between 1 and {MAX_EXPIRES_IN}.")
    now = ctx.now_iso()
    account = ctx.account
    auth: dict[str, Any] = {
        "id": ctx.new_id(),
        "access_token": {
            "expires_in": expires_in,
            "id": ctx.new_id(),
            "token": "HRKU-" + secrets.token_hex(30),
        },
        "client": None,
        "created_at": now,
        "description": description or "",
        "grant": None,
        "refresh_token": None,
        "session": None,
        "scope": list(dict.fromkeys(scope)),
        "updated_at": now,
        "user": {"id": account["id"], "email": account["email"], "full_name": account.get("name")},
    }
    if expires_in is not None:
        auth["_expires_at"] = ctx.now() + expires_in
    ctx.store.put("oauth-authorization", auth)
    return Reply(auth, 201)


@route("DELETE", "/oauth/authorizations/{authorization}")
def tokens_revoke(ctx: Ctx, authorization: str) -> Any:
    found = _find(ctx, authorization)
    ctx.store.delete("oauth-authorization", found["id"])
    return found
