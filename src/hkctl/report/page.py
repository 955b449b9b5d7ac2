"""Assemble the self-contained HTML page: findings, optional health state, charts with captions, paths table.

The page has no script, no external stylesheet, font or image: a Content-Security-Policy meta tag
(`default-src 'none'`) makes the browser refuse any fetch, so it opens offline from a ticket
attachment exactly as it was written. Light and dark come from `prefers-color-scheme`.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hkctl.report.series import Series

if TYPE_CHECKING:
    from hkctl.workflows.health import AppHealth

CSS = """
:root { --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --grid: #d8dee4; --card: #f6f8fa;
        --critical: #b3470c; --warning: #8a6100; --info: #0b5e8e; color-scheme: light dark; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9da7b3; --grid: #30363d; --card: #161b22;
          --critical: #ff9a5c; --warning: #f0c44c; --info: #7cc4f0; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1040px; padding: 16px 20px 40px; background: var(--bg); color: var(--fg);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 20px; margin: 0 0 2px; } h2 { font-size: 16px; margin: 26px 0 6px; }
h3 { font-size: 14px; margin: 0 0 2px; }
.sub, figcaption, .muted { color: var(--muted); font-size: 12.5px; }
ol.findings { padding-left: 22px; } ol.findings li { margin: 4px 0; }
.sev { display: inline-block; min-width: 64px; font-size: 11px; font-weight: 700; text-transform: uppercase; }
.sev.critical { color: var(--critical); } .sev.warning { color: var(--warning); } .sev.info { color: var(--info); }
figure { margin: 14px 0; padding: 10px 8px 6px; background: var(--card); border-radius: 6px; }
figure svg { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--grid); text-align: right; vertical-align: middle; }
th:first-child, td:first-child { text-align: left; } td.path { font-family: ui-monospace, monospace; word-break: break-all; }
td.bad { color: var(--critical); font-weight: 600; }
dl.health { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; }
dl.health dt { color: var(--muted); } dl.health dd { margin: 0; }
.verdict.bad { color: var(--critical); font-weight: 700; } .verdict.ok { color: var(--info); font-weight: 700; }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _ms(ms: int | None) -> str:
    if ms is None:
        return "–"
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms} ms"


def render(
    report: dict[str, Any],
    series: Series,
    *,
    title: str,
    charts: list[tuple[str, str, str, str]],
    paths_spark: dict[str, str],
    health: AppHealth | None = None,
    rate_limit_remaining: int | None = None,
) -> str:
    """The page; `charts` are (name, title, caption, svg) and `paths_spark` maps a path to its sparkline;
    `health` (with the API requests left) adds the dashboard's state."""
    w = report.get("window") or {}
    router = report.get("router") or {}
    svc = router.get("service_ms") or {}
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>hkctl report: {_e(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="sub">{report.get("lines", 0):,} log lines, {w.get("first") or "?"} → {w.get("last") or "?"}; '
        f"{router.get('requests', 0):,} requests, p50 {_ms(svc.get('p50'))}, p95 {_ms(svc.get('p95'))}, "
        f"p99 {_ms(svc.get('p99'))}; generated {generated} by hkctl.</p>",
    ]
    if health is not None:
        out += _health(health, rate_limit_remaining)
    out.append('<h2 id="findings">Findings</h2>')
    out.append('<ol class="findings">')
    for f in report.get("findings", []):
        out.append(
            f'<li><span class="sev {_e(f["severity"])}">{_e(f["severity"])}</span> {_e(f["message"])}</li>'
        )
    out.append("</ol>")
    out.append(f'<h2 id="charts">Over time <span class="muted">({_e(series.window)})</span></h2>')
    for name, heading, caption, svg in charts:
        attrs = f'data-t0="{series.t0:.0f}" data-t1="{series.t1:.0f}"' if name != "histogram" else ""
        window = series.window if name != "histogram" else f"{w.get('first')} → {w.get('last')}"
        out.append(
            f'<figure class="chart" id="chart-{name}" {attrs}><h3 id="{name}-title">{_e(heading)}</h3>{svg}'
            f"<figcaption>{_e(caption)}. Window: {_e(window)}.</figcaption></figure>"
        )
    out += _paths(series, paths_spark)
    out.append(
        '<p class="muted">Self-contained: no scripts, fonts or images are fetched; purple vertical lines are '
        "releases (solid) and config changes (dotted) from the log's heroku[api] lines.</p>"
    )
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _paths(series: Series, sparks: dict[str, str]) -> list[str]:
    out = [
        '<h2 id="paths">Slowest paths</h2>',
        f'<p class="muted">Paths normalised (ids → :id); p95 per bucket as a sparkline (log scale), '
        f"buckets with 5xx ticked in vermillion. Window: {_e(series.window)}.</p>",
        '<table id="paths-table"><thead><tr><th>path</th><th>requests</th><th>5xx</th><th>p50</th><th>p95</th>'
        "<th>max</th><th>p95 over time</th></tr></thead><tbody>",
    ]
    for row in series.paths:
        bad = ' class="bad"' if row.get("errors") else ""
        out.append(
            f'<tr><td class="path">{_e(row["path"])}</td><td>{row["requests"]:,}</td><td{bad}>{row["errors"]:,}</td>'
            f"<td>{_ms(row.get('p50_ms'))}</td><td>{_ms(row.get('p95_ms'))}</td><td>{_ms(row.get('max_ms'))}</td>"
            f"<td>{sparks.get(row['path'], '')}</td></tr>"
        )
    if not series.paths:
        out.append('<tr><td colspan="7">no router lines in this window</td></tr>')
    out.append("</tbody></table>")
    return out


def _health(h: AppHealth, remaining: int | None) -> list[str]:
    """The health dashboard's state (formation, dynos, add-ons, rate limit) as a definition list."""
    ok = h.healthy
    info = h.info
    formation = ", ".join(f"{f.type} {f.quantity}× {f.size}" for f in h.formation)
    dynos = ", ".join(f"{d.name} {d.state}" for d in sorted(h.dynos, key=lambda d: d.name))
    addons = ", ".join(f"{a.plan or a.name} [{a.state}]" for a in h.addons)
    rel = h.latest_release
    rows = [
        (
            "verdict",
            f'<span class="verdict {"ok" if ok else "bad"}">{"healthy" if ok else "NOT healthy"}</span>',
        ),
        (
            "app",
            _e(
                f"{info.name if info else h.app} · region {info.region if info else None}"
                f" · stack {info.stack if info else None} · maintenance {'ON' if h.maintenance else 'off'}"
            ),
        ),
        ("formation", _e(formation or "(no process types)")),
        ("dynos", _e(dynos or "(none running)")),
        (
            "latest release",
            _e(f"v{rel.version} {rel.status} — {rel.description}" if rel else "(none)"),
        ),
        ("add-ons", _e(addons or "(none)")),
        ("rate limit", _e(f"{remaining if remaining is not None else '?'} requests left of 4500")),
    ]
    for p in h.problems:
        rows.append(("problem", _e(p)))
    for warn in h.warnings:
        rows.append(("warning", _e(warn)))
    out = ['<h2 id="health">Health now</h2>', '<dl class="health" id="health-state">']
    out += [f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows]
    out.append("</dl>")
    return out
