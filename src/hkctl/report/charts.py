"""Draw the report's charts as static SVG with pygal (no JavaScript, no network), one string per chart.

pygal was chosen over matplotlib, plotly and bokeh for this page: it writes plain SVG with its CSS
inline (no script once `js=[]`), imports in ~0.06 s and draws six charts in ~0.1 s (matplotlib:
~0.45 s import + ~0.4 s drawing, which alone broke the "report < 1.3× text triage" budget for a
1M-line log; plotly and bokeh embed 1–4 MB of JavaScript and draw on a canvas). Its colours are
plain CSS strings, so `var(--fg)` lets the page's light/dark stylesheet recolour every chart.

Every time chart has the same x range and ticks and draws the same markers: releases (solid) and
config changes (dashed) as labelled vertical lines. Colours are the Okabe–Ito colour-blind-safe
palette, with line styles and markers as a second cue. Element ids are prefixed with the chart's
name: `<name>-plotarea`, `<name>-series-<key>` and `<name>-marker-<i>` (lines), with `-dots` and
`-text` for the same series' dots and printed labels, which the browser test reads to check where
things landed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pygal
from pygal.style import Style

from hkctl.report.series import Marker, Series

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, SKY, GREEN, YELLOW, VERMILLION, PURPLE = (
    "#0072B2",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#D55E00",
    "#CC79A7",
)
FG = "var(--fg)"
STATUS_COLOURS = {"2xx": GREEN, "3xx": SKY, "4xx": ORANGE, "5xx": VERMILLION}
CODE_COLOURS = [VERMILLION, ORANGE, BLUE, PURPLE, SKY, GREEN, YELLOW]
DYNO_COLOURS = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION]
DASHES = ["", "6,3", "2,3", "8,3,2,3"]
STATE_COLOURS = {"crashed": VERMILLION, "down": PURPLE, "starting": SKY, "restarting": ORANGE, "up": GREEN}
WIDTH, HEIGHT = 1000, 300
LABEL_WIDTH = 9  # characters of every time chart's y labels
TICK_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)


def _style(colours: list[str]) -> Style:
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground=FG,
        foreground_strong=FG,
        foreground_subtle="var(--grid)",
        opacity="1",
        opacity_hover="1",
        colors=tuple(colours),
        value_colors=tuple(FG for _ in colours),  # printed labels and values follow the page's scheme
        font_family="system-ui, sans-serif",
        label_font_size=11,
        major_label_font_size=11,
        legend_font_size=11,
        title_font_size=13,
        value_label_font_size=10,
        guide_stroke_dasharray="2,3",
        major_guide_stroke_dasharray="2,3",
    )


def _when(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def _ticks(s: Series) -> list[datetime]:
    span_min = (s.t1 - s.t0) / 60
    step = next((m for m in TICK_MINUTES if span_min / m <= 10), TICK_MINUTES[-1]) * 60
    first = math.ceil(s.t0 / step) * step
    return [_when(t) for t in range(int(first), int(s.t1) + 1, step)]


def _time_chart(s: Series, colours: list[str], y_title: str, **kw: Any) -> Any:
    fmt = "%H:%M" if s.t1 - s.t0 <= 86400 else "%d %H:%M"
    config: dict[str, Any] = {
        "width": WIDTH,
        "height": HEIGHT,
        "js": [],
        "style": _style(colours),
        "disable_xml_declaration": True,
        "x_title": "time (UTC)",
        "y_title": y_title,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4,
        "truncate_legend": -1,
        "show_dots": False,
        "print_labels": True,
        "xrange": (s.t0, s.t1),
        "x_labels": _ticks(s),
        "x_value_formatter": lambda d: d.strftime(fmt),
        "value_formatter": lambda v: _pad(f"{v:g}"),
        "margin": 8,
        "spacing": 8,
        "show_x_guides": True,
        "include_x_axis": True,
    }
    config.update(kw)
    return pygal.DateTimeLine(**config)


def _steps(s: Series, values: list[float]) -> list[tuple[datetime, float]]:
    """Bucket values as a step outline: each bucket's value held from its start to its end."""
    out = []
    for i, v in enumerate(values):
        out.append((_when(s.times[i]), v))
        out.append((_when(s.times[i] + s.bucket_s), v))
    return out


