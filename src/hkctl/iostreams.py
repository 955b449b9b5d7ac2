"""The process's streams, injected: stdout, stderr, stdin, what is a terminal, colour and width.

One `IOStreams` is built per run (`IOStreams.system()` by the console script, `IOStreams.test()` by
the tests) and handed down through `Env.io`; commands, renderers, prompts and the client's warnings
write to it. This is the only module that asks the process whether a stream is a terminal, how wide
it is, or names `sys.stdout`, `sys.stderr` and `sys.stdin` (a test holds the rest of the package to it).
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, TextIO

DEFAULT_WIDTH = 120  # columns assumed when the terminal does not say (and in tests)


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class _Utf8Out(io.TextIOWrapper):
    """UTF-8 text over sys.stdout's bytes that never closes them (it is dropped, sys.stdout stays)."""

    def __del__(self) -> None:
        with contextlib.suppress(ValueError, OSError):  # already detached, or a closed pipe
            self.detach()


def _stdout() -> TextIO:
    """sys.stdout, or, when it declares ASCII (PYTHONIOENCODING=ascii, a C locale without UTF-8 mode),
    its bytes written as UTF-8 (unencodable text replaced), as click.echo printed data: a `•` or a `–`
    is printed rather than failing as an internal error."""
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None or codecs.lookup(getattr(out, "encoding", None) or "ascii").name != "ascii":
        return out
    out.flush()
    return _Utf8Out(buffer, encoding="utf-8", errors="replace", line_buffering=True)


@dataclass
class IOStreams:
    """Where output goes and input comes from, with the terminal facts decided once (the width is measured when read).

    `out` is data, `err` is talk (progress, warnings, prompts); `in_` is text stdin and `in_bytes`
    the same input as bytes (None when only text is available). `color` means ANSI colour may be
    written to `out`: it is a terminal and NO_COLOR is not set. `width` is in columns, measured each
    time it is read (a terminal can be resized while a watch redraws).
    """

    out: TextIO
    err: TextIO
    in_: TextIO
    in_bytes: IO[bytes] | None = None
    stdout_is_tty: bool = False
    stderr_is_tty: bool = False
    stdin_is_tty: bool = False
    color: bool = False
    columns: Callable[[], int] = field(default=lambda: DEFAULT_WIDTH, repr=False)
    _buffers: tuple[io.StringIO, io.StringIO] | None = field(default=None, repr=False)

    @classmethod
    def system(cls, environ: Mapping[str, str] | None = None) -> IOStreams:
        """The process's own streams, their terminal facts, and the terminal's width."""
        environ = os.environ if environ is None else environ
        out_tty = _is_tty(sys.stdout)
        return cls(
            out=_stdout(),
            err=sys.stderr,
            in_=sys.stdin,
            in_bytes=getattr(sys.stdin, "buffer", None),
            stdout_is_tty=out_tty,
            stderr_is_tty=_is_tty(sys.stderr),
            stdin_is_tty=_is_tty(sys.stdin),
            color=out_tty and "NO_COLOR" not in environ,
            columns=lambda: shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns,
        )

    @classmethod
    def test(
        cls,
        input: str | bytes = "",
        *,
        tty: bool = False,
        color: bool | None = None,
        width: int = DEFAULT_WIDTH,
    ) -> IOStreams:
        """In-memory streams: `input` is stdin; `tty` makes all three look like a terminal.

        `color` defaults to `tty`. Read what was written with `out_text()` and `err_text()`.
        """
        raw = input.encode() if isinstance(input, str) else input
        out, err = io.StringIO(), io.StringIO()
        return cls(
            out=out,
            err=err,
            in_=io.StringIO(raw.decode()),
            in_bytes=io.BytesIO(raw),
            stdout_is_tty=tty,
            stderr_is_tty=tty,
            stdin_is_tty=tty,
            color=tty if color is None else color,
            columns=lambda: width,
            _buffers=(out, err),
        )

    @property
    def width(self) -> int:
        """The terminal's width in columns now (DEFAULT_WIDTH when it does not say; fixed in tests)."""
        return self.columns()

    def out_text(self) -> str:
        """What was written to `out` (test streams only)."""
        assert self._buffers is not None, "out_text() reads test streams (IOStreams.test())"
        return self._buffers[0].getvalue()

    def err_text(self) -> str:
        """What was written to `err` (test streams only)."""
        assert self._buffers is not None, "err_text() reads test streams (IOStreams.test())"
        return self._buffers[1].getvalue()
