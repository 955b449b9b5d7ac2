"""Parsing Logplex lines: every router field typed, unknown fields kept, error codes found, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hkctl.logs.codes import CATALOGUE, lookup, matches
from hkctl.logs.parse import logfmt, parse_line

pytestmark = pytest.mark.core
FIXTURE = Path(__file__).parent / "data" / "logs" / "mixed.log"


def fixture_lines() -> list[str]:
    return FIXTURE.read_text().splitlines()


def test_router_line_every_field_is_typed() -> None:
    rec = parse_line(
        '2026-11-28T10:00:00.100000+00:00 heroku[router]: at=info method=GET path="/api/v1/users/42" '
        'host=shop.herokuapp.com request_id=req-ok-2 fwd="203.0.113.2" dyno=web.2 connect=0ms service=61ms '
        "status=200 bytes=512 protocol=https tls_version=TLSv1.3"
    )
    assert not rec.malformed
    assert (rec.timestamp, rec.source, rec.dyno) == ("2026-11-28T10:00:00.100000+00:00", "heroku", "router")
    assert rec.router == {
        "at": "info",
        "method": "GET",
        "path": "/api/v1/users/42",
        "host": "shop.herokuapp.com",
        "request_id": "req-ok-2",
        "fwd": "203.0.113.2",
        "dyno": "web.2",
        "protocol": "https",
        "connect_ms": 0,
        "service_ms": 61,
        "status": 200,
        "bytes": 512,
        "tls_version": "TLSv1.3",  # unknown keys are kept, not dropped
    }
    out = rec.to_json()
    assert list(out)[:4] == ["timestamp", "source", "dyno", "message"]
    assert out["router"]["service_ms"] == 61


def test_router_error_line_with_empty_fields_and_extras() -> None:
    rec = parse_line(
        '2014-05-14T17:17:37.456997+00:00 heroku[router]: at=error code=H26 desc="Request Error" cause="bad header" '
        'method=GET path="/" host=myapp.herokuapp.com request_id=3f336f1a fwd="17.17.17.17" dyno= connect= '
        "service= status=400 bytes="
    )
    assert rec.code == "H26" and not rec.malformed
    assert rec.router is not None
    assert rec.router["desc"] == "Request Error" and rec.router["cause"] == "bad header"
    assert (
        rec.router["service_ms"] is None and rec.router["connect_ms"] is None and rec.router["bytes"] is None
    )
    assert rec.router["dyno"] == "" and rec.router["status"] == 400


def test_documented_old_router_lines_parse() -> None:
    old = (
        '2010-10-06T21:51:37-07:00 heroku[router]: at=error code=H12 desc="Request timeout" method=GET path=/ '
        "host=myapp.herokuapp.com fwd=17.17.17.17 dyno=web.1 connect=6ms service=30001ms status=503 bytes=0"
    )
    rec = parse_line(old)
    assert (
        rec.code == "H12" and rec.router and rec.router["service_ms"] == 30001 and rec.router["path"] == "/"
    )
    no_fraction = parse_line(
        "2012-10-11T03:47:20+00:00 heroku[router]: at=info method=GET path=/ host=myapp.herokuapp.com "
        'fwd="204.204.204.204" dyno=web.1 connect=1ms service=18ms status=200 bytes=13'
    )
    assert no_fraction.router and no_fraction.router["status"] == 200


def test_syslog_drain_framing() -> None:
    rec = parse_line(fixture_lines()[-1])
    assert (rec.source, rec.dyno) == ("heroku", "router")
    assert rec.router and rec.router["request_id"] == "req-drain" and rec.router["service_ms"] == 33


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_catalogue_code_is_found_in_the_fixture(code: str) -> None:
    found = [parse_line(line) for line in fixture_lines() if code in line]
    assert any(r.code == code for r in found), code
    entry = lookup(code)
    assert entry.title and entry.meaning and entry.action
    assert entry.severity in ("critical", "warning", "info")


def test_runtime_and_logging_error_forms() -> None:
    rec = parse_line("2026-11-28T10:01:05.000000+00:00 heroku[web.2]: Error R14 (Memory quota exceeded)")
    assert rec.code == "R14" and rec.dyno == "web.2"
    l10 = parse_line(
        "2026-11-28T10:01:11+00:00 heroku[logplex]: Error L10 (output buffer overflow): 5 dropped"
    )
    assert l10.code == "L10"


def test_unknown_code_gets_a_generic_entry() -> None:
    entry = lookup("H77")
    assert "router" in entry.title and "devcenter" in entry.action


@pytest.mark.parametrize(
    ("pattern", "code", "expected"),
    [
        ("H12", "H12", True),
        ("H*", "H12", True),
        ("R*", "H12", False),
        ("L*", "L10", True),
        ("any", "R14", True),
        ("R14,R15", "R15", True),
        ("h12", "H12", True),
    ],
)
def test_code_patterns(pattern: str, code: str, expected: bool) -> None:
    assert matches(pattern, code) is expected


def test_memory_sample_fields() -> None:
    line = next(x for x in fixture_lines() if "sample#memory_total=540.12MB" in x)
    rec = parse_line(line)
    assert rec.fields["sample#memory_total"] == "540.12MB" and rec.fields["sample#memory_quota"] == "512.00MB"
    assert rec.to_json()["fields"]["source"] == "web.2"


@pytest.mark.parametrize(
    "line", ["this line is not a log line at all", "", "2026-11-28 heroku[router] nope", "\x00\xff garbage"]
)
def test_malformed_lines_are_raw_records(line: str) -> None:
    rec = parse_line(line)
    assert rec.malformed and rec.to_json() == {"raw": line, "malformed": True}


def test_router_line_without_status_is_malformed_but_kept() -> None:
    rec = parse_line('2026-11-28T10:05:00+00:00 heroku[router]: at=info method=GET path="/broken" status=abc')
    assert rec.malformed and rec.router is not None and rec.router["path"] == "/broken"
    assert rec.to_json()["malformed"] is True


def test_logfmt_quotes() -> None:
    assert logfmt('a=1 b="x y" c= d="q\\"t"') == {"a": "1", "b": "x y", "c": "", "d": 'q"t'}


@given(st.text(max_size=300))
def test_parser_never_raises(text: str) -> None:
    rec = parse_line(text)
    assert isinstance(rec.to_json(), dict)


@given(
    st.lists(st.sampled_from(["at", "method", "path", "status", "service", "x"]), max_size=8),
    st.text(max_size=40),
)
def test_router_parser_never_raises_on_odd_fields(keys: list[str], value: str) -> None:
    body = " ".join(f"{k}={value}" for k in keys)
    rec = parse_line(f"2026-11-28T10:00:00+00:00 heroku[router]: {body}")
    assert rec.router is not None


def test_terminal_colours_keep_the_text() -> None:
    import re

    from hkctl.logs.view import paint

    for line in fixture_lines():
        if line.startswith("<"):  # syslog drain framing is shown in Logplex form on a terminal
            continue
        rec = parse_line(line)
        assert re.sub(r"\x1b\[[0-9;]*m", "", paint(rec)) == line
    assert "\x1b[31m" in paint(parse_line(next(x for x in fixture_lines() if "code=H12" in x)))
    assert "\x1b[33m" in paint(parse_line(next(x for x in fixture_lines() if "status=404" in x)))