def _mids(s: Series, values: list[Any]) -> list[tuple[datetime, Any]]:
    return [(_when(t + s.bucket_s / 2), v) for t, v in zip(s.times, values, strict=True)]


def _markers(chart: Any, s: Series, colours: list[str], y0: float, y1: float) -> list[str]:
    """Add one vertical line per group of markers closer than a bucket; returns their series ids."""
    groups: list[list[Marker]] = []
    for m in (m for m in s.markers if s.t0 <= m.t <= s.t1):
        if groups and m.t - groups[-1][0].t < s.bucket_s:
            groups[-1].append(m)
        else:
            groups.append([m])
    ids = []
    for i, group in enumerate(groups):
        releases = [m.label for m in group if m.kind == "release"]
        configs = [m.label for m in group if m.kind == "config"]
        parts = []
        if releases:
            parts.append(releases[0] if len(releases) == 1 else f"{releases[0]}–{releases[-1]}")
        if configs:
            parts.append(configs[0] if len(configs) == 1 else f"{len(configs)} config changes")
        label = _clip(" · ".join(parts), 36)
        when = _when(group[0].t)
        colours.append(PURPLE)
        chart.add(
            None,  # no legend entry: the label is printed at the line's top
            [{"value": (when, y1), "label": label}, (when, y0)],
            show_dots=True,
            dots_size=2,
            stroke_style={"width": 2, "dasharray": "" if releases else "5,3"},
        )
        # the label starts at the line, or ends at it in the right quarter (so it stays on the chart)
        ids.append(f"marker-{i}" + ("-end" if group[0].t > s.t0 + 0.75 * (s.t1 - s.t0) else ""))
    return ids


def _pad(label: str) -> str:
    """Y labels padded to one width (figure spaces, invisible at the right-aligned end): pygal sizes the
    left margin from the longest label, so equal widths put every time chart's plot at the same x."""
    return label.rjust(LABEL_WIDTH, "\u2007")


def _ms(ms: float) -> str:
    return f"{ms / 1000:g} s" if ms >= 1000 else f"{ms:g} ms"


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _render(chart: Any, name: str, ids: list[str], colours: list[str] | None = None) -> str:
    """SVG text with stable ids: series k gets `<name>-<ids[k]>` (its dots `…-dots`, labels `…-text`);
    `colours` are the series' colours in the order they were added."""
    colours = list(colours if colours is not None else chart.config.style.colors)
    # pygal reserves len(series) // columns legend rows: pad with untitled, empty series when short
    visible = sum(1 for i in ids if not i.startswith("marker-"))
    cols = max(1, min(visible, chart.config.legend_at_bottom_columns or 4))
    order = len(ids)
    while order // cols < -(-visible // cols):
        chart.add(None, [])
        colours.append(PURPLE)
        order += 1
    chart.config.legend_at_bottom_columns = cols
    chart.config.style = _style(colours)
    text = chart.render(is_unicode=True)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    # pygal writes its config into an inline <script> even with js=[]: nothing reads it here
    text = re.sub(r"<script\b.*?</script>", "", text, flags=re.S)
    uuid = re.search(r'id="chart-([0-9a-f-]+)"', text)
    if uuid:
        text = text.replace(f"chart-{uuid.group(1)}", f"{name}-svg")
    for k, sid in enumerate(ids):
        head = f'<g class="series serie-{k} color-{k}"'
        end = sid.endswith("-end")
        sid = sid.removesuffix("-end")
        for suffix in ("", "-dots", "-text"):  # pygal's plot, overlay (dots) and text-overlay groups
            text = text.replace(head, f'<g id="{name}-{sid}{suffix}" class="series serie-{k} color-{k}"', 1)
        if end:  # pygal centres labels on the point; this one ends at the line instead
            lo = text.find(f'id="{name}-{sid}-text"')
            hi = text.find("</g>", lo)
            if lo >= 0 and hi > lo:
                inner = text[lo:hi].replace("<text ", '<text style="text-anchor: end" ')
                text = text[:lo] + inner + text[hi:]
    # the plot area is the second background rect (the first is the whole chart's)
    first = text.find('class="background"')
    second = text.find('class="background"', first + 1)
    if second > 0:
        text = text[:second] + f'id="{name}-plotarea" ' + text[second:]
    return text.replace("<svg ", f'<svg role="img" aria-labelledby="{name}-title" ', 1)


