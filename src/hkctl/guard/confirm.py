"""How a confirmation is collected: a yes/no prompt on a TTY, or an injected confirmer (MCP elicitation).

A Confirmer gets the rendered plan and returns the answer text ("yes", "no", an app name...), or
None when no person can be asked (no TTY): the guard then fails closed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

Confirmer = Callable[[str, str], "str | None"]  # (plan text, question) -> answer or None


def tty_confirmer(stdin: TextIO | None = None, stderr: TextIO | None = None) -> Confirmer:
    """Asks on stderr and reads stdin, but only when stdin is a TTY."""

    def ask(plan: str, question: str) -> str | None:
        inp = stdin or sys.stdin
        err = stderr or sys.stderr
        try:
            interactive = inp.isatty()
        except (AttributeError, ValueError):
            interactive = False
        if not interactive:
            return None
        err.write(plan + "\n")
        err.write(question)
        err.flush()
        line = inp.readline()
        return line.strip() if line else ""

    return ask


def is_yes(answer: str | None) -> bool:
    return (answer or "").strip().lower() in ("yes", "y")
