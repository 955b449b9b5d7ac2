"""hkctl config diff: which keys differ between two apps, without showing a value unless asked."""

from __future__ import annotations

import json

import pytest

from tests.support import Harness

pytestmark = pytest.mark.core


def _values(hk: Harness) -> list[str]:
    """Config values long enough to be recognised (and not part of an app's name)."""
    values = [v for a in hk.sandbox.store.all("app") for v in a["_config"].values() if len(v) > 4]
    return [v for v in values if v not in "demo-staging demo-production"]


def test_diff_lists_differing_keys_without_printing_a_value(hk: Harness) -> None:
    r = hk.cli("config", "diff", "demo-staging", "demo-production")
    assert r.code == 0, r.err
    rows = {line.split("\t")[1]: line.split("\t")[0] for line in r.out.splitlines()}
    assert rows["FEATURE_NEW_CHECKOUT"] == "-"  # only in staging
    assert rows["REDIS_URL"] == "+"  # only in production
    assert rows["SECRET_KEY_BASE"] == "~" and rows["DATABASE_URL"] == "~" and rows["WEB_CONCURRENCY"] == "~"
    assert "LANG" not in rows  # matching keys only with --all
    assert not [v for v in _values(hk) if v in r.out + r.err]
    assert "values not shown" in r.err


def test_all_lists_matching_keys_too(hk: Harness) -> None:
    r = hk.cli("config", "diff", "demo-staging", "demo-production", "--all")
    assert "=\tLANG\tsame" in r.out


def test_exit_code_is_1_when_configs_differ_and_0_when_they_match(hk: Harness) -> None:
    assert hk.cli("config", "diff", "demo-staging", "demo-production", "--exit-code").code == 1
    assert hk.cli("config", "diff", "demo-staging", "demo-staging", "--exit-code").code == 0


def test_reveal_prints_values(hk: Harness) -> None:
    r = hk.cli("config", "diff", "demo-staging", "demo-production", "--reveal")
    assert "stg-3f1c0e6b8a9d4f2e" in r.out and "prd-9a7e5c3b1d2f4a6c" in r.out


def test_json_is_complete_and_masked_by_default(hk: Harness) -> None:
    r = hk.cli("config", "diff", "demo-staging", "demo-production", "--json")
    data = json.loads(r.out)
    assert data["only_in"] == {"demo-staging": ["FEATURE_NEW_CHECKOUT"], "demo-production": ["REDIS_URL"]}
    assert "SECRET_KEY_BASE" in data["different"] and "LANG" in data["same"] and data["differs"] is True
    assert "values" not in data and not [v for v in _values(hk) if v in r.out]
    revealed = json.loads(
        hk.cli("config", "diff", "demo-staging", "demo-production", "--json", "--reveal").out
    )
    assert revealed["values"]["RAILS_ENV"] == {"demo-staging": "staging", "demo-production": "production"}


def test_diff_is_a_read_and_needs_read_protected_scope(hk: Harness) -> None:
    assert hk.writes_received() == []
    created = hk.cli("auth", "tokens", "create", "--scope", "read", "--description", "ro", env=hk.full_env())
    r = hk.cli(
        "config", "diff", "demo-staging", "demo-production", env=hk.env(HEROKU_API_KEY=created.out.strip())
    )
    assert r.code == 1 and "403" in r.err