def requests_chart(s: Series) -> str:
    colours: list[str] = []
    ids: list[str] = []
    per = s.bucket_s / 60
    stacked, total = {}, [0.0] * len(s.times)
    for cls in ("2xx", "3xx", "4xx", "5xx"):
        total = [a + b / per for a, b in zip(total, s.status[cls], strict=True)]
        stacked[cls] = total
    top = max([1.0, *total]) * 1.15
    chart = _time_chart(s, colours, "requests / min", range=(0, top), fill=True)
    for cls in ("5xx", "4xx", "3xx", "2xx"):  # the tallest outline first; each lower one covers it
        colours.append(STATUS_COLOURS[cls])
        chart.add(f"{cls} ({sum(s.status[cls]):,})", _steps(s, stacked[cls]), fill=True)
        ids.append(f"series-{cls}")
    ids += _markers(chart, s, colours, 0, top)
    return _render(chart, "requests", ids, colours)


def latency_chart(s: Series) -> str:
    colours: list[str] = []
    ids: list[str] = []
    known = [v for key in ("p50", "p95", "p99") for v in s.latency[key] if v]
    top = max([30000.0, *known]) * 2.5
    chart = _time_chart(
        s,
        colours,
        "latency (ms, log)",
        logarithmic=True,
        range=(1, top),
        y_labels=[{"label": _pad(_ms(v)), "value": v} for v in (1, 10, 100, 1000, 10000, 30000) if v <= top],
    )
    for key, colour, dash in (("p50", BLUE, ""), ("p95", ORANGE, "6,3"), ("p99", VERMILLION, "2,3")):
        colours.append(colour)
        values = [max(1, v) if v else None for v in s.latency[key]]
        chart.add(key, _mids(s, values), stroke_style={"width": 2, "dasharray": dash})
        ids.append(f"series-{key}")
    colours.append(FG)
    chart.add(
        "router timeout 30 s", [(_when(s.t0), 30000), (_when(s.t1), 30000)], stroke_style={"dasharray": "1,3"}
    )
    ids.append("series-timeout")
    h12 = [{"value": (when, 30000), "label": f"H12 ×{n}"} for (when, n) in _mids(s, s.h12) if n]
    if h12:
        colours.append(VERMILLION)
        chart.add(f"H12 timeouts ({sum(s.h12):,})", h12, stroke=False, show_dots=True, dots_size=6)
        ids.append("series-h12")
    ids += _markers(chart, s, colours, 1, top)
    return _render(chart, "latency", ids, colours)


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
    chart = _time_chart(s, colours, "codes / min", range=(0, top), fill=True, legend_at_bottom_columns=2)
    for i, code in enumerate(order):
        colours.append(CODE_COLOURS[i % len(CODE_COLOURS)])
        chart.add(
            f"{code} {s.code_titles[code]} ({sum(s.codes[code]):,})", _steps(s, stacked[code]), fill=True
        )
        ids.append(f"series-{code}")
    if not order:
        colours.append(FG)
        chart.add("no H/R/L error codes in this window", [(_when(s.t0), 0), (_when(s.t1), 0)])
        ids.append("series-none")
    ids += _markers(chart, s, colours, 0, top)
    return _render(chart, "codes", ids, colours)


