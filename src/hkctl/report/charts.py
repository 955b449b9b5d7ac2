"""The report's six charts as static SVG strings, drawn with pygal (no JavaScript, no network).

pygal was chosen over matplotlib, plotly and bokeh for this page: it writes plain SVG with its CSS
inline (no script once `js=[]`), imports in ~0.06 s and draws six charts in ~0.1 s (matplotlib:
~0.45 s import + ~0.4 s drawing, which alone broke the "report < 1.3× text triage" budget for a
1M-line log; plotly and bokeh embed 1–4 MB of JavaScript and draw on a canvas). The shared plumbing
(style, time axis, markers, ids) is in drawing.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pygal

from hkctl.logs.codes import lookup
from hkctl.report.drawing import (
    WIDTH,
    markers,
    mids,
    ms_label,
    pad,
    render,
    steps,
    style,
    time_chart,
    utc,
)
from hkctl.report.palette import (
    BLUE,
    CODE_COLOURS,
    DASHES,
    DYNO_COLOURS,
    FG,
    ORANGE,
    STATE_COLOURS,
    STATUS_COLOURS,
    VERMILLION,
)
from hkctl.report.series import Series


def requests_chart(s: Series) -> str:
    colours: list[str] = []
    ids: list[str] = []
    per = s.bucket_s / 60
    stacked, total = {}, [0.0] * len(s.times)
    for cls in ("2xx", "3xx", "4xx", "5xx"):
        total = [a + b / per for a, b in zip(total, s.status[cls], strict=True)]
        stacked[cls] = total
    top = max([1.0, *total]) * 1.15
    chart = time_chart(s, colours, "requests / min", range=(0, top), fill=True)
    for cls in ("5xx", "4xx", "3xx", "2xx"):  # the tallest outline first; each lower one covers it
        colours.append(STATUS_COLOURS[cls])
        chart.add(f"{cls} ({sum(s.status[cls]):,})", steps(s, stacked[cls]), fill=True)
        ids.append(f"series-{cls}")
    titles: dict[str, str] = {}
    ids += markers(chart, s, colours, 0, top, titles)
    return render(chart, "requests", ids, colours, titles)


def latency_chart(s: Series) -> str:
    colours: list[str] = []
    ids: list[str] = []
    known = [v for key in ("p50", "p95", "p99") for v in s.latency[key] if v]
    top = max([30000.0, *known]) * 2.5
    chart = time_chart(
        s,
        colours,
        "latency (ms, log)",
        logarithmic=True,
        range=(1, top),
        y_labels=[
            {"label": pad(ms_label(v)), "value": v} for v in (1, 10, 100, 1000, 10000, 30000) if v <= top
        ],
    )
    for key, colour, dash in (("p50", BLUE, ""), ("p95", ORANGE, "6,3"), ("p99", VERMILLION, "2,3")):
        colours.append(colour)
        values = [max(1, v) if v else None for v in s.latency[key]]
        chart.add(key, mids(s, values), stroke_style={"width": 2, "dasharray": dash})
        ids.append(f"series-{key}")
    colours.append(FG)
    chart.add(
        "router timeout 30 s", [(utc(s.t0), 30000), (utc(s.t1), 30000)], stroke_style={"dasharray": "1,3"}
    )
    ids.append("series-timeout")
    h12 = [{"value": (when, 30000), "label": f"H12 ×{n}"} for (when, n) in mids(s, s.h12) if n]
    if h12:
        colours.append(VERMILLION)
        chart.add(f"H12 timeouts ({sum(s.h12):,})", h12, stroke=False, show_dots=True, dots_size=6)
        ids.append("series-h12")
    titles: dict[str, str] = {}
    ids += markers(chart, s, colours, 1, top, titles)
    return render(chart, "latency", ids, colours, titles)


def codes_chart(s: Series) -> str:
    colours: list[str] = []
    ids: list[str] = []
    per = s.bucket_s / 60
    order = list(s.codes)
    stacked, total = {}, [0.0] * len(s.times)
    for code in reversed(order):  # the most frequent code at the bottom
        total = [a + b / per for a, b in zip(total, s.codes[code], strict=True)]
        stacked[code] = total
    top = max([1.0, *total]) * 1.2
    chart = time_chart(s, colours, "codes / min", range=(0, top), fill=True, legend_at_bottom_columns=2)
    titles: dict[str, str] = {}
    for i, code in enumerate(order):
        entry = lookup(code)
        titles[f"series-{code}"] = f"{code} {entry.title}: {entry.meaning} Do: {entry.action}"
        colours.append(CODE_COLOURS[i % len(CODE_COLOURS)])
        chart.add(
            f"{code} {s.code_titles[code]} ({sum(s.codes[code]):,})", steps(s, stacked[code]), fill=True
        )
        ids.append(f"series-{code}")
    if not order:
        colours.append(FG)
        chart.add("no H/R/L error codes in this window", [(utc(s.t0), 0), (utc(s.t1), 0)])
        ids.append("series-none")
    ids += markers(chart, s, colours, 0, top, titles)
    return render(chart, "codes", ids, colours, titles)


def memory_chart(s: Series) -> str:
    colours: list[str] = []
    ids: list[str] = []
    peak = max([1.0, *(v for vs in s.memory.values() for v in vs if v), *s.quota.values()])
    top = peak * 1.2
    chart = time_chart(s, colours, "memory (MB, max)", range=(0, top))
    for i, (dyno, values) in enumerate(sorted(s.memory.items())):
        colours.append(DYNO_COLOURS[i % len(DYNO_COLOURS)])
        chart.add(
            dyno,
            mids(s, values),
            show_dots=len(s.times) <= 60,
            dots_size=2,
            stroke_style={"width": 2.5, "dasharray": DASHES[i % len(DASHES)]},
        )
        ids.append(f"series-{dyno}")
    for q in sorted(set(s.quota.values())):
        who = ", ".join(sorted(d for d, v in s.quota.items() if v == q))
        colours.append(FG)
        chart.add(
            f"quota {q:.0f} MB ({who})",
            [(utc(s.t0), q), (utc(s.t1), q)],
            stroke_style={"width": 1.5, "dasharray": "8,4"},
        )
        ids.append(f"series-quota-{q:.0f}")
    by_code: dict[str, list[tuple[datetime, float]]] = {}
    for t, code, dyno in s.r_marks:
        by_code.setdefault(code, []).append((utc(t), s.quota.get(dyno, peak)))
    for code, pts in sorted(by_code.items()):
        colours.append(VERMILLION)
        dynos = ", ".join(sorted({d for _, c, d in s.r_marks if c == code}))
        chart.add(f"{code} on {dynos} ({len(pts)} min)", pts, stroke=False, show_dots=True, dots_size=4)
        ids.append(f"series-{code}")
    if not s.memory:
        colours.append(FG)
        chart.add("no memory samples (log-runtime-metrics off?)", [(utc(s.t0), 0), (utc(s.t1), 0)])
        ids.append("series-none")
    titles: dict[str, str] = {}
    ids += markers(chart, s, colours, 0, top, titles)
    return render(chart, "memory", ids, colours, titles)


def dynos_chart(s: Series) -> str:
    dynos = sorted({e[1] for e in s.events}) or ["(none)"]
    row = {d: i for i, d in enumerate(dynos)}
    colours: list[str] = []
    ids: list[str] = []
    chart = time_chart(
        s,
        colours,
        "dyno",
        height=max(190, 150 + 26 * len(dynos)),
        range=(-0.7, len(dynos) - 0.3),
        y_labels=[{"label": pad(d), "value": i} for d, i in row.items()],
        show_y_guides=True,
    )
    by_state: dict[str, list[tuple[datetime, int]]] = {}
    for t, dyno, _old, new in s.events:
        by_state.setdefault(new, []).append((utc(t), row[dyno]))
    for state, pts in sorted(by_state.items()):
        colours.append(STATE_COLOURS.get(state, FG))
        chart.add(f"→ {state} ({len(pts)})", pts, stroke=False, show_dots=True, dots_size=5)
        ids.append(f"series-{state}")
    if not s.events:
        colours.append(FG)
        chart.add("no dyno state changes in this window", [(utc(s.t0), 0), (utc(s.t1), 0)])
        ids.append("series-none")
    titles: dict[str, str] = {}
    ids += markers(chart, s, colours, -0.7, len(dynos) - 0.3, titles)
    return render(chart, "dynos", ids, colours, titles)


def histogram_chart(s: Series) -> str:
    decades = len(str(max([1, *(c for _, _, c in s.histogram)])))
    chart = pygal.Bar(
        width=WIDTH,
        height=260,
        js=[],
        style=style([BLUE]),
        disable_xml_declaration=True,
        logarithmic=True,
        x_title="service time band (ms unless marked s)",
        y_title="requests (log scale)",
        show_legend=False,
        margin=8,
        print_values=True,
        y_labels=[10**k for k in range(decades + 1)],
        range=(1, 10**decades),
        zero=1,  # bars rise from 1 (log scale), not from the smallest count
    )
    chart.x_labels = [_band(lo, hi) for lo, hi, _ in s.histogram]
    chart.add(
        "requests",
        [
            {"value": c or None, "color": VERMILLION if lo >= 30000 else ORANGE if lo >= 1000 else BLUE}
            for lo, _, c in s.histogram
        ],
    )
    return render(chart, "histogram", ["series-bars"])


def _band(lo: int, hi: int) -> str:
    def fmt(ms: int) -> str:
        return f"{ms // 1000}s" if ms >= 1000 else f"{ms}"

    return f"≥{fmt(lo)}" if lo >= 30000 else f"{fmt(lo)}–{fmt(hi)}"


#: (name, title, caption, draw): the page's charts in order.
CHARTS: list[tuple[str, str, str, Callable[[Series], str]]] = [
    (
        "requests",
        "Requests by status class",
        "Router requests per minute, stacked by status class",
        requests_chart,
    ),
    (
        "latency",
        "Service time percentiles",
        "Router service time p50/p95/p99 per bucket on a log scale; dots on the 30 s line mark buckets with H12 timeouts",
        latency_chart,
    ),
    (
        "codes",
        "Heroku error codes",
        "H/R/L error codes per minute, stacked by code, with the catalogue's title",
        codes_chart,
    ),
    (
        "memory",
        "Memory per dyno",
        "Highest memory_total sample per dyno per bucket against its quota (dashed); dots on the quota mark R14/R15",
        memory_chart,
    ),
    (
        "dynos",
        "Dyno state changes",
        "Each dyno's state changes (crashes, restarts, boots) as events",
        dynos_chart,
    ),
    (
        "histogram",
        "Latency histogram",
        "Router requests per service-time band over the whole window",
        histogram_chart,
    ),
]


def draw_all(s: Series) -> list[tuple[str, str, str, str]]:
    """(name, title, caption, svg) of every chart."""
    return [(name, heading, caption, draw(s)) for name, heading, caption, draw in CHARTS]


def warm() -> None:
    """Nothing to load ahead: pygal imports in a few hundredths of a second."""
