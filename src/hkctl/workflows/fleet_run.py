"""Run per-app reads over a selection: bounded concurrency, paced against the rate limit, interruptible.

`concurrency` apps are in flight at once, each on a worker thread sharing the client (httpx.Client is
safe to share; the client's lazy token and connection pool are built first, as workflows/health.py
does). A job says how an app's reads go:

- together (`together=True`: the reads are independent, as in `hkctl health APP`): all of an app's
  reads are sent at once, so up to `concurrency × len(reads)` requests are in flight; a read two
  requests long (the log session) should come first, it finishes last;
- one after another (the default): a later read is skipped when `excluded(result)` says that what was
  read so far already rules the app out (`fleet find`), which saves its request.

Every request waits for a token from a Pacer set on the client (shared by every thread, thread-safe),
so the run never receives a 429. An app that fails (403, 404, …) becomes a row with its error; the
run goes on. Ctrl-C (KeyboardInterrupt in the calling thread) stops new reads, cancels waits for the
refill, and returns what was covered, marked `interrupted`.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hkctl.errors import ApiError, HkctlError
from hkctl.transport.pacing import Pacer, PacingCancelled
from hkctl.workflows.health import prime

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
    together: bool = False,
    excluded: Callable[[AppResult], bool] | None = None,
    on_result: Callable[[AppResult], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] | None = None,
    stop: threading.Event | None = None,
    limit: int | None = None,
) -> RunReport:
    """Run `reads` (name → reader) for every app; `on_result` is called in this thread as apps finish.

    Each reader sends its own requests (e.g. GET /apps/{app}/dynos). `concurrency` apps are read at
    once; with `together` each app's reads are sent at the same time (up to `concurrency × len(reads)`
    requests in flight, all paced), otherwise one after another, stopping early when `excluded` (called
    after each read) rules the app out. A read that fails (HkctlError) is recorded in the app's
    AppResult (with `together`, the first failure in `reads` order), never raised; other exceptions
    (bugs) are raised here once the run is stopped.

    `clock` and `sleep` drive the pacer (tests pass the sandbox's manual clock); by default the
    pacer sleeps on an event that Ctrl-C sets, so an interrupted run never waits out the refill.
    Setting `stop` (from a SIGINT handler, say) ends the run the way Ctrl-C does.
    `limit` caps the requests the run sends, retries included (what was allowed): a read past it is not
    sent and its app's row says so (BudgetSpent).
    """
    stop = stop or threading.Event()
    pacer = Pacer(client.ratelimit.remaining, clock=clock, sleep=sleep or stop.wait, limit=limit)
    report = RunReport(results=[], total=len(apps))
    if not apps:
        return report
    if reads:
        prime(client)
    width = max(1, concurrency)
    together = together and len(reads) > 1
    readers: ThreadPoolExecutor | None = None
    if together:
        readers = ThreadPoolExecutor(max_workers=width * len(reads), thread_name_prefix="fleet-read")

    def read_one(read: Reader, app: FleetApp) -> Any:
        if stop.is_set():
            raise PacingCancelled("interrupted before the read was sent")
        return read(client, app)

    def in_turn(app: FleetApp) -> AppResult:
        result = AppResult(app)
        for name, read in reads.items():
            try:
                result.data[name] = read_one(read, app)
            except PacingCancelled:
                result.interrupted = True
                break
            except HkctlError as exc:
                result.error, result.status = failure(exc)
                break
            if excluded is not None and excluded(result):
                break
        return result

    def at_once(app: FleetApp) -> AppResult:
        assert readers is not None
        result = AppResult(app)
        futures = {name: readers.submit(read_one, read, app) for name, read in reads.items()}
        wait(futures.values())
        for name, fut in futures.items():  # in `reads` order: the first failure is the row's
            exc = None if fut.cancelled() else fut.exception()
            if fut.cancelled() or isinstance(exc, PacingCancelled):
                result.interrupted = True
            elif exc is None:
                result.data[name] = fut.result()
            elif isinstance(exc, HkctlError):
                if result.error is None:
                    result.error, result.status = failure(exc)
            else:
                raise exc
        return result

    one = at_once if together else in_turn
    finished: queue.Queue[AppResult | BaseException] = queue.Queue()

    def work(app: FleetApp) -> None:
        try:
            finished.put(one(app))
        except BaseException as exc:  # a bug, not an API answer: the calling thread raises it
            finished.put(exc)

    previous, client.pacer = client.pacer, pacer
    pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="fleet")
    try:
        for app in apps:
            pool.submit(work, app)
        for _ in apps:
            while True:  # short waits: Ctrl-C (or `stop`) is noticed at once
                if stop.is_set():
                    raise KeyboardInterrupt
                try:
                    got = finished.get(timeout=0.1)
                    break
                except queue.Empty:
                    continue
            if isinstance(got, BaseException):
                stop.set()
                pacer.cancel()
                raise got
            if got.interrupted:
                continue
            report.results.append(got)
            if on_result is not None:
                on_result(got)
    except KeyboardInterrupt:
        report.interrupted = True
        stop.set()
        pacer.cancel()
    finally:
        # Workers stop between reads; a read already sent finishes (its answer is not shown).
        pool.shutdown(wait=True, cancel_futures=True)
        if readers is not None:
            readers.shutdown(wait=True, cancel_futures=True)
        client.pacer = previous
        report.requests = pacer.sent
        report.throttled = pacer.throttled
        report.waited = pacer.waited
    return report
