"""Decides whether a write may go: readonly refuses, full confirms (once per plan), no TTY fails closed.

This is the only place that answers "may this write be sent?". The transport calls `authorize`
for every write it is about to send; commands that make several writes call `batch` first so
that the person sees the whole plan and is asked once.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from hkctl.config import NONINTERACTIVE_OPT_IN, Permission, Settings
from hkctl.errors import GuardRefused
from hkctl.guard.confirm import Confirmer, is_yes, tty_confirmer
from hkctl.guard.decide import Decision, decide
from hkctl.transport.audit import redact_body
from hkctl.transport.routes import Action, Risk

READONLY_MESSAGE = (
    "⛔ Currently in readonly mode. Set export HEROKU_PERMISSION=full to enable write operations."
)
NONINTERACTIVE_MESSAGE = (
    "⛔ BLOCKED [non-interactive mode]: confirmation cannot be collected without a TTY. "
    f"To allow writes in non-interactive contexts (CI, autonomous agents), set: "
    f"HEROKU_NONINTERACTIVE_WRITES={NONINTERACTIVE_OPT_IN}"
)
# A body value that is only known when the step runs (an upload URL handed back by an earlier step).
LATER = "<set when the step runs>"


def body_digest(body: Any) -> str:
    """sha256 of the body's canonical JSON ("" for no body): how a shown step and a sent write are tied."""
    if body is None:
        return ""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _same_body(shown: Any, sent: Any) -> bool:
    if isinstance(shown, str) and shown == LATER:
        return sent is not None
    if isinstance(shown, dict) and isinstance(sent, dict):
        return shown.keys() == sent.keys() and all(_same_body(shown[k], sent[k]) for k in shown)
    if isinstance(shown, list) and isinstance(sent, list):
        return len(shown) == len(sent) and all(_same_body(a, b) for a, b in zip(shown, sent, strict=True))
    return body_digest(shown) == body_digest(sent)


@dataclass(frozen=True)
class PlannedWrite:
    """One write as the guard judged it and the person is shown it (the payload is redacted).

    Everything shown comes from `decision` (derived from method, path and body); `when` only says
    under which condition a step of a batch runs (e.g. "only if a step fails").
    """

    decision: Decision
    payload: Any
    body: Any = field(default=None, repr=False, compare=False)  # the real body, to match what is sent
    when: str | None = None
    target: str | None = None  # the name typed to confirm; the decision's, resolved (app id -> name)

    @property
    def action(self) -> Action:
        return self.decision.action

    @property
    def method(self) -> str:
        return self.decision.method

    @property
    def endpoint(self) -> str:
        return self.decision.endpoint

    @property
    def app(self) -> str | None:
        return self.decision.app

    @property
    def description(self) -> str:
        return self.decision.description

    @property
    def risk(self) -> Risk:
        return self.decision.risk

    @property
    def destructive(self) -> bool:
        return self.decision.destructive

    @property
    def confirm_name(self) -> str:
        return self.target or self.decision.target or self.decision.path

    @property
    def digest(self) -> str:
        return body_digest(self.body)

    def matches(self, method: str, endpoint: str, body: Any) -> bool:
        """The sent write is this shown step: same method, same normalised path, same body."""
        return method.upper() == self.method and endpoint == self.endpoint and _same_body(self.body, body)

    def render(self, origin: str | None = None) -> str:
        """The block shown for this write; `origin` says where an inferred app came from."""
        # JSON escapes C0 controls only: shown() also escapes DEL, C1 controls and bidi overrides
        payload = "" if self.payload is None else shown(json.dumps(self.payload, ensure_ascii=False))
        risk = " (DESTRUCTIVE)" if self.destructive else ""
        lines = [
            self._subject() + (f" (from {shown(origin)})" if origin else ""),
            f"  Action: [{self.method}] {shown(self.description)}{risk}",
            f"  Endpoint: {shown(self.endpoint)}",
        ]
        if not self.decision.known:
            lines.append("  Route: unknown (no template in the route table): judged by its method")
        if self.destructive:
            lines.append(f"  Lost: {self.decision.loss}")
            if self.decision.production:
                lines.append(f"  ⚠ {shown(self.app or '')} is a PRODUCTION app")
        if payload:
            lines.append(f"  Payload: {payload}")
        if self.when:
            lines.append(f"  When: {shown(self.when)}")
        return "\n".join(lines)

    def _subject(self) -> str:
        """The first line: the app, or what the write is about when no app is in the path (a token)."""
        kind, target = self.decision.target_kind, self.decision.target
        if self.app or not target or kind == "app":
            return f"  App: {shown(self.app or '-')}"
        return f"  {_SUBJECT_WORDS.get(kind, kind.capitalize())}: {shown(target)}"


_SUBJECT_WORDS = {"authorization": "Token (authorization)"}


