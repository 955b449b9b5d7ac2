"""hkctl auth against the sandbox: whoami, scoped tokens (list, create, revoke), scopes enforced, doctor."""

from __future__ import annotations

import json

import pytest

from hkctl.sandbox.seed import SANDBOX_TOKEN
from tests.support import Harness

pytestmark = pytest.mark.core


def _create(hk: Harness, *args: str) -> str:
    r = hk.cli("auth", "tokens", "create", *args, env=hk.full_env())
    assert r.code == 0, r.err
    return r.out.strip()


def test_whoami_prints_the_email_and_the_scopes(hk: Harness) -> None:
    r = hk.cli("auth", "whoami")
    assert r.code == 0, r.err
    assert r.out == "demo@hkctl.dev\n" and "global" in r.err


def test_tokens_list_never_shows_a_token_value(hk: Harness) -> None:
    token = _create(hk, "--scope", "read", "--description", "dashboards")
    for argv in (("auth", "tokens", "list"), ("auth", "tokens", "list", "--json")):
        r = hk.cli(*argv)
        assert r.code == 0, r.err
        assert "dashboards" in r.out and "hkctl sandbox token" in r.out
        assert SANDBOX_TOKEN not in r.out + r.err and token not in r.out + r.err


def test_create_prints_the_token_once_on_stdout_only(hk: Harness) -> None:
    r = hk.cli(
        "auth", "tokens", "create", "--scope", "read,write", "--description", "deploy bot",
        "--expires-in", "3600", env=hk.full_env(),
    )  # fmt: skip
    assert r.code == 0, r.err
    token = r.out.strip()
    assert r.out == token + "\n" and token.startswith("HRKU-") and token not in r.err
    stored = hk.sandbox.store.first("oauth-authorization", access_token__token=token)
    assert stored["scope"] == ["read", "write"] and stored["description"] == "deploy bot"
    assert stored["access_token"]["expires_in"] == 3600
    assert hk.writes_received()[0]["body"] == {
        "scope": ["read", "write"],
        "description": "deploy bot",
        "expires_in": 3600,
    }


def test_a_read_token_lists_apps_and_is_refused_403_on_a_write_even_in_full_mode(hk: Harness) -> None:
    token = _create(hk, "--scope", "read", "--description", "readonly agent")
    apps = hk.cli("apps", "list", "--json", env=hk.env(HEROKU_API_KEY=token))
    assert apps.code == 0, apps.err
    assert {"demo-staging", "demo-production"} <= {a["name"] for a in json.loads(apps.out)}
    before = dict(hk.sandbox.store.first("app", name="demo-staging")["_config"])
    for argv in (
        ("config", "set", "FOO=bar", "-a", "demo-staging"),
        ("addons", "create", "papertrail:choklad", "-a", "demo-staging"),
        ("domains", "add", "blocked.example.com", "-a", "demo-staging"),
    ):
        r = hk.cli(*argv, env=hk.full_env(HEROKU_API_KEY=token))
        assert r.code == 1 and "403" in r.err and "forbidden" in r.err, (argv, r.err)
    assert hk.sandbox.store.first("app", name="demo-staging")["_config"] == before
    assert len(hk.sandbox.store.all("addon")) == 3
    # Protected config needs read-protected, as on Heroku.
    shown = hk.cli("config", "show", "-a", "demo-staging", env=hk.env(HEROKU_API_KEY=token))
    assert shown.code == 1 and "403" in shown.err


def test_a_write_token_can_write(hk: Harness) -> None:
    token = _create(hk, "--scope", "read,write", "--description", "deployer")
    r = hk.cli(
        "domains", "add", "ok.example.com", "-a", "demo-staging", env=hk.full_env(HEROKU_API_KEY=token)
    )
    assert r.code == 0, r.err


def test_revoke_needs_the_id_typed_and_then_the_token_stops_working(hk: Harness) -> None:
    token = _create(hk, "--scope", "read", "--description", "short-lived")
    auth_id = hk.sandbox.store.first("oauth-authorization", access_token__token=token)["id"]
    refused = hk.cli("auth", "tokens", "revoke", auth_id, env=hk.full_env())
    assert refused.code == 3
    r = hk.cli("auth", "tokens", "revoke", auth_id, "--confirm", auth_id, env=hk.full_env())
    assert r.code == 0, r.err
    assert hk.sandbox.store.get("oauth-authorization", auth_id) is None
    after = hk.cli("apps", "list", env=hk.env(HEROKU_API_KEY=token))
    assert after.code == 1 and "401" in after.err


def test_an_expired_token_stops_working(hk: Harness) -> None:
    token = _create(hk, "--scope", "read", "--description", "ci job", "--expires-in", "60")
    assert hk.cli("apps", "list", env=hk.env(HEROKU_API_KEY=token)).code == 0
    hk.sandbox.clock.advance(61)
    r = hk.cli("apps", "list", env=hk.env(HEROKU_API_KEY=token))
    assert r.code == 1 and "401" in r.err


def test_doctor_reports_scopes_and_warns_on_global(hk: Harness) -> None:
    r = hk.cli("doctor", "--json")
    report = json.loads(r.out)
    assert report["token_scopes"] == ["global"] and "global" in report["token_advice"]
    token = _create(hk, "--scope", "read", "--description", "doctor check")
    r = hk.cli("doctor", "--json", env=hk.env(HEROKU_API_KEY=token))
    report = json.loads(r.out)
    assert report["token_scopes"] == ["read"] and "token_advice" not in report


@pytest.mark.parametrize("scope", ["admin", "read,superuser", ""])
def test_unknown_scopes_exit_2_and_send_nothing(hk: Harness, scope: str) -> None:
    r = hk.cli("auth", "tokens", "create", "--scope", scope, "--description", "x", env=hk.full_env())
    assert r.code == 2, r.err
    assert hk.received() == []


def test_config_vars_need_the_protected_scopes(hk: Harness) -> None:
    write = _create(hk, "--scope", "read,write", "--description", "no secrets")
    r = hk.cli("config", "set", "FOO=bar", "-a", "demo-staging", env=hk.full_env(HEROKU_API_KEY=write))
    assert r.code == 1 and "403" in r.err
    protected = _create(hk, "--scope", "write-protected", "--description", "rotates secrets")
    r = hk.cli("config", "set", "FOO=bar", "-a", "demo-staging", env=hk.full_env(HEROKU_API_KEY=protected))
    assert r.code == 0, r.err
    assert hk.sandbox.store.first("app", name="demo-staging")["_config"]["FOO"] == "bar"
