"""The paths table's sparklines: p95 per bucket as a tiny inline SVG polyline (log scale), 5xx ticked."""

from __future__ import annotations

import math

from hkctl.report.palette import ORANGE, VERMILLION


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
