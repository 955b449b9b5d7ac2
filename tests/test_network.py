"""What a real network does: unreachable hosts fail at once, hangs are retried aloud within a deadline,
a lost answer to a write "may have been applied", and a ~/.netrc other tools wrote still yields the token.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from hkctl.config import Settings
from hkctl.transport.auth import read_netrc, resolve_token
from hkctl.transport.client import HerokuClient

pytestmark = pytest.mark.core
APP = "demo-staging"


def test_a_name_that_does_not_resolve_fails_at_once_without_retries(hk):
    said: list[str] = []
    url = "https://api.nonexistent.invalid"  # .invalid never resolves (RFC 6761)
    client = HerokuClient(Settings.from_env(hk.env(HKCTL_API_URL=url)), stderr=said.append)
    from hkctl.errors import TransportError

    with pytest.raises(TransportError) as err:
        client.get(f"/apps/{APP}")
    text = str(err.value)
    assert "could not reach api.nonexistent.invalid (the name does not resolve)" in text
    assert f"HKCTL_API_URL (now {url})" in text and "the network" in text
    assert client.sent == [("GET", f"{url}/apps/{APP}")]  # one try: no retries for a DNS failure
    assert not [m for m in said if m.startswith("retry")]


def test_the_cli_says_could_not_reach_with_exit_1(live):
    res = live.cli("apps", "info", "-a", APP, env=live.env(HKCTL_API_URL="https://api.nonexistent.invalid"))
    assert res.code == 1
    assert res.err.startswith("error: could not reach api.nonexistent.invalid") and "retry" not in res.err


def test_a_hanging_read_is_retried_aloud_until_the_deadline_then_says_what_it_waited_for(live):
    live.sandbox.faults.configure(latency_ms=3000)
    env = live.env(HKCTL_TIMEOUT="0.3", HKCTL_DEADLINE="0.5")  # room for 2 of the 4 attempts
    res = live.cli("apps", "info", "-a", APP, env=env)
    assert res.code == 1, res.text
    lines = res.err.strip().splitlines()
    assert lines[0].startswith("retry 1/3") and "after ReadTimeout on GET" in lines[0]  # without --verbose
    assert "gave up after 0.5s waiting for an answer to GET" in lines[-1]
    assert f"/apps/{APP}" in lines[-1] and "HKCTL_DEADLINE=0.5" in lines[-1]


def test_an_idempotent_write_whose_answer_is_lost_may_have_been_applied(live):
    live.sandbox.faults.configure(latency_ms=600)
    env = live.full_env(HKCTL_TIMEOUT="0.2", HKCTL_DEADLINE="30")
    res = live.cli("config", "set", "LOST_ANSWER=yes", "-a", APP, env=env)
    assert res.code == 1, res.text
    assert "outcome unknown: PATCH" in res.err and "it may have been applied" in res.err
    assert f"`hkctl config show -a {APP}`" in res.err
    deadline = time.monotonic() + 10
    app = live.sandbox.store.first("app", name=APP)
    while "LOST_ANSWER" not in app["_config"] and time.monotonic() < deadline:
        time.sleep(0.05)  # the sandbox finishes what it was sent, after its latency
        app = live.sandbox.store.first("app", name=APP)
    assert app["_config"]["LOST_ANSWER"] == "yes"  # it was applied: the message was right to say so


NETRC = """\
machine git.example.com
  login me
  password not-this-one
  protocol https
  port 8443
# a comment line
machine api.heroku.com
  login person@example.com
  password HRKU-token-from-netrc
macdef init
  echo hello

machine other.example.com login x password y
"""


def test_netrc_with_keywords_python_rejects_in_other_entries_still_yields_the_token(tmp_path):
    (tmp_path / ".netrc").write_text(NETRC)
    token = resolve_token(Settings.from_env({"HOME": str(tmp_path)}))
    assert token.value == "HRKU-token-from-netrc" and token.source == "~/.netrc"
    assert any("line 4" in n and "'protocol'" in n for n in token.notes)
    assert any("line 5" in n and "'port'" in n for n in token.notes)
    assert not any("HRKU" in n or "not-this-one" in n for n in token.notes)


def test_the_skipped_lines_are_said_with_verbose_only(hk):
    (hk.home / ".netrc").write_text(
        NETRC + f"machine {urlsplit(hk.url).hostname} login me password HRKU-token-from-netrc\n"
    )
    env = hk.env()
    del env["HEROKU_API_KEY"]
    quiet = hk.cli("apps", "info", "-a", APP, env=env)
    assert "skipped unknown keyword" not in quiet.err
    loud = hk.cli("apps", "info", "-a", APP, "--verbose", env=env)
    assert "~/.netrc line 4: skipped unknown keyword 'protocol'" in loud.err
    assert "HRKU-token-from-netrc" not in loud.text


def test_read_netrc_rules():
    assert read_netrc("machine api.heroku.com login a password b", "api.heroku.com") == ("b", [])
    assert read_netrc("default login a password b", "api.heroku.com")[0] is None
    assert read_netrc("machine x port 1 machine api.heroku.com password t", "api.heroku.com")[0] == "t"


def test_an_unreachable_handed_back_host_is_named_and_nothing_is_left_behind(hk, tmp_path):
    from hkctl.errors import TransportError
    from hkctl.sandbox.server import free_port

    store = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    client = HerokuClient(Settings.from_env(hk.env(HKCTL_SANDBOX_STORAGE_URL=store)))  # the real network
    with pytest.raises(TransportError) as err:
        client.download(f"{store}/xfrtu/x/backup.dump?X-Amz-Signature=abc", tmp_path / "out" / "b.dump")
    assert f"could not reach {store.split('//')[1]} (connection refused)" in str(err.value)
    assert "X-Amz-Signature=abc" not in str(err.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    with pytest.raises(TransportError) as err:
        client.upload(f"{store}/heroku-sources-production/x?Signature=abc", b"data")
    assert "the host the API handed back" in str(err.value)
