"""Draw the report's charts as static SVG with matplotlib (no pyplot, no JavaScript), one string per chart.

Every time chart has the same size, margins and x limits, so the charts line up on one time axis,
and draws the same release/config markers. Colours are the Okabe–Ito colour-blind-safe palette,
and each series also differs by line style or marker. Text, axes and grid use two sentinel colours
that `_svg()` turns into CSS variables (`var(--fg)`, `var(--grid)`), so the page's light/dark
stylesheet recolours them. Element ids are prefixed with the chart's name (several SVGs share a
page), and the plot area of a time chart has the id `<name>-plotarea`, the markers
`<name>-marker-<i>`: the browser test reads them to check where the markers landed.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import matplotlib

matplotlib.use("svg")  # before anything else of matplotlib: never a GUI backend, never a display

from matplotlib import dates as mdates  # noqa: E402
from matplotlib import ticker as mticker  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from hkctl.report.series import Marker, Series  # noqa: E402

FG = "#010203"  # sentinels replaced by CSS variables
GRID = "#040506"
# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, SKY, GREEN, YELLOW, DARKBLUE, VERMILLION, PURPLE = (
    "#0072B2",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)
STATUS_COLOURS = {"2xx": GREEN, "3xx": SKY, "4xx": ORANGE, "5xx": VERMILLION}
CODE_COLOURS = [VERMILLION, ORANGE, BLUE, PURPLE, SKY, GREEN, YELLOW]
DYNO_STYLES = ["-", "--", "-.", ":"]
STATE_STYLE = {  # new state -> (marker, colour)
    "crashed": ("X", VERMILLION),
    "down": ("v", PURPLE),
    "starting": ("^", SKY),
    "restarting": ("s", ORANGE),
    "up": ("o", GREEN),
    "idle": ("d", PURPLE),
}
WIDTH_IN, TIME_HEIGHT_IN = 10.0, 2.7
LEFT, RIGHT = 0.08, 0.8  # the same for every time chart: the axes line up; the legend sits right

RC = {
    "svg.fonttype": "none",  # real <text>: smaller, selectable, recoloured by CSS
    "svg.hashsalt": "hkctl",  # deterministic ids
    "font.size": 9,
    "font.family": "sans-serif",
    "text.color": FG,
    "axes.edgecolor": FG,
    "axes.labelcolor": FG,
    "xtick.color": FG,
    "ytick.color": FG,
    "axes.grid": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "path.simplify": True,
}


def warm() -> None:
    """Draw a throwaway figure with text: the first draw loads fonts and caches text metrics."""
    fig = Figure(figsize=(2, 1))
    ax = fig.add_subplot()
    ax.set_xlabel("time (UTC) 0123456789")
    fig.savefig(io.StringIO(), format="svg")


def _dt(t: float) -> float:
    return float(mdates.date2num(datetime.fromtimestamp(t, UTC)))


def _figure(height: float = TIME_HEIGHT_IN) -> tuple[Figure, Any]:
    fig = Figure(figsize=(WIDTH_IN, height))
    ax = fig.add_subplot()
    fig.subplots_adjust(left=LEFT, right=RIGHT, top=0.86, bottom=0.2)
    return fig, ax


def _svg(fig: Figure, name: str) -> str:
    """The figure as an inline <svg> element: no XML prologue, ids prefixed, colours as CSS variables."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"hkctl-{name}"}):
        fig.savefig(buf, format="svg", transparent=True, metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = text.replace(FG.lower(), "var(--fg)").replace(GRID.lower(), "var(--grid)")
    text = text.replace(' id="', f' id="{name}-').replace("url(#", f"url(#{name}-")
    text = text.replace('xlink:href="#', f'xlink:href="#{name}-')
    text = re.sub(r"font-family:\s*[^;\"]*", "font-family: system-ui, sans-serif", text)
    text = re.sub(r"font: (\d+(?:\.\d+)?)px '[^']*'", r"font: \1px system-ui, sans-serif", text)
    return text.replace("<svg ", f'<svg role="img" aria-labelledby="{name}-title" ', 1)


def _time_axis(ax: Any, s: Series, markers: bool = True) -> None:
    ax.set_xlim(_dt(s.t0), _dt(s.t1))
    ax.patch.set_gid("plotarea")
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M" if s.t1 - s.t0 <= 86400 else "%d %H:%M"))
    ax.set_xlabel("time (UTC)")
    if markers:
        _markers(ax, s.markers, s.bucket_s)


def _markers(ax: Any, markers: list[Marker], bucket_s: int) -> None:
    """Releases (solid) and config changes (dotted) as labelled vertical lines; one label per bucket."""
    lo, hi = ax.get_xlim()
    markers = [m for m in markers if lo <= _dt(m.t) <= hi]
    groups: list[list[Marker]] = []
    for m in markers:
        if groups and m.t - groups[-1][0].t < bucket_s:
            groups[-1].append(m)
        else:
            groups.append([m])
    for i, group in enumerate(groups):
        releases = [m.label for m in group if m.kind == "release"]
        configs = [m.label for m in group if m.kind == "config"]
        parts = []
        if releases:
            parts.append(releases[0] if len(releases) == 1 else f"{releases[0]}–{releases[-1]}")
        if configs:
            parts.append(configs[0] if len(configs) == 1 else f"{len(configs)} config changes")
        style = "-" if releases else ":"
        x = _dt(group[0].t)
        ax.axvline(x, color=PURPLE, linestyle=style, linewidth=1.3, gid=f"marker-{i}", zorder=5)
        right_half = (x - lo) > (hi - lo) * 0.6
        ax.annotate(
            _clip(" · ".join(parts), 34),
            xy=(x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-3 if right_half else 3, 2),
            textcoords="offset points",
            fontsize=7.5,
            color=PURPLE,
            ha="right" if right_half else "left",
            va="bottom",
            annotation_clip=False,
            gid=f"marker-label-{i}",
        )


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _wrap(text: str, n: int = 24) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, n)) or text


