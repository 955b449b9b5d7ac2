"""The fleet progress bar: drawn in place on a terminal, silent in a pipe."""

from __future__ import annotations

import io

from hkctl.render.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_shows_apps_requests_and_budget() -> None:
    tty = Terminal()
    bar = ProgressBar(300, stream=tty)
    bar.update(120, 362, 4012)
    bar.close()
    assert tty.getvalue() == (
        "\r[#########---------------] 120/300 apps · 362 requests · 4,012 left" + "\r\033[K"
    )


def test_no_progress_in_a_pipe() -> None:
    pipe = io.StringIO()
    bar = ProgressBar(300, stream=pipe)
    bar.update(1, 1, None)
    bar.close()
    assert pipe.getvalue() == ""
