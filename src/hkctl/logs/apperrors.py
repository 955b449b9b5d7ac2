"""App error shapes of the common stacks, as one table of patterns, and the per-dyno joiner for multi-line errors.

Each pattern names a kind (`python.traceback`, `gunicorn.worker_timeout`, `node.oom`, ...), carries a
real-looking example line (the tests run every example through the table), and may name a likely
*cause* class (`timeout` or `oom`) that triage correlates with H12/H13/R14/R15 on the same dyno.
Stack frames and other continuation lines are recognised so they are never counted on their own.
The first pattern that matches wins, so specific shapes come before generic ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    """One app-error kind (`gunicorn.worker_timeout`...): its regex, an example line, a likely cause."""

    kind: str
    regex: re.Pattern[str]
    example: str
    cause: str | None = None  # "timeout" | "oom": a likely cause of router/memory errors on its dyno


def _p(kind: str, rx: str, example: str, cause: str | None = None) -> Pattern:
    return Pattern(kind, re.compile(rx), example, cause)


# ------------------------------------------------------------------ one table, most specific first
PATTERNS: tuple[Pattern, ...] = (
    # Python: gunicorn, uvicorn, Celery, logging
    _p(
        "gunicorn.worker_timeout",
        r"\[CRITICAL\] WORKER TIMEOUT",
        "[2024-03-01 12:00:00 +0000] [4] [CRITICAL] WORKER TIMEOUT (pid:12)",
        "timeout",
    ),
    _p(
        "gunicorn.worker_killed",
        r"\[(?:ERROR|WARNING)\] Worker \(pid:\d+\) was sent (?:SIGKILL|code \d+)",
        "[2024-03-01 12:00:00 +0000] [4] [ERROR] Worker (pid:12) was sent SIGKILL! Perhaps out of memory?",
        "oom",
    ),
    _p(
        "gunicorn.error",
        r"^\[[^\]]+\] \[\d+\] \[(?:ERROR|CRITICAL)\] ",
        "[2024-03-01 12:00:00 +0000] [7] [ERROR] Exception in worker process",
    ),
    _p(
        "uvicorn.error",
        r"^(?:ERROR|CRITICAL):\s{2,}\S",
        "ERROR:    Exception in ASGI application",
    ),
    _p(
        "celery.worker_lost",
        r"WorkerLostError: Worker exited prematurely",
        "billiard.exceptions.WorkerLostError: Worker exited prematurely: signal 9 (SIGKILL) Job: 12.",
        "oom",
    ),
    _p(
        "celery.task_failed",
        r"\bTask [\w.]+\[[\w-]+\] raised unexpected:|: (?:ERROR|CRITICAL)/[\w-]+\] Task ",
        "[2024-03-01 12:00:00,000: ERROR/ForkPoolWorker-1] Task app.tasks.send[8f6c-11] raised unexpected: "
        "ValueError('bad')",
    ),
    _p(
        "celery.time_limit",
        r"SoftTimeLimitExceeded|TimeLimitExceeded|Hard time limit \(\S+\) exceeded for",
        "[2024-03-01 12:00:00,000: ERROR/MainProcess] Hard time limit (300s) exceeded for app.tasks.report[ab-1]",
        "timeout",
    ),
    _p(
        "logging.level",
        r"^(?:ERROR|CRITICAL|FATAL):[\w.]*:"
        r"|^\S+ \S+ (?:- )?(?:\[?(?:ERROR|CRITICAL|FATAL)\]?)(?: [-:]| \[)",
        "ERROR:root:payment failed for order 42",
    ),
    # Node
    _p(
        "node.oom",
        r"JavaScript heap out of memory",
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
        "oom",
    ),
    _p(
        "node.unhandled_rejection",
        r"UnhandledPromiseRejection|ERR_UNHANDLED_REJECTION",
        "(node:23) UnhandledPromiseRejectionWarning: Error: connect ECONNREFUSED 127.0.0.1:6379",
    ),
    # Ruby beyond Rails: Logger, Sidekiq, Puma
    _p(
        "puma.worker_timeout",
        r"Terminating timed out worker",
        "[4] ! Terminating timed out worker (Worker 0 failed to check in within 60 seconds): 12",
        "timeout",
    ),
    _p(
        "sidekiq.error",
        r"\bpid=\d+ tid=\S+ .*?\b(?:(?:ERROR|FATAL): |WARN: \w*(?:Error|Exception)\b|INFO: fail\b)",
        "2024-03-01T12:00:00.000Z pid=4 tid=2ox class=HardJob jid=1b2c elapsed=0.4 INFO: fail",
    ),
    _p(
        "ruby.logger",
        r"^[EF], \[[^\]]*\] +(?:ERROR|FATAL) -- ",
        "E, [2024-03-01T12:00:00.000000 #4] ERROR -- : Net::ReadTimeout (Net::ReadTimeout)",
    ),
    # Java
    _p(
        "java.oom",
        r"java\.lang\.OutOfMemoryError",
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
        "oom",
    ),
    _p(
        "java.exception",
        r'^Exception in thread "[^"]*" ',
        'Exception in thread "main" java.lang.IllegalStateException: boom',
    ),
    # Go
    _p(
        "go.panic",
        r"^panic: |\bhttp: panic serving ",
        "panic: runtime error: invalid memory address or nil pointer dereference",
    ),
    _p("go.fatal", r"^fatal error: ", "fatal error: all goroutines are asleep - deadlock!"),
    # PHP
    _p(
        "php.fatal",
        r"PHP (?:Fatal|Parse) error:",
        "PHP Fatal error:  Uncaught Exception: boom in /app/index.php:3",
    ),
    # Structured logs
    _p(
        "structured.level",
        r"(?:^|\s)(?:level|lvl|severity)=\"?(?:error|err|fatal|critical|panic|ERROR|FATAL|CRITICAL)\b",
        'at=request level=error msg="payment failed" order_id=42',
    ),
    _p(
        "json.level",
        r'^\{.*"(?:level|severity|lvl)"\s*:\s*(?:"(?:error|fatal|critical|panic|ERROR|FATAL|CRITICAL)"|(?:5\d|60)\b)',
        '{"time":"2024-03-01T12:00:00Z","level":"error","msg":"payment failed","order_id":42}',
    ),
    # Rails (kept from before)
    _p("rails.completed_5xx", r"\bCompleted 5\d\d\b", "Completed 500 Internal Server Error in 12ms"),
    _p(
        "rails.database",
        r"ActiveRecord::\w+|PG::\w+|Mysql2::\w+|could not obtain a connection|connection pool",
        "ActiveRecord::ConnectionTimeoutError (could not obtain a connection from the pool within 5.000 seconds)",
    ),
    _p(
        "rails.exception",
        r"^(?:[A-Z]\w*::)*[A-Z]\w*(?:Error|Exception|NotFound|Invalid|Unknown\w*) \(",
        "NoMethodError (undefined method `name' for nil:NilClass):",
    ),
)

# A stack frame or a later part of a multi-line error: never an error of its own.
CONTINUATION = re.compile(
    r"^(?:\s+\S|Caused by: |goroutine \d+ \[|created by |\.\.\. \d+ more|During handling of the above"
    r"|The above exception was the direct cause)"
)
CONTINUATION_EXAMPLES = (
    '  File "/app/app.py", line 3, in view',  # Python frame
    '    raise ValueError("bad")',  # Python source line
    "    at Object.<anonymous> (/app/index.js:3:9)",  # Node frame
    "\tat com.example.App.main(App.java:5)",  # Java frame
    "Caused by: java.io.IOException: broken pipe",  # Java cause chain
    "goroutine 1 [running]:",  # Go trace
)
TRACEBACK = "Traceback (most recent call last):"
# A bare exception line: `ValueError: bad`, `TypeError: x is not a function`, `Error: boom`, `KeyError`.
EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?[A-Z]?\w*(?:Error|Exception|Exit|Interrupt)\b(?::.*)?$")
# Go frames between `goroutine N [...]:` lines: `main.main()` (the file lines are indented).
_GO_FRAME = re.compile(r"^[\w./*()\[\]-]+\(.*\)$")
# The old catch-all, for app lines no pattern names (Rails-era words; "Error" as a word part too).
GENERIC = re.compile(
    r"Exception|Error|FATAL|\bfatal\b|\bfail(?:ed|ure)?\b|\bretry\b|\bdead\b|backlog|\bpanic\b"
)
CAUSES = {p.kind: p.cause for p in PATTERNS if p.cause}


def classify(message: str) -> str | None:
    """The kind of one app line: a pattern's kind, `continuation`, `traceback`, `exception`, `other` or None."""
    if CONTINUATION.match(message):
        return "continuation"
    if message.startswith(TRACEBACK):
        return "traceback"
    for p in PATTERNS:
        if p.regex.search(message):
            return p.kind
    if EXCEPTION_LINE.match(message):
        return "exception"
    if GENERIC.search(message):
        return "other"
    return None


