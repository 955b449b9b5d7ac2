"""Add-ons and their attachments: list, info, create, change plan, destroy, resolve."""

from __future__ import annotations

from typing import Any

from hkctl.sandbox.backend import addons as backend
from hkctl.sandbox.routing import UUID_RE, Ctx, Reply, invalid, not_found, route, task


def _str(body: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise invalid(f"Missing required params: {key}.")
        return None
    if not isinstance(value, str):
        raise invalid(f"{key} must be a string.")
    return value


@route("GET", "/addons")
def addons_list_all(ctx: Ctx) -> Any:
    return ctx.page(ctx.store.all("addon"))


@route("GET", "/addons/{addon}")
def addons_info_global(ctx: Ctx, addon: str) -> Any:
    return backend.find_addon(ctx.sandbox, addon)


@route("GET", "/apps/{app}/addons")
def addons_list(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    owned = backend.app_addons(ctx.sandbox, record)
    ids = {a["id"] for a in owned}
    # Add-ons attached from another app are listed too, as on Heroku.
    for att in ctx.store.all("addon-attachment", parent=record["id"]):
        if att["addon"]["id"] not in ids:
            other = ctx.store.get("addon", att["addon"]["id"])
            if other:
                owned.append(other)
                ids.add(other["id"])
    return ctx.page(owned)


@route("GET", "/apps/{app}/addons/{addon}")
def addons_info(ctx: Ctx, app: str, addon: str) -> Any:
    return backend.find_addon(ctx.sandbox, addon, ctx.app(app))


@route("POST", "/apps/{app}/addons")
def addons_create(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    body = ctx.json_body()
    if isinstance(body.get("plan"), dict):  # the official CLI sends {"name": "svc:plan"}; Heroku takes it
        body = {**body, "plan": body["plan"].get("name") or body["plan"].get("id")}
    plan = _str(body, "plan", required=True)
    config = body.get("config") or {}
    if not isinstance(config, dict) or not all(isinstance(v, str) for v in config.values()):
        raise invalid("config must be an object of strings.")
    attachment = body.get("attachment") or {}
    if not isinstance(attachment, dict):
        raise invalid("attachment must be an object.")
    created = backend.provision(
        ctx.sandbox,
        record,
        plan or "",
        user=ctx.account,
        name=_str(body, "name"),
        attachment_name=_str(attachment, "name"),
        config=config,
    )
    return Reply(created, 201)


@route("PATCH", "/apps/{app}/addons/{addon}")
def addons_upgrade(ctx: Ctx, app: str, addon: str) -> Any:
    record = ctx.app(app)
    found = backend.find_addon(ctx.sandbox, addon, record)
    body = ctx.json_body()
    plan = _str(body, "plan", required=True)
    return backend.change_plan(ctx.sandbox, record, found, plan or "", user=ctx.account)


@route("DELETE", "/apps/{app}/addons/{addon}")
def addons_destroy(ctx: Ctx, app: str, addon: str) -> Any:
    record = ctx.app(app)
    found = backend.find_addon(ctx.sandbox, addon, record)
    if found["app"]["id"] != record["id"]:
        raise invalid(f"{found['name']} is billed to another app; destroy it there or detach it here.")
    return backend.deprovision(ctx.sandbox, record, found, user=ctx.account)


@route("POST", "/actions/addons/resolve")
def addons_resolve(ctx: Ctx) -> Any:
    body = ctx.json_body()
    ident = _str(body, "addon", required=True) or ""
    app_ident = _str(body, "app")
    app = ctx.app(app_ident) if app_ident else None
    rows = backend.resolve(ctx.sandbox, ident, app=app, service=_str(body, "addon_service"))
    return _one_or_ambiguous(rows, ident, "add-on")


@task("addon-provisioned")
def addon_provisioned(sb: Any, payload: dict[str, Any]) -> None:
    backend.mark_provisioned(sb, payload)


# ------------------------------------------------------------------ attachments
@route("GET", "/addon-attachments")
def attachments_list(ctx: Ctx) -> Any:
    return ctx.page(included(ctx, ctx.store.all("addon-attachment")))


@route("GET", "/addon-attachments/{attachment}")
def attachments_info(ctx: Ctx, attachment: str) -> Any:
    found = ctx.store.get("addon-attachment", attachment) if UUID_RE.match(attachment) else None
    if found is None:
        raise not_found("add-on attachment")
    return found


@route("GET", "/apps/{app}/addon-attachments")
def attachments_list_app(ctx: Ctx, app: str) -> Any:
    return ctx.page(included(ctx, ctx.store.all("addon-attachment", parent=ctx.app(app)["id"])))


@route("GET", "/apps/{app}/addon-attachments/{attachment}")
def attachments_info_app(ctx: Ctx, app: str, attachment: str) -> Any:
    record = ctx.app(app)
    for att in ctx.store.all("addon-attachment", parent=record["id"]):
        if attachment in (att["id"], att["name"]):
            return att
    raise not_found("add-on attachment")


@route("GET", "/addons/{addon}/addon-attachments")
def attachments_list_addon(ctx: Ctx, addon: str) -> Any:
    return ctx.page(
        included(ctx, backend.attachments_of(ctx.sandbox, backend.find_addon(ctx.sandbox, addon)))
    )


@route("POST", "/actions/addon-attachments/resolve")
def attachments_resolve(ctx: Ctx) -> Any:
    body = ctx.json_body()
    ident = _str(body, "addon_attachment", required=True) or ""
    app_ident = _str(body, "app")
    app = ctx.app(app_ident) if app_ident else None
    service = _str(body, "addon_service")
    rows = []
    for att in ctx.store.all("addon-attachment"):
        if app is not None and att["app"]["id"] != app["id"]:
            continue
        if ident in (att["id"], att["addon"]["name"]) or ident.upper() == att["name"]:
            addon = ctx.store.get("addon", att["addon"]["id"])
            if service is None or (addon and addon["addon_service"]["name"] == service):
                rows.append(att)
    if not rows:
        raise not_found("add-on attachment")
    return _one_or_ambiguous(included(ctx, rows), ident, "add-on attachment")


def _one_or_ambiguous(rows: list[dict[str, Any]], ident: str, what: str) -> Any:
    """Heroku answers a list, and 422 multiple_matches when the name is ambiguous."""
    from hkctl.sandbox.routing import ApiFault

    if len(rows) > 1:
        raise ApiFault(
            422,
            "multiple_matches",
            f"Ambiguous identifier; multiple matching {what}s found: {ident}. Specify the app.",
        )
    return rows


def included(ctx: Ctx, attachments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`Accept-Inclusion: addon:plan,config_vars` (the official CLI's pg and add-on commands send it):
    each attachment's `addon` gains its `plan`, and the attachment its `config_vars` names."""
    from hkctl.sandbox.backend.catalog import SERVICES

    wanted = {w.strip() for w in ctx.headers.get("accept-inclusion", "").split(",") if w.strip()}
    if not wanted:
        return attachments
    out = []
    for att in attachments:
        att = dict(att)
        addon = ctx.store.get("addon", att["addon"]["id"]) or {}
        if "addon:plan" in wanted and addon:
            att["addon"] = {**att["addon"], "plan": dict(addon["plan"])}
        if "config_vars" in wanted:
            svc = next((x for x in SERVICES if x.name == addon.get("addon_service", {}).get("name")), None)
            att["config_vars"] = [f"{att['name']}_{suffix}" for suffix in (svc.var_suffixes if svc else ())]
        out.append(att)
    return out
