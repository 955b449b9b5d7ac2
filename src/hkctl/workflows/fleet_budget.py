"""The request budget of a fleet command, planned before it is spent.

After the selection is read, a command knows how many apps it covers and how many requests each
needs (`214 apps × 3 requests = 642 of 4,380 left`). A plan that needs more than a share of what
is left (default 50 %) is asked about on a terminal, refused without one unless `--budget N`
allows it. A plan larger than what is left is not refused for that alone: the pacer
(transport/pacing.py) spreads it over the refill, and the plan says how long that takes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hkctl.errors import BudgetRefused
from hkctl.guard.confirm import Confirmer, is_yes
from hkctl.transport.pacing import REFILL_PER_SECOND, Pacer
from hkctl.workflows.fleet_run import DEFAULT_CONCURRENCY, AppResult, RunReport, run

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient
    from hkctl.workflows.fleet import Job

DEFAULT_SHARE = 0.5


@dataclass(frozen=True)
class BudgetPlan:
    """Requests a run needs (per app, plus list reads) against RateLimit-Remaining."""

    apps: int
    per_app: int
    fixed: int = 0  # account-wide list reads (add-ons, catalogue) the run adds
    remaining: int | None = None

    @property
    def requests(self) -> int:
        """Requests the run will send: apps × per_app + fixed."""
        return self.apps * self.per_app + self.fixed

    def share_of_remaining(self) -> float | None:
        """requests / RateLimit-Remaining (1.0 = all of it; inf when nothing is left; None when unknown)."""
        if self.remaining is None:
            return None
        return self.requests / self.remaining if self.remaining > 0 else float("inf")

    def refill_seconds(self) -> float:
        """Time the pacer will wait for the refill (0 when what is left covers the plan)."""
        if self.remaining is None:
            return 0.0
        return max(0.0, (self.requests - self.remaining + 1) / REFILL_PER_SECOND)

    def text(self) -> str:
        """`214 apps × 3 requests = 642 of 4,380 left` (+ list reads, + refill time)."""
        unit = "request" if self.per_app == 1 else "requests"
        line = f"{self.apps} apps × {self.per_app} {unit}"
        if self.fixed:
            line += f" + {self.fixed} list read{'s' if self.fixed != 1 else ''}"
        left = "?" if self.remaining is None else f"{self.remaining:,}"
        line += f" = {self.requests:,} of {left} left"
        wait = self.refill_seconds()
        if wait > 0:
            line += f" (more than is left: paced over the refill, about {_duration(wait)})"
        return line

    def to_json(self) -> dict[str, object]:
        """{apps, per_app, fixed, requests, remaining, refill_seconds}."""
        return {
            "apps": self.apps,
            "per_app": self.per_app,
            "fixed": self.fixed,
            "requests": self.requests,
            "remaining": self.remaining,
            "refill_seconds": round(self.refill_seconds(), 1),
        }


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def authorize(
    plan: BudgetPlan,
    *,
    share: float = DEFAULT_SHARE,
    budget: int | None = None,
    confirmer: Confirmer | None = None,
) -> None:
    """Allow the plan, or raise BudgetRefused (exit 3) saying why and how to allow it.

    `budget` (--budget N) allows up to N requests without asking. Otherwise a plan within `share`
    of what is left goes; a larger one is asked about through `confirmer` (None: nobody to ask).
    """
    if budget is not None:
        if plan.requests > budget:
            raise BudgetRefused(
                f"refused: the plan needs {plan.requests:,} requests and --budget allows {budget:,} "
                f"({plan.text()}); nothing was sent for the apps"
            )
        return
    ratio = plan.share_of_remaining()
    if ratio is None or ratio <= share:
        return
    why = (
        f"the plan needs {plan.requests:,} requests, more than {share:.0%} of the {plan.remaining:,} "
        f"left ({plan.text()})"
    )
    answer = confirmer(f"fleet plan: {plan.text()}", f"{why}. Spend them? [y/N] ") if confirmer else None
    if answer is None:
        raise BudgetRefused(
            f"refused: {why}; no terminal to ask: pass --budget {plan.requests} to allow it, or narrow "
            "the selection (--team, --pipeline, --match)"
        )
    if not is_yes(answer):
        raise BudgetRefused("declined: nothing was sent for the apps")


def allowed_requests(plan: BudgetPlan, *, share: float = DEFAULT_SHARE, budget: int | None = None) -> int:
    """The most requests the run may send, retries of failed answers included: --budget N when given;
    else, for a plan within `share` of what is left (allowed without asking), up to that share; else
    (a plan the person was asked about) the plan itself."""
    if budget is not None:
        return budget
    if plan.remaining is not None and plan.requests <= share * plan.remaining:
        return max(plan.requests, int(share * plan.remaining))
    return plan.requests


def execute(
    client: HerokuClient,
    job: Job,
    *,
    share: float = DEFAULT_SHARE,
    budget: int | None = None,
    confirmer: Confirmer | None = None,
    on_plan: Callable[[BudgetPlan], None] | None = None,
    on_result: Callable[[AppResult], None] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], None] | None = None,
    stop: threading.Event | None = None,
) -> tuple[BudgetPlan, RunReport]:
    """Plan the job against RateLimit-Remaining, have it allowed (see `authorize`), then run it paced.

    Sends only the job's reads (its `fixed` list reads, e.g. GET /addons, then per app the endpoints of
    its readers, e.g. GET /apps/{app}/formation). BudgetRefused (exit 3, nothing sent for the apps) when
    the plan is over --budget, or over `share` of what is left and not confirmed. What was allowed (see
    `allowed_requests`) caps what is sent, retries included: a read past it fails its app's row.
    """
    plan = BudgetPlan(len(job.apps), job.per_app, job.fixed if job.apps else 0, client.ratelimit.remaining)
    if on_plan is not None:
        on_plan(plan)
    if plan.requests:
        authorize(plan, share=share, budget=budget, confirmer=confirmer)
    allowed = allowed_requests(plan, share=share, budget=budget)
    kw: dict[str, Any] = {"clock": clock} if clock is not None else {}
    if job.prepare is not None and job.apps:
        # the account-wide list reads are counted, not capped: a list of more than one page (a large
        # account's add-ons) must be read whole for any row to be right; the apps get what is left
        counted = Pacer(client.ratelimit.remaining, clock=clock or time.monotonic, sleep=sleep or time.sleep)
        previous, client.pacer = client.pacer, counted
        try:
            job.prepare(client)
        finally:
            client.pacer = previous
        allowed = max(0, allowed - counted.sent)
    report = run(
        client,
        job.apps,
        job.reads,
        concurrency=concurrency,
        together=job.together,
        excluded=job.excluded,
        on_result=on_result,
        sleep=sleep,
        stop=stop,
        limit=allowed,
        **kw,
    )
    return plan, report
