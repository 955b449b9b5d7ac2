"""Decides whether a write may go: readonly refuses, full confirms (once per plan), no TTY fails closed.

This is the only place that answers "may this write be sent?". The transport calls `authorize`
for every write it is about to send; commands that make several writes call `batch` first so
that the person sees the whole plan and is asked once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from hkctl.config import NONINTERACTIVE_OPT_IN, Settings
from hkctl.errors import GuardRefused
from hkctl.guard.confirm import Confirmer, is_yes, tty_confirmer
from hkctl.transport.routes import DESTRUCTIVE, Action

READONLY_MESSAGE = (
    "⛔ Currently in readonly mode. Set export HEROKU_PERMISSION=full to enable write operations."
)
NONINTERACTIVE_MESSAGE = (
    "⛔ BLOCKED [non-interactive mode]: confirmation cannot be collected without a TTY. "
    f"To allow writes in non-interactive contexts (CI, autonomous agents), set: "
    f"HEROKU_NONINTERACTIVE_WRITES={NONINTERACTIVE_OPT_IN}"
)


@dataclass(frozen=True)
class PlannedWrite:
    """One write as the person is shown it: the payload is already redacted."""

    action: Action
    method: str
    endpoint: str
    payload: Any
    app: str | None
    description: str

    @property
    def destructive(self) -> bool:
        return self.action.kind == DESTRUCTIVE

    def render(self, origin: str | None = None) -> str:
        """The block shown for this write; `origin` says where an inferred app came from."""
        payload = "" if self.payload is None else json.dumps(self.payload, ensure_ascii=False)
        lines = [
            f"  App: {self.app or '-'}" + (f" (from {origin})" if origin else ""),
            f"  Action: [{self.method}] {self.description}",
            f"  Endpoint: {self.endpoint}",
        ]
        if payload:
            lines.append(f"  Payload: {payload}")
        return "\n".join(lines)


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


class Guard:
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
        self._approved_depth = 0
        # apps the command line did not name but inferred (HEROKU_APP, a git remote) -> where from;
        # the plan shows it, and no write to such an app goes without a person to confirm it
        self.app_origins: dict[str, str] = {}
        if settings.permission_unknown:
            self._warn(
                f"warning: HEROKU_PERMISSION={settings.permission_raw!r} is not readonly or full; "
                "treating it as readonly"
            )

    @property
    def mode(self) -> str:
        return self.settings.permission

    def authorize(self, writes: Sequence[PlannedWrite], title: str | None = None) -> None:
        """Return when the writes may be sent; raise GuardRefused (exit 3) otherwise."""
        if not writes or self._approved_depth:
            return
        if self.settings.permission != "full":
            raise GuardRefused(READONLY_MESSAGE, rule="readonly")
        plan = render_plan(writes, title, self.app_origins)
        destructive_apps = sorted({w.app or "" for w in writes if w.destructive})
        if self.settings.confirm_app and destructive_apps == [self.settings.confirm_app]:
            destructive_apps = []  # --confirm APP typed the name in advance
        if len(destructive_apps) == 1:
            question = f"→ Type the app name ({destructive_apps[0]}) to confirm this destructive operation: "
        elif destructive_apps:
            question = f"→ Type the app names ({' '.join(destructive_apps)}) to confirm these destructive operations: "
        else:
            question = "→ Proceed? (yes/no): "
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
            self._warn(
                "⚠️  Non-interactive write explicitly authorized via "
                f"HEROKU_NONINTERACTIVE_WRITES={NONINTERACTIVE_OPT_IN}; proceeding without prompt:{plan}"
            )
            return self._check_typed(destructive_apps, plan)
        if destructive_apps:
            # every app a destructive write touches must be named, in any order, nothing else
            if sorted(set(answer.replace(",", " ").split())) != destructive_apps:
                raise GuardRefused("❌ Cancelled: the app name did not match.", rule="declined")
            return None
        if not is_yes(answer):
            raise GuardRefused("❌ Cancelled.", rule="declined")
        return None

    def _check_typed(self, destructive_apps: list[str], plan: str) -> None:
        if destructive_apps:
            raise GuardRefused(
                f"⛔ destructive operation on {', '.join(destructive_apps)} needs the app name typed; "
                f"pass --confirm {destructive_apps[0]} when no one can type it",
                rule="destructive-needs-name",
            )

    @contextmanager
    def batch(self, writes: Sequence[PlannedWrite], title: str | None = None) -> Iterator[None]:
        """Show the whole plan once, ask once; the writes inside the block then go without asking."""
        self.authorize(writes, title)
        self._approved_depth += 1
        try:
            yield
        finally:
            self._approved_depth -= 1
