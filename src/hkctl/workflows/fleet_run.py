"""Run per-app reads over a selection: bounded concurrency, paced against the rate limit, interruptible.

Each app's reads run one after another on one of `concurrency` worker threads sharing the client
(httpx.Client is safe to share; the client's lazy token and connection pool are built first, as
workflows/health.py does). Every request waits for a token from a Pacer set on the client, so the
run never receives a 429. An app that fails (403, 404, …) becomes a row with its error; the run
goes on. Ctrl-C (KeyboardInterrupt in the calling thread) stops new reads, cancels waits for the
refill, and returns what was covered, marked `interrupted`.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hkctl.errors import ApiError, HkctlError
from hkctl.transport.pacing import Pacer, PacingCancelled

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient
    from hkctl.workflows.fleet_select import FleetApp

DEFAULT_CONCURRENCY = 8
Reader = Callable[["HerokuClient", "FleetApp"], Any]


@dataclass
class AppResult:
    """What the reads of one app returned, or why they stopped."""

    app: FleetApp
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    status: int | None = None  # the HTTP status of the failure, when the API answered one
    interrupted: bool = False


@dataclass
class RunReport:
    """The completed apps (in completion order), and what the run spent."""

    results: list[AppResult]
    total: int
    requests: int = 0
    throttled: int = 0  # 429 answers (0 unless something else spends the same budget)
    waited: float = 0.0  # seconds waited for the refill
    interrupted: bool = False

    @property
    def covered(self) -> int:
        """Apps that finished (all reads done, or one failed), of `total`; interrupted ones do not count."""
        return len(self.results)

    def coverage(self) -> str:
        """`covered 12 of 40 apps`."""
        return f"covered {self.covered} of {self.total} apps"


def failure(exc: HkctlError) -> tuple[str, int | None]:
    """(one-line reason, HTTP status) of a failed read."""
    if isinstance(exc, ApiError):
        return f"{exc.status} {exc.id or 'error'}: {exc.api_message}", exc.status
    return str(exc), None


def run(
    client: HerokuClient,
    apps: Sequence[FleetApp],
    reads: Mapping[str, Reader],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_result: Callable[[AppResult], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] | None = None,
    stop: threading.Event | None = None,
) -> RunReport:
    """Run `reads` (name → reader) for every app; `on_result` is called in this thread as apps finish.

    Each reader sends its own GETs (e.g. GET /apps/{app}/dynos); a read that fails (HkctlError) ends that
    app's reads and is recorded in its AppResult, never raised.

    `clock` and `sleep` drive the pacer (tests pass the sandbox's manual clock); by default the
    pacer sleeps on an event that Ctrl-C sets, so an interrupted run never waits out the refill.
    Setting `stop` (from a SIGINT handler, say) ends the run the way Ctrl-C does.
    """
    from hkctl.workflows.health import prime

    stop = stop or threading.Event()
    pacer = Pacer(client.ratelimit.remaining, clock=clock, sleep=sleep or stop.wait)
    report = RunReport(results=[], total=len(apps))
    if not apps:
        return report
    if reads:
        prime(client)

    def one(app: FleetApp) -> AppResult:
        result = AppResult(app)
        for name, read in reads.items():
            if stop.is_set():
                result.interrupted = True
                break
            try:
                result.data[name] = read(client, app)
            except PacingCancelled:
                result.interrupted = True
                break
            except HkctlError as exc:
                result.error, result.status = failure(exc)
                break
        return result

    previous, client.pacer = client.pacer, pacer
    finished: queue.Queue[AppResult] = queue.Queue()
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="fleet")
    try:
        for app in apps:
            pool.submit(lambda a: finished.put(one(a)), app)
        for _ in apps:
            while True:  # short waits: Ctrl-C (or `stop`) is noticed at once
                if stop.is_set():
                    raise KeyboardInterrupt
                try:
                    result = finished.get(timeout=0.1)
                    break
                except queue.Empty:
                    continue
            if result.interrupted:
                continue
            report.results.append(result)
            if on_result is not None:
                on_result(result)
    except KeyboardInterrupt:
        report.interrupted = True
        stop.set()
        pacer.cancel()
    finally:
        # Workers stop between reads; a read already sent finishes (its answer is not shown).
        pool.shutdown(wait=True, cancel_futures=True)
        client.pacer = previous
        report.requests = pacer.sent
        report.throttled = pacer.throttled
        report.waited = pacer.waited
    return report