def _edges(s: Series) -> list[float]:
    return [_dt(t) for t in s.times] + [_dt(s.t1)]


def _step(values: list[Any]) -> list[Any]:
    return [*values, values[-1]] if values else values


def requests_chart(s: Series) -> str:
    fig, ax = _figure()
    x = _edges(s)
    base = [0.0] * len(s.times)
    per = s.bucket_s // 60
    for cls in ("2xx", "3xx", "4xx", "5xx"):
        top = [b + v / per for b, v in zip(base, s.status[cls], strict=True)]
        ax.fill_between(
            x,
            _step(base),
            _step(top),
            step="post",
            color=STATUS_COLOURS[cls],
            alpha=0.9,
            linewidth=0,
            label=f"{cls} ({sum(s.status[cls]):,})",
            hatch="////" if cls == "5xx" else None,
        )
        base = top
    ax.set_ylabel("requests / min")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="status")
    _time_axis(ax, s)
    return _svg(fig, "requests")


def latency_chart(s: Series) -> str:
    fig, ax = _figure()
    mid = [_dt(t + s.bucket_s / 2) for t in s.times]
    styles = {"p50": (BLUE, "-", 1.4), "p95": (ORANGE, "--", 1.6), "p99": (VERMILLION, "-.", 1.4)}
    top = 1.0
    for key, (colour, ls, lw) in styles.items():
        ys = [math.nan if v is None else max(v, 1) for v in s.latency[key]]
        top = max([top, *(y for y in ys if y == y)])
        ax.plot(mid, ys, color=colour, linestyle=ls, linewidth=lw, label=f"{key}", marker=None)
    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(mticker.NullLocator())  # minor log ticks cost a third of the drawing
    ax.axhline(30000, color=FG, linestyle=(0, (1, 3)), linewidth=0.9)
    ax.annotate("router timeout 30 s", xy=(0.005, 30000), xycoords=("axes fraction", "data"), fontsize=7)
    h12 = [(m, n) for m, n in zip(mid, s.h12, strict=True) if n]
    if h12:
        ax.scatter(
            [m for m, _ in h12],
            [30000] * len(h12),
            marker="v",
            s=[30 + 10 * min(n, 10) for _, n in h12],
            color=VERMILLION,
            edgecolors=FG,
            linewidths=0.5,
            zorder=6,
            label=f"H12 timeout ({sum(n for _, n in h12)})",
            gid="h12",
        )
    ax.set_ylim(1, max(top, 30000) * 2.5)
    ax.set_ylabel("service time (ms, log)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="per bucket")
    _time_axis(ax, s)
    return _svg(fig, "latency")


def codes_chart(s: Series) -> str:
    fig, ax = _figure()
    x = _edges(s)
    base = [0.0] * len(s.times)
    per = s.bucket_s // 60
    for i, (code, counts) in enumerate(s.codes.items()):
        top = [b + v / per for b, v in zip(base, counts, strict=True)]
        ax.fill_between(
            x,
            _step(base),
            _step(top),
            step="post",
            color=CODE_COLOURS[i % len(CODE_COLOURS)],
            alpha=0.9,
            linewidth=0,
            hatch=["", "////", "....", "xxxx"][i // len(CODE_COLOURS) % 4],
            label=_wrap(f"{code} {s.code_titles[code]} ({sum(counts):,})"),
        )
        base = top
    if not s.codes:
        ax.text(0.5, 0.5, "no H/R/L error codes in this window", ha="center", transform=ax.transAxes)
    ax.set_ylabel("codes / min")
    ax.set_ylim(bottom=0, top=max([1.0, *base]) * 1.15)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="code")
    _time_axis(ax, s)
    return _svg(fig, "codes")


def memory_chart(s: Series) -> str:
    fig, ax = _figure()
    mid = [_dt(t + s.bucket_s / 2) for t in s.times]
    colours = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION]
    top = 1.0
    for i, (dyno, values) in enumerate(sorted(s.memory.items())):
        ys = [math.nan if v is None else v for v in values]
        top = max([top, *(y for y in ys if y == y)])
        ax.plot(
            mid,
            ys,
            color=colours[i % len(colours)],
            linestyle=DYNO_STYLES[i % len(DYNO_STYLES)],
            linewidth=1.5,
            marker="." if len(mid) < 60 else None,
            label=dyno,
        )
    for q in sorted(set(s.quota.values())):
        ax.axhline(q, color=FG, linestyle=(0, (4, 2)), linewidth=1.2)
        ax.annotate(f"quota {q:.0f} MB", xy=(0.005, q), xycoords=("axes fraction", "data"), fontsize=7)
        top = max(top, q)
    by_code: dict[str, list[tuple[float, float]]] = {}
    for t, code, dyno in s.r_marks:
        y = s.quota.get(dyno, top)
        by_code.setdefault(code, []).append((_dt(t), y))
    for code, pts in sorted(by_code.items()):
        ax.scatter(
            [p[0] for p in pts],
            [p[1] for p in pts],
            marker="x" if code == "R14" else "X",
            color=VERMILLION,
            s=28,
            zorder=6,
            label=f"{code} ({len(pts)} min)",
        )
    if not s.memory:
        ax.text(0.5, 0.5, "no memory samples (log-runtime-metrics off?)", ha="center", transform=ax.transAxes)
    ax.set_ylim(0, top * 1.2)
    ax.set_ylabel("memory (MB, max)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="dyno")
    _time_axis(ax, s)
    return _svg(fig, "memory")


def dynos_chart(s: Series) -> str:
    dynos = sorted({e[1] for e in s.events}) or ["(none)"]
    fig, ax = _figure(max(1.6, 0.9 + 0.28 * len(dynos)))
    fig.subplots_adjust(bottom=0.55 / max(1.6, 0.9 + 0.28 * len(dynos)) * 1.5, top=0.82)
    row = {d: i for i, d in enumerate(dynos)}
    by_state: dict[str, list[tuple[float, int]]] = {}
    for t, dyno, _old, new in s.events:
        by_state.setdefault(new if new in STATE_STYLE else "other", []).append((_dt(t), row[dyno]))
    for state, pts in sorted(by_state.items()):
        marker, colour = STATE_STYLE.get(state, ("o", FG))
        ax.scatter(
            [p[0] for p in pts],
            [p[1] for p in pts],
            marker=marker,
            color=colour,
            s=36,
            edgecolors=FG,
            linewidths=0.4,
            label=f"→ {state} ({len(pts)})",
            zorder=6,
        )
    if not s.events:
        ax.text(0.5, 0.5, "no dyno state changes in this window", ha="center", transform=ax.transAxes)
    ax.set_yticks(range(len(dynos)), dynos)
    ax.set_ylim(-0.7, len(dynos) - 0.3)
    ax.set_ylabel("dyno")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.05), title="state changed to")
    _time_axis(ax, s)
    return _svg(fig, "dynos")