def shown(text: str) -> str:
    """`text` safe to put in a prompt: control and format characters (a line break, an ANSI escape,
    a bidirectional override, a zero-width space) become visible escapes, so that a value from a
    request body cannot draw extra lines or recolour, hide or reorder what the person reads."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        kind = unicodedata.category(ch)
        hidden = kind[0] == "C" or kind in ("Zl", "Zp")  # control, format, unassigned; line breaks
        out.append(ch.encode("unicode_escape").decode("ascii") if hidden else ch)
    return "".join(out)


def plan_write(method: str, path: str, body: Any = None, *, when: str | None = None) -> PlannedWrite:
    """Judge one write and describe it for the person (payload redacted). UsageError on a bad path."""
    d = decide(method, path, body)
    return PlannedWrite(decision=d, payload=redact_body(d.action, body), body=body, when=when)


def render_plan(
    writes: Sequence[PlannedWrite], title: str | None = None, origins: Mapping[str, str] | None = None
) -> str:
    """The confirmation text, one block per write, numbered when there are several; `origins` maps
    an app that was inferred (not named on the command line) to where it came from."""
    origins = origins or {}
    head = "🔔 Confirm operation:" if len(writes) == 1 else f"🔔 Confirm {len(writes)} operations:"
    if title:
        head += f" {title}"
    if len(writes) == 1:
        return f"\n{head}\n{writes[0].render(origins.get(writes[0].app or ''))}\n"
    blocks = [f"  #{i}\n{w.render(origins.get(w.app or ''))}" for i, w in enumerate(writes, 1)]
    return f"\n{head}\n" + "\n".join(blocks) + "\n"


def _names(names: Sequence[str]) -> str:
    return " ".join(names)


class Guard:
    """Decides, for each write about to be sent, whether it may go (see module docstring)."""

    def __init__(
        self,
        settings: Settings,
        *,
        confirmer: Confirmer | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self._confirm = confirmer or tty_confirmer()
        self._warn = warn or (lambda msg: None)
        self._shown: list[list[PlannedWrite]] = []  # the steps of each open (confirmed) batch
        # apps the command line did not name but inferred (HEROKU_APP, a git remote) -> where from;
        # the plan shows it, and no write to such an app goes without a person to confirm it
        self.app_origins: dict[str, str] = {}
        if settings.permission_unknown:
            self._warn(
                f"warning: HEROKU_PERMISSION={settings.permission_raw!r} is not readonly or full; "
                "treating it as readonly"
            )

    @property
    def in_batch(self) -> bool:
        return bool(self._shown)

    @property
    def mode(self) -> Permission:
        return Permission(self.settings.permission)

    def authorize(self, writes: Sequence[PlannedWrite], title: str | None = None) -> None:
        """Return when the writes may be sent; raise GuardRefused (exit 3) otherwise.

        Inside a confirmed batch a write goes without asking only when it is one of the steps that
        were shown (method, normalised path, body); any other write is refused.
        """
        if not writes:
            return
        if self._shown:
            return self._within_batch(writes)
        if self.settings.permission != Permission.FULL:
            raise GuardRefused(READONLY_MESSAGE, rule="readonly")
        plan = render_plan(writes, title, self.app_origins)
        targets = sorted({w.confirm_name for w in writes if w.destructive})
        confirm = self.settings.confirm_app
        if confirm is not None and targets:
            if targets != [confirm]:
                raise GuardRefused(
                    f"❌ Confirmation {confirm} did not match {_names(targets)}; nothing was sent.",
                    rule="confirm-mismatch",
                )
            targets = []  # --confirm NAME typed the name in advance
        question = self._question(writes, targets)
        answer = self._confirm(plan, question)
        if answer is None:
            inferred = [w.app for w in writes if w.app and w.app in self.app_origins]
            if inferred:
                app = inferred[0]
                raise GuardRefused(
                    f"⛔ {app} was inferred from {self.app_origins[app]}; without a terminal a write "
                    f"needs the app named: pass -a {app}",
                    rule="inferred-app",
                )
            if not self.settings.noninteractive_writes:
                raise GuardRefused(NONINTERACTIVE_MESSAGE, rule="non-interactive")
            if targets:
                raise GuardRefused(
                    f"⛔ destructive operation on {', '.join(targets)} needs the name typed; "
                    f"pass --confirm {targets[0]} when no one can type it",
                    rule="destructive-needs-name",
                )
            self._warn(
                "⚠️  Non-interactive write explicitly authorized via "
                f"HEROKU_NONINTERACTIVE_WRITES={NONINTERACTIVE_OPT_IN}; proceeding without prompt:{plan}"
            )
            return None
        if targets:
            # every name a destructive write touches must be typed, in any order, nothing else
            typed = sorted(set(answer.replace(",", " ").split()))
            if typed != targets:
                raise GuardRefused(
                    f"❌ Cancelled: Confirmation {answer.strip() or '(empty)'} did not match {_names(targets)}.",
                    rule="declined",
                )
            return None
        if not is_yes(answer):
            raise GuardRefused("❌ Cancelled.", rule="declined")
        return None

    @staticmethod
    def _question(writes: Sequence[PlannedWrite], targets: list[str]) -> str:
        if not targets:
            return "→ Proceed? (yes/no): "
        kinds = {w.confirm_name: (w.decision.target_kind if w.target is None else "app") for w in writes}
        if len(targets) == 1:
            kind = kinds.get(targets[0], "app")
            what = f"{kind} name" if kind in ("app", "pipeline") else kind
            return f"→ Type the {what} ({targets[0]}) to confirm this destructive operation: "
        return f"→ Type the app names ({' '.join(targets)}) to confirm these destructive operations: "

    def _within_batch(self, writes: Sequence[PlannedWrite]) -> None:
        shown = self._shown[0]
        for w in writes:
            if not any(s.matches(w.method, w.endpoint, w.body) for s in shown):
                raise GuardRefused(
                    f"⛔ refused: [{w.method}] {w.endpoint} ({w.description}) was not among the steps shown "
                    "and confirmed for this batch; nothing was sent.",
                    rule="unshown-write",
                )

    @contextmanager
    def batch(self, writes: Sequence[PlannedWrite], title: str | None = None) -> Iterator[None]:
        """Show the whole plan once, ask once; only the writes shown then go without asking."""
        self.authorize(writes, title)
        self._shown.append(list(writes) if not self._shown else self._shown[0])
        try:
            yield
        finally:
            self._shown.pop()
