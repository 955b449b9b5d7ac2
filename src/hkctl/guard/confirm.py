"""How a confirmation is collected: a yes/no prompt on a TTY, or an injected confirmer (MCP elicitation).

A Confirmer gets the rendered plan and returns the answer text ("yes", "no", an app name...), or
None when no person can be asked (no TTY): the guard then fails closed.
"""

from __future__ import annotations

from collections.abc import Callable

from hkctl.iostreams import IOStreams

Confirmer = Callable[[str, str], "str | None"]  # (plan text, question) -> answer or None


def tty_confirmer(io: IOStreams | None = None) -> Confirmer:
    """Asks on `io.err` and reads a line of `io.in_`, but only when stdin and stderr are a terminal: the
    plan and the question are written to stderr, and an answer typed without seeing them (`2>log`)
    must not confirm a write.

    `io` None: the process's own streams, looked at when the question comes (a library client).
    """

    def ask(plan: str, question: str) -> str | None:
        streams = io or IOStreams.system()
        if not (streams.stdin_is_tty and streams.stderr_is_tty):
            return None
        streams.err.write(plan + "\n")
        streams.err.write(question)
        streams.err.flush()
        line = streams.in_.readline()
        return line.strip() if line else ""

    return ask


def is_yes(answer: str | None) -> bool:
    return (answer or "").strip().lower() in ("yes", "y")