def histogram_chart(s: Series) -> str:
    fig = Figure(figsize=(WIDTH_IN, 2.5))
    ax = fig.add_subplot()
    fig.subplots_adjust(left=LEFT, right=RIGHT, top=0.9, bottom=0.22)
    labels = [_band(lo, hi) for lo, hi, _ in s.histogram]
    counts = [c for _, _, c in s.histogram]
    colours = [VERMILLION if lo >= 30000 else ORANGE if lo >= 1000 else BLUE for lo, _, _ in s.histogram]
    ax.bar(range(len(counts)), counts, color=colours, edgecolor=FG, linewidth=0.3, gid="bars")
    ax.set_xticks(range(len(counts)), labels, fontsize=7.5)
    ax.set_yscale("symlog", linthresh=10)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("service time band (ms unless marked s)")
    ax.set_ylabel("requests (symlog)")
    ax.grid(axis="x", visible=False)
    return _svg(fig, "histogram")


def _band(lo: int, hi: int) -> str:
    def fmt(ms: int) -> str:
        return f"{ms // 1000}s" if ms >= 1000 else f"{ms}"

    return f"≥{fmt(lo)}" if lo >= 30000 else f"{fmt(lo)}–{fmt(hi)}"


#: (name, title, caption template, draw): the page's charts in order.
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
        "Router service time p50/p95/p99 per bucket on a log scale; ▼ marks buckets with H12 timeouts",
        latency_chart,
    ),
    (
        "codes",
        "Heroku error codes",
        "H/R/L error codes per minute, stacked by code (catalogue title in the legend)",
        codes_chart,
    ),
    (
        "memory",
        "Memory per dyno",
        "Highest memory_total sample per dyno per bucket against its quota (dashed); × marks R14, ✖ R15",
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


def sparkline(values: list[int | None], errors: list[int], width: int = 160, height: int = 28) -> str:
    """A tiny inline SVG: p95 per bucket as a line, buckets with 5xx as vermillion ticks below it."""
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
