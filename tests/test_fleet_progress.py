"""The fleet progress bar: drawn in place on a terminal, silent in a pipe."""

from __future__ import annotations

from hkctl.iostreams import IOStreams
from hkctl.render.progress import ProgressBar


def test_progress_on_a_terminal_shows_apps_requests_and_budget() -> None:
    io = IOStreams.test(tty=True)
    bar = ProgressBar(300, io)
    bar.update(120, 362, 4012)
    bar.close()
    assert io.err_text() == (
        "\r[#########---------------] 120/300 apps · 362 requests · 4,012 left" + "\r\033[K"
    )
    assert io.out_text() == ""


def test_no_progress_in_a_pipe() -> None:
    io = IOStreams.test()
    bar = ProgressBar(300, io)
    bar.update(1, 1, None)
    bar.close()
    assert io.err_text() == ""
