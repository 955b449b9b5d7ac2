"""Every filter of spec §9a–9e, as `hkctl logs --file` options, against hand-written lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import Harness

FIXTURE = Path(__file__).parent / "data" / "logs" / "mixed.log"


def ids(out: str) -> set[str]:
    """request_id of each printed router line (or the message, for other lines)."""
    found = set()
    for line in out.splitlines():
        if "request_id=" in line:
            found.add(line.split("request_id=", 1)[1].split(" ", 1)[0])
    return found


def run(hk: Harness, *args: str) -> str:
    r = hk.cli("logs", "--file", str(FIXTURE), *args)
    assert r.code == 0, r.err
    return r.out


def test_no_filter_passes_everything_through_malformed_included(hk: Harness) -> None:
    r = hk.cli("logs", "--file", str(FIXTURE))
    assert r.out.splitlines() == FIXTURE.read_text().splitlines()
    assert "2 malformed" in r.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("--status", "5xx"),
            {
                "req-500-1",
                "req-h10",
                "req-h11",
                "req-h12",
                "req-h13",
                "req-h14",
                "req-h15",
                "req-h17",
                "req-h18",
                "req-h19",
                "req-h20",
                "req-h21",
                "req-h22",
                "req-h23",
                "req-h24",
                "req-h25",
                "req-h33",
                "req-h34",
                "req-h80",
                "req-h81",
                "req-h82",
                "req-h83",
                "req-h99",
            },
        ),
        (("--status", "404"), {"req-404-1"}),
        (("--status", "401,403"), {"req-401-1", "req-403-1"}),
        (("--status", "3xx"), {"req-302-1", "req-h16"}),
        (("--min-service", "20000"), {"req-slow-2", "req-h12", "req-h15", "req-h24", "req-h28"}),
        (("--min-service", "5000", "--status", "2xx"), {"req-slow-1", "req-slow-2"}),
        (("--min-connect", "100"), {"req-slow-1", "req-h19"}),
        (("--path", "/api/v1/users"), {"req-ok-2", "req-403-1", "req-slow-1"}),
        (
            ("--method", "POST,PUT,PATCH,DELETE"),
            {"req-500-1", "req-403-1", "req-slow-1", "req-slow-2", "req-h27"},
        ),
        (("--path", "/api/", "--status", "5xx", "--min-service", "1000"), {"req-500-1", "req-h12"}),
        (("--code", "H12"), {"req-h12"}),
        (("--grep", "req-h2[0-2]"), {"req-h20", "req-h21", "req-h22"}),
        (("--dyno", "router", "--code", "H2*", "--status", "499"), {"req-h27", "req-h28"}),
    ],
)
def test_router_filters(hk: Harness, args: tuple[str, ...], expected: set[str]) -> None:
    assert ids(run(hk, *args)) == expected


def test_non_2xx_includes_redirects_and_errors_only(hk: Harness) -> None:
    got = ids(run(hk, "--status", "non-2xx"))
    assert "req-302-1" in got and "req-404-1" in got and "req-h12" in got
    assert not {"req-ok-1", "req-ok-2", "req-slow-1", "req-drain"} & got


def test_code_families(hk: Harness) -> None:
    h = run(hk, "--code", "H*")
    assert h.count("code=H") == len(h.splitlines()) == 28
    r = run(hk, "--code", "R*").splitlines()
    assert [line.split("Error ")[1][:3] for line in r] == [
        "R10",
        "R12",
        "R13",
        "R14",
        "R15",
        "R16",
        "R17",
        "R99",
    ]
    ls = run(hk, "--code", "L*").splitlines()
    assert len(ls) == 6 and all("heroku[logplex]" in x for x in ls)
    assert len(run(hk, "--code", "any").splitlines()) == 28 + 8 + 6


def test_state_changes_view(hk: Harness) -> None:
    out = run(hk, "--state-changes")
    assert [x.split(": ", 1)[1] for x in out.splitlines()] == [
        "Starting process with command `bundle exec puma -C config/puma.rb`",
        "State changed from starting to up",
        "State changed from up to crashed",
        "Restarting",
        "State changed from up to starting",
        "State changed from up to down",
        "Scaling",
        "Process exited with status 137",
        "Scaled to web@2:Standard-1X by user dev@example.com",
        "Process exited with status 0",
    ]


def test_memory_view(hk: Harness) -> None:
    out = run(hk, "--memory").splitlines()
    assert len(out) == 4
    assert sum("sample#memory_total" in x for x in out) == 2 and sum("Error R1" in x for x in out) == 2


def test_deploys_view(hk: Harness) -> None:
    out = [x.split("heroku[api]: ", 1)[1] for x in run(hk, "--deploys").splitlines()]
    assert out == [
        "Deploy 2d5ffe7 by dev@example.com",
        "Release v41 created by dev@example.com",
        "Set FEATURE_X config vars by dev@example.com",
        "Release v42 created by dev@example.com",
        "Rollback to v40 by dev@example.com",
        "Release v43 created by dev@example.com",
        "Build started by dev@example.com",
        "Slug compiled 2d5ffe7",
        "Attach DATABASE (@ref:postgresql-curved-22004) by dev@example.com",
        "Detach REDIS (@ref:redis-clear-87678) by dev@example.com",
    ]


def test_app_errors_view(hk: Harness) -> None:
    out = run(hk, "--app-errors")
    for needle in (
        "NoMethodError",
        "RecordNotFound",
        "PG::ConnectionBad",
        "ConnectionTimeoutError",
        "RoutingError",
        "WARN: RuntimeError",
        "fail: 2.1 sec",
        "dead set",
        "Completed 500",
        "ActiveRecord: 612.4ms",
        "Puma backlog",
    ):
        assert needle in out, needle
    assert "Started GET" not in out and "hello from a one-off" not in out


def test_views_combine_as_alternatives_and_source_dyno_narrow(hk: Harness) -> None:
    both = run(hk, "--deploys", "--memory").splitlines()
    assert len(both) == 10 + 4
    one_off = run(hk, "--dyno", "run.4821").splitlines()
    assert len(one_off) == 4
    app_only = run(hk, "--source", "app", "--dyno", "worker").splitlines()
    assert len(app_only) == 3


def test_json_records_one_per_line(hk: Harness) -> None:
    out = run(hk, "--json", "--code", "H12")
    (rec,) = [json.loads(x) for x in out.splitlines()]
    assert rec["router"]["service_ms"] == 30001 and rec["router"]["status"] == 503 and rec["code"] == "H12"
    everything = [json.loads(x) for x in run(hk, "--json").splitlines()]
    assert len(everything) == 91
    assert {"raw": "this line is not a log line at all", "malformed": True} in everything


def test_num_keeps_the_last_matches_of_a_file(hk: Harness) -> None:
    assert ids(run(hk, "--status", "5xx", "-n", "2")) == {"req-h83", "req-h99"}


def test_stdin(hk: Harness) -> None:
    r = hk.cli("logs", "--file", "-", "--status", "404", input=FIXTURE.read_text())
    assert r.code == 0 and ids(r.out) == {"req-404-1"}


@pytest.mark.parametrize(
    "args",
    [("--status", "6zz"), ("--grep", "("), ("--tail",), ()],
)
def test_bad_input_exits_2(hk: Harness, args: tuple[str, ...]) -> None:
    argv = ("logs", "--file", str(FIXTURE), *args) if args else ("logs",)
    r = hk.cli(*argv)
    assert r.code == 2, r.text
    assert hk.received() == []
