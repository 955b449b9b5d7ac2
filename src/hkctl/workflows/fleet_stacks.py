"""Heroku stacks and their end-of-life dates: a dated table with its sources, and the verdict for an app.

Heroku retires a stack when Canonical's standard support for its Ubuntu LTS ends (Stack Update
Policy); apps keep running, but get no security updates and, soon after, cannot build. Dates are
copied from the pages named in each row, as they read on TABLE_AS_OF. Dev Center gives only the
month for stacks not yet retired ("supported through April 2029"): the last day of that month is
used. The container stack has no end-of-life (you maintain the image); stacks not in the table are
reported as unknown, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

TABLE_AS_OF = "2026-11-30"
NEAR_DAYS = 365  # "near end-of-life": within a year


@dataclass(frozen=True)
class Stack:
    """A Heroku stack (API object `stack`) with its Ubuntu base, dates and where the dates come from."""

    name: str
    base: str
    deprecated: date | None
    end_of_life: date | None  # None: no end-of-life (container)
    builds_stop: date | None
    source: str


STACKS: dict[str, Stack] = {
    s.name: s
    for s in (
        Stack(
            "cedar-14",
            "Ubuntu 14.04",
            date(2018, 5, 3),
            date(2019, 5, 1),
            date(2020, 5, 1),
            "Heroku changelog item 1603, as quoted in Heroku's build output and EOL notice "
            "(EOL window 2019-05-01 to 2020-05-01)",
        ),
        Stack(
            "heroku-16",
            "Ubuntu 16.04",
            date(2020, 12, 11),
            date(2021, 5, 1),
            date(2021, 6, 1),
            "help.heroku.com/0S5P41DC Heroku-16 End-of-Life FAQ",
        ),
        Stack(
            "heroku-18",
            "Ubuntu 18.04",
            date(2022, 6, 22),
            date(2023, 4, 30),
            date(2023, 5, 1),
            "help.heroku.com/X5OE6BCA Heroku-18 End-of-Life FAQ",
        ),
        Stack(
            "heroku-20",
            "Ubuntu 20.04",
            None,
            date(2025, 4, 30),
            None,
            "devcenter.heroku.com/articles/heroku-20-stack (end-of-life April 30th, 2025); articles/stack",
        ),
        Stack(
            "heroku-22",
            "Ubuntu 22.04",
            None,
            date(2027, 4, 30),
            None,
            "devcenter.heroku.com/articles/stack (supported through April 2027); upgrade notice "
            "(end-of-life April 30th, 2027)",
        ),
        Stack(
            "heroku-24",
            "Ubuntu 24.04",
            None,
            date(2029, 4, 30),
            None,
            "devcenter.heroku.com/articles/stack (supported through April 2029; day not given)",
        ),
        Stack(
            "container",
            "your Docker image",
            None,
            None,
            None,
            "devcenter.heroku.com/articles/stack (container: no end-of-life, you maintain the base)",
        ),
    )
}


@dataclass(frozen=True)
class Verdict:
    """Where an app's stack stands on a day: status, end-of-life date and days until it (negative: since)."""

    stack: str | None
    status: str  # end-of-life | near end-of-life | supported | no end-of-life | unknown
    end_of_life: date | None
    days: int | None  # days until end-of-life (negative: since)

    @property
    def flagged(self) -> bool:
        """True for end-of-life, near end-of-life and unknown stacks."""
        return self.status in ("end-of-life", "near end-of-life", "unknown")

    def describe(self) -> str:
        """`end-of-life on 2027-04-30 (in 151 days)`, `... since ...`, or the status when there is no date."""
        if self.days is None:
            return self.status
        if self.days < 0:
            return f"end-of-life since {self.end_of_life} ({-self.days} days)"
        return f"end-of-life on {self.end_of_life} (in {self.days} days)"


def verdict(stack: str | None, today: date, *, near_days: int = NEAR_DAYS) -> Verdict:
    """Where `stack` stands on `today`."""
    known = STACKS.get(stack or "")
    if known is None:
        return Verdict(stack, "unknown", None, None)
    if known.end_of_life is None:
        return Verdict(stack, "no end-of-life", None, None)
    days = (known.end_of_life - today).days
    if days < 0:
        status = "end-of-life"
    elif days <= near_days:
        status = "near end-of-life"
    else:
        status = "supported"
    return Verdict(stack, status, known.end_of_life, days)
