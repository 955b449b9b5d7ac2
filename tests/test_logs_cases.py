"""The line shapes real Heroku apps produce (tests/data/logs/cases), counted exactly, and one parser
behind `logs --status`, `health`, `logs triage` and the MCP `logs_triage` tool."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hkctl.logs import fast
from hkctl.logs.aggregate import Aggregate
from hkctl.logs.parse import parse_line
from hkctl.logs.triage import report
from hkctl.workflows.health import summarize_logs
from tests.mcp_support import call, data
from tests.support import Harness

pytestmark = pytest.mark.core
CASES = Path(__file__).parent / "data" / "logs" / "cases"
H10 = CASES / "router-h10-empty-fields.log"
PG = CASES / "postgres-sql-error-code.log"
GUNICORN = CASES / "gunicorn-worker-timeout-h13.log"


def triage(hk: Harness, path: Path) -> dict[str, Any]:
    r = hk.cli("logs", "triage", "--file", str(path), "--json")
    assert r.code == 0, r.err
    out: dict[str, Any] = json.loads(r.out)
    return out


def shown(hk: Harness, path: Path, *args: str) -> list[str]:
    r = hk.cli("logs", "--file", str(path), *args)
    assert r.code == 0, r.err
    return r.out.splitlines()


def test_router_lines_with_empty_fields(hk: Harness) -> None:
    out = triage(hk, H10)
    rt = out["router"]
    assert out["lines"] == 4 and out["malformed"] == 0
    assert rt["requests"] == 3
    assert rt["status_classes"] == {"2xx": 1, "3xx": 0, "4xx": 0, "5xx": 2}
    assert rt["top_statuses"] == {"503": 2, "200": 1}
    # the H10 lines have no service or connect time: absent, not a 0 ms sample
    assert rt["service_ms"] == {"p50": 12, "p95": 12, "p99": 12, "max": 12}
    assert rt["connect_ms"] == {"p95": 0}
    assert rt["latency_excluded"] == {"router_answered": 2, "streaming": 0}
    assert [r["status"] for r in rt["slowest"]] == [200]
    h10 = out["codes"]["H10"]
    assert h10["count"] == 2 and h10["dynos"] == [] and h10["paths"] == {"/": 1, "/favicon.ico": 1}
    assert out["dynos"]["crashes"] == 1
    assert out["findings"][0]["message"].startswith("H10 App crashed ×2")
    assert any("2 of 3 requests (66.7%) answered 5xx" in f["message"] for f in out["findings"])
    assert len(shown(hk, H10, "--status", "5xx")) == 2
    assert len(shown(hk, H10, "--status", "200")) == 1


def test_postgres_sql_error_codes(hk: Harness) -> None:
    out = triage(hk, PG)
    assert out["postgres"] == {
        "messages": 3,
        "errors": 1,
        "by_sqlstate": [
            {
                "sqlstate": "23505",
                "name": "unique_violation",
                "count": 1,
                "example": 'ERROR:  duplicate key value violates unique constraint "users_pkey"',
            }
        ],
    }
    assert out["app_errors"] == [] and out["app_error_kinds"] == {}
    assert any(
        f["message"].startswith("Postgres errors ×1: 23505 unique_violation ×1") for f in out["findings"]
    )
    # `sql_error_code = 00000` is a success, whatever the word "error" says
    (line,) = shown(hk, PG, "--app-errors")
    assert "sql_error_code = 23505" in line
    records = [json.loads(x) for x in shown(hk, PG, "--json")]
    assert [r.get("postgres", {}).get("sql_error_code") for r in records] == [
        "00000",
        None,
        "00000",
        "23505",
        None,
    ]
    assert records[1]["postgres"]["message_no"] == 13 and records[1]["postgres"]["part"] == 2
    assert records[3]["postgres"]["severity"] == "ERROR" and records[3]["postgres"]["error"] is True


def test_gunicorn_worker_timeout_is_named_as_the_h13_cause(hk: Harness) -> None:
    out = triage(hk, GUNICORN)
    assert out["router"]["status_classes"]["5xx"] == 1 and out["router"]["requests"] == 1
    assert out["codes"]["H13"]["count"] == 1 and out["codes"]["H13"]["paths"] == {"/reports": 1}
    assert out["app_error_kinds"] == {"gunicorn.worker_killed": 1, "gunicorn.worker_timeout": 1}
    assert [(c["cause"], c["seconds_apart"]) for c in out["likely_causes"]] == [
        ("gunicorn.worker_timeout", 0.2),
        ("gunicorn.worker_killed", 0.1),
    ]
    assert all(c["code"] == "H13" and c["dyno"] == "web.1" for c in out["likely_causes"])
    first = out["findings"][0]["message"]
    assert first.startswith("H13 ") and "Likely cause on web.1: gunicorn.worker_timeout 0.2 s before" in first
    lines = shown(hk, GUNICORN, "--app-errors")
    assert len(lines) == 2 and "WORKER TIMEOUT" in lines[0] and "SIGKILL" in lines[1]


def _load(hk: Harness, app_name: str, path: Path) -> None:
    """Replace the app's log with the file's lines (and stop the sandbox's generated traffic)."""
    sb = hk.sandbox
    app = next(a for a in sb.store.all("app") if a["name"] == app_name)
    # the generated traffic stays "caught up" far into the future: only the file's lines are served
    sb.store.put(
        "log-gen", {"id": app["id"], "until": sb.clock.now() + 10**9, "story": None, "modes": [[0.0, None]]}
    )
    for row in sb.store.all("log-line", parent=app["id"]):
        sb.store.delete("log-line", row["id"])
    for line in path.read_text().splitlines():
        rec = parse_line(line)
        assert rec.timestamp and rec.source and rec.dyno
        ts = datetime.fromisoformat(rec.timestamp).timestamp()
        hk.sandbox.log(app["id"], rec.source, rec.dyno, rec.message, ts=ts)


def test_one_parser_behind_logs_health_triage_and_mcp(live: Harness) -> None:
    _load(live, "demo-staging", H10)
    expected_5xx = sum(
        1 for x in H10.read_text().splitlines() if (parse_line(x).router or {}).get("status", 0) >= 500
    )
    assert expected_5xx == 2
    status = live.cli("logs", "-a", "demo-staging", "--status", "5xx")
    assert status.code == 0, status.err
    checked = live.cli("--verbose", "health", "demo-staging", "--json")
    assert checked.code == 1 and checked.out, checked.err  # unhealthy: H10 is a failing code
    health = json.loads(checked.out)["router"]
    tri = json.loads(live.cli("logs", "triage", "-a", "demo-staging", "--json").out)["router"]
    mcp = data(call(live.env(), "logs_triage", {"app": "demo-staging"}))["router"]
    assert len(status.out.splitlines()) == expected_5xx
    assert health["5xx"] == tri["status_classes"]["5xx"] == mcp["status_classes"]["5xx"] == expected_5xx
    assert health["requests"] == tri["requests"] == mcp["requests"] == 3
    assert health["codes"] == {"H10": 2}
    # and the file read directly agrees with the session
    assert summarize_logs(H10.read_text().splitlines()).server_errors == expected_5xx
    assert report(fast.triage_file(str(H10)))["router"]["status_classes"]["5xx"] == expected_5xx


ROUTER_ANSWERS = [
    ("H10", "at=error", "App crashed", 503),
    ("H13", "at=error", "Connection closed without response", 503),
    ("H14", "at=error", "No web processes running", 503),
    ("H80", "at=info", "Maintenance mode", 503),
    ("H81", "at=info", "Blank app", 502),
    ("H82", "at=info", "Free dyno quota exhausted", 503),
    ("H99", "at=error", "Platform error", 503),
]


@pytest.mark.parametrize(("code", "at", "desc", "status"), ROUTER_ANSWERS)
def test_every_router_answer_with_empty_fields_counts_its_status(
    tmp_path: Path, code: str, at: str, desc: str, status: int
) -> None:
    line = (
        f'2024-03-01T12:00:02.000000+00:00 heroku[router]: {at} code={code} desc="{desc}" method=GET path="/x" '
        'host=example-app.herokuapp.com request_id=2222 fwd="192.0.2.10" dyno= connect= service= '
        f"status={status} bytes= protocol=https"
    )
    ok = (
        '2024-03-01T12:00:01.000000+00:00 heroku[router]: at=info method=GET path="/" host=example-app.herokuapp.com '
        'request_id=1111 fwd="192.0.2.10" dyno=web.1 connect=1ms service=40ms status=200 bytes=5 protocol=https'
    )
    rec = parse_line(line)
    assert rec.router is not None and not rec.malformed and rec.code == code
    assert rec.router["status"] == status
    assert (
        rec.router["service_ms"] is None and rec.router["connect_ms"] is None and rec.router["bytes"] is None
    )
    log = tmp_path / "one.log"
    log.write_text(f"{ok}\n{line}\n" * 3)
    rt = report(fast.triage_file(str(log)))["router"]
    assert rt["top_statuses"] == {"200": 3, str(status): 3}
    assert rt["status_classes"]["5xx"] == 3 == summarize_logs(log.read_text().splitlines()).server_errors
    assert rt["service_ms"] == {"p50": 40, "p95": 40, "p99": 40, "max": 40}
    assert rt["connect_ms"] == {"p95": 1} and rt["latency_excluded"]["router_answered"] == 3


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "0ms", "7ms"]),
            st.sampled_from(["", "12ms", "30001ms"]),
            st.sampled_from([None, "H10", "H12", "H27", "H28", "H80"]),
            st.sampled_from([101, 200, 404, 499, 503]),
            st.sampled_from(["/", "/cable", "/a/1"]),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_bulk_path_and_the_one_parser_agree(rows: list[tuple[str, str, str | None, int, str]]) -> None:
    lines = []
    for i, (connect, service, code, status, path) in enumerate(rows):
        head = f'at=error code={code} desc="x"' if code else "at=info"
        lines.append(
            f'2024-03-01T12:00:{i % 60:02d}.000000+00:00 heroku[router]: {head} method=GET path="{path}" '
            f'host=a.herokuapp.com request_id=r-{i} fwd="192.0.2.1" dyno=web.1 connect={connect} '
            f"service={service} status={status} bytes= protocol=https"
        )
    slow = Aggregate()
    for line in lines:
        slow.add_record(parse_line(line))
    assert report(fast.triage_lines(lines)) == report(slow)
    statuses = [r[3] for r in rows]
    rt = report(slow)["router"]
    assert rt["status_classes"]["5xx"] == statuses.count(503) == summarize_logs(lines).server_errors
