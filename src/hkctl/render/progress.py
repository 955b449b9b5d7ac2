"""A one-line progress bar on stderr, drawn only on a terminal: done / total, and what it cost."""

from __future__ import annotations

from hkctl.iostreams import IOStreams

WIDTH = 24


class ProgressBar:
    """`[#########---------------] 120/300 apps · 362 requests · 4,012 left`, redrawn in place on `io.err`.

    Drawn only when `io.err` is a terminal (or when `enabled` says so).
    """

    def __init__(self, total: int, io: IOStreams, *, enabled: bool | None = None) -> None:
        self.total = total
        self.stream = io.err
        self.enabled = (io.stderr_is_tty if enabled is None else enabled) and total > 0
        self._drawn = False

    def update(self, done: int, requests: int, left: int | None) -> None:
        if not self.enabled:
            return
        filled = WIDTH * done // self.total
        bar = "#" * filled + "-" * (WIDTH - filled)
        budget = "?" if left is None else f"{left:,}"
        self.stream.write(f"\r[{bar}] {done}/{self.total} apps · {requests:,} requests · {budget} left")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._drawn = False
