"""Add-ons in the sandbox: provision (config vars, attachment, release), change plan, deprovision.

An add-on is a document of kind "addon" (parent = its app's id) in the official add-on shape; its
attachments are documents of kind "addon-attachment". Heroku's rules followed here: attaching sets
`<ATTACHMENT>_URL` (or the service's own vars) and makes a release `Attach DATABASE (@ref:NAME)`;
a second database on the same app is attached as `HEROKU_POSTGRESQL_<COLOR>`; destroying removes the
vars with a `Detach …` release. Databases provision asynchronously (duration "addon").
"""

from __future__ import annotations

import random
import re
import secrets
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.backend.apps import app_ref
from hkctl.sandbox.backend.catalog import SERVICES, Plan, Service, resolve_plan, stable_id
from hkctl.sandbox.backend.releases import create_release
from hkctl.sandbox.clock import iso
from hkctl.sandbox.routing import UUID_RE, ApiFault, invalid, not_found

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

ADDON_NAME = re.compile(r"^[a-zA-Z][A-Za-z0-9_-]+$")
ATTACHMENT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_WORDS = ("curved", "amorphous", "rigid", "clear", "convex", "flat", "solid", "spherical", "tapered")
_COLORS = ("AMBER", "BLUE", "COBALT", "CRIMSON", "GOLD", "GREEN", "OLIVE", "ONYX", "PURPLE", "TEAL")


def service_of(addon: dict[str, Any]) -> Service:
    name = addon["addon_service"]["name"]
    return next(s for s in SERVICES if s.name == name)


def app_addons(sb: Sandbox, app: dict[str, Any]) -> list[dict[str, Any]]:
    return sb.store.all("addon", parent=app["id"])


def attachments_of(sb: Sandbox, addon: dict[str, Any]) -> list[dict[str, Any]]:
    return sb.store.find("addon-attachment", addon__id=addon["id"])


def find_addon(sb: Sandbox, ident: str, app: dict[str, Any] | None = None) -> dict[str, Any]:
    """An add-on by id, name, or (within `app`) attachment name; Heroku's 404 otherwise."""
    addon = sb.store.get("addon", ident) if UUID_RE.match(ident) else sb.store.first("addon", name=ident)
    if addon is None and app is not None:
        att = sb.store.first("addon-attachment", app__id=app["id"], name=ident.upper())
        addon = sb.store.get("addon", att["addon"]["id"]) if att else None
    if addon is None or (app is not None and not _visible_in(sb, addon, app)):
        raise ApiFault(404, "not_found", "Couldn't find that add-on.", resource="add-on")
    return addon


def _visible_in(sb: Sandbox, addon: dict[str, Any], app: dict[str, Any]) -> bool:
    return addon["app"]["id"] == app["id"] or bool(
        sb.store.first("addon-attachment", app__id=app["id"], addon__id=addon["id"])
    )


def _new_name(sb: Sandbox, svc: Service) -> str:
    rng = random.Random(sb.store.next("addon-name"))
    return f"{svc.short}-{rng.choice(_WORDS)}-{rng.randint(10000, 99999)}"


def _attachment_name(sb: Sandbox, app: dict[str, Any], svc: Service, wanted: str | None) -> str:
    taken = {a["name"] for a in sb.store.all("addon-attachment", parent=app["id"])}
    if wanted:
        if not ATTACHMENT_NAME.match(wanted.upper()):
            raise invalid("Attachment name must start with a letter and contain only letters, digits, _.")
        if wanted.upper() in taken:
            raise invalid(f"Attachment name {wanted.upper()} is already taken on this app.")
        return wanted.upper()
    if svc.attachment not in taken:
        return svc.attachment
    for color in _COLORS:
        candidate = f"HEROKU_{svc.short.upper()}_{color}"
        if candidate not in taken:
            return candidate
    raise invalid("Too many add-ons of this kind on this app.")


def _secret_value(svc: Service, suffix: str) -> str:
    h = secrets.token_hex(32)  # add-on credentials are secrets, not ids (sandbox/ids.py)
    host = f"ec2-{int(h[0:2], 16)}-{int(h[2:4], 16)}-{int(h[4:6], 16)}-{int(h[6:8], 16)}"
    if svc.name == "heroku-postgresql":
        return f"postgres://u{h[8:20]}:p{h[20:52]}@{host}.compute-1.amazonaws.com:5432/d{h[52:64]}"
    if svc.name == "heroku-redis":
        return f"rediss://:p{h[8:40]}@{host}.compute-1.amazonaws.com:{6000 + int(h[40:43], 16) % 3000}"
    if suffix.endswith("TOKEN"):
        return h[:20]
    return f"https://{svc.short}.addons.example/{h[:24]}"