def memory_chart(s: Series) -> str:
    colours: list[str] = []
    ids: list[str] = []
    peak = max([1.0, *(v for vs in s.memory.values() for v in vs if v), *s.quota.values()])
    top = peak * 1.2
    chart = _time_chart(s, colours, "memory (MB, max)", range=(0, top))
    for i, (dyno, values) in enumerate(sorted(s.memory.items())):
        colours.append(DYNO_COLOURS[i % len(DYNO_COLOURS)])
        chart.add(
            dyno,
            _mids(s, values),
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
            [(_when(s.t0), q), (_when(s.t1), q)],
            stroke_style={"width": 1.5, "dasharray": "8,4"},
        )
        ids.append(f"series-quota-{q:.0f}")
    by_code: dict[str, list[tuple[datetime, float]]] = {}
    for t, code, dyno in s.r_marks:
        by_code.setdefault(code, []).append((_when(t), s.quota.get(dyno, peak)))
    for code, pts in sorted(by_code.items()):
        colours.append(VERMILLION)
        dynos = ", ".join(sorted({d for _, c, d in s.r_marks if c == code}))
        chart.add(f"{code} on {dynos} ({len(pts)} min)", pts, stroke=False, show_dots=True, dots_size=4)
        ids.append(f"series-{code}")
    if not s.memory:
        colours.append(FG)
        chart.add("no memory samples (log-runtime-metrics off?)", [(_when(s.t0), 0), (_when(s.t1), 0)])
        ids.append("series-none")
    ids += _markers(chart, s, colours, 0, top)
    return _render(chart, "memory", ids, colours)


def dynos_chart(s: Series) -> str:
    dynos = sorted({e[1] for e in s.events}) or ["(none)"]
    row = {d: i for i, d in enumerate(dynos)}
    colours: list[str] = []
    ids: list[str] = []
    chart = _time_chart(
        s,
        colours,
        "dyno",
        height=max(190, 150 + 26 * len(dynos)),
        range=(-0.7, len(dynos) - 0.3),
        y_labels=[{"label": _pad(d), "value": i} for d, i in row.items()],
        show_y_guides=True,
    )
    by_state: dict[str, list[tuple[datetime, int]]] = {}
    for t, dyno, _old, new in s.events:
        by_state.setdefault(new, []).append((_when(t), row[dyno]))
    for state, pts in sorted(by_state.items()):
        colours.append(STATE_COLOURS.get(state, FG))
        chart.add(f"→ {state} ({len(pts)})", pts, stroke=False, show_dots=True, dots_size=5)
        ids.append(f"series-{state}")
    if not s.events:
        colours.append(FG)
        chart.add("no dyno state changes in this window", [(_when(s.t0), 0), (_when(s.t1), 0)])
        ids.append("series-none")
    ids += _markers(chart, s, colours, -0.7, len(dynos) - 0.3)
    return _render(chart, "dynos", ids, colours)


def histogram_chart(s: Series) -> str:
    decades = len(str(max([1, *(c for _, _, c in s.histogram)])))
    chart = pygal.Bar(
        width=WIDTH,
        height=260,
        js=[],
        style=_style([BLUE]),
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
    return _render(chart, "histogram", ["series-bars"])


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


def sparkline(values: list[int | None], errors: list[int], width: int = 160, height: int = 28) -> str:
    """A tiny inline SVG: p95 per bucket as a line (log scale), buckets with 5xx as vermillion ticks."""
    n = len(values)
    known = [v for v in values if v]
    if not n or not known:
        return ""
    lo, hi = math.log10(max(1, min(known))), math.log10(max(known))
    span = hi - lo or 1.0

    def xy(i: int, v: int) -> str:
        x = (i + 0.5) * width / n
        y = height - 3 - (math.log10(max(1, v)) - lo) / span * (height - 8)
        return f"{x:.1f},{y:.1f}"

    runs: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v:
            runs[-1].append(xy(i, v))
        elif runs[-1]:
            runs.append([])
    lines = "".join(
        f'<polyline points="{" ".join(r)}" fill="none" stroke="{ORANGE}" stroke-width="1.5"/>'
        if len(r) > 1
        else f'<circle cx="{r[0].split(",")[0]}" cy="{r[0].split(",")[1]}" r="1.5" fill="{ORANGE}"/>'
        for r in runs
        if r
    )
    ticks = "".join(
        f'<rect x="{i * width / n:.1f}" y="{height - 3}" width="{max(1.0, width / n):.1f}" height="3" fill="{VERMILLION}"/>'
        for i, e in enumerate(errors)
        if e
    )
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="p95 per bucket, log scale">{lines}{ticks}</svg>'
    )
