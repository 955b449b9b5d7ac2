"""hkctl domains against the sandbox: the default and custom domains, DNS targets, status, errors."""

from __future__ import annotations

import json

import pytest

from tests.support import Harness

pytestmark = pytest.mark.core


def test_list_shows_the_default_and_the_custom_domain(hk: Harness) -> None:
    r = hk.cli("domains", "list", "-a", "demo-production", "--json")
    assert r.code == 0, r.err
    rows = {d["hostname"]: d for d in json.loads(r.out)}
    custom = rows["www.demo-shop.example"]
    assert custom["kind"] == "custom" and custom["cname"].endswith(".herokudns.com")
    (default,) = [d for d in rows.values() if d["kind"] == "heroku"]
    assert default["hostname"].startswith("demo-production") and default["hostname"].endswith(
        ".herokuapp.com"
    )


def test_add_gives_a_dns_target_and_moves_pending_to_succeeded(hk: Harness) -> None:
    r = hk.cli("domains", "add", "Shop.Example.ORG", "-a", "demo-staging", env=hk.full_env())
    assert r.code == 0, r.err
    cname = r.out.strip()
    assert cname.endswith(".herokudns.com") and "pending" in r.err and cname in r.err
    stored = hk.sandbox.store.first("domain", hostname="shop.example.org")
    assert stored["cname"] == cname and stored["app"]["name"] == "demo-staging"
    sent = hk.writes_received()[0]
    assert sent["body"] == {"hostname": "shop.example.org", "sni_endpoint": None}
    info = hk.cli("domains", "list", "-a", "demo-staging", "--json")
    (row,) = [d for d in json.loads(info.out) if d["hostname"] == "shop.example.org"]
    assert row["status"] == "succeeded"


def test_a_hostname_cannot_be_added_twice(hk: Harness) -> None:
    r = hk.cli("domains", "add", "www.demo-shop.example", "-a", "demo-staging", env=hk.full_env())
    assert r.code == 1 and "422" in r.err and "another app" in r.err
    assert len(hk.sandbox.store.find("domain", hostname="www.demo-shop.example")) == 1


def test_remove_deletes_the_domain(hk: Harness) -> None:
    r = hk.cli("domains", "remove", "www.demo-shop.example", "-a", "demo-production", env=hk.full_env())
    assert r.code == 0, r.err
    assert hk.sandbox.store.first("domain", hostname="www.demo-shop.example") is None


def test_removing_an_unknown_domain_is_a_404(hk: Harness) -> None:
    r = hk.cli("domains", "remove", "nope.example.com", "-a", "demo-production", env=hk.full_env())
    assert r.code == 1 and "404" in r.err and "not_found" in r.err


def test_the_default_domain_cannot_be_removed(hk: Harness) -> None:
    app = hk.sandbox.store.first("app", name="demo-staging")
    host = app["web_url"].split("//")[1].rstrip("/")
    r = hk.cli("domains", "remove", host, "-a", "demo-staging", env=hk.full_env())
    assert r.code == 1 and "422" in r.err


@pytest.mark.parametrize("host", ["not a host", "-bad.example.com", "nodots", "x" * 64 + ".example.com"])
def test_bad_hostnames_exit_2_and_send_nothing(hk: Harness, host: str) -> None:
    r = hk.cli("domains", "add", host, "-a", "demo-staging", env=hk.full_env())
    assert r.code == 2, r.err
    assert hk.received() == []