def addon_plan_names(sb: Sandbox, app: dict[str, Any]) -> list[str]:
    return [a["plan"]["name"] for a in app_addons(sb, app) if a["state"] != "deprovisioned"]


def _release(
    sb: Sandbox, app: dict[str, Any], description: str, user: dict[str, Any], changes: dict[str, str | None]
) -> None:
    config = dict(app.get("_config", {}))
    for key, value in changes.items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    app["_config"] = config
    sb.store.put("app", app)
    create_release(sb, app, description=description, user=user, addon_plan_names=addon_plan_names(sb, app))


def provision(
    sb: Sandbox,
    app: dict[str, Any],
    plan_spec: str,
    *,
    user: dict[str, Any],
    name: str | None = None,
    attachment_name: str | None = None,
    config: dict[str, str] | None = None,
    state: str | None = None,
) -> dict[str, Any]:
    """Create an add-on, attach it, set its config vars and make the Attach release."""
    resolved = resolve_plan(plan_spec) if isinstance(plan_spec, str) else None
    if resolved is None:
        raise invalid(f'Couldn\'t find either the add-on service or the add-on plan of "{plan_spec}".')
    svc, plan = resolved
    if name is not None:
        if not isinstance(name, str) or not ADDON_NAME.match(name):
            raise invalid("Name must start with a letter and contain only letters, digits, - and _.")
        if sb.store.first("addon", name=name):
            raise invalid(f"Name {name} is already taken.")
    name = name or _new_name(sb, svc)
    attach_as = _attachment_name(sb, app, svc, attachment_name)
    now = iso(sb.clock.now())
    addon_id = sb.ids.new()
    vars_ = {f"{attach_as}_{suffix}": _secret_value(svc, suffix) for suffix in svc.var_suffixes}
    state = state or ("provisioning" if svc.asynchronous else "provisioned")
    addon: dict[str, Any] = {
        "actions": [],
        "addon_service": {"id": svc.id, "name": svc.name},
        "billing_entity": {"id": app["id"], "name": app["name"], "type": "app"},
        "app": app_ref(app),
        "billed_price": _price(plan),
        "config_vars": list(vars_),
        "created_at": now,
        "id": addon_id,
        "name": name,
        "plan": {"id": stable_id("plan", svc.name, plan.name), "name": f"{svc.name}:{plan.name}"},
        "provider_id": f"resource{sb.store.next('addon-provider')}@heroku.com",
        "state": state,
        "updated_at": now,
        "web_url": f"https://addons-sso.heroku.com/apps/{app['id']}/addons/{addon_id}",
        "_config": dict(config or {}),
    }
    addon["provision_message"] = provision_message(svc.name, svc.human_name, state)
    sb.store.put("addon", addon, parent=app["id"])
    attachment = {
        "addon": {"id": addon_id, "name": name, "app": app_ref(app)},
        "app": app_ref(app),
        "created_at": now,
        "id": sb.ids.new(),
        "name": attach_as,
        "namespace": None,
        "updated_at": now,
        "web_url": addon["web_url"],
        "log_input_url": None,
    }
    sb.store.put("addon-attachment", attachment, parent=app["id"])
    _release(sb, app, f"Attach {attach_as} (@ref:{name})", user, dict(vars_))
    sb.publish("addon", "create", _event(addon), app, actor=user)
    sb.publish("addon-attachment", "create", {"id": attachment["id"], "name": attach_as}, app, actor=user)
    if state == "provisioning":
        sb.schedule(sb.config.duration("addon"), "addon-provisioned", {"addon_id": addon_id})
    return addon