def is_error_line(message: str) -> bool:
    """For `logs --app-errors`: the line starts or is an error (stack frames are not)."""
    kind = classify(message)
    return kind is not None and kind != "continuation"


class Joiner:
    """Turns one dyno's app lines into errors: a traceback is joined with its last line, a bare
    exception line takes its kind from the stack that follows (Node `    at`, Java `\\tat`).

    `feed` and `flush` (at the end of the input) return the errors they complete, as
    (kind, message, timestamp, dyno) tuples.
    """

    __slots__ = ("pending",)

    def __init__(self) -> None:
        self.pending: dict[str, list[str]] = {}  # dyno -> [kind, head message, timestamp]

    def feed(self, dyno: str, message: str, ts: str) -> list[tuple[str, str, str, str]]:
        """One app line of `dyno` at `ts` (ISO); returns the errors it completes, as (kind, message,
        timestamp, dyno): none while a traceback or stack is still open."""
        kind = classify(message)
        held = self.pending.get(dyno)
        if held is not None:
            if kind == "continuation" or (held[0] == "go.panic" and _GO_FRAME.match(message)):
                if held[0] == "exception":
                    held[0] = _stack_kind(message) or held[0]
                return []
            if held[0] == "traceback" and message.strip():
                del self.pending[dyno]
                return [("python.traceback", f"{TRACEBACK} … {message.strip()}", held[2], dyno)]
            done = [self._close(dyno)]
        else:
            done = []
        if kind in ("traceback", "exception", "go.panic"):
            self.pending[dyno] = [kind, message, ts]
        elif kind is not None and kind != "continuation":
            done.append((kind, message, ts, dyno))
        return done

    def _close(self, dyno: str) -> tuple[str, str, str, str]:
        kind, head, ts = self.pending.pop(dyno)
        if kind == "traceback":
            return "python.traceback", head, ts, dyno  # no exception line followed
        return kind, head, ts, dyno

    def flush(self) -> list[tuple[str, str, str, str]]:
        """Close every error still open at the end of the input, in dyno order; same tuples as `feed`."""
        return [self._close(d) for d in sorted(self.pending)]


def _stack_kind(frame: str) -> str | None:
    if frame.startswith("    at ") or frame.startswith("  at "):
        return "node.error"
    if frame.startswith("\tat ") or frame.startswith("Caused by: "):
        return "java.exception"
    if frame.lstrip().startswith('File "'):
        return "python.traceback"
    return None
