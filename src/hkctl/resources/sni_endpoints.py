"""SSL certificates (SNI endpoints): list, info, add, remove. The private key is sent once and never shown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.resources._record import Record, check_app
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

NAME = re.compile(r"^[a-z][a-z0-9-]{2,29}$")
_CERT_MARK = "-----BEGIN CERTIFICATE-----"
_KEY_MARK = re.compile(r"-----BEGIN ([A-Z ]+ )?PRIVATE KEY-----")


@dataclass(frozen=True, kw_only=True)
class Certificate(Record):
    """An SSL certificate (API object `sni-endpoint`): its domains, validity dates (ISO), issuer, subject."""

    id: str
    name: str
    display_name: str | None
    cert_domains: tuple[str, ...]
    expires_at: str | None
    starts_at: str | None
    issuer: str | None
    subject: str | None
    self_signed: bool | None
    created_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Certificate:
        cert = d.get("ssl_cert") or {}
        return cls(
            raw=d,
            id=d["id"],
            name=d["name"],
            display_name=d.get("display_name"),
            cert_domains=tuple(cert.get("cert_domains") or ()),
            expires_at=cert.get("expires_at"),
            starts_at=cert.get("starts_at"),
            issuer=cert.get("issuer"),
            subject=cert.get("subject"),
            self_signed=cert.get("self_signed?"),
            created_at=d.get("created_at"),
        )


def check_name(name: str) -> str:
    """`name` when it can name an SNI endpoint (`tokyo-12345`: 3-30 lowercase), else UsageError (exit 2)."""
    if not isinstance(name, str) or not NAME.match(name):
        raise UsageError(f"invalid certificate name {name!r}: see `hkctl certs list` (e.g. tokyo-12345)")
    return name


def read_pair(chain_file: Path, key_file: Path) -> tuple[str, str]:
    """The PEM chain and key from files; unreadable or non-PEM files are bad input (nothing sent)."""
    texts = []
    for path, what in ((chain_file, "certificate chain"), (key_file, "private key")):
        try:
            texts.append(Path(path).read_text())
        except FileNotFoundError as exc:
            raise UsageError(f"no such file: {path} (the {what})") from exc
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path} is not a text (PEM) file (the {what})") from exc
        except OSError as exc:
            raise UsageError(f"cannot read {path} (the {what}): {exc.strerror or exc}") from exc
    chain, key = texts
    if _CERT_MARK not in chain:
        raise UsageError(f"{str(chain_file)!r} holds no PEM certificate ({_CERT_MARK})")
    if not _KEY_MARK.search(key):
        raise UsageError(f"{str(key_file)!r} holds no PEM private key")
    if _KEY_MARK.search(chain):
        raise UsageError(f"{str(chain_file)!r} contains a private key: pass it with --key only")
    return chain, key


def list_(client: HerokuClient, app: str) -> Iterator[Certificate]:
    """Every certificate of the app (GET /apps/{app}/sni-endpoints, every page); NotFound for an
    unknown app."""
    for item in client.paginate(f"/apps/{seg(check_app(app))}/sni-endpoints", action="certs_list"):
        yield Certificate.from_api(item)


def info(client: HerokuClient, app: str, name: str) -> Certificate:
    """One certificate by name (GET /apps/{app}/sni-endpoints/{name}); UsageError (exit 2) for a malformed
    name, NotFound for an unknown one."""
    path = f"/apps/{seg(check_app(app))}/sni-endpoints/{seg(check_name(name))}"
    return Certificate.from_api(client.get(path, action="certs_info"))


def add(client: HerokuClient, app: str, chain: str, key: str) -> Certificate:
    # The key must never appear in an error, log or prompt: the action's body is secret (redacted as a
    # whole), and the key is registered with the redactor in case anything echoes it back.
    """Add a certificate (POST /apps/{app}/sni-endpoints {certificate_chain, private_key}, PEM text); the key
    goes to the redactor first and is never shown. InvalidParams (422) when the API refuses the pair."""
    client.redact.add(key.strip())
    for line in key.strip().splitlines():
        if len(line) >= 16 and "-----" not in line:
            client.redact.add(line.strip())
    created = client.json(
        "POST",
        f"/apps/{seg(check_app(app))}/sni-endpoints",
        body={"certificate_chain": chain, "private_key": key},
        action="certs_add",
    )
    return Certificate.from_api(created)


def remove(client: HerokuClient, app: str, name: str) -> Certificate:
    """Remove a certificate (DELETE /apps/{app}/sni-endpoints/{name}); returns it as removed. UsageError
    (exit 2, nothing sent) for a malformed name; NotFound for an unknown one."""
    path = f"/apps/{seg(check_app(app))}/sni-endpoints/{seg(check_name(name))}"
    return Certificate.from_api(client.json("DELETE", path, action="certs_remove"))
