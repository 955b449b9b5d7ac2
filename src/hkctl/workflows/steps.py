"""Step log for multi-step workflows: progress on stderr, a JSON record, compensations and the undo report.

A workflow declares its steps up front (so that a failure can say what was *not* done), runs each
inside `with log.step(name)`, registers a compensation for every change it may have to take back
(`log.compensate`), and on failure calls `log.failed(exc)`: the compensations run newest first, and
the resulting `WorkflowFailed` lists what was done, what was not, and the commands that undo the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from hkctl.errors import WorkflowFailed

PENDING, RUNNING, DONE, FAILED, SKIPPED = "pending", "running", "done", "failed", "skipped"


@dataclass
class Step:
    """One step: a short name, what it does, and how it went."""

    name: str
    title: str
    status: str = PENDING
    detail: str = ""
    seconds: float | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "title": self.title, "status": self.status}
        if self.detail:
            out["detail"] = self.detail
        if self.seconds is not None:
            out["seconds"] = round(self.seconds, 3)
        return out


@dataclass
class Compensation:
    """A change this run made that it takes back if a later step fails."""

    title: str
    run: Callable[[], Any]
    undo_command: str  # what a person runs if the automatic take-back itself fails


@dataclass
class StepLog:
    """The record of one workflow run; `say` receives the progress lines (stderr)."""

    title: str
    say: Callable[[str], None] = lambda _msg: None
    clock: Callable[[], float] = time.monotonic
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    undo: list[str] = field(default_factory=list)  # commands that undo what stays changed on success
    _comp: list[Compensation] = field(default_factory=list)

    def plan(self, *steps: tuple[str, str]) -> None:
        """Declare the steps (name, title) in order; a step not run is reported as not done."""
        for name, title in steps:
            self.steps.append(Step(name, title))

    def get(self, name: str) -> Step:
        """The step called `name`, appended (pending, titled by its name) when it was not planned."""
        for s in self.steps:
            if s.name == name:
                return s
        step = Step(name, name)
        self.steps.append(step)
        return step

    @contextmanager
    def step(self, name: str) -> Iterator[Step]:
        """Run one step: progress before and after; an exception marks it failed and propagates."""
        step = self.get(name)
        step.status = RUNNING
        self.say(f"→ {step.title}")
        t0 = self.clock()
        try:
            yield step
        except BaseException as exc:
            step.status = FAILED
            step.seconds = self.clock() - t0
            step.detail = step.detail or _one_line(exc)
            self.say(f"✗ {step.title}: {step.detail}")
            raise
        step.status = DONE
        step.seconds = self.clock() - t0
        self.say(f"✓ {step.title}" + (f" — {step.detail}" if step.detail else ""))

    def skip(self, name: str, reason: str) -> None:
        """Mark a step skipped, with the reason shown in its progress line and record."""
        step = self.get(name)
        step.status = SKIPPED
        step.detail = reason
        self.say(f"· {step.title}: skipped ({reason})")

    def note(self, message: str) -> None:
        """Something worth keeping in the record (an override, a warning)."""
        self.notes.append(message)
        self.say(f"! {message}")

    def compensate(self, title: str, run: Callable[[], Any], undo_command: str) -> None:
        """Register a take-back for a change just made (run newest first on failure)."""
        self._comp.append(Compensation(title, run, undo_command))

    def settle(self, title: str) -> None:
        """A compensation is no longer needed (e.g. maintenance was turned off as planned)."""
        self._comp = [c for c in self._comp if c.title != title]

    def failed(self, exc: BaseException, *, undo_hint: list[str] | None = None) -> WorkflowFailed:
        """Run the compensations and build the report; the caller raises it (`raise log.failed(e)`)."""
        done = [_describe(s) for s in self.steps if s.status == DONE]
        undo: list[str] = []
        for comp in reversed(self._comp):
            self.say(f"↺ {comp.title}")
            try:
                outcome = comp.run()
            except Exception as err:  # the take-back failed: the person has to do it
                done.append(f"tried to {comp.title}: FAILED ({_one_line(err)})")
                undo.append(comp.undo_command)
                self.say(f"✗ could not {comp.title}: {_one_line(err)}")
            else:
                what = outcome if isinstance(outcome, str) and outcome else comp.title
                done.append(f"{what} (automatic, because a step failed)")
        self._comp = []
        not_done = [_describe(s) for s in self.steps if s.status in (PENDING, RUNNING, FAILED)]
        if undo_hint and not undo:
            undo.append("(nothing left: what this run changed was taken back above; to check:)")
        undo += undo_hint or []
        message = f"{self.title} failed: {_one_line(exc)}"
        failure = WorkflowFailed(message, done=done, not_done=not_done, undo=undo)
        failure.steps = self.to_json(status="failed", error=message)  # type: ignore[attr-defined]
        return failure

    def to_json(self, *, status: str = "succeeded", error: str | None = None) -> dict[str, Any]:
        """{workflow, status, steps: [{name, title, status, detail?, seconds?}], notes?, error?, undo?}."""
        out: dict[str, Any] = {
            "workflow": self.title,
            "status": status,
            "steps": [s.to_json() for s in self.steps],
        }
        if self.notes:
            out["notes"] = list(self.notes)
        if error:
            out["error"] = error
        if self.undo:
            out["undo"] = list(self.undo)
        return out


def _describe(step: Step) -> str:
    if step.status == FAILED:
        return f"{step.title} (failed: {step.detail})"
    return f"{step.title}" + (f" — {step.detail}" if step.detail else "")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0] if "\n" in text else text
