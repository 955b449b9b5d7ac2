"""Releases in the sandbox: every config change, add-on change, build and rollback makes one.

A release keeps the slug and the config it was made with (in private `_config`), so a rollback can
restore both, as Heroku does.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.backend.apps import app_ref, touch
from hkctl.sandbox.clock import iso

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox


def current(sb: Sandbox, app: dict[str, Any]) -> dict[str, Any] | None:
    rows = [r for r in sb.store.all("release", parent=app["id"]) if r["current"]]
    return rows[-1] if rows else None


def create_release(
    sb: Sandbox,
    app: dict[str, Any],
    *,
    description: str,
    user: dict[str, Any],
    slug_id: str | None = None,
    config: dict[str, str] | None = None,
    addon_plan_names: list[str] | None = None,
    status: str = "succeeded",
) -> dict[str, Any]:
    """Append a release; it becomes current when it succeeded. Config defaults to the app's."""
    prev = current(sb, app)
    version = sb.store.next(f"release-version:{app['id']}")
    if slug_id is None and prev and prev.get("slug"):
        slug_id = prev["slug"]["id"]
    now = iso(sb.clock.now())
    release = {
        "id": str(uuid.uuid4()),
        "version": version,
        "status": status,
        "description": description,
        "created_at": now,
        "updated_at": now,
        "slug": {"id": slug_id} if slug_id else None,
        "user": {"email": user.get("email", ""), "id": user.get("id", "")},
        "app": app_ref(app),
        "current": False,
        "addon_plan_names": addon_plan_names
        if addon_plan_names is not None
        else (prev or {}).get("addon_plan_names", []),
        "artifacts": [{"id": slug_id, "type": "slug"}] if slug_id else [],
        "output_stream_url": None,
        "eligible_for_rollback": True,
        "_config": dict(app.get("_config", {}) if config is None else config),
    }
    if status == "succeeded":
        for r in sb.store.all("release", parent=app["id"]):
            if r["current"]:
                r["current"] = False
                sb.store.put("release", r)
        release["current"] = True
        app["released_at"] = now
        touch(sb, app)
    sb.store.put("release", release, parent=app["id"])
    sb.publish(
        "release",
        "create",
        {"id": release["id"], "version": version, "description": description},
        app,
        actor=user,
    )
    return release
