"""The HTML report without a browser: the per-minute pass gives the text triage's exact totals, its series
add up, the page is self-contained and carries the same findings, and `hkctl report` adds health."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hkctl.logs import fast
from hkctl.logs.triage import report
from hkctl.report import timeline
from hkctl.report.series import build, choose_bucket, epoch
from tests import report_story
from tests.support import Harness

pytestmark = pytest.mark.core
LOGS = Path(__file__).parent / "data" / "logs"
SAMPLES = sorted([LOGS / "mixed.log", *LOGS.glob("cases/*.log")])


def _same(a: dict, b: dict) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


@pytest.mark.parametrize("log", SAMPLES, ids=lambda p: p.name)
def test_per_minute_pass_gives_the_text_triage(log: Path) -> None:
    assert _same(report(timeline.triage_file(str(log))), report(fast.triage_file(str(log))))


def test_series_add_up_to_the_totals(tmp_path: Path) -> None:
    log = report_story.write(tmp_path / "story.log")
    tl = timeline.triage_file(str(log))
    # the forked two-process path merges to the same thing
    both = timeline.triage_file(str(log), parallel_min=0, prepare=lambda: None)
    r = report(tl)
    assert _same(report(both), r)
    s = build(tl, r)
    assert s.bucket_s == 60 and len(s.times) == 30
    classes = r["router"]["status_classes"]
    assert {c: sum(v) for c, v in s.status.items()} == {c: classes[c] for c in s.status}
    assert {c: sum(v) for c, v in s.codes.items()} == {c: x["count"] for c, x in r["codes"].items()}
    # the H12 burst sits in its two minutes, every request of the report path timing out
    h12 = [i for i, n in enumerate(s.h12) if n]
    assert h12 == list(report_story.H12_MINUTES)
    assert all(s.latency["p99"][i] == 30000 for i in h12)
    # web.2 climbs over its 512 MB quota; R14 marked on web.2 only
    assert s.quota == {"web.1": 512.0, "web.2": 512.0}
    assert max(v for v in s.memory["web.2"] if v) > 512 and {d for _, _, d in s.r_marks} == {"web.2"}
    assert [(e[1], e[3]) for e in s.events] == [("web.1", "crashed"), ("web.1", "starting"), ("web.1", "up")]
    assert [(m.kind, m.label, m.t) for m in s.markers] == [
        ("release", "v12", report_story.RELEASE_AT),
        ("config", "set FEATURE_X", report_story.CONFIG_AT),
        ("release", "v13", report_story.CONFIG_AT),
    ]
    row = next(p for p in s.paths if p["path"] == "/api/v1/reports/:id")
    assert sum(row["spark_requests"]) == row["requests"] and sum(row["spark_5xx"]) == row["errors"] == 10


def test_minute_ranges_cut_at_every_minute(tmp_path: Path) -> None:
    data = b"\n" + (report_story.write(tmp_path / "s.log")).read_bytes()
    ranges = list(timeline.minute_ranges(data, 1, len(data)))
    assert ranges[0][0] == 1 and ranges[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    assert len({m for _, _, m in ranges}) == len(ranges) == 30
    for lo, hi, minute in ranges:
        assert {line[:16].decode() for line in data[lo:hi].splitlines()} == {minute}


def test_bucket_grows_with_the_window() -> None:
    assert choose_bucket(30 * 60) == 60
    assert choose_bucket(24 * 3600) == 10 * 60
    assert choose_bucket(30 * 86400) == 180 * 60  # 240 buckets of 3 h
    assert epoch("2026-11-28T10:07") == report_story.START + 7 * 60


def test_triage_html_is_self_contained_with_the_same_findings(hk: Harness, tmp_path: Path) -> None:
    log = report_story.write(tmp_path / "story.log")
    out = tmp_path / "r.html"
    r = hk.cli("logs", "triage", "--file", str(log), "--json", "--html", str(out))
    assert r.code == 0, r.err
    assert f"wrote {out}" in r.err
    findings = json.loads(r.out)["findings"]
    page = out.read_text()
    assert 20_000 < len(page.encode()) < 2_000_000
    # nothing that could fetch: no script, link, image, import or remote URL; a CSP that forbids it all
    assert not re.search(
        r"<script|<link|<img|<iframe|@import|src=|(?<!xmlns=\")https?://(?!www\.w3\.org)", page
    )
    assert "default-src 'none'" in page
    assert [m.group(1) for m in re.finditer(r'<figure class="chart" id="chart-(\w+)"', page)] == [
        "requests",
        "latency",
        "codes",
        "memory",
        "dynos",
        "histogram",
    ]
    listed = re.findall(r'<li><span class="sev (\w+)">\w+</span> (.*?)</li>', page)
    import html

    assert [(s, html.unescape(m)) for s, m in listed] == [(f["severity"], f["message"]) for f in findings]
    for name in ("requests", "latency", "codes", "memory", "dynos"):
        assert page.count(f'id="{name}-marker-') == 6, name  # two markers: line, dots, label
        assert "time (UTC)" in page and f'id="{name}-plotarea"' in page
    for label in (
        "requests / min",
        "latency (ms, log)",
        "codes / min",
        "memory (MB, max)",
        "requests (log scale)",
    ):
        assert label in page
    assert "H12 Request timeout" in page and "/api/v1/reports/:id" in page
    # hover texts: each marker names the log's own lines, each code its catalogue meaning
    release = "<title>10:07:30 UTC  Release v12 created by dev@example.com</title>"
    assert re.search(r'<g id="latency-marker-0" [^>]*>' + re.escape(release), page)
    assert '<g id="codes-series-H12" ' in page and "H12 Request timeout: The app sent no response" in page


def test_report_command_adds_health_state(hk: Harness, tmp_path: Path) -> None:
    out = tmp_path / "demo.html"
    r = hk.cli("report", "demo-production", "-o", str(out))
    assert r.code == 0, r.err
    assert r.out.strip() == str(out)
    page = out.read_text()
    health = page[page.index('id="health-state"') : page.index("</dl>")]
    for label in ("formation", "dynos", "add-ons", "rate limit", "latest release"):
        assert f"<dt>{label}</dt>" in health
    for shown in ("web 2×", "heroku-postgresql", "requests left of 4500"):
        assert shown in health, (shown, health)
    findings = page[page.index('id="findings"') : page.index('id="charts"')]
    for shown in ("web.2 peaked at", "H12 Request timeout"):
        assert shown in findings, (shown, findings)


def test_report_needs_an_app_and_a_writable_file(hk: Harness, tmp_path: Path) -> None:
    assert hk.cli("report").code == 2
    r = hk.cli("logs", "triage", "--file", str(LOGS / "mixed.log"), "--html", str(tmp_path / "no" / "r.html"))
    assert r.code == 2 and "cannot write" in r.err


def test_help_and_text_triage_do_not_import_the_charting_library() -> None:
    code = (
        "import sys; from hkctl.cli.main import run; from hkctl.cli._common import Env;"
        f"run(['logs', 'triage', '--file', {str(LOGS / 'mixed.log')!r}, '--json'], Env());"
        "run(['--help'], Env()); print('pygal' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_a_log_without_router_lines_still_gets_a_page(hk: Harness, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(
        "2026-11-28T10:00:00.000000+00:00 app[web.1]: booted\n"
        "2026-11-28T10:05:00.000000+00:00 app[web.1]: Error: boom\n"
    )
    out = tmp_path / "r.html"
    r = hk.cli("logs", "triage", "--file", str(log), "--html", str(out))
    assert r.code == 0, r.err
    page = out.read_text()
    assert "2026-11-28 10:00–10:06 UTC" in page  # the log's own window, not 1970 or now
    assert "no H/R/L error codes in this window" in page and "no router lines in this window" in page


def test_drain_framed_lines_are_counted_per_minute_too(tmp_path: Path) -> None:
    """Syslog (drain) framing has no timestamp at the line's start: those lines go line by line."""
    framed = []
    for line in report_story.lines():
        m = re.match(r"(\S+) (\w+)\[([^\]]+)\]: (.*)", line)
        assert m is not None
        ts, source, dyno, message = m.groups()
        framed.append(f"<158>1 {ts} host {source} {dyno} - {message}")
    log = tmp_path / "drain.log"
    log.write_text("\n".join(framed) + "\n")
    tl = timeline.triage_file(str(log))
    r = report(tl)
    assert _same(r, report(fast.triage_file(str(log))))
    s = build(tl, r)
    assert sum(sum(v) for v in s.status.values()) == r["router"]["requests"] == 600
    assert [i for i, n in enumerate(s.h12) if n] == list(report_story.H12_MINUTES)
    assert [m.label for m in s.markers] == ["v12", "set FEATURE_X", "v13"]
