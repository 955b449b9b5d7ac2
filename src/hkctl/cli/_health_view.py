"""Text views of the health dashboard: one app as labelled lines, a pipeline as stages side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hkctl.resources.releases import Release
    from hkctl.workflows.health import AppHealth


def _short(text: Any, n: int = 50) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= n else s[: n - 1] + "…"


def app_line(h: AppHealth) -> str:
    i = h.info
    region = (i.region if i else None) or "?"
    stack = (i.stack if i else None) or "?"
    return f"region {region} · stack {stack} · maintenance {'ON' if h.maintenance else 'off'}"


def formation_line(h: AppHealth) -> str:
    if not h.formation:
        return "(no process types)"
    return ", ".join(f"{f.type} {f.quantity}× {f.size}" for f in h.formation)


def dynos_line(h: AppHealth) -> str:
    if not h.dynos:
        return "(none running)"
    parts = []
    for d in sorted(h.dynos, key=lambda d: d.name):
        parts.append(f"{d.name} {d.state}" + (f" (v{d.release})" if d.release else ""))
    return ", ".join(parts)


def release_line(r: Release | None) -> str:
    if not r:
        return "(no releases)"
    flag = " ⚠ FAILED" if r.status == "failed" else ""
    who = r.user or ""
    return (
        f"v{r.version} {r.status}{flag} — {_short(r.description)} ({r.created_at}{', ' + who if who else ''})"
    )


def addons_line(h: AppHealth) -> str:
    if not h.addons:
        return "(none)"
    return ", ".join(f"{a.plan or a.name} [{a.state}]" for a in h.addons)


def domains_line(h: AppHealth) -> str:
    if not h.domains:
        return "(none)"
    return ", ".join(f"{d.hostname} ({d.kind}) — {d.status}" for d in h.domains)


def router_line(h: AppHealth) -> str:
    if h.logs is None:
        return "(no log session)"
    lg = h.logs
    codes = ", ".join(f"{c}×{n}" for c, n in sorted(lg.codes.items())) or "none"
    return f"{lg.requests} requests, {lg.server_errors} 5xx ({lg.error_rate:.1%}), codes: {codes} — last {lg.lines} lines"


def verdict(h: AppHealth) -> str:
    return "HEALTHY" if h.healthy else "UNHEALTHY"


def render_app(h: AppHealth) -> str:
    head = f"== {h.app}" + (f" ({h.stage})" if h.stage else "") + f" == {verdict(h)}"
    rows = [
        ("App", app_line(h)),
        ("Formation", formation_line(h)),
        ("Dynos", dynos_line(h)),
        ("Release", release_line(h.latest_release)),
    ]
    lines = [head] + [f"{k:<10} {v}" for k, v in rows]
    for r in h.releases[1:]:
        lines.append(f"{'':<10} {release_line(r)}")
    lines += [
        f"{'Add-ons':<10} {addons_line(h)}",
        f"{'Domains':<10} {domains_line(h)}",
        f"{'Router':<10} {router_line(h)}",
    ]
    lines += reasons(h)
    return "\n".join(lines)


def reasons(h: AppHealth) -> list[str]:
    out = [f"  ✗ {p}" for p in h.problems]
    out += [f"  ! {w}" for w in h.warnings]
    return out


def render_side_by_side(pipeline: str, results: list[AppHealth], *, term_width: int = 120) -> str:
    """One column per stage app, one row per section, fitted to `term_width` columns (the terminal's)."""
    cols = [f"{h.stage}: {h.app}" for h in results]
    rows: list[tuple[str, list[str]]] = [
        ("verdict", [verdict(h) for h in results]),
        ("maintenance", ["ON" if h.maintenance else "off" for h in results]),
        ("formation", [formation_line(h) for h in results]),
        ("dynos", [dynos_line(h) for h in results]),
        (
            "release",
            [(f"v{r.version} {r.status}" if (r := h.latest_release) else "-") for h in results],
        ),
        ("add-ons", [addons_line(h) for h in results]),
        ("domains", [str(len(h.domains)) + " domain(s)" for h in results]),
        (
            "router",
            [(f"{h.logs.requests} req, {h.logs.error_rate:.1%} 5xx" if h.logs else "-") for h in results],
        ),
        (
            "codes",
            [
                (", ".join(f"{c}×{n}" for c, n in sorted(h.logs.codes.items())) or "none") if h.logs else "-"
                for h in results
            ],
        ),
    ]
    label = max(len(r[0]) for r in rows)
    # a cell gets its share of the terminal's width, 40 characters at least
    cut = max(40, (term_width - label - 2) // max(1, len(cols)) - 2)
    width = [max(len(c), *(len(_short(r[1][i], cut)) for r in rows)) for i, c in enumerate(cols)]
    out = [f"== pipeline {pipeline} =="]
    out.append(" " * (label + 2) + "  ".join(c.ljust(w) for c, w in zip(cols, width, strict=True)))
    for name, cells in rows:
        out.append(
            f"{name:<{label}}  "
            + "  ".join(_short(c, cut).ljust(w) for c, w in zip(cells, width, strict=True))
        )
    for h in results:
        if h.problems or h.warnings:
            out.append(f"{h.stage}: {h.app}")
            out += reasons(h)
    return "\n".join(line.rstrip() for line in out)
