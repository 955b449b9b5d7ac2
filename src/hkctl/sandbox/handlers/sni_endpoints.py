"""SNI endpoints (SSL certificates): the chain is kept and described; the private key is never stored.

The certificate is decoded with the standard library's test decoder (CPython's `_ssl`), which
reads subject, issuer, validity and SANs from a PEM file without any extra dependency.
Only a digest of the key is kept, so that a later update with the same key can be recognised.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import ssl
import tempfile
import uuid
from datetime import UTC, datetime
from typing import Any

from hkctl.sandbox.backend.apps import app_ref
from hkctl.sandbox.routing import ApiFault, Ctx, Reply, invalid, route

_CERT = re.compile(r"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----")
_KEY = re.compile(
    r"-----BEGIN ([A-Z ]+ )?PRIVATE KEY-----[A-Za-z0-9+/=\s]+-----END ([A-Z ]+ )?PRIVATE KEY-----"
)
_CITIES = ("tokyo", "osaka", "kyoto", "nara", "sapporo", "sendai", "kobe", "akita", "nagano", "fukuoka")


def _decode(pem: str) -> dict[str, Any]:
    """Subject, issuer, dates and SANs of the first certificate in a PEM chain (422 if unreadable)."""
    match = _CERT.search(pem)
    if not match:
        raise invalid("certificate_chain is not a PEM certificate.")
    fd, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(match.group(0) + "\n")
        decoded: dict[str, Any] = ssl._ssl._test_decode_cert(path)  # type: ignore[attr-defined]
    except (ssl.SSLError, ValueError, OSError) as exc:
        raise invalid("certificate_chain could not be parsed.") from exc
    finally:
        os.unlink(path)
    return decoded


def _name(rdns: Any) -> str:
    return (
        "".join(f"/{k}={v}" for rdn in rdns for k, v in rdn)
        .replace("commonName", "CN")
        .replace("organizationName", "O")
        .replace("countryName", "C")
    )


def _date(text: str) -> str:
    ts = datetime.strptime(text, "%b %d %H:%M:%S %Y %Z").replace(tzinfo=UTC)
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def ssl_cert(pem: str) -> dict[str, Any]:
    d = _decode(pem)
    subject, issuer = _name(d.get("subject", ())), _name(d.get("issuer", ()))
    domains = [v for k, v in d.get("subjectAltName", ()) if k == "DNS"]
    if not domains:
        domains = [v for rdn in d.get("subject", ()) for k, v in rdn if k == "commonName"]
    return {
        "ca_signed?": subject != issuer,
        "cert_domains": domains,
        "expires_at": _date(d["notAfter"]),
        "issuer": issuer,
        "self_signed?": subject == issuer,
        "starts_at": _date(d["notBefore"]),
        "subject": subject,
        "id": str(uuid.uuid5(uuid.NAMESPACE_OID, pem.strip())),
    }


def _pair(body: dict[str, Any]) -> tuple[str, str]:
    chain, key = body.get("certificate_chain"), body.get("private_key")
    if not isinstance(chain, str) or not isinstance(key, str):
        raise invalid("Missing required params: certificate_chain, private_key.")
    if not _KEY.search(key):
        raise invalid("private_key is not a PEM private key.")
    return chain, key


def _domain_ids(ctx: Ctx, app: dict[str, Any], cert_domains: list[str]) -> list[str]:
    """Custom domains of the app that the certificate covers (exact or one-level wildcard)."""
    ids = []
    for d in ctx.store.all("domain", parent=app["id"]):
        host = d["hostname"]
        for pattern in cert_domains:
            if host == pattern or (pattern.startswith("*.") and host.split(".", 1)[-1] == pattern[2:]):
                ids.append(d["id"])
                break
    return ids


def _find(ctx: Ctx, app: dict[str, Any], ident: str) -> dict[str, Any]:
    for cert in ctx.store.all("sni-endpoint", parent=app["id"]):
        if ident in (cert["id"], cert["name"]):
            return cert
    raise ApiFault(404, "not_found", "Couldn't find that SNI endpoint.", resource="sni-endpoint")


@route("GET", "/apps/{app}/sni-endpoints")
def certs_list(ctx: Ctx, app: str) -> Any:
    return ctx.page(ctx.store.all("sni-endpoint", parent=ctx.app(app)["id"]))


@route("GET", "/apps/{app}/sni-endpoints/{cert}")
def certs_info(ctx: Ctx, app: str, cert: str) -> Any:
    return _find(ctx, ctx.app(app), cert)


@route("POST", "/apps/{app}/sni-endpoints")
def certs_add(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    chain, key = _pair(ctx.json_body())
    details = ssl_cert(chain)
    rng = random.Random(ctx.store.next("sni-name"))
    now = ctx.now_iso()
    cert = {
        "certificate_chain": chain,
        "created_at": now,
        "id": ctx.new_id(),
        "name": f"{rng.choice(_CITIES)}-{rng.randint(10000, 99999)}",
        "updated_at": now,
        "display_name": None,
        "domains": _domain_ids(ctx, record, details["cert_domains"]),
        "app": app_ref(record),
        "ssl_cert": details,
        "_key_sha256": hashlib.sha256(key.encode()).hexdigest(),
    }
    ctx.store.put("sni-endpoint", cert, parent=record["id"])
    ctx.publish("sni-endpoint", "create", {"id": cert["id"], "name": cert["name"]}, record)
    return Reply(cert, 201)


@route("PATCH", "/apps/{app}/sni-endpoints/{cert}")
def certs_update(ctx: Ctx, app: str, cert: str) -> Any:
    record = ctx.app(app)
    found = _find(ctx, record, cert)
    chain, key = _pair(ctx.json_body())
    found["certificate_chain"] = chain
    found["ssl_cert"] = ssl_cert(chain)
    found["domains"] = _domain_ids(ctx, record, found["ssl_cert"]["cert_domains"])
    found["_key_sha256"] = hashlib.sha256(key.encode()).hexdigest()
    found["updated_at"] = ctx.now_iso()
    ctx.store.put("sni-endpoint", found)
    ctx.publish("sni-endpoint", "update", {"id": found["id"], "name": found["name"]}, record)
    return found


@route("DELETE", "/apps/{app}/sni-endpoints/{cert}")
def certs_remove(ctx: Ctx, app: str, cert: str) -> Any:
    record = ctx.app(app)
    found = _find(ctx, record, cert)
    ctx.store.delete("sni-endpoint", found["id"])
    for d in ctx.store.all("domain", parent=record["id"]):
        if (d.get("sni_endpoint") or {}).get("id") == found["id"]:
            d["sni_endpoint"] = None
            ctx.store.put("domain", d)
    ctx.publish("sni-endpoint", "destroy", {"id": found["id"], "name": found["name"]}, record)
    return found
