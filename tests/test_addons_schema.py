"""Every add-on, attachment, catalogue, domain, certificate, collaborator and authorization answer the
sandbox gives validates against the official schema for its link (strictProperties read strictly)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support import Harness

schema = pytest.importorskip("hkctl.sandbox.schema")
pytestmark = pytest.mark.core


def _check(hk: Harness, method: str, path: str, body: Any = None) -> Any:
    # Destructive writes confirm up front the name the guard reads from the path.
    from hkctl.guard.decide import decide

    client = hk.client(hk.full_env(), confirm_app=decide(method, path, body).target)
    response = client.request(method, path, body=body)
    links = schema.official().match(method, path)
    assert links, f"no schema link for {method} {path}"
    errors = schema.official().response_errors(links, response.status, response.body)
    assert not errors, f"{method} {path}: {errors[:5]}"
    return response.body


def _pem_pair(tmp: Path, host: str) -> tuple[str, str]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl binary not available")
    key, cert = tmp / "key.pem", tmp / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "30", "-subj", f"/CN={host}", "-addext", f"subjectAltName=DNS:{host}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert.read_text(), key.read_text()


def test_addon_links_validate(hk: Harness) -> None:
    created = _check(
        hk, "POST", "/apps/demo-staging/addons", {"plan": "papertrail:choklad", "name": "logs-a1"}
    )
    assert created["config_vars"] == ["PAPERTRAIL_API_TOKEN"]
    _check(hk, "GET", "/apps/demo-staging/addons")
    _check(hk, "GET", "/addons")
    _check(hk, "GET", f"/addons/{created['id']}")
    _check(hk, "GET", "/apps/demo-staging/addons/logs-a1")
    _check(hk, "PATCH", "/apps/demo-staging/addons/logs-a1", {"plan": "papertrail:fixa"})
    _check(hk, "POST", "/actions/addons/resolve", {"addon": "DATABASE", "app": "demo-staging"})
    _check(hk, "GET", "/addon-attachments")
    _check(hk, "GET", "/apps/demo-production/addon-attachments")
    found = _check(
        hk,
        "POST",
        "/actions/addon-attachments/resolve",
        {"addon_attachment": "DATABASE", "app": "demo-production"},
    )
    _check(hk, "GET", f"/addon-attachments/{found[0]['id']}")
    _check(hk, "GET", f"/addons/{created['id']}/addon-attachments")
    _check(hk, "DELETE", "/apps/demo-staging/addons/logs-a1")


def test_catalogue_links_validate(hk: Harness) -> None:
    for path in ("/regions", "/regions/eu", "/stacks", "/stacks/heroku-24", "/addon-services",
                 "/addon-services/heroku-postgresql", "/addon-services/heroku-postgresql/plans",
                 "/addon-services/heroku-postgresql/plans/essential-0", "/plans/heroku-redis:mini",
                 "/dyno-sizes", "/dyno-sizes/standard-1x", "/apps/demo-staging/features",
                 "/apps/demo-staging/features/preboot", "/account/features"):  # fmt: skip
        _check(hk, "GET", path)


def test_domain_cert_access_token_links_validate(hk: Harness, tmp_path: Path) -> None:
    app = "/apps/demo-production"
    _check(hk, "GET", f"{app}/domains")
    d = _check(hk, "POST", f"{app}/domains", {"hostname": "api.demo-shop.example", "sni_endpoint": None})
    _check(hk, "GET", f"{app}/domains/{d['id']}")
    chain, key = _pem_pair(tmp_path, "api.demo-shop.example")
    c = _check(hk, "POST", f"{app}/sni-endpoints", {"certificate_chain": chain, "private_key": key})
    assert c["domains"] == [d["id"]] and "private_key" not in c
    _check(hk, "PATCH", f"{app}/domains/api.demo-shop.example", {"sni_endpoint": c["name"]})
    _check(hk, "GET", f"{app}/sni-endpoints")
    _check(hk, "GET", f"{app}/sni-endpoints/{c['name']}")
    _check(hk, "DELETE", f"{app}/sni-endpoints/{c['name']}")
    _check(hk, "DELETE", f"{app}/domains/api.demo-shop.example")
    _check(hk, "GET", f"{app}/collaborators")
    who = _check(hk, "POST", f"{app}/collaborators", {"user": "bob@demo-shop.example", "silent": True})
    _check(hk, "GET", f"{app}/collaborators/bob@demo-shop.example")
    _check(hk, "DELETE", f"{app}/collaborators/{who['id']}")
    auth = _check(
        hk, "POST", "/oauth/authorizations", {"scope": ["read"], "description": "ci", "expires_in": 600}
    )
    _check(hk, "GET", "/oauth/authorizations")
    _check(hk, "GET", f"/oauth/authorizations/{auth['id']}")
    _check(hk, "DELETE", f"/oauth/authorizations/{auth['id']}")
