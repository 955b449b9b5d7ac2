"""Sources: POST /sources hands out a put_url and a get_url, presigned on the simulated object store.

The URLs carry a signature (S3's presigned form, sandbox/storage.py) instead of the API token: the
client sends no token to them. A sandbox without a storage origin serves them itself, under
/__sandbox__/sources. PUT stores the bytes, GET returns them; builds read them straight from the store.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from starlette.responses import Response

from hkctl.sandbox.routing import ApiFault, Ctx, Reply, route

MAX_BYTES = 50 * 1024 * 1024


def _blob(ctx: Ctx, source: str) -> dict[str, Any]:
    blob = ctx.store.get("source-blob", source)
    if blob is None or ctx.query.get("sig") != blob["_sig"]:
        raise ApiFault(403, "forbidden", "Request has expired or the signature does not match.")
    return blob


@route("POST", "/sources")
def sources_create(ctx: Ctx) -> Any:
    source_id, sig = ctx.new_id(), secrets.token_hex(16)
    ctx.store.put("source-blob", {"id": source_id, "_sig": sig, "_data": None, "_created": ctx.now_iso()})
    if ctx.sandbox.storage_url:  # presigned URLs on the simulated object store, as Heroku's S3 ones
        from hkctl.sandbox import storage

        get_url = storage.presign_source(ctx.sandbox, source_id, "GET")
        put_url = storage.presign_source(ctx.sandbox, source_id, "PUT")
        return Reply({"source_blob": {"get_url": get_url, "put_url": put_url}}, 201)
    url = f"{ctx.base_url}/__sandbox__/sources/{source_id}?sig={sig}"
    return Reply({"source_blob": {"get_url": url, "put_url": url}}, 201)


@route("PUT", "/__sandbox__/sources/{source}")
def sources_put(ctx: Ctx, source: str) -> Any:
    blob = _blob(ctx, source)
    data = ctx.body if isinstance(ctx.body, bytes) else json.dumps(ctx.body).encode()
    if len(data) > MAX_BYTES:
        raise ApiFault(413, "too_large", "Source tarballs are limited to 50 MB in the sandbox.")
    blob["_data"] = base64.b64encode(data).decode()
    ctx.store.put("source-blob", blob)
    return Response(b"", status_code=200)


@route("GET", "/__sandbox__/sources/{source}")
def sources_get(ctx: Ctx, source: str) -> Any:
    blob = _blob(ctx, source)
    if blob["_data"] is None:
        raise ApiFault(404, "not_found", "Nothing was uploaded to this source yet.")
    return Response(base64.b64decode(blob["_data"]), media_type="application/octet-stream")
