"""The HTML report in a real browser (headless Chromium over the DevTools protocol): it renders offline,
asks for nothing on the network, logs no error, draws every chart, and puts the release markers
where the log says the releases happened. Screenshots (light and dark) land in the test's tmp folder;
with HKCTL_DOCS_SCREENSHOT=PATH the demo report's screenshot is also copied there (docs/report.png)."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests import report_story
from tests.cdp import browser_page, find_browser
from tests.support import Harness

BROWSER = find_browser()
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="no chromium on PATH (Debian package `chromium`; .ci/run installs it): the browser test cannot run",
)
TIME_CHARTS = ("requests", "latency", "codes", "memory", "dynos")

# Every chart's size, its plot area, its data series' boxes, its markers' centres and labels, from the
# rendered DOM (getBoundingClientRect: where the browser actually drew them).
CHARTS_JS = r"""
(() => {
  const box = (el) => { const b = el.getBoundingClientRect();
                        return {left: b.left, right: b.right, width: b.width, height: b.height}; };
  const out = {};
  for (const fig of document.querySelectorAll('figure.chart')) {
    const name = fig.id.replace('chart-', '');
    const svg = fig.querySelector('svg');
    const area = fig.querySelector(`[id="${name}-plotarea"]`);
    out[name] = {
      svg: svg ? box(svg) : null,
      area: area ? box(area) : null,
      series: [...fig.querySelectorAll(`[id^="${name}-series-"]`)].map(box),
      markers: [...fig.querySelectorAll(`g[id^="${name}-marker-"]`)]
        .filter(g => /-marker-\d+$/.test(g.id)).map(g => { const b = box(g); return b.left + b.width / 2; }),
      labels: [...fig.querySelectorAll(`g[id^="${name}-marker-"][id$="-text"]`)].map(g => g.textContent.trim()),
      ticks: [...fig.querySelectorAll('.axis.x text')].filter(t => /^\d\d:\d\d$/.test(t.textContent))
        .map(t => { const b = box(t); return [t.textContent, b.left + b.width / 2]; }),
      t0: Number(fig.dataset.t0), t1: Number(fig.dataset.t1),
      caption: fig.querySelector('figcaption').textContent,
    };
  }
  return out;
})()
"""


def _open(path: Path, tmp: Path) -> tuple[dict[str, Any], list[str], list[str], dict[str, str]]:
    """Open the report from disk; charts, console errors, requests and light/dark colours; screenshots."""
    assert BROWSER is not None
    with browser_page(BROWSER, tmp / "profile") as page:
        url = path.resolve().as_uri()
        page.open(url)
        page.evaluate("document.fonts.ready.then(() => true)")
        charts = page.evaluate(CHARTS_JS)
        colours = {}
        page.screenshot(tmp / f"{path.stem}-light.png")
        colours["light"] = page.evaluate(
            "getComputedStyle(document.body).color + '|' + getComputedStyle(document.body).backgroundColor"
        )
        page.screenshot(tmp / f"{path.stem}-dark.png", dark=True)
        colours["dark"] = page.evaluate(
            "getComputedStyle(document.body).color + '|' + getComputedStyle(document.body).backgroundColor"
        )
        colours["svg_text_dark"] = page.evaluate(
            "getComputedStyle(document.querySelector('#chart-requests svg text')).fill"
        )
        page.screenshot(tmp / f"{path.stem}.png")  # light again, for the docs
        errors = page.console_errors()
        requests = [u for u in page.requests() if u != url]
    return charts, errors, requests, colours


def _assert_rendered(charts: dict[str, Any]) -> None:
    assert set(charts) == {*TIME_CHARTS, "histogram"}
    # one shared time axis: every time chart's plot area starts and ends at the same x on the page
    lefts = {round(charts[n]["area"]["left"]) for n in TIME_CHARTS}
    rights = {round(charts[n]["area"]["right"]) for n in TIME_CHARTS}
    assert max(lefts) - min(lefts) <= 2 and max(rights) - min(rights) <= 2, (lefts, rights)
    for name, c in charts.items():
        assert c["svg"] and c["svg"]["width"] > 500 and c["svg"]["height"] > 80, name
        assert c["area"] and c["area"]["width"] > 300, name
        drawn = [s for s in c["series"] if s["width"] > 0 and s["height"] > 0]
        assert drawn, f"{name}: no data series drawn"
        assert "Window:" in c["caption"], name


def test_story_report_in_browser(hk: Harness, tmp_path: Path) -> None:
    log = report_story.write(tmp_path / "story.log")
    out = tmp_path / "story.html"
    r = hk.cli("logs", "triage", "--file", str(log), "--html", str(out))
    assert r.code == 0, r.err
    charts, errors, requests, colours = _open(out, tmp_path)
    assert errors == []
    assert requests == []  # nothing fetched: no CDN, font, script or image
    _assert_rendered(charts)
    # the release (10:07:30) and the config change (10:18:00) on every time chart, where they happened
    day = datetime.fromtimestamp(report_story.START, UTC)
    for name in TIME_CHARTS:
        c = charts[name]
        # read the time axis as a person does: from its first and last tick labels
        (first, x0), (last, x1) = c["ticks"][0], c["ticks"][-1]
        t0, t1 = (day.replace(hour=int(h[:2]), minute=int(h[3:])).timestamp() for h in (first, last))
        times = [t0 + (x - x0) / (x1 - x0) * (t1 - t0) for x in c["markers"]]
        assert len(times) == 2, (name, c["labels"])
        for got, want in zip(sorted(times), sorted(report_story.MARKERS.values()), strict=True):
            assert abs(got - want) < 6, (name, got - want)  # 30 min over ~880 px: 2 s a pixel
        assert c["labels"] == ["v12", "v13 · set FEATURE_X"], name
    # one shared time axis: each marker sits at the same x in every chart
    for i in range(2):
        xs = [charts[name]["markers"][i] for name in TIME_CHARTS]
        assert max(xs) - min(xs) <= 2, xs
    assert colours["light"] != colours["dark"]
    assert colours["svg_text_dark"] == colours["dark"].split("|")[0]  # chart text follows the scheme
    assert (tmp_path / "story.png").stat().st_size > 20_000


def test_demo_report_in_browser(hk: Harness, tmp_path: Path) -> None:
    out = tmp_path / "demo-report.html"
    r = hk.cli("report", "demo-production", "-o", str(out))
    assert r.code == 0, r.err
    charts, errors, requests, _ = _open(out, tmp_path)
    assert errors == [] and requests == []
    _assert_rendered(charts)
    assert all(charts[name]["markers"] for name in TIME_CHARTS)  # the demo's releases
    shot = tmp_path / "demo-report.png"
    assert shot.stat().st_size > 20_000
    docs = os.environ.get("HKCTL_DOCS_SCREENSHOT")
    if docs:
        shutil.copyfile(shot, docs)
