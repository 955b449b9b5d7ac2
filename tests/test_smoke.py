"""First end-to-end checks: the CLI lists and changes demo apps through the sandbox."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.core


def test_apps_list_json_lists_demo_apps(hk):
    result = hk.cli("apps", "list", "--json")
    assert result.code == 0, result.err
    names = sorted(a["name"] for a in json.loads(result.out))
    assert names == ["demo-production", "demo-staging"]


def test_config_set_in_full_mode_changes_sandbox_state(hk):
    result = hk.cli("config", "set", "FOO=bar", "-a", "demo-staging", env=hk.full_env())
    assert result.code == 0, result.err
    app = hk.sandbox.store.first("app", name="demo-staging")
    assert app["_config"]["FOO"] == "bar"
    assert "bar" not in result.text


def test_readonly_blocks_write_and_sends_nothing(hk):
    result = hk.cli("apps", "maintenance", "on", "-a", "demo-staging")
    assert result.code == 3
    assert "readonly" in result.err
    assert hk.writes_received() == []


def test_live_socket_works(live):
    result = live.cli("apps", "info", "-a", "demo-staging", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["name"] == "demo-staging"
