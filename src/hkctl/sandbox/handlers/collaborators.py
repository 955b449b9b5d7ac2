"""Collaborators of a personal app: the owner (role "owner", never stored) and added users.

Only existing accounts can be added (404 "Couldn't find that user." otherwise); adding one twice or
removing the owner is a 422, as on Heroku.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from hkctl.sandbox.backend.apps import app_ref
from hkctl.sandbox.routing import UUID_RE, ApiFault, Ctx, Reply, invalid, route

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _user_ref(user: dict[str, Any]) -> dict[str, Any]:
    return {"email": user["email"], "federated": bool(user.get("federated")), "id": user["id"]}


def _owner_entry(ctx: Ctx, app: dict[str, Any]) -> dict[str, Any]:
    owner = ctx.store.get("account", app["owner"]["id"]) or {**app["owner"], "federated": False}
    return {
        "app": app_ref(app),
        "created_at": app["created_at"],
        "id": str(uuid.uuid5(uuid.UUID(app["id"]), "owner")),
        "permissions": [],
        "role": "owner",
        "updated_at": app["created_at"],
        "user": _user_ref(owner),
    }


def app_collaborators(ctx: Ctx, app: dict[str, Any]) -> list[dict[str, Any]]:
    return [_owner_entry(ctx, app), *ctx.store.all("collaborator", parent=app["id"])]


def _find(ctx: Ctx, app: dict[str, Any], ident: str) -> dict[str, Any]:
    for c in app_collaborators(ctx, app):
        if ident in (c["id"], c["user"]["id"]) or ident.lower() == c["user"]["email"].lower():
            return c
    raise ApiFault(404, "not_found", "Couldn't find that collaborator.", resource="collaborator")


def _user(ctx: Ctx, ident: str) -> dict[str, Any]:
    user = (
        ctx.store.get("account", ident)
        if UUID_RE.match(ident)
        else ctx.store.first("account", email=ident.lower())
    )
    if user is None:
        raise ApiFault(404, "not_found", "Couldn't find that user.", resource="user")
    return user


def add_collaborator(sb: Any, app: dict[str, Any], user: dict[str, Any], now: str) -> dict[str, Any]:
    """Store a collaborator entry (also used by the seed)."""
    entry = {
        "app": app_ref(app),
        "created_at": now,
        "id": sb.ids.new(),
        "permissions": [],
        "role": "collaborator",
        "updated_at": now,
        "user": _user_ref(user),
    }
    sb.store.put("collaborator", entry, parent=app["id"])
    return entry


@route("GET", "/apps/{app}/collaborators")
def access_list(ctx: Ctx, app: str) -> Any:
    return ctx.page(app_collaborators(ctx, ctx.app(app)))


@route("GET", "/apps/{app}/collaborators/{collaborator}")
def access_info(ctx: Ctx, app: str, collaborator: str) -> Any:
    return _find(ctx, ctx.app(app), collaborator)


@route("POST", "/apps/{app}/collaborators")
def access_add(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    body = ctx.json_body()
    ident = body.get("user")
    if not isinstance(ident, str) or not ident:
        raise invalid("Missing required params: user.")
    if "silent" in body and not isinstance(body["silent"], bool):
        raise invalid("silent must be a boolean.")
    if not UUID_RE.match(ident) and not EMAIL.match(ident):
        raise invalid(f"{ident} is not a valid email address.")
    user = _user(ctx, ident)
    for c in app_collaborators(ctx, record):
        if c["user"]["id"] == user["id"]:
            raise invalid(f"{user['email']} is already a collaborator on {record['name']}.")
    entry = add_collaborator(ctx.sandbox, record, user, ctx.now_iso())
    ctx.publish("collaborator", "create", {"id": entry["id"], "user": entry["user"]}, record)
    return Reply(entry, 201)


@route("DELETE", "/apps/{app}/collaborators/{collaborator}")
def access_remove(ctx: Ctx, app: str, collaborator: str) -> Any:
    record = ctx.app(app)
    found = _find(ctx, record, collaborator)
    if found["role"] == "owner":
        raise invalid("The app owner cannot be removed; transfer the app first.")
    ctx.store.delete("collaborator", found["id"])
    ctx.publish("collaborator", "destroy", {"id": found["id"], "user": found["user"]}, record)
    return found
