"""Sandbox ids come from one source: the same seed and the same requests give the same ids."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from hkctl.sandbox.app import create_app
from hkctl.sandbox.seed import SANDBOX_TOKEN
from hkctl.sandbox.server import build_sandbox
from tests.support import ASGITransport

pytestmark = pytest.mark.core

API = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "Accept": "application/vnd.heroku+json; version=3"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
WEB_URL = re.compile(r"https://[a-z0-9-]+\.herokuapp\.com/")


def _http(seed: int | None) -> httpx.Client:
    sb = build_sandbox(seed=seed, manual_clock=True)
    return httpx.Client(base_url="http://localhost", transport=ASGITransport(create_app(sb)), headers=API)


def _drive(c: httpx.Client) -> list[str]:
    """The same writes and reads across families; every id and web URL they answer, in order."""
    calls: list[tuple[str, str, Any]] = [
        ("POST", "/apps", {"name": "seeded-app"}),
        ("PATCH", "/apps/seeded-app/config-vars", {"GREETING": "hello"}),
        (
            "POST",
            "/apps/seeded-app/builds",
            {"source_blob": {"url": "https://example.com/s.tgz", "version": "v1"}},
        ),
        ("GET", "/apps/seeded-app/builds", None),
        ("GET", "/apps/seeded-app/releases", None),
        ("GET", "/apps/seeded-app/dynos", None),
        ("POST", "/apps/seeded-app/addons", {"plan": "heroku-postgresql:essential-0"}),
        ("POST", "/apps/seeded-app/domains", {"hostname": "www.seeded.example", "sni_endpoint": None}),
        (
            "POST",
            "/apps/seeded-app/webhooks",
            {"url": "https://hooks.example/in", "include": ["api:release"], "level": "notify"},
        ),
        ("POST", "/apps/seeded-app/log-drains", {"url": "syslog+tls://logs.example:514"}),
        ("POST", "/pipelines", {"name": "seeded-pipe"}),
        ("POST", "/oauth/authorizations", {"scope": ["read"], "description": "seeded"}),
        ("GET", "/apps", None),
    ]
    seen: list[str] = []
    for method, path, body in calls:
        r = c.request(method, path, json=body)
        assert r.status_code < 300, (method, path, r.status_code, r.text)
        seen.append(r.headers["Request-Id"])
        seen += UUID.findall(r.text) + WEB_URL.findall(r.text)
    return seen


def test_the_same_seed_gives_the_same_ids():
    first, second = _drive(_http(seed=7)), _drive(_http(seed=7))
    assert len(first) > 40
    assert first == second


def test_different_seeds_and_no_seed_give_different_ids():
    seven, eight = _drive(_http(seed=7)), _drive(_http(seed=8))
    assert set(seven) - set(eight)
    unseeded = [_drive(_http(seed=None)) for _ in range(2)]
    assert unseeded[0] != unseeded[1]


def test_reset_of_a_seeded_sandbox_hands_out_the_ids_of_a_fresh_one():
    c = _http(seed=7)
    before = c.post("/apps", json={"name": "seeded-app"}).json()["id"]
    assert c.post("/__sandbox__/reset", json={}).status_code == 200
    after = c.post("/apps", json={"name": "seeded-app"}).json()["id"]
    assert before == after == _http(seed=7).post("/apps", json={"name": "seeded-app"}).json()["id"]


def test_secrets_stay_random_under_a_seed():
    tokens = [
        _http(seed=7).post("/oauth/authorizations", json={"scope": ["read"]}).json()["access_token"]
        for _ in range(2)
    ]
    assert tokens[0]["id"] == tokens[1]["id"]  # an id: reproducible
    assert tokens[0]["token"] != tokens[1]["token"]  # a credential: never


def _demo_ids(sb: Any) -> list[str]:
    return [a["id"] for a in sb.store.all("app")] + [r["id"] for r in sb.store.all("release")]


def test_a_seed_reaches_the_sandbox_through_serve_and_running():
    from hkctl.sandbox import running
    from tests.test_persistence import HEADERS, Served

    expected = _demo_ids(build_sandbox(seed=11))
    with running(seed=11) as live:
        assert _demo_ids(live.sandbox) == expected
    served = Served(None, "--seed", "11")
    try:
        apps = httpx.get(f"{served.url}/apps", headers=HEADERS, timeout=10).json()
    finally:
        served.stop()
    assert sorted(a["id"] for a in apps) == sorted(expected[:2])


@pytest.mark.heroku_seed(11)
def test_the_plugin_marker_seeds_heroku_sandbox(heroku_sandbox):
    assert _demo_ids(heroku_sandbox.sandbox) == _demo_ids(build_sandbox(seed=11))


def test_a_seeded_store_reopened_carries_on_without_handing_an_id_out_twice(tmp_path):
    def create(sb: Any) -> str:
        c = httpx.Client(base_url="http://localhost", transport=ASGITransport(create_app(sb)), headers=API)
        return c.post("/apps", json={"name": "after-restart"}).json()["id"]

    db = str(tmp_path / "sandbox.db")
    build_sandbox(db, seed=7).store.close()
    reopened = create(build_sandbox(db, seed=7))  # a restart of `serve --db FILE --seed 7`
    assert reopened == create(build_sandbox(seed=7))  # the sequence went on where it stopped
