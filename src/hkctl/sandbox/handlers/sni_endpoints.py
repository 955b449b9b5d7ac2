"""SNI endpoints (SSL certificates): the chain is kept and described; the private key is never stored.

The certificate is read with `cryptography`'s X.509 parser (subject, issuer, validity, SANs).
Only a digest of the key is kept, so that a later update with the same key can be recognised.
"""

from __future__ import annotations

import hashlib
import random
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from hkctl.sandbox.backend.apps import app_ref
from hkctl.sandbox.routing import ApiFault, Ctx, Reply, invalid, route

_CERT = re.compile(r"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----")
_KEY = re.compile(
    r"-----BEGIN ([A-Z ]+ )?PRIVATE KEY-----[A-Za-z0-9+/=\s]+-----END ([A-Z ]+ )?PRIVATE KEY-----"
)
_CITIES = ("tokyo", "osaka", "kyoto", "nara", "sapporo", "sendai", "kobe", "akita", "nagano", "fukuoka")


def _decode(pem: str) -> x509.Certificate:
    """The first certificate in a PEM chain (422 if there is none or it cannot be parsed)."""
    match = _CERT.search(pem)
    if not match:
        raise invalid("certificate_chain is not a PEM certificate.")
    try:
        return x509.load_pem_x509_certificate(match.group(0).encode())
    except ValueError as exc:
        raise invalid("certificate_chain could not be parsed.") from exc


def _name(name: x509.Name) -> str:
    """OpenSSL's one-line form, as Heroku shows it: /C=US/O=Example/CN=www.example.com."""
    return "".join(f"/{a.rfc4514_attribute_name}={a.value!s}" for rdn in name.rdns for a in rdn)


def _date(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ssl_cert(pem: str) -> dict[str, Any]:
    """The `ssl_cert` object Heroku returns for a certificate chain (subject, issuer, dates, domains)."""
    cert = _decode(pem)
    subject, issuer = _name(cert.subject), _name(cert.issuer)
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        domains = [str(d) for d in sans.get_values_for_type(x509.DNSName)]
    except x509.ExtensionNotFound:
        domains = []
    if not domains:
        domains = [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    return {
        "ca_signed?": subject != issuer,
        "cert_domains": domains,
        "expires_at": _date(cert.not_valid_after_utc),
        "issuer": issuer,
        "self_signed?": subject == issuer,
        "starts_at": _date(cert.not_valid_before_utc),
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
