"""Domains: the app's default herokuapp.com domain and custom domains with a DNS target.

A custom domain gets a `cname` (`<words>-<hex>.herokudns.com`) and moves `pending` → `succeeded`
after duration "domain" (the DNS target is provisioned). The default domain is derived from the
app's web_url and is never stored, so a renamed app still has the right one.
"""

from __future__ import annotations

import random
import re
import uuid
from typing import Any
from urllib.parse import urlsplit

from hkctl.sandbox.backend.apps import app_ref
from hkctl.sandbox.clock import iso
from hkctl.sandbox.routing import ApiFault, Ctx, Reply, invalid, route, task

HOSTNAME = re.compile(r"^(\*\.)?(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
_WORDS = ("fathomless", "shallow", "silent", "secret", "sinuous", "symmetrical", "tubular", "opaque")


def default_domain(app: dict[str, Any]) -> dict[str, Any]:
    host = urlsplit(app["web_url"]).hostname or f"{app['name']}.herokuapp.com"
    return {
        "acm_status": None,
        "acm_status_reason": None,
        "app": app_ref(app),
        "cname": None,
        "created_at": app["created_at"],
        "hostname": host,
        "id": str(uuid.uuid5(uuid.UUID(app["id"]), "default-domain")),
        "kind": "heroku",
        "updated_at": app["created_at"],
        "status": "none",
        "sni_endpoint": None,
    }


def app_domains(ctx: Ctx, app: dict[str, Any]) -> list[dict[str, Any]]:
    return [default_domain(app), *ctx.store.all("domain", parent=app["id"])]


def _find(ctx: Ctx, app: dict[str, Any], ident: str) -> dict[str, Any]:
    for d in app_domains(ctx, app):
        if ident == d["id"] or ident.lower() == d["hostname"]:
            return d
    raise ApiFault(404, "not_found", "Couldn't find that domain.", resource="domain")


def create_custom(sb: Any, app: dict[str, Any], hostname: str, sni: dict[str, Any] | None) -> dict[str, Any]:
    """A custom domain, pending until its DNS target exists (also used by the seed)."""
    hostname = hostname.lower().rstrip(".")
    if not HOSTNAME.match(hostname) or len(hostname) > 253:
        raise invalid(f"{hostname} is not a valid hostname.")
    if hostname.endswith((".herokuapp.com", ".herokudns.com")):
        raise invalid(f"{hostname} is a Heroku-managed domain and cannot be added.")
    existing = sb.store.first("domain", hostname=hostname)
    if existing is not None:
        where = "this app" if existing["app"]["id"] == app["id"] else "another app"
        raise invalid(f"{hostname} is already added to {where}.")
    rng = random.Random(sb.store.next("domain-cname"))
    now = sb.clock.now()
    domain = {
        "acm_status": "pending" if app.get("acm") else None,
        "acm_status_reason": None,
        "app": app_ref(app),
        "cname": f"{rng.choice(_WORDS)}-{rng.choice(_WORDS)}-{rng.getrandbits(40):010x}.herokudns.com",
        "created_at": iso(now),
        "hostname": hostname,
        "id": sb.ids.new(),
        "kind": "custom",
        "updated_at": iso(now),
        "status": "pending",
        "sni_endpoint": sni,
    }
    sb.store.put("domain", domain, parent=app["id"])
    sb.schedule(sb.config.duration("domain"), "domain-provisioned", {"domain_id": domain["id"]})
    return domain


def _sni_ref(ctx: Ctx, app: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | None:
    if "sni_endpoint" not in body or body["sni_endpoint"] is None:
        return None
    ident = body["sni_endpoint"]
    if not isinstance(ident, str):
        raise invalid("sni_endpoint must be a string or null.")
    for cert in ctx.store.all("sni-endpoint", parent=app["id"]):
        if ident in (cert["id"], cert["name"]):
            return {"id": cert["id"], "name": cert["name"]}
    raise ApiFault(404, "not_found", "Couldn't find that SNI endpoint.", resource="sni-endpoint")


@route("GET", "/apps/{app}/domains")
def domains_list(ctx: Ctx, app: str) -> Any:
    return ctx.page(app_domains(ctx, ctx.app(app)), allowed=("id", "hostname"))


@route("GET", "/apps/{app}/domains/{domain}")
def domains_info(ctx: Ctx, app: str, domain: str) -> Any:
    return _find(ctx, ctx.app(app), domain)


@route("POST", "/apps/{app}/domains")
def domains_add(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    body = ctx.json_body()
    hostname = body.get("hostname")
    if not isinstance(hostname, str) or not hostname:
        raise invalid("Missing required params: hostname.")
    domain = create_custom(ctx.sandbox, record, hostname, _sni_ref(ctx, record, body))
    ctx.publish("domain", "create", {"id": domain["id"], "hostname": domain["hostname"]}, record)
    return Reply(domain, 201)


@route("PATCH", "/apps/{app}/domains/{domain}")
def domains_update(ctx: Ctx, app: str, domain: str) -> Any:
    record = ctx.app(app)
    found = _find(ctx, record, domain)
    if found["kind"] != "custom":
        raise invalid("The default domain cannot be changed.")
    found["sni_endpoint"] = _sni_ref(ctx, record, ctx.json_body())
    found["updated_at"] = ctx.now_iso()
    ctx.store.put("domain", found)
    ctx.publish("domain", "update", {"id": found["id"], "hostname": found["hostname"]}, record)
    return found


@route("DELETE", "/apps/{app}/domains/{domain}")
def domains_remove(ctx: Ctx, app: str, domain: str) -> Any:
    record = ctx.app(app)
    found = _find(ctx, record, domain)
    if found["kind"] != "custom":
        raise invalid(f"{found['hostname']} is the app's default domain and cannot be removed.")
    ctx.store.delete("domain", found["id"])
    ctx.publish("domain", "destroy", {"id": found["id"], "hostname": found["hostname"]}, record)
    return found


@task("domain-provisioned")
def domain_provisioned(sb: Any, payload: dict[str, Any]) -> None:
    domain = sb.store.get("domain", payload["domain_id"])
    if domain is None or domain["status"] != "pending":
        return
    domain["status"] = "succeeded"
    if domain["acm_status"] == "pending":
        domain["acm_status"] = "cert issued"
    domain["updated_at"] = iso(sb.clock.now())
    sb.store.put("domain", domain)
