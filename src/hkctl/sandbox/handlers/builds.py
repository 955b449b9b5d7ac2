"""Builds: create from a source blob, list (Range id / started_at), info, cancel, and the output stream."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response, StreamingResponse

from hkctl.sandbox.backend import builds as bk
from hkctl.sandbox.routing import ApiFault, Ctx, Reply, invalid, route, task

STREAM_LIMIT = 900.0  # seconds a build output stream stays open at most


def _build(ctx: Ctx, app: dict[str, Any], ident: str) -> dict[str, Any]:
    found = ctx.store.get("build", ident)
    if found is None or found["app"]["id"] != app["id"]:
        raise ApiFault(404, "not_found", "Couldn't find that build.", resource="build")
    return found


@route("POST", "/apps/{app}/builds")
def builds_create(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    body = ctx.json_body()
    blob = body.get("source_blob")
    if not isinstance(blob, dict) or not isinstance(blob.get("url"), str) or not blob["url"]:
        raise invalid("source_blob.url is required.")
    if blob.get("version") is not None and not isinstance(blob["version"], str):
        raise invalid("source_blob.version must be a string.")
    packs = body.get("buildpacks")
    if packs is not None and (
        not isinstance(packs, list)
        or not all(isinstance(p, dict) and (p.get("url") or p.get("name")) for p in packs)
    ):
        raise invalid("buildpacks must be an array of {url} or {name} objects.")
    build = bk.new_build(ctx.sandbox, record, source_blob=blob, buildpacks=packs, user=ctx.account)
    ctx.publish("build", "create", {"id": build["id"], "status": "pending"}, record)
    return Reply(bk.present(build, ctx.base_url), 201)


@route("GET", "/apps/{app}/builds")
def builds_list(ctx: Ctx, app: str) -> Any:
    rows = ctx.store.all("build", parent=ctx.app(app)["id"])
    # `started_at` is a sort key Heroku accepts but does not serialise: add it for sorting, then drop it.
    reply = ctx.page([{**b, "started_at": _started(b)} for b in rows], allowed=("id", "started_at"))
    reply.body = [
        bk.present({k: v for k, v in b.items() if k != "started_at"}, ctx.base_url) for b in reply.body
    ]
    return reply


def _started(build: dict[str, Any]) -> str:
    stamp = datetime.fromtimestamp(build.get("_created_ts", 0.0), UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@route("GET", "/apps/{app}/builds/{build}")
def builds_info(ctx: Ctx, app: str, build: str) -> Any:
    return bk.present(_build(ctx, ctx.app(app), build), ctx.base_url)


@route("DELETE", "/apps/{app}/builds/{build}")
def builds_cancel(ctx: Ctx, app: str, build: str) -> Any:
    record = ctx.app(app)
    found = _build(ctx, record, build)
    if found["status"] != "pending":
        raise invalid(f"Build is already {found['status']}.")
    found["_output"] += [" !     Build canceled", " !     Push failed"]
    found.update(status="failed", updated_at=ctx.now_iso())
    ctx.store.put("build", found, parent=record["id"])
    return bk.present(found, ctx.base_url)


@route("GET", "/__sandbox__/builds/{build}/output")
def build_output(ctx: Ctx, build: str) -> Any:
    """text/plain: lines appear over the build's duration; the stream ends when the build does."""
    sb = ctx.sandbox
    sb.run_due()
    doc = sb.store.get("build", build)
    if doc is None:
        raise ApiFault(404, "not_found", "Couldn't find that build.")
    if doc["status"] != "pending":  # finished: the whole output at once, no stream to keep open
        text = "".join(line + "\n" for line in doc["_output"])
        return Response(text.encode(), media_type="text/plain; charset=utf-8")

    def lines() -> Iterator[bytes]:
        sent = 0
        started = time.monotonic()
        while True:
            sb.run_due()
            doc = sb.store.get("build", build) or {}
            output, done = doc.get("_output", []), doc.get("status") != "pending"
            if done:
                visible = len(output)
            else:  # reveal the steps in proportion to the time the build has run
                duration = sb.config.duration("build") or 1.0
                share = (sb.clock.now() - doc.get("_created_ts", 0.0)) / duration
                visible = min(len(output), int(len(output) * max(0.0, share)) + 1)
            while sent < visible:
                yield (output[sent] + "\n").encode()
                sent += 1
            if done or sb.clock.manual or time.monotonic() - started > STREAM_LIMIT:
                return
            time.sleep(0.2)

    return StreamingResponse(lines(), media_type="text/plain; charset=utf-8")


@task("build_finish")
def _build_finish(sb: Any, payload: dict[str, Any]) -> None:
    bk.finish(sb, payload)
