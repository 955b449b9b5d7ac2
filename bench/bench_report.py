"""HTML report of the 1,000,000-line bench log vs its text triage: wall, CPU, peak RSS and the page's size.

Both run as the CLI in a fresh process (`hkctl logs triage --file LOG --json` with and without
`--html FILE`), interleaved, best of 5 each. Targets (issue 13): report < 1.3× the text triage's
time, page < 2 MB. The ratio of CPU seconds is printed too: on a shared 2-core machine it is the
steadier figure.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.bench_triage import OUT, _timed, generate


def run() -> list[dict[str, object]]:
    log = generate(OUT / "router-1m.log")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        base = [sys.executable, "-m", "hkctl", "logs", "triage", "--file", str(log), "--json"]
        texts, htmls = [], []
        for _ in range(5):
            texts.append(_timed(base))
            htmls.append(_timed([*base, "--html", str(page)]))
        size = page.stat().st_size
    text = min(texts, key=lambda r: float(r["wall"]))  # type: ignore[arg-type]
    html = min(htmls, key=lambda r: float(r["wall"]))  # type: ignore[arg-type]
    tw, hw = float(text["wall"]), float(html["wall"])  # type: ignore[arg-type]
    tc = min(float(r["cpu"]) for r in texts)  # type: ignore[arg-type]
    hc = min(float(r["cpu"]) for r in htmls)  # type: ignore[arg-type]
    return [
        {"measure": "text triage wall (CLI)", "value": f"{tw:.2f} s", "note": f"best of 5; CPU {tc:.2f} s"},
        {
            "measure": "triage + HTML report wall (CLI)",
            "value": f"{hw:.2f} s",
            "note": f"best of 5; CPU {hc:.2f} s; peak RSS {float(html['rss']):.0f} MB",  # type: ignore[arg-type]
        },
        {
            "measure": "report / text time",
            "value": f"{hw / tw:.2f}× wall, {hc / tc:.2f}× CPU",
            "note": "target < 1.3×",
        },
        {"measure": "report size", "value": f"{size / 1e6:.2f} MB", "note": "target < 2 MB; self-contained"},
    ]
