"""The app error-shape table (every pattern has a test line), multi-line joining, logfmt escapes and
fields, SQL shapes, and what stays out of the latency percentiles."""

from __future__ import annotations

import json

import pytest

from hkctl.logs import apperrors, fast
from hkctl.logs.aggregate import sql_shape
from hkctl.logs.parse import logfmt, parse_line
from hkctl.logs.postgres import is_error, sqlstate_name
from hkctl.logs.triage import report
from tests.support import Harness

pytestmark = pytest.mark.core
TS = "2024-03-01T12:00:{:02d}.000000+00:00"


def app(i: int, message: str, dyno: str = "web.1") -> str:
    return f"{TS.format(i)} app[{dyno}]: {message}"


def router(i: int, head: str, path: str, service: str, status: int, connect: str = "0ms") -> str:
    return (
        f'{TS.format(i)} heroku[router]: {head} method=GET path="{path}" host=a.herokuapp.com '
        f'request_id=r-{i} fwd="192.0.2.1" dyno=web.1 connect={connect} service={service} status={status} '
        "bytes=10 protocol=https"
    )


@pytest.mark.parametrize("pattern", apperrors.PATTERNS, ids=lambda p: p.kind)
def test_every_pattern_has_a_test_line_it_matches(pattern: apperrors.Pattern) -> None:
    assert apperrors.classify(pattern.example) == pattern.kind
    out = report(fast.triage_lines([app(1, pattern.example)]))
    assert out["app_error_kinds"] == {pattern.kind: 1}


@pytest.mark.parametrize("line", apperrors.CONTINUATION_EXAMPLES)
def test_stack_frames_are_never_errors_of_their_own(line: str) -> None:
    assert apperrors.classify(line) == "continuation"
    assert report(fast.triage_lines([app(1, line)]))["app_errors"] == []


def test_python_traceback_is_joined_with_its_last_line() -> None:
    lines = [
        app(1, "Traceback (most recent call last):"),
        app(2, '  File "/app/views.py", line 12, in checkout', dyno="web.2"),  # another dyno: no effect
        app(2, '  File "/app/views.py", line 12, in checkout'),
        app(2, '    raise ValueError("bad total")'),
        app(3, "ValueError: bad total"),
    ]
    out = report(fast.triage_lines(lines))
    assert out["app_error_kinds"] == {"python.traceback": 1}
    (e,) = out["app_errors"]
    assert (
        e["count"] == 1 and e["kind"] == "python.traceback" and e["shape"].endswith("ValueError: bad total")
    )


@pytest.mark.parametrize(
    ("lines", "kind"),
    [
        (
            ["Error: connect ECONNREFUSED", "    at TCPConnectWrap.afterConnect (node:net:1494:16)"],
            "node.error",
        ),
        (
            ["java.lang.IllegalStateException: boom", "\tat com.example.App.main(App.java:5)"],
            "java.exception",
        ),
        (
            [
                'Exception in thread "main" java.lang.RuntimeException: outer',
                "\tat com.example.App.main(App.java:5)",
                "Caused by: java.io.IOException: inner",
                "\t... 3 more",
            ],
            "java.exception",
        ),
        (
            [
                "panic: runtime error: index out of range",
                "",
                "goroutine 1 [running]:",
                "main.main()",
                "\t/app/main.go:12 +0x1d",
            ],
            "go.panic",
        ),
        (["KeyError: 'user'"], "exception"),
    ],
)
def test_multi_line_errors_count_once(lines: list[str], kind: str) -> None:
    out = report(fast.triage_lines([app(i, m) for i, m in enumerate(lines)] + [app(9, "GET / 200")]))
    assert out["app_error_kinds"] == {kind: 1}


def test_logfmt_escapes_follow_go_logfmt() -> None:
    assert logfmt(r'a="C:\\temp" b="say \"hi\"" c="x\ny" d="caf\u00e9" e= f=plain g="\q"') == {
        "a": "C:\\temp",
        "b": 'say "hi"',
        "c": "x\ny",
        "d": "café",
        "e": "",
        "f": "plain",
        "g": "\\q",  # not an escape go-logfmt knows: kept as written
    }


