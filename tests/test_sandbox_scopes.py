"""The sandbox grants OAuth scopes from its own table (what the platform grants), not from the client's."""

from __future__ import annotations

import ast
from pathlib import Path

import httpx
import pytest

from hkctl.sandbox.seed import add_token

pytestmark = pytest.mark.core

V3 = "application/vnd.heroku+json; version=3"
SANDBOX_SRC = Path(__file__).resolve().parent.parent / "src" / "hkctl" / "sandbox"


def _client(hk, *scope: str) -> httpx.Client:
    account = hk.sandbox.store.all("account")[0]
    secret = "HRKU-" + "-".join(scope)
    add_token(hk.sandbox, account, secret, scope=list(scope), description="scope test")
    headers = {"Authorization": f"Bearer {secret}", "Accept": V3}
    return httpx.Client(base_url=hk.url, transport=hk.transport, headers=headers, timeout=10)


def test_identity_reads_the_account_and_nothing_else(hk):
    c = _client(hk, "identity")
    assert c.get("/account").status_code == 200
    answer = c.get("/apps")
    assert answer.status_code == 403 and answer.json()["id"] == "forbidden"
    assert "read scope" in answer.json()["message"]


def test_read_protected_reads_config_vars_but_cannot_change_them(hk):
    c = _client(hk, "read-protected")
    assert c.get("/apps/demo-staging/config-vars").status_code == 200
    answer = c.patch("/apps/demo-staging/config-vars", json={"FOO": "bar"})
    assert answer.status_code == 403 and "write-protected" in answer.json()["message"]
    assert "FOO" not in hk.sandbox.store.first("app", name="demo-staging")["_config"]


def test_write_changes_apps_but_not_config_vars(hk):
    c = _client(hk, "read", "write")
    assert c.patch("/apps/demo-staging", json={"maintenance": True}).status_code == 200
    assert c.patch("/apps/demo-staging/config-vars", json={"FOO": "bar"}).status_code == 403
    assert hk.sandbox.store.first("app", name="demo-staging")["maintenance"] is True


def test_a_read_token_may_open_a_log_session_a_query_not_a_change(hk):
    c = _client(hk, "read")
    assert c.post("/apps/demo-staging/log-sessions", json={"lines": 5}).status_code == 201


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_sandbox_imports_nothing_of_the_clients_policy():
    """No sandbox module imports the guard; only the coverage table reads the client's route templates."""
    outside: dict[str, set[str]] = {}
    for path in sorted(SANDBOX_SRC.rglob("*.py")):
        found = {n for n in _imports(path) if n.startswith("hkctl.") and not n.startswith("hkctl.sandbox")}
        if found:
            outside[str(path.relative_to(SANDBOX_SRC))] = found
    assert not any(n.startswith("hkctl.guard") for names in outside.values() for n in names), outside
    # the request path judges on its own: the client's route table is read only to compare coverage
    transport = {m for m, names in outside.items() if any(n.startswith("hkctl.transport") for n in names)}
    assert transport <= {"coverage.py"}, outside
