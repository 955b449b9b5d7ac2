"""hkctl logs triage: one read of the log, one report (text, JSON, or a self-contained HTML page).

A part of `hkctl logs` (see cli/_commands.py): reading logs does not import the triage and the report.
"""

from __future__ import annotations

from typing import Any

import click

from hkctl.cli._common import Env, json_option, pass_env
from hkctl.cli.logs import _need_one, cli
from hkctl.errors import UsageError
from hkctl.iostreams import IOStreams
from hkctl.render.output import echo, emit_json, say


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
    from hkctl.logs import fast
    from hkctl.logs.triage import report

    app = _need_one(env, app, file)
    engine: Any = fast
    if html:  # the same pass, also counting per minute (hkctl.report.timeline)
        from hkctl.report import timeline as engine
        from hkctl.report.html import check_output

        check_output(html)
    if file == "-":
        binary = env.io.in_bytes
        agg = engine.triage_stream(binary, top=top) if binary else engine.triage_lines(env.io.in_, top=top)
    elif file:
        import os

        if not os.path.isfile(file):
            from hkctl.errors import UsageError

            raise UsageError(f"cannot read {file}: no such file")
        agg = engine.triage_file(file, top=top, **_prepare(html))
    else:
        from hkctl.resources import log_sessions

        assert app is not None
        agg = engine.triage_lines(log_sessions.read(env.client(), app, lines=log_sessions.MAX_LINES), top=top)
    result = report(agg, top=top)
    if html:
        _write_html(env.io, html, agg, result, app or file or "log")
    if as_json:
        emit_json(env.io, result)
        return
    from hkctl.logs.view import triage_text

    echo(env.io, "\n".join(triage_text(result, app or file or "log")))


def _prepare(html: str | None) -> dict[str, Any]:
    if not html:
        return {}
    from hkctl.report.html import prepare

    return {"prepare": prepare}


def _write_html(io: IOStreams, path: str, agg: Any, result: dict[str, Any], title: str) -> None:
    from hkctl.report.html import prepare, render_html, write_html

    prepare()
    try:
        size = write_html(path, render_html(agg, result, title=f"{title}: log triage"))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc
    say(io, f"wrote {path} ({size / 1000:.0f} kB, self-contained)")
