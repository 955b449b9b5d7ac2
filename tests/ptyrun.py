"""Run the installed `hkctl` console script in a real pseudo-terminal and answer its prompt like a person.

stdin, stdout and stderr of the child are the pty's slave side, as in a terminal; the test reads
the master side until the prompt appears, then types the answer. Nothing of hkctl is replaced.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HKCTL = str(Path(sys.executable).parent / "hkctl")


@dataclass
class PtyResult:
    code: int
    transcript: str  # everything the terminal showed (stdout and stderr, and the echoed answer)
    prompted: bool  # the prompt text was seen before the answer was typed


def _read(fd: int, timeout: float) -> bytes:
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        return b"\0EOF"


def run_in_pty(
    argv: list[str],
    env: dict[str, str],
    *,
    answer: str | None = None,
    prompt: tuple[str, ...] = ("(yes/no):", "to confirm this destructive operation:"),
    timeout: float = 30.0,
) -> PtyResult:
    """Run `hkctl argv` on a terminal; when a prompt shows, type `answer` (if given) and Enter."""
    master, slave = os.openpty()
    proc = subprocess.Popen([HKCTL, *argv], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    seen = b""
    prompted = False
    answered = answer is None
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            chunk = _read(master, 0.2)
            if chunk == b"\0EOF":
                break
            seen += chunk
            text = seen.decode("utf-8", "replace")
            if not answered and any(p in text for p in prompt):
                prompted = True
                answered = True
                os.write(master, (answer or "").encode() + b"\n")
            if not chunk and proc.poll() is not None:
                # drain what is left, then stop
                while (rest := _read(master, 0.05)) not in (b"", b"\0EOF"):
                    seen += rest
                break
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return PtyResult(code, seen.decode("utf-8", "replace").replace("\r\n", "\n"), prompted)
