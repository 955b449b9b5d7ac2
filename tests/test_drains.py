"""Log drains end to end: add, list, remove by id, URL or token, with the sandbox's state checked."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.core
APP = "demo-staging"


def _drains(hk):
    app = hk.sandbox.store.first("app", name=APP)
    return hk.sandbox.store.all("log-drain", parent=app["id"])


def test_add_list_remove(hk):
    r = hk.cli("drains", "add", "syslog+tls://logs.example.com:6514", "-a", APP, env=hk.full_env())
    assert r.code == 0, r.err
    [drain] = _drains(hk)
    assert drain["url"] == "syslog+tls://logs.example.com:6514" and drain["token"].startswith("d.")

    rows = json.loads(hk.cli("drains", "list", "-a", APP, "--json").out)
    assert [d["id"] for d in rows] == [drain["id"]]

    r = hk.cli("drains", "remove", drain["id"], "-a", APP, env=hk.full_env())
    assert r.code == 0, r.err
    assert _drains(hk) == []


@pytest.mark.parametrize("by", ["url", "token"])
def test_remove_by_url_or_token(hk, by):
    hk.cli("drains", "add", "https://drain.example.com/logs?x=1", "-a", APP, env=hk.full_env())
    [drain] = _drains(hk)
    r = hk.cli("drains", "remove", drain[by], "-a", APP, env=hk.full_env())
    assert r.code == 0, r.err
    assert _drains(hk) == []


def test_duplicate_and_invalid_urls(hk):
    assert hk.cli("drains", "add", "https://d.example.com/x", "-a", APP, env=hk.full_env()).code == 0
    r = hk.cli("drains", "add", "https://d.example.com/x", "-a", APP, env=hk.full_env())
    assert r.code == 1 and "already been taken" in r.err
    before = len(hk.writes_received())
    r = hk.cli("drains", "add", "ftp://nope", "-a", APP, env=hk.full_env())
    assert r.code == 2 and len(hk.writes_received()) == before
    assert len(_drains(hk)) == 1


def test_removing_an_unknown_drain_fails(hk):
    r = hk.cli("drains", "remove", "https://missing.example.com", "-a", APP, env=hk.full_env())
    assert r.code == 1
    assert hk.writes_received() == []
