"""pygal plumbing for the report's charts: palette, style, the shared time-axis chart, markers, stable ids.

Every time chart has the same x range, ticks and y-label width (so the plot areas line up on the
page) and draws the same markers: releases (solid) and config changes (dashed) as labelled vertical
lines. Colours are the Okabe–Ito colour-blind-safe palette; pygal takes colours as CSS strings, so
`var(--fg)` and `var(--grid)` let the page's light/dark stylesheet recolour every chart. `render()`
gives elements stable ids prefixed with the chart's name: `<name>-plotarea`, `<name>-series-<key>`
and `<name>-marker-<i>` (lines), with `-dots` and `-text` for the same series' dots and printed
labels; the browser test reads them to check where things landed.
"""

from __future__ import annotations

import html
import math
import re
from datetime import UTC, datetime
from typing import Any

import pygal
from pygal.style import Style

from hkctl.report.palette import FG, PURPLE
from hkctl.report.series import Marker, Series

WIDTH, HEIGHT = 1000, 300
X_MARGIN = 0.02  # pygal.view.Box.margin
LABEL_WIDTH = 9  # characters of every time chart's y labels
TICK_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)


def style(colours: list[str]) -> Style:
    """The charts' pygal Style: transparent, page-coloured text and grid, `colours` per series in order."""
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


def utc(t: float) -> datetime:
    """Epoch seconds as an aware UTC datetime (what pygal's DateTimeLine takes)."""
    return datetime.fromtimestamp(t, UTC)


def ticks(s: Series) -> list[datetime]:
    """At most ~10 round x ticks (1, 2, 5, 10, 15, 30 min, 1 h, ...) across the window."""
    span_min = (s.t1 - s.t0) / 60
    step = next((m for m in TICK_MINUTES if span_min / m <= 10), TICK_MINUTES[-1]) * 60
    first = math.ceil(s.t0 / step) * step
    return [utc(t) for t in range(int(first), int(s.t1) + 1, step)]


def time_chart(s: Series, colours: list[str], y_title: str, **kw: Any) -> Any:
    """A pygal DateTimeLine over exactly [t0, t1] with the shared ticks, y-label width and legend."""
    fmt = "%H:%M" if s.t1 - s.t0 <= 86400 else "%d %H:%M"
    # pygal widens a linear chart's x range by 2 % each side (pygal.view.Box.margin) but not a log
    # one's: widen the log chart by as much, so every chart puts t0 and t1 at the same x.
    pad_x = X_MARGIN * (s.t1 - s.t0) if kw.get("logarithmic") else 0.0
    config: dict[str, Any] = {
        "width": WIDTH,
        "height": HEIGHT,
        "js": [],
        "style": style(colours),
        "disable_xml_declaration": True,
        "x_title": "time (UTC)",
        "y_title": y_title,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4,
        "truncate_legend": -1,
        "show_dots": False,
        "print_labels": True,
        "xrange": (s.t0 - pad_x, s.t1 + pad_x),
        "x_labels": ticks(s),
        "x_value_formatter": lambda d: d.strftime(fmt),
        "value_formatter": lambda v: pad(f"{v:g}"),
        "margin": 8,
        "spacing": 8,
        "show_x_guides": True,
        "include_x_axis": True,
    }
    config.update(kw)
    return pygal.DateTimeLine(**config)


def steps(s: Series, values: list[float]) -> list[tuple[datetime, float]]:
    """Bucket values as a step outline: each bucket's value held from its start to its end."""
    out = []
    for i, v in enumerate(values):
        out.append((utc(s.times[i]), v))
        out.append((utc(s.times[i] + s.bucket_s), v))
    return out


def mids(s: Series, values: list[Any]) -> list[tuple[datetime, Any]]:
    return [(utc(t + s.bucket_s / 2), v) for t, v in zip(s.times, values, strict=True)]


def markers(
    chart: Any, s: Series, colours: list[str], y0: float, y1: float, titles: dict[str, str] | None = None
) -> list[str]:
    """Add one vertical line per group of markers closer than a bucket; returns their series ids and
    puts each line's hover text (the log's own lines, with times) in `titles`."""
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
        label = clip(" · ".join(parts), 36)
        when = utc(group[0].t)
        colours.append(PURPLE)
        chart.add(
            None,  # no legend entry: the label is printed at the line's top
            [{"value": (when, y1), "label": label}, (when, y0)],
            show_dots=True,
            dots_size=2,
            stroke_style={"width": 2, "dasharray": "" if releases else "5,3"},
        )
        if titles is not None:
            titles[f"marker-{i}"] = "\n".join(f"{utc(m.t):%H:%M:%S} UTC  {m.text}" for m in group[:12])
        # the label starts at the line, or ends at it in the right quarter (so it stays on the chart)
        ids.append(f"marker-{i}" + ("-end" if group[0].t > s.t0 + 0.75 * (s.t1 - s.t0) else ""))
    return ids


def pad(label: str) -> str:
    """Y labels padded to one width (figure spaces, invisible at the right-aligned end): pygal sizes the
    left margin from the longest label, so equal widths put every time chart's plot at the same x."""
    return label.rjust(LABEL_WIDTH, "\u2007")


def ms_label(ms: float) -> str:
    return f"{ms / 1000:g} s" if ms >= 1000 else f"{ms:g} ms"


def clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def render(
    chart: Any,
    name: str,
    ids: list[str],
    colours: list[str] | None = None,
    titles: dict[str, str] | None = None,
) -> str:
    """SVG text with stable ids: series k gets `<name>-<ids[k]>` (its dots `…-dots`, labels `…-text`);
    `colours` are the series' colours in the order they were added; `titles` (by id) become the
    series' SVG <title>, which browsers show on hover."""
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
    chart.config.style = style(colours)
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
        title = (titles or {}).get(sid)
        if title:
            tag = f'<g id="{name}-{sid}" class="series serie-{k} color-{k}">'
            text = text.replace(tag, f"{tag}<title>{html.escape(title)}</title>", 1)
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
