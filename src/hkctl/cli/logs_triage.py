"""hkctl logs triage: one read of the log, one report (text, JSON, or a self-contained HTML page).

A part of `hkctl logs` (see cli/_commands.py): reading logs does not import the triage and the report.
"""

from __future__ import annotations

import os
from typing import Any

import click

from hkctl.cli._common import Env, json_option, pass_env
from hkctl.cli.logs import _need_one, cli
from hkctl.errors import UsageError
from hkctl.iostreams import IOStreams
from hkctl.logs import fast
from hkctl.logs.triage import report
from hkctl.logs.view import triage_text
from hkctl.render.output import echo, emit_json, say
from hkctl.report import timeline
from hkctl.report.html import check_output, prepare, render_html, write_html
from hkctl.resources import log_sessions


@cli.command("triage")
@click.option(
    "-a", "--app", envvar="HEROKU_APP", metavar="APP", help="App name or id (reads the last 1,500 lines)."
)
@click.option("--file", "file", metavar="PATH", help="A saved log (any size; - for stdin).")
@click.option(
    "--top", type=click.IntRange(min=1, max=100), default=10, show_default=True, help="Rows per list."
)
@click.option(
    "--html",
    "html",
    metavar="FILE",
    help="Also write a self-contained HTML report with charts over time (opens offline).",
)
@json_option
@pass_env
def triage_cmd(
    env: Env, app: str | None, file: str | None, top: int, html: str | None, as_json: bool
) -> None:
    """One read, one report: traffic, slow paths, error codes, dynos, memory, releases, findings."""
    app = _need_one(env, app, file)
    engine: Any = timeline if html else fast  # with --html, the same pass also counts per minute
    if html:
        check_output(html)
    if file == "-":
        binary = env.io.in_bytes
        agg = engine.triage_stream(binary, top=top) if binary else engine.triage_lines(env.io.in_, top=top)
    elif file:
        if not os.path.isfile(file):
            raise UsageError(f"cannot read {file}: no such file")
        agg = engine.triage_file(file, top=top, **_prepare(html))
    else:
        assert app is not None
        agg = engine.triage_lines(log_sessions.read(env.client(), app, lines=log_sessions.MAX_LINES), top=top)
    result = report(agg, top=top)
    if html:
        _write_html(env.io, html, agg, result, app or file or "log")
    if as_json:
        emit_json(env.io, result)
        return

    echo(env.io, "\n".join(triage_text(result, app or file or "log")))


def _prepare(html: str | None) -> dict[str, Any]:
    if not html:
        return {}

    return {"prepare": prepare}


def _write_html(io: IOStreams, path: str, agg: Any, result: dict[str, Any], title: str) -> None:
    prepare()
    try:
        size = write_html(path, render_html(agg, result, title=f"{title}: log triage"))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc
    say(io, f"wrote {path} ({size / 1000:.0f} kB, self-contained)")