def test_json_records_carry_fields_for_logfmt_app_lines(hk: Harness, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "l2met.log"
    log.write_text(
        app(1, "source=web.1 measure#db.query=12.5ms count#orders.created=1 sample#queue.depth=4")
        + "\n"
        + app(2, 'at=info level=warn msg="slow \\"checkout\\"" path=C:\\\\x')
        + "\n"
        + app(3, 'Started GET "/" for 192.0.2.1')
        + "\n"
    )
    r = hk.cli("logs", "--file", str(log), "--json")
    assert r.code == 0, r.err
    records = [json.loads(x) for x in r.out.splitlines()]
    assert records[0]["fields"] == {
        "source": "web.1",
        "measure#db.query": "12.5ms",
        "count#orders.created": "1",
        "sample#queue.depth": "4",
    }
    assert records[1]["fields"]["msg"] == 'slow "checkout"' and records[1]["fields"]["path"] == "C:\\\\x"
    assert "fields" not in records[2]


def test_sql_shapes_keep_quoted_identifiers() -> None:
    stmt = 'SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2  [["id", 7], ["LIMIT", 1]]'
    assert sql_shape(stmt) == 'SELECT "users".* FROM "users" WHERE "users"."id" = ? LIMIT ?'
    assert sql_shape("SELECT * FROM t WHERE name = 'o''brien' AND n IN (1, 2.5)") == (
        "SELECT * FROM t WHERE name = ? AND n IN (?, ?)"
    )
    rid = "7d3c2b1a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    lines = [app(i, f"[{rid}]   User Load (0.4ms)  {stmt.replace('7', str(i))}") for i in range(12)]
    (suspect,) = report(fast.triage_lines(lines))["n_plus_one"]
    assert suspect["statement"] == 'SELECT "users".* FROM "users" WHERE "users"."id" = ? LIMIT ?'


def test_idle_interrupted_and_streaming_requests_stay_out_of_latency() -> None:
    lines = [
        router(1, "at=info", "/fast", "10ms", 200),
        router(2, "at=info", "/fast", "20ms", 200),
        router(3, 'at=error code=H12 desc="Request timeout"', "/reports/7", "30001ms", 503),
        router(
            4, 'sock=client at=warning code=H27 desc="Client Request Interrupted"', "/upload", "90000ms", 499
        ),
        router(5, 'at=error code=H28 desc="Client Connection Idle"', "/idle", "55000ms", 499),
        router(6, "at=info", "/cable", "3600000ms", 101),
        router(7, "at=info", "/events/stream", "600000ms", 200),
    ]
    out = report(fast.triage_lines(lines))
    rt = out["router"]
    assert rt["requests"] == 7 and rt["status_classes"] == {"2xx": 3, "3xx": 0, "4xx": 2, "5xx": 1, "1xx": 1}
    assert rt["service_ms"] == {"p50": 20, "p95": 30001, "p99": 30001, "max": 30001}
    assert rt["latency_excluded"] == {"H27": 1, "H28": 1, "streaming": 2}
    assert [s["path"] for s in rt["streaming"]] == ["/cable", "/events/stream"]
    assert [s["path"] for s in rt["slowest"]] == ["/reports/7", "/fast", "/fast"]
    h12 = next(f["message"] for f in out["findings"] if f["message"].startswith("H12"))
    assert "On /reports/:id ×1." in h12 and "/idle" not in h12 and "/cable" not in h12


def test_sqlstate_names_and_error_rule() -> None:
    assert sqlstate_name("40P01") == "deadlock_detected" and sqlstate_name("57014") == "query_canceled"
    assert sqlstate_name("23999") == "integrity_constraint_violation"
    assert not is_error("00000", "LOG") and not is_error("01000", "WARNING")
    assert is_error("08006", "LOG") and is_error(None, "FATAL") and is_error("00000", "ERROR")
    rec = parse_line(app(1, "[HEROKU_POSTGRESQL_RED] [7-1] sql_error_code = 40P01 ERROR:  deadlock detected"))
    assert rec.postgres is not None and rec.postgres["database"] == "HEROKU_POSTGRESQL_RED"
    out = report(
        fast.triage_lines(
            [
                rec.raw,
                app(
                    2,
                    "[DATABASE] [8-1] sql_error_code = 57014 ERROR:  canceling statement due to statement timeout",
                ),
                app(3, "[DATABASE] [8-2] sql_error_code = 57014 STATEMENT:  SELECT pg_sleep(60)"),
            ]
        )
    )
    assert [(s["sqlstate"], s["name"], s["count"]) for s in out["postgres"]["by_sqlstate"]] == [
        ("40P01", "deadlock_detected", 1),
        ("57014", "query_canceled", 1),
    ]
