"""Slugs: info (slugs are made by successful builds, see backend/builds.py)."""

from __future__ import annotations

import io
import tarfile
from typing import Any

from starlette.responses import Response

from hkctl.sandbox.backend.builds import present
from hkctl.sandbox.routing import ApiFault, Ctx, route


@route("GET", "/apps/{app}/slugs/{slug}")
def slugs_info(ctx: Ctx, app: str, slug: str) -> Any:
    record = ctx.app(app)
    found = ctx.store.get("slug", slug)
    if found is None or found.get("_app") != record["id"]:
        raise ApiFault(404, "not_found", "Couldn't find that slug.", resource="slug")
    return present(found, ctx.base_url)


@route("GET", "/__sandbox__/slugs/{name}")
def slug_blob(ctx: Ctx, name: str) -> Any:
    """The slug's `blob.url`: a small gzipped tarball standing in for the compiled app."""
    found = ctx.store.get("slug", name.removesuffix(".tgz"))
    if found is None:
        raise ApiFault(404, "not_found", "Couldn't find that slug.")
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as tar:
        procfile = "".join(f"{k}: {v}\n" for k, v in found["process_types"].items()).encode()
        info = tarfile.TarInfo("app/Procfile")
        info.size = len(procfile)
        tar.addfile(info, io.BytesIO(procfile))
    return Response(data.getvalue(), media_type="application/gzip")
