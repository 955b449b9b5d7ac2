"""Where hkctl's own input ends, and small bad inputs: each is exit 2 with nothing sent.

Global flags stop at the command's own words (after `--`, and `hkctl run`'s command line), the
API URL never sends the token in clear, HEROKU_PERMISSION means `full` only when it says exactly
that, and malformed keys, versions and settings are refused on one line before any request.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hkctl.config import Settings
from hkctl.errors import UsageError

pytestmark = pytest.mark.core

APP = "demo-staging"
ROOT = Path(__file__).resolve().parent.parent


def _one_offs(hk) -> list[dict]:
    record = hk.sandbox.store.first("app", name=APP)
    return [d for d in hk.sandbox.store.all("dyno", parent=record["id"]) if d["type"] == "run"]


def _dyno_commands(hk) -> list[str]:
    return [w["body"]["command"] for w in hk.writes_received() if w["path"] == f"/apps/{APP}/dynos"]


def _exit_2_nothing_sent(hk, res) -> str:
    assert res.code == 2, res.text
    assert hk.received() == []
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, res.err
    return lines[0]


# --------------------------------------------------------------- repro 6: where global flags stop
def test_a_url_flag_inside_runs_command_line_is_the_dyno_commands_not_hkctls(hk):
    res = hk.cli("run", "-a", APP, "./bin/task", "--api-url=http://other.example", env=hk.full_env())
    assert res.code == 0, res.text
    assert _dyno_commands(hk) == ["./bin/task --api-url=http://other.example"]
    assert all(r["path"].startswith("/apps/") for r in hk.received())  # the sandbox got it all


def test_dry_run_inside_runs_command_line_is_the_dyno_commands_flag(hk):
    res = hk.cli("run", "-a", APP, "./bin/migrate", "--dry-run", env=hk.full_env())
    assert res.code == 0, res.text
    assert "curl" not in res.out
    assert _dyno_commands(hk) == ["./bin/migrate --dry-run"]
    assert len(_one_offs(hk)) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "-a", APP, "--", "./bin/migrate", "--plan", "x", "--confirm", APP],
        ["run", "-a", APP, "./bin/migrate", "--verbose", "-a", "other", "--wait"],
        ["run", "--env", "K=v", "-a", APP, "./bin/migrate", "--status-file", "never-written.md"],
        ["run:detached", "-a", APP, "./bin/migrate", "--dry-run", "--api-url=http://other.example"],
    ],
)
def test_nothing_in_a_command_line_handed_on_is_read_by_hkctl(hk, argv):
    res = hk.cli(*argv, env=hk.full_env())
    assert res.code == 0, res.text
    own = argv[argv.index("./bin/migrate") :]
    assert _dyno_commands(hk) == [" ".join(own)]


def test_global_flags_before_runs_command_line_are_still_hkctls(hk):
    for argv in (
        ["--dry-run", "run", "-a", APP, "./bin/migrate"],
        ["run", "--dry-run", "-a", APP, "./bin/migrate"],
        ["run", "-a", APP, "--dry-run", "--", "./bin/migrate"],
    ):
        res = hk.cli(*argv, env=hk.full_env())
        assert res.code == 0, res.text
        assert res.out.startswith("curl ") and "./bin/migrate" in res.out
    assert hk.writes_received() == []


def test_the_value_of_a_commands_own_option_is_never_a_global_flag(hk):
    argv = ("auth", "tokens", "create", "--scope", "read", "--description", "--verbose")
    res = hk.cli(*argv, env=hk.full_env())
    assert res.code == 0, res.text
    assert "→ POST" not in res.err  # not a --verbose run
    sent = [w["body"] for w in hk.writes_received() if w["path"] == "/oauth/authorizations"]
    assert sent and sent[0]["description"] == "--verbose"


def test_global_flags_after_double_dash_are_arguments(hk):
    # `config set -- --dry-run` sets nothing called --dry-run: it is an invalid key, not a dry run
    res = hk.cli("config", "set", "-a", APP, "--", "--dry-run=1", env=hk.full_env())
    assert res.code == 2, res.text
    assert "invalid config var name '--dry-run'" in res.err
    assert hk.received() == []


# ------------------------------------------------------- repro 6: the token never travels in clear
@pytest.mark.parametrize(
    "how",
    [
        ("--api-url", "http://other.example"),
        ("--data-api-url", "http://other.example:8080"),
        ("HKCTL_API_URL", "http://127.0.0.1.evil.example"),
        ("HKCTL_DATA_API_URL", "http://localhost.evil.example"),
    ],
)
def test_a_plain_http_api_url_to_another_machine_is_refused(hk, how):
    name, url = how
    if name.startswith("--"):
        res = hk.cli("apps", "list", name, url)
    else:
        res = hk.cli("apps", "list", env=hk.env(**{name: url}))
    line = _exit_2_nothing_sent(hk, res)
    assert f"{name}: refusing plain http://" in line
    assert "https://" in line


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:5000", "http://localhost", "http://[::1]:8080", "https://api.example.com/"]
)
def test_https_anywhere_and_http_to_loopback_are_accepted(url):
    assert Settings.from_env({"HKCTL_API_URL": url}).api_url == url.rstrip("/")
    assert Settings.from_env({}, data_api_url=url).data_api_url == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://[bad",
        "https://api.example.com:99999",
        "ftp://api.example.com",
        "api.example.com",
        "https://user:pw@api.example.com",
        "https://api.example.com/?x=1",
    ],
)
def test_an_api_url_that_does_not_parse_cleanly_is_one_line_exit_2(hk, url):
    line = _exit_2_nothing_sent(hk, hk.cli("apps", "list", "--api-url", url))
    assert line.startswith("error: --api-url: ")
    assert "Traceback" not in line and "internal error" not in line


def test_library_settings_refuse_a_clear_text_api_url_too():
    with pytest.raises(UsageError, match="api_url: refusing plain http://"):
        Settings(api_url="http://api.example.com")
    with pytest.raises(UsageError, match="extra_allowed_hosts: refusing plain http://"):
        Settings(extra_allowed_hosts=("http://api.example.com",))
    with pytest.raises(UsageError, match="data_api_url: refusing plain http://"):
        Settings(data_api_url="http://api.example.com")


# ------------------------------------------------------------------- HEROKU_PERMISSION spellings
@pytest.mark.parametrize("raw", [" full", "full ", "FULL", "Full", "full\n", "fuLL"])
def test_only_exactly_full_means_full(hk, raw):
    assert Settings.from_env({"HEROKU_PERMISSION": raw}).permission == "readonly"
    env = hk.env(HEROKU_PERMISSION=raw, HEROKU_NONINTERACTIVE_WRITES="i-accept-the-risk")
    res = hk.cli("config", "set", "X=1", "-a", APP, env=env)
    assert res.code == 3, res.text
    assert f"HEROKU_PERMISSION={raw!r} is not readonly or full" in res.err
    assert hk.writes_received() == []
    assert Settings.from_env({"HEROKU_PERMISSION": "full"}).permission == "full"


def _doc_spellings(text: str) -> list[str]:
    return re.findall(r"`([^`]*)`", text)


def _expected(raw: str) -> str:
    return Settings.from_env({"HEROKU_PERMISSION": raw}).permission


def test_readme_and_security_md_say_which_spellings_mean_full():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Permission system", 1)[1].split("| `HEROKU_PERMISSION`", 1)[1]
    rows = [line for line in table.split("\n\n", 1)[0].splitlines() if line.startswith("| ")]
    seen = set()
    for row in rows:
        first, _reads, writes = [c.strip() for c in row.strip("|").split("|")[:3]]
        mode = "readonly" if "refused before sending" in writes else "full"
        for spelling in _doc_spellings(first):
            assert _expected(spelling) == mode, (spelling, row)
            seen.add(spelling)
    assert {"full", "readonly", "FULL", "Full", " full"} <= seen
    security = (ROOT / "SECURITY.md").read_text()
    (row,) = [line for line in security.splitlines() if line.startswith("| `HEROKU_PERMISSION`")]
    meaning = row.split("|")[3]
    said_full = re.findall(r"exactly `([^`]*)`", meaning)
    assert said_full == ["full"]
    for spelling in _doc_spellings(meaning):
        assert _expected(spelling) == ("full" if spelling in said_full else "readonly"), spelling


# --------------------------------------------------------------------------- small bad inputs
@pytest.mark.parametrize(
    "argv",
    [
        ["config", "set", "FOO\n=bar"],
        ["config", "set", "FOO\nBAR=1"],
        ["config", "set", "FÖÖ=1"],
        ["config", "unset", "FOO\n"],
        ["run", "--env", "K\n=v", "true"],
        ["run", "--env", "KÉ=v", "true"],
    ],
)
def test_a_key_with_a_newline_or_other_invalid_characters_is_refused(hk, argv):
    argv = [*argv[:2], "-a", APP, *argv[2:]] if argv[0] == "config" else [argv[0], "-a", APP, *argv[1:]]
    _exit_2_nothing_sent(hk, hk.cli(*argv, env=hk.full_env()))


@pytest.mark.parametrize(
    "version", ["0", "v0", "٣", "v٣", "1x", "v 3", "99999999999", "v2147483648", "9" * 5000]
)
@pytest.mark.parametrize("command", [("releases", "info"), ("releases", "rollback"), ("rollback",)])
def test_a_release_version_that_is_not_ascii_digits_or_out_of_range_is_refused(hk, version, command):
    res = hk.cli(*command, version, "-a", APP, env=hk.full_env())
    line = _exit_2_nothing_sent(hk, res)
    assert "invalid release" in line and len(line) < 200


def test_a_release_version_in_range_is_accepted(hk):
    res = hk.cli("releases", "info", "v1", "-a", APP, "--json")
    assert res.code == 0, res.text


@pytest.mark.parametrize(
    "entry", ["*.heroku.com", "[x", ".com", "heroku.com:443", "https://x.heroku.com", "a b.com"]
)
def test_an_allowlist_entry_that_does_not_parse_is_one_line_exit_2(hk, entry):
    line = _exit_2_nothing_sent(hk, hk.cli("apps", "list", env=hk.env(HKCTL_ALLOWED_SUFFIXES=entry)))
    assert f"HKCTL_ALLOWED_SUFFIXES: {entry!r} is not a host suffix" in line


def test_allowlist_entries_that_parse_are_kept_from_a_dot():
    s = Settings.from_env({"HKCTL_ALLOWED_SUFFIXES": "heroku.com, .S3.amazonaws.com,"})
    assert s.allowed_suffixes == (".heroku.com", ".s3.amazonaws.com")


def test_runs_own_options_after_the_command_are_the_dyno_commands_and_a_note_says_so(hk):
    res = hk.cli("run", "-a", APP, "rake", "db:migrate", "--wait", "--size=standard-2x", env=hk.full_env())
    assert res.code == 0, res.text
    assert _dyno_commands(hk) == ["rake db:migrate --wait --size=standard-2x"]
    assert "note: --wait, --size=standard-2x is part of the dyno's command line" in res.err
    quiet = hk.cli("run", "-a", APP, "./bin/task", "--dry-run", env=hk.full_env())
    assert "note:" not in quiet.err  # a flag run does not have is the command's own business
