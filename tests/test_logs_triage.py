"""Triage: the JSON contract, exact nearest-rank percentiles, fast path == line-by-line, nothing lost."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hkctl.logs import fast
from hkctl.logs.aggregate import Aggregate, normalise
from hkctl.logs.codes import CATALOGUE
from hkctl.logs.parse import parse_line
from hkctl.logs.triage import nearest_rank, report
from tests.support import Harness

pytestmark = pytest.mark.core
FIXTURE = Path(__file__).parent / "data" / "logs" / "mixed.log"


def router_line(i: int, path: str, service: int, status: int = 200, code: str | None = None) -> str:
    head = f'at=error code={code} desc="x"' if code else "at=info"
    return (
        f'2026-11-28T10:{i // 60 % 60:02d}:{i % 60:02d}.000000+00:00 heroku[router]: {head} method=GET path="{path}" '
        f'host=a.herokuapp.com request_id=r-{i} fwd="1.2.3.4" dyno=web.{1 + i % 2} connect=0ms service={service}ms '
        f"status={status} bytes=10 protocol=https"
    )


def brute(values: list[int], p: float) -> int:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p * len(ordered))) - 1]


def slow_report(lines: list[str], top: int = 10) -> dict:
    agg = Aggregate(top=top)
    for line in lines:
        agg.add_record(parse_line(line))
    return report(agg, top=top)


def test_json_contract(hk: Harness) -> None:
    r = hk.cli("logs", "triage", "--file", str(FIXTURE), "--json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert isinstance(out["lines"], int) and out["lines"] == 91 and out["malformed"] == 2
    rt = out["router"]
    assert set(rt["status_classes"]) >= {"2xx", "3xx", "4xx", "5xx"}
    assert set(rt["service_ms"]) >= {"p50", "p95", "p99", "max"}
    assert all(isinstance(v, int) for v in rt["service_ms"].values())
    for row in rt["paths"]:
        assert set(row) >= {"path", "requests", "errors", "p95_ms"}
    for row in rt["slowest"]:
        assert set(row) >= {"path", "service_ms", "status", "request_id"}
    for code, c in out["codes"].items():
        assert set(c) >= {"count", "title", "meaning", "action"} and c["title"] == CATALOGUE[code].title
    assert set(out["dynos"]) >= {"crashes", "state_changes", "memory"}
    for m in out["dynos"]["memory"].values():
        assert isinstance(m["max_total_mb"], float) and isinstance(m["quota_mb"], float)
    assert isinstance(out["releases"], int)
    assert all(f["severity"] in ("critical", "warning", "info") and f["message"] for f in out["findings"])


def test_fixture_findings(hk: Harness) -> None:
    out = json.loads(hk.cli("logs", "triage", "--file", str(FIXTURE), "--json", "--top", "3").out)
    rt = out["router"]
    # 49 router lines in the fixture; one malformed (status=abc) is counted in lines, not as a request
    assert rt["requests"] == 38 + 1  # 38 well-formed + the drain-framed one
    assert rt["slowest"][0] == {"path": "/", "service_ms": 80000, "status": 503, "request_id": "req-h24"}
    assert len(rt["slowest"]) == 3 and len(rt["paths"]) <= 3
    assert set(out["codes"]) == set(CATALOGUE)
    h12 = out["codes"]["H12"]
    assert (
        h12["count"] == 1
        and h12["dynos"] == ["web.1"]
        and h12["first_seen"] == "2026-11-28T10:00:11.000000+00:00"
    )
    assert out["codes"]["R14"]["dynos"] == ["web.2"]
    d = out["dynos"]
    assert (
        d["crashes"] == 1
        and d["restarts"] == 1
        and d["boot_timeouts"] == 1
        and d["r14"] == 1
        and d["r15"] == 1
    )
    assert d["memory"]["web.2"] == {"max_total_mb": 540.12, "quota_mb": 512.0, "percent": 105.5}
    assert d["memory"]["web.1"]["quota_mb"] == 1024.0
    assert out["releases"] == 3
    severities = [f["severity"] for f in out["findings"]]
    assert severities == sorted(severities, key=["critical", "warning", "info"].index)
    assert any("web.2 peaked at 540 MB" in f["message"] for f in out["findings"])
    assert any("could not be parsed" in f["message"] for f in out["findings"])


def test_text_report_leads_with_findings(hk: Harness) -> None:
    r = hk.cli("logs", "triage", "--file", str(FIXTURE))
    assert r.code == 0
    lines = r.out.splitlines()
    assert "91 lines" in lines[0] and lines[2] == "Findings" and lines[3].strip().startswith("CRITICAL")
    assert "Paths by p95" in r.out and "Error codes" in r.out and "N+1" not in r.out


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (b"/api/v1/users/42/settings?x=1", b"/api/v1/users/:id/settings"),
        (b"/reports/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", b"/reports/:id"),
        (b"/blobs/5f3a9c0e12ab", b"/blobs/:id"),
        (b"/assets/application-3f1c0e6b8a9d4f2e.js", b"/assets/application-:hash.js"),
        (b"/packs/main.0123abcd.css", b"/packs/main.:hash.css"),
        (b"/v2/deadbeef/about", b"/v2/deadbeef/about"),
        (b"/search#frag", b"/search"),
    ],
)
def test_path_normalisation(raw: bytes, normal: bytes) -> None:
    assert normalise(raw) == normal


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40000), min_size=1, max_size=300))
def test_percentiles_match_brute_force(services: list[int]) -> None:
    lines = [router_line(i, f"/p/{i % 3}", s) for i, s in enumerate(services)]
    out = report(fast.triage_lines(lines))
    sm = out["router"]["service_ms"]
    assert [sm["p50"], sm["p95"], sm["p99"], sm["max"]] == [
        brute(services, p) for p in (0.5, 0.95, 0.99, 1.0)
    ]
    (row,) = out["router"]["paths"]  # every /p/N normalises to /p/:id
    assert row["p95_ms"] == brute(services, 0.95) and row["requests"] == len(services)


@given(st.dictionaries(st.integers(0, 1000), st.integers(1, 50), min_size=1, max_size=40))
def test_nearest_rank_on_histograms(hist: dict[int, int]) -> None:
    from collections import Counter

    values = [v for v, n in hist.items() for _ in range(n)]
    got = nearest_rank(Counter(hist), (0.5, 0.9, 0.95, 0.99, 1.0))
    assert got == [brute(values, p) for p in (0.5, 0.9, 0.95, 0.99, 1.0)]


def test_fast_path_equals_line_by_line() -> None:
    lines = FIXTURE.read_text().splitlines()
    assert report(fast.triage_lines(lines)) == slow_report(lines)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["/a/1", "/b?x=2", "/c/ff00aa11bb", "/"]),
            st.integers(0, 9000),
            st.sampled_from([200, 200, 404, 500, 503]),
            st.sampled_from([None, None, "H12", "H27"]),
        ),
        min_size=1,
        max_size=120,
    ),
    st.integers(min_value=64, max_value=4096),
)
def test_chunking_never_changes_the_answer(rows: list[tuple[str, int, int, str | None]], block: int) -> None:
    lines = [router_line(i, p, s, st_, c) for i, (p, s, st_, c) in enumerate(rows)]
    lines.insert(len(lines) // 2, "garbage between router lines")
    data = ("\n".join(lines) + "\n").encode()
    small = report(fast.triage_stream(io.BytesIO(data), block=block))
    assert small == slow_report(lines)


def test_parallel_file_equals_single(tmp_path: Path) -> None:
    text = FIXTURE.read_text() * 40
    log = tmp_path / "big.log"
    log.write_text(text)
    one = report(fast.triage_file(str(log), workers=1))
    two = report(fast.triage_file(str(log), workers=2, parallel_min=0))
    assert one == two and one["lines"] == 91 * 40 and one["malformed"] == 80


def test_last_line_without_newline_and_long_lines(tmp_path: Path) -> None:
    long_msg = "x" * 50000
    text = f"2026-11-28T10:00:07.000000+00:00 app[web.1]: {long_msg} Error\n" + router_line(1, "/", 5)
    out = report(fast.triage_stream(io.BytesIO(text.encode()), block=1024))
    assert out["lines"] == 2 and out["router"]["requests"] == 1 and out["app_errors"][0]["count"] == 1


def test_n_plus_one_and_app_error_shapes() -> None:
    rid = "7d3c2b1a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    lines = [
        f'2026-11-28T10:00:{i:02d}+00:00 app[web.1]: [{rid}]   User Load (0.4ms)  SELECT "users".* FROM "users" '
        f'WHERE "users"."id" = $1 LIMIT $2  [["id", {i}], ["LIMIT", 1]]'
        for i in range(12)
    ]
    lines += [
        f"2026-11-28T10:01:{i:02d}+00:00 app[web.1]: Completed 500 Internal Server Error in {i}ms"
        for i in range(3)
    ]
    out = report(fast.triage_lines(lines))
    (suspect,) = out["n_plus_one"]
    assert suspect["request_id"] == rid and suspect["count"] == 12 and "FROM" in suspect["statement"]
    assert out["app_errors"][0]["count"] == 3 and "Completed 500" in out["app_errors"][0]["shape"]


def test_triage_needs_exactly_one_source(hk: Harness) -> None:
    assert hk.cli("logs", "triage").code == 2
    assert hk.cli("logs", "triage", "--file", "/nonexistent/x.log").code == 2
    assert hk.received() == []


def test_triage_stdin(hk: Harness) -> None:
    r = hk.cli("logs", "triage", "--file", "-", "--json", input=FIXTURE.read_text())
    assert r.code == 0


def test_coded_router_lines_stay_on_the_fast_path() -> None:
    lines = [router_line(i, "/", 5) for i in range(20)]
    lines.insert(7, router_line(99, "/x", 30001, 503, "H12"))
    data = ("\n" + "\n".join(lines) + "\n").encode()
    assert len(fast._coded_router_lines(data, 1, len(data))) == 1


def test_ranges_never_cut_a_traceback(tmp_path: Path) -> None:
    tb = [
        "2026-11-28T10:00:07.000000+00:00 app[web.1]: Traceback (most recent call last):",
        '2026-11-28T10:00:00+00:00 app[web.1]:   File "/app/x.py", line 1, in f',
        "2026-11-28T10:00:07.000000+00:00 app[web.1]:     raise KeyError('k')",
        "2026-11-28T10:00:07.000000+00:00 app[web.1]: KeyError: 'k'",
    ]
    text = "\n".join(([router_line(i, "/", 5) for i in range(7)] + tb) * 300) + "\n"
    log = tmp_path / "tb.log"
    log.write_text(text)
    one = report(fast.triage_file(str(log), workers=1))
    many = report(fast.triage_file(str(log), workers=2, parallel_min=0, range_bytes=997))
    assert one == many and one["app_error_kinds"] == {"python.traceback": 300}
