"""Releases in the sandbox: every config change, add-on change, build and rollback makes one.

A release keeps the slug and the config it was made with (in private `_config`), so a rollback can
restore both, as Heroku does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hkctl.sandbox.backend.apps import app_ref, touch
from hkctl.sandbox.clock import iso

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox


def current(sb: Sandbox, app: dict[str, Any]) -> dict[str, Any] | None:
    # Filtered in SQL: decoding every release (each carries its config) made writes O(releases).
    rows = sb.store.find("release", parent=app["id"], current=True)
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
        "id": sb.ids.new(),
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
        # Only a release that ran code can be rolled back to (the official CLI relies on this flag).
        "eligible_for_rollback": bool(slug_id) and status == "succeeded",
        "_config": dict(app.get("_config", {}) if config is None else config),
    }
    if status == "succeeded":
        for r in sb.store.find("release", parent=app["id"], current=True):
            r["current"] = False
            sb.store.put("release", r)
        release["current"] = True
        app["released_at"] = now
        touch(sb, app)
    sb.store.put("release", release, parent=app["id"])
    if status == "succeeded":
        from hkctl.sandbox.backend.dynos import on_release

        on_release(sb, app)  # every new release restarts the formation's dynos on it
    sb.publish(
        "release",
        "create",
        {"id": release["id"], "version": version, "description": description},
        app,
        actor=user,
    )
    return release


#: What a new app's release history starts with, as the Dev Center's releases article shows it.
FIRST_RELEASES = ("Initial release", "Enable Logplex")


def first_releases(sb: Sandbox, app: dict[str, Any], user: dict[str, Any]) -> None:
    """v1 `Initial release` and v2 `Enable Logplex`: no slug yet, so neither can be rolled back to."""
    for description in FIRST_RELEASES:
        create_release(sb, app, description=description, user=user)


def find_release(sb: Sandbox, app: dict[str, Any], ident: Any) -> dict[str, Any] | None:
    """A release by id, by version (`42`), or as the spec writes it (`v42`)."""
    text = str(ident)
    version = text[1:] if text[:1] in ("v", "V") else text
    if version.isascii() and version.isdigit() and len(version) <= 10:  # not '²', nor 5,000 digits
        return sb.store.first("release", parent=app["id"], version=int(version))
    return sb.store.first("release", parent=app["id"], id=text)


def rollback(
    sb: Sandbox, app: dict[str, Any], target: dict[str, Any], *, user: dict[str, Any]
) -> dict[str, Any]:
    """A new release `Rollback to vN` running the target's slug with the target's config restored."""
    from hkctl.sandbox.routing import invalid

    if not target.get("eligible_for_rollback") or not target.get("slug"):
        raise invalid(f"Cannot roll back to v{target['version']}: it has no slug to run.")
    # Add-ons are not rolled back, so the config vars the attached add-ons own keep their values.
    owned = {
        key for addon in sb.store.all("addon", parent=app["id"]) for key in addon.get("config_vars") or ()
    }
    now = dict(app.get("_config", {}))
    config = {k: v for k, v in dict(target.get("_config", {})).items() if k not in owned}
    config.update({k: v for k, v in now.items() if k in owned})
    app["_config"] = config
    sb.store.put("app", app)
    return create_release(
        sb,
        app,
        description=f"Rollback to v{target['version']}",
        user=user,
        slug_id=target["slug"]["id"],
        config=config,
    )