def change_plan(
    sb: Sandbox, app: dict[str, Any], addon: dict[str, Any], plan_spec: str, *, user: dict[str, Any]
) -> dict[str, Any]:
    resolved = resolve_plan(plan_spec) if isinstance(plan_spec, str) else None
    if resolved is None:
        raise invalid(f'Couldn\'t find either the add-on service or the add-on plan of "{plan_spec}".')
    svc, plan = resolved
    if svc.name != addon["addon_service"]["name"]:
        raise invalid(f"Plan {svc.name}:{plan.name} does not belong to {addon['addon_service']['name']}.")
    new_name = f"{svc.name}:{plan.name}"
    if new_name == addon["plan"]["name"]:
        raise invalid(f"{addon['name']} is already on {new_name}.")
    addon["plan"] = {"id": stable_id("plan", svc.name, plan.name), "name": new_name}
    addon["billed_price"] = _price(plan)
    addon["updated_at"] = iso(sb.clock.now())
    sb.store.put("addon", addon)
    _release(sb, app, f"Upgrade @ref:{addon['name']} to {new_name}", user, {})
    sb.publish("addon", "update", _event(addon), app, actor=user)
    return addon


def deprovision(
    sb: Sandbox, app: dict[str, Any], addon: dict[str, Any], *, user: dict[str, Any]
) -> dict[str, Any]:
    """Detach everywhere (removing the vars, one release per app), delete, answer `deprovisioned`."""
    svc = service_of(addon)
    attachments = attachments_of(sb, addon)
    sb.store.delete("addon", addon["id"])  # first, so the releases no longer list its plan
    for att in attachments:
        sb.store.delete("addon-attachment", att["id"])
        owner = sb.store.get("app", att["app"]["id"])
        if owner is not None:
            gone: dict[str, str | None] = {f"{att['name']}_{s}": None for s in svc.var_suffixes}
            _release(sb, owner, f"Detach {att['name']} (@ref:{addon['name']})", user, gone)
    addon["state"] = "deprovisioned"
    addon["updated_at"] = iso(sb.clock.now())
    sb.publish("addon", "destroy", _event(addon), app, actor=user)
    return addon


def _price(plan: Plan) -> dict[str, Any]:
    return {"cents": plan.cents, "contract": False, "unit": "month"}


def _event(addon: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": addon["id"],
        "name": addon["name"],
        "plan": addon["plan"],
        "state": addon["state"],
        "addon_service": addon["addon_service"],
    }


def provision_message(service: str, human_name: str, state: str) -> str:
    """The provider's message, which the API answers on every add-on (a string, per the schema)."""
    if state == "provisioning":
        return f"{human_name} is being provisioned and will be available shortly."
    if service == "heroku-postgresql":
        return (
            "Database has been created and is available\n ! This database is empty. If upgrading, you can "
            "transfer\n ! data from another database with pg:copy"
        )
    return ""


def mark_provisioned(sb: Sandbox, payload: dict[str, Any]) -> None:
    """The end of provisioning (scheduled by `provision`, run by the handler module's task)."""
    addon = sb.store.get("addon", payload["addon_id"])
    if addon is None or addon["state"] != "provisioning":
        return
    addon["state"] = "provisioned"
    service = addon["addon_service"]["name"]
    addon["provision_message"] = provision_message(service, service, "provisioned")
    addon["updated_at"] = iso(sb.clock.now())
    sb.store.put("addon", addon)
    app = sb.store.get("app", addon["app"]["id"])
    sb.publish("addon", "update", _event(addon), app)


def resolve(
    sb: Sandbox, ident: str, *, app: dict[str, Any] | None, service: str | None
) -> list[dict[str, Any]]:
    """POST /actions/addons/resolve: every add-on `ident` may mean (id, name, attachment name)."""
    found: dict[str, dict[str, Any]] = {}
    direct = sb.store.get("addon", ident) if UUID_RE.match(ident) else sb.store.first("addon", name=ident)
    if direct:
        found[direct["id"]] = direct
    atts = sb.store.find("addon-attachment", name=ident.upper())
    for att in atts:
        if app is None or att["app"]["id"] == app["id"]:
            a = sb.store.get("addon", att["addon"]["id"])
            if a:
                found[a["id"]] = a
    if (
        not found and app is not None
    ):  # a service name (`heroku-postgresql`) means that service's add-ons here
        for att in sb.store.all("addon-attachment", parent=app["id"]):
            a = sb.store.get("addon", att["addon"]["id"])
            if a and a["addon_service"]["name"] == ident:
                found[a["id"]] = a
    rows = [a for a in found.values() if app is None or _visible_in(sb, a, app)]
    if service:
        rows = [a for a in rows if a["addon_service"]["name"] == service]
    if not rows:
        raise not_found("add-on")
    return rows
