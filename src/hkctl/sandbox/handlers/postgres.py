"""The Postgres API (`/client/v11/...`, data host): database info, wait status, backups, download URLs.

Also serves the backup files themselves under /__sandbox__/backups/{uuid}?token=… (what a
public URL points at), and a control call that makes the next download of a backup stop early,
so tests can show that an interrupted download leaves no file behind.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.responses import Response

from hkctl.sandbox.backend import postgres as pg
from hkctl.sandbox.routing import ApiFault, Ctx, Reply, not_found, route, task


@task("pg_backup_finish")
def backup_finish(sb: Any, payload: dict[str, Any]) -> None:
    pg.finish(sb, payload)


@route("GET", "/client/v11/databases/{db}")
def pg_info(ctx: Ctx, db: str) -> Any:
    return pg.database_info(ctx.sandbox, pg.find_database(ctx.sandbox, db))


@route("GET", "/client/v11/databases/{db}/wait_status")
def pg_wait_status(ctx: Ctx, db: str) -> Any:
    addon = pg.find_database(ctx.sandbox, db)
    waiting = addon.get("state") != "provisioned"
    return {"waiting?": waiting, "message": "Provisioning" if waiting else "Available", "error?": False}


@route("POST", "/client/v11/databases/{db}/backups")
def pg_capture(ctx: Ctx, db: str) -> Any:
    addon = pg.find_database(ctx.sandbox, db)
    if addon.get("state") != "provisioned":
        raise ApiFault(422, "unprocessable_entity", "The database is not yet provisioned.")
    running = [
        t
        for t in ctx.store.all("pg-transfer", parent=addon["app"]["id"])
        if t["_addon_id"] == addon["id"] and t["finished_at"] is None
    ]
    if running:
        raise ApiFault(
            422,
            "unprocessable_entity",
            f"A backup of this database is already running (b{running[0]['num']:03d}).",
        )
    attachment = ctx.store.first("addon-attachment", addon__id=addon["id"])
    transfer = pg.capture(ctx.sandbox, addon, attachment["name"] if attachment else "DATABASE")
    return Reply(pg.serialise(ctx.sandbox, transfer), 201)


def _transfers(ctx: Ctx, app: str) -> list[dict[str, Any]]:
    record = ctx.app(app)
    return [t for t in ctx.store.all("pg-transfer", parent=record["id"]) if t["deleted_at"] is None]


def _transfer(ctx: Ctx, app: str, ident: str) -> dict[str, Any]:
    for t in _transfers(ctx, app):
        if ident in (str(t["num"]), t["uuid"]):
            return t
    raise not_found("backup")


@route("GET", "/client/v11/apps/{app}/transfers")
def pg_transfers_list(ctx: Ctx, app: str) -> Any:
    return [pg.serialise(ctx.sandbox, t) for t in _transfers(ctx, app)]


@route("GET", "/client/v11/apps/{app}/transfers/{transfer}")
def pg_transfers_info(ctx: Ctx, app: str, transfer: str) -> Any:
    verbose = ctx.query.get("verbose") == "true"
    return pg.serialise(ctx.sandbox, _transfer(ctx, app, transfer), verbose=verbose)


@route("DELETE", "/client/v11/apps/{app}/transfers/{transfer}")
def pg_transfers_delete(ctx: Ctx, app: str, transfer: str) -> Any:
    doc = _transfer(ctx, app, transfer)
    doc["deleted_at"] = pg.pg_time(ctx.now())
    ctx.store.put("pg-transfer", doc)
    return pg.serialise(ctx.sandbox, doc)


@route("POST", "/client/v11/apps/{app}/transfers/{transfer}/actions/public-url")
def pg_public_url(ctx: Ctx, app: str, transfer: str) -> Any:
    doc = _transfer(ctx, app, transfer)
    if not doc.get("succeeded"):
        raise ApiFault(
            422, "unprocessable_entity", "This backup has not finished successfully; it has no file."
        )
    if ctx.sandbox.storage_url:  # a presigned URL on the simulated object store, as Heroku's S3 one
        from hkctl.sandbox import storage

        url, expires = storage.presign_backup(ctx.sandbox, doc["uuid"])
        return {"url": url, "expires_at": pg.pg_time(expires)}
    token = doc.get("_token") or secrets.token_urlsafe(24)
    doc["_token"] = token
    ctx.store.put("pg-transfer", doc)
    return {
        "url": f"{ctx.base_url}/__sandbox__/backups/{doc['uuid']}?token={token}",
        "expires_at": pg.pg_time(ctx.now() + 600),
    }


@route("GET", "/__sandbox__/backups/{uuid}")
def backup_file(ctx: Ctx, uuid: str) -> Any:
    doc = ctx.store.get("pg-transfer", uuid)
    if doc is None or not doc.get("_token") or ctx.query.get("token") != doc["_token"]:
        return Response(b"AccessDenied", status_code=403, media_type="text/plain")
    data = pg.backup_bytes(doc)
    cut = doc.pop("_truncate_at", None)
    if cut is not None:  # a one-shot fault: the connection "drops" after `cut` bytes
        ctx.store.put("pg-transfer", doc)
        data = data[: int(cut)]
    return Response(data, media_type="application/octet-stream")


@route("PUT", "/__sandbox__/backups/{uuid}/fault")
def backup_fault(ctx: Ctx, uuid: str) -> Any:
    """Make the next download of this backup stop after `truncate_at` bytes."""
    doc = ctx.store.get("pg-transfer", uuid)
    if doc is None:
        raise not_found("backup")
    body = ctx.body if isinstance(ctx.body, dict) else {}
    doc["_truncate_at"] = int(body.get("truncate_at", 0))
    ctx.store.put("pg-transfer", doc)
    return {"uuid": uuid, "truncate_at": doc["_truncate_at"]}
