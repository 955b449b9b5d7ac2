"""Ids that hkctl prints are ids that hkctl accepts: full ids in tables, and any unique start of one."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.core

APP = "demo-production"


def test_the_build_id_of_builds_list_is_accepted_by_builds_info(hk):
    listed = hk.cli("builds", "-a", APP)
    first = listed.out.splitlines()[0].split("\t")[0]
    assert len(first) == 36
    assert json.loads(hk.cli("builds", "info", first, "-a", APP, "--json").out)["id"] == first
    short = hk.cli("builds", "info", first[:8], "-a", APP, "--json")
    assert short.code == 0, short.err
    assert json.loads(short.out)["id"] == first
    output = hk.cli("builds", "output", first[:8], "-a", APP)
    assert output.code == 0, output.err


def test_a_prefix_that_matches_nothing_or_several_is_bad_input(hk):
    none = hk.cli("builds", "info", "ffffffff", "-a", APP)
    assert none.code == 2 and "no build with an id starting 'ffffffff'" in none.err
    ids = [b["id"] for b in json.loads(hk.cli("builds", "-a", APP, "--json").out)]
    releases = json.loads(hk.cli("releases", "-a", APP, "--json").out)
    rid = releases[1]["id"]
    got = hk.cli("releases", "info", rid[:8], "-a", APP, "--json")
    assert json.loads(got.out)["version"] == releases[1]["version"]
    assert ids


def test_a_prefix_that_several_ids_share_asks_for_more():
    # the sandbox's ids are random, so two that share a start are made here rather than hoped for
    from hkctl.errors import UsageError
    from hkctl.resources._record import unique_id

    ids = ["3f1c0e6b-0000-4000-8000-000000000001", "3f1c0e6b-1111-4000-8000-000000000002"]
    with pytest.raises(UsageError, match="give more of the id"):
        unique_id("3f1c", ids, "build")
    assert unique_id("3f1c0e6b-1", ids, "build") == ids[1]


def test_webhooks_drains_and_tokens_take_a_unique_prefix(hk):
    env = hk.full_env()
    assert hk.cli("drains", "add", "syslog+tls://logs.example.com:6514", "-a", APP, env=env).code == 0
    [drain] = json.loads(hk.cli("drains", "-a", APP, "--json").out)
    assert hk.cli("drains", "remove", drain["id"][:8], "-a", APP, env=env).code == 0
    assert json.loads(hk.cli("drains", "-a", APP, "--json").out) == []

    made = hk.cli(
        "webhooks", "add", "--url", "https://hooks.example.com/x", "-i", "api:release", "-a", APP, env=env
    )
    assert made.code == 0, made.err
    [hook] = json.loads(hk.cli("webhooks", "-a", APP, "--json").out)
    gone = hk.cli("webhooks", "remove", hook["id"][:8], "-a", APP, env=env)
    assert gone.code == 0, gone.err
    assert json.loads(hk.cli("webhooks", "-a", APP, "--json").out) == []


def test_revoking_a_token_names_it_and_warns_when_it_is_the_one_in_use(hk):
    env = hk.full_env()
    created = hk.cli("auth", "tokens", "create", "--scope", "read", "--description", "dashboards", env=env)
    assert created.code == 0, created.err
    rows = json.loads(hk.cli("auth", "tokens", "list", "--json").out)
    other = next(r for r in rows if r["description"] == "dashboards")
    res = hk.cli("auth", "tokens", "revoke", other["id"][:8], "--confirm", other["id"], env=env)
    assert res.code == 0, res.err
    assert "dashboards; scopes read" in res.err and "hkctl is using" not in res.err
    mine = next(r for r in rows if r["description"] != "dashboards")
    res = hk.cli("auth", "tokens", "revoke", mine["id"], "--confirm", mine["id"], env=env)
    assert res.code == 0, res.err
    assert "this is the token hkctl is using now" in res.err
    assert "create or set a new one for the next command" in res.err
    assert hk.cli("apps").code != 0  # and indeed the next command needs a new token


def test_the_revoke_prompt_names_the_token_not_an_app(hk):
    env = hk.full_env()
    hk.cli("auth", "tokens", "create", "--scope", "read", "--description", "dashboards", env=env)
    token = next(
        r
        for r in json.loads(hk.cli("auth", "tokens", "list", "--json").out)
        if r["description"] == "dashboards"
    )
    seen: list[str] = []

    def person(plan: str, question: str) -> str:
        seen.append(plan)
        return token["id"]

    res = hk.cli(
        "auth", "tokens", "revoke", token["id"], env=hk.env(HEROKU_PERMISSION="full"), confirmer=person
    )
    assert res.code == 0, res.err
    assert f"Token (authorization): {token['id']}" in seen[0] and "App:" not in seen[0]
