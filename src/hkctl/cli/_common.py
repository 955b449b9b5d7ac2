"""What every command shares: the run environment (Env), --json, --limit, Ctrl-C during a wait (-a/--app: _app.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from hkctl.iostreams import IOStreams
from hkctl.render.output import say
from hkctl.session import Env

F = TypeVar("F", bound=Callable[..., Any])


pass_env = click.make_pass_decorator(Env, ensure=True)


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print complete records as JSON.")(fn)


def limit_option(fn: F) -> F:
    return click.option(
        "--limit",
        type=click.IntRange(min=1),
        default=None,
        help="Stop after N items (fetches no more pages than needed).",
    )(fn)


@contextmanager
def on_interrupt(io: IOStreams, still_running: Callable[[], str | None]) -> Iterator[None]:
    """Ctrl-C during a wait: say what keeps running on Heroku and how to follow or stop it; exit 130.

    Interrupting hkctl stops the waiting, not the platform's work (a build, a dyno, a backup).
    """
    try:
        yield
    except KeyboardInterrupt:
        text = still_running()
        if text:
            say(io, f"\n{text}")
        raise
