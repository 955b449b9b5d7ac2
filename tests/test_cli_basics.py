"""Bad input exits 2 with one clear line and sends nothing; the token comes from env or ~/.netrc; rate limits."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from hkctl.sandbox.seed import SANDBOX_TOKEN

pytestmark = pytest.mark.core


def _one_line_exit_2(hk, res) -> str:
    assert res.code == 2, res.text
    assert res.out == ""
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, res.err
    assert "Traceback" not in res.err
    assert hk.received() == []  # nothing was sent, not even a read
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("apps", "info", "-a", "Bad_Name!"), "invalid app name 'Bad_Name!'"),
        (("apps", "info", "-a", "x"), "invalid app name 'x'"),
        (("apps", "create", "UPPER-case"), "invalid app name 'UPPER-case'"),
        (("apps", "rename", "no", "-a", "demo-staging"), "invalid app name 'no'"),
        (("config", "show", "-a", "../account"), "invalid app name '../account'"),
        (("config", "set", "FOO", "-a", "demo-staging"), "expected KEY=VALUE: argument 1 has no '='"),
        (("config", "set", "BAD-KEY=1", "-a", "demo-staging"), "invalid config var name 'BAD-KEY'"),
        (("config", "unset", "BAD KEY", "-a", "demo-staging"), "invalid config var name 'BAD KEY'"),
        (("api", "PATCH", "/apps/demo-staging", "-d", "{maintenance: true"), "invalid JSON for -d"),
        (("api", "GET", "apps"), "PATH must start with '/'"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_sends_nothing(hk, argv, says):
    for env in (hk.env(), hk.full_env()):  # the same in every mode: input is checked first
        line = _one_line_exit_2(hk, hk.cli(*argv, env=env))
        assert line.startswith("error: ") and says in line, line


def test_click_usage_errors_also_exit_2_and_send_nothing(hk):
    res = hk.cli("apps", "info")  # no app named, none to infer (HEROKU_APP unset, no heroku remote here)
    assert res.code == 2 and "which app? Name it with -a APP" in res.err
    res = hk.cli("apps", "list", "--limit", "0")
    assert res.code == 2
    res = hk.cli("apps", "list", "--audit-log")  # a global flag without its value
    assert res.code == 2 and "--audit-log needs a value" in res.err
    assert hk.received() == []


def test_no_token_is_one_line_saying_how_to_set_one(hk):
    env = hk.env()
    del env["HEROKU_API_KEY"]
    for argv in (("apps", "list"), ("config", "set", "A=1", "-a", "demo-staging")):
        line = _one_line_exit_2(hk, hk.cli(*argv, env={**env, "HEROKU_PERMISSION": "full"}))
        assert "no Heroku token" in line and "HEROKU_API_KEY" in line and "~/.netrc" in line


def test_netrc_entry_is_used_when_heroku_api_key_is_unset(hk):
    env = hk.env()
    del env["HEROKU_API_KEY"]
    netrc = hk.home / ".netrc"
    netrc.write_text(
        f"machine git.heroku.com\n  login me@example.com\n  password not-this-one\n"
        f"machine api.heroku.com\n  login me@example.com\n  password not-this-one-either\n"
        f"machine {urlsplit(hk.url).hostname}\n  login me@example.com\n  password {SANDBOX_TOKEN}\n"
    )  # the entry of the host the API URL names is read (the sandbox's), as the official CLI does
    netrc.chmod(0o600)
    res = hk.cli("apps", "list", "--json", env=env)
    assert res.code == 0, res.err
    assert len(json.loads(res.out)) == 2
    doctor = hk.cli("doctor", "--json", env=env)
    assert json.loads(doctor.out)["token_source"] == "~/.netrc"
    # HEROKU_API_KEY wins over ~/.netrc
    res = hk.cli("doctor", "--json", env={**env, "HEROKU_API_KEY": "HRKU-wrong-aaaaaaaaaaaa"})
    assert res.code == 1 and json.loads(res.out)["token_source"] == "HEROKU_API_KEY"


def test_headers_on_every_request(hk):
    hk.cli("apps", "info", "-a", "demo-staging", "--json")
    (req,) = hk.received()
    assert req["accept"] == "application/vnd.heroku+json; version=3"
    assert req["user_agent"].startswith("hkctl/")


def test_rate_limit_warning_once_below_10_percent(hk):
    hk.sandbox.ratelimits.set(hk.sandbox.token_for(SANDBOX_TOKEN)["id"], 400, hk.sandbox.clock.now())
    client_env = hk.env()
    res = hk.cli("apps", "list", "--limit", "1", env=client_env)
    assert res.code == 0
    assert res.err.count("rate limit low") == 1
    # within one run, the warning is said once however many requests follow
    from hkctl.resources import apps

    said: list[str] = []
    from hkctl.config import Settings
    from hkctl.transport.client import HerokuClient

    client = HerokuClient(Settings.from_env(client_env), transport=hk.transport, stderr=said.append)
    for _ in range(3):
        apps.info(client, "demo-staging")
    assert len([s for s in said if "rate limit low" in s]) == 1
    assert "of 4500 requests left" in said[0]


def test_no_rate_limit_warning_with_a_full_budget(hk):
    res = hk.cli("apps", "list")
    assert "rate limit" not in res.err


def test_rate_limit_command(hk):
    hk.sandbox.ratelimits.set(hk.sandbox.token_for(SANDBOX_TOKEN)["id"], 1234, hk.sandbox.clock.now())
    res = hk.cli("rate-limit", "--json")
    assert res.code == 0, res.err
    assert json.loads(res.out) == {"remaining": 1234}
    assert hk.cli("rate-limit").out.strip() == "1234 of 4500 requests left"
    assert [r["path"] for r in hk.received()][-1] == "/account/rate-limits"


def test_doctor_reports_setup(hk):
    res = hk.cli("doctor", "--json", env=hk.env(HEROKU_PERMISSION="full"))
    assert res.code == 0, res.err
    report = json.loads(res.out)
    assert report["token_source"] == "HEROKU_API_KEY"
    assert report["token_valid"] is True
    assert report["permission"] == "full"
    assert report["api_url"] == hk.url
    assert report["rate_limit_remaining"] > 4000
    assert SANDBOX_TOKEN not in res.text
    assert hk.writes_received() == []
    hosts = report["allowed_hosts"]
    assert "https://*.s3.amazonaws.com (URLs the API hands back, no token)" in hosts
    assert not [h for h in hosts if "://" in h.split("://", 1)[1]], hosts  # never https://http://...


def test_doctor_without_a_token_says_so_and_exits_1(hk):
    env = hk.env()
    del env["HEROKU_API_KEY"]
    res = hk.cli("doctor", "--json", env=env)
    assert res.code == 1
    assert json.loads(res.out)["token_valid"] is False
    assert hk.received() == []


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf", "-inf", "1e400", "86400"])
def test_a_bad_timeout_setting_is_bad_input(hk, value):
    line = _one_line_exit_2(hk, hk.cli("apps", "list", env=hk.env(HKCTL_TIMEOUT=value)))
    assert "HKCTL_TIMEOUT must be a positive number of seconds" in line


def test_an_unexpected_error_is_one_redacted_line_and_exit_1(hk):
    def confirmer(plan: str, question: str) -> str:
        raise RuntimeError(f"confirmer broke while holding {SANDBOX_TOKEN}")

    env = hk.env(HEROKU_PERMISSION="full")
    res = hk.cli("apps", "maintenance", "on", "-a", "demo-staging", env=env, confirmer=confirmer)
    assert res.code == 1
    assert res.err.strip().splitlines() == [
        "internal error: RuntimeError: confirmer broke while holding [REDACTED] (run with --verbose for the traceback)"
    ]
    verbose = hk.cli(
        "apps", "maintenance", "on", "-a", "demo-staging", "--verbose", env=env, confirmer=confirmer
    )
    assert "Traceback" in verbose.err and SANDBOX_TOKEN not in verbose.err
    assert hk.writes_received() == []


def test_apps_lifecycle_through_the_cli(hk):
    full = hk.full_env()
    res = hk.cli("apps", "create", "life-app", "--region", "eu", "--json", env=full)
    assert res.code == 0, res.err
    assert json.loads(res.out)["region"]["name"] == "eu"
    assert hk.cli("apps", "maintenance", "on", "-a", "life-app", env=full).code == 0
    assert hk.sandbox.store.first("app", name="life-app")["maintenance"] is True
    assert hk.cli("apps", "maintenance", "off", "-a", "life-app", env=full).code == 0
    assert hk.cli("apps", "rename", "life-app-2", "-a", "life-app", env=full).code == 0
    assert hk.sandbox.store.first("app", name="life-app") is None
    info = json.loads(hk.cli("apps", "info", "-a", "life-app-2", "--json").out)
    assert info["git_url"] == "https://git.heroku.com/life-app-2.git"
    res = hk.cli("apps", "destroy", "-a", "life-app-2", "--confirm", "life-app-2", env=full)
    assert res.code == 0, res.err
    assert hk.sandbox.store.first("app", name="life-app-2") is None
    sent = [(w["method"], w["path"], w["body"]) for w in hk.writes_received()]
    assert sent == [
        ("POST", "/apps", {"name": "life-app", "region": "eu"}),
        ("PATCH", "/apps/life-app", {"maintenance": True}),
        ("PATCH", "/apps/life-app", {"maintenance": False}),
        ("PATCH", "/apps/life-app", {"name": "life-app-2"}),
        ("DELETE", "/apps/life-app-2", None),
    ]


def test_config_set_and_unset_make_one_release_each(hk):
    full = hk.full_env()
    app = hk.sandbox.store.first("app", name="demo-staging")

    def releases() -> int:
        return len(hk.sandbox.store.all("release", parent=app["id"]))

    before = releases()
    assert hk.cli("config", "set", "A=1", "B=two=2", "-a", "demo-staging", env=full).code == 0
    assert hk.cli("config", "unset", "A", "B", "-a", "demo-staging", env=full).code == 0
    assert releases() == before + 2
    bodies = [w["body"] for w in hk.writes_received()]
    assert bodies == [{"A": "1", "B": "two=2"}, {"A": None, "B": None}]
    config = hk.sandbox.store.first("app", name="demo-staging")["_config"]
    assert "A" not in config and "B" not in config


_TREE = """
import json, sys, click
from hkctl.cli.main import root

def tree(cmd):
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        return {n: tree(cmd.get_command(ctx, n)) for n in sorted(cmd.list_commands(ctx))}
    return None

ctx = click.Context(root)
if sys.argv[1] == "--all":
    print(json.dumps({n: tree(root.get_command(ctx, n)) for n in root.list_commands(ctx)}))
else:
    print(json.dumps(tree(root.get_command(ctx, sys.argv[1]))))
"""


def test_running_one_command_finds_the_same_command_as_loading_them_all():
    import subprocess
    import sys

    def tree(arg: str):
        out = subprocess.run([sys.executable, "-c", _TREE, arg], capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    everything = tree("--all")
    assert {"apps", "config", "rate-limit"} <= set(everything)
    for name, subtree in everything.items():
        assert tree(name) == subtree, name  # e.g. `config` includes `diff` from config_diff.py
