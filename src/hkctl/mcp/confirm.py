"""The guard's Confirmer for an MCP server: the person is asked through the client (elicitation).

A server has no TTY. The guard calls a Confirmer (plan text, question) -> answer | None from the
worker thread that runs the sync resource code; this one asks the person through the MCP client:

- handshake-era connections (≤ 2025-11-25): an `elicitation/create` request sent back to the
  client, awaited on the event loop through anyio's thread portal (`anyio.from_thread.run`);
- 2026-07-28 connections, which forbid server-initiated requests: the tool call ends with an
  `InputRequiredResult` carrying the elicitation, and the client retries the call with the
  person's answer. The answer only counts for the plan it was given for: the request state binds
  it to a digest of the plan text, sealed with a per-process key.

Only an explicit accept with "proceed" ticked (or the app name typed) is a yes; decline and cancel
are a no. A client that cannot elicit gets None, so the guard fails closed unless the operator set
HEROKU_NONINTERACTIVE_WRITES=i-accept-the-risk.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from hkctl.errors import GuardRefused

INPUT_KEY = "hkctl_confirm"
_KEY = os.urandom(32)  # seals request_state for this process only; a restarted server asks again


class NeedsInput(Exception):
    """Raised in the worker thread on a 2026-era connection: end the call and ask the client first."""

    def __init__(self, message: str, schema: dict[str, Any], state: str) -> None:
        super().__init__("confirmation needed")
        self.message = message
        self.schema = schema
        self.state = state


def digest(plan: str, question: str) -> str:
    return hashlib.sha256((plan + "\0" + question).encode()).hexdigest()


def seal(payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    mac = hmac.new(_KEY, body.encode(), hashlib.sha256).hexdigest()
    return f"{mac}.{body}"


def unseal(token: str | None) -> dict[str, Any] | None:
    if not token or "." not in token:
        return None
    mac, body = token.split(".", 1)
    if not hmac.compare_digest(mac, hmac.new(_KEY, body.encode(), hashlib.sha256).hexdigest()):
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def form_for(question: str) -> tuple[dict[str, Any], str]:
    """The elicitation form for a guard question: a typed app name, or a proceed checkbox."""
    if "→ Type the " in question:
        return (
            {
                "type": "object",
                "properties": {"app": {"type": "string", "title": "Type the app name to confirm"}},
                "required": ["app"],
            },
            "app",
        )
    return (
        {
            "type": "object",
            "properties": {"proceed": {"type": "boolean", "title": "Proceed with this change?"}},
            "required": ["proceed"],
        },
        "proceed",
    )


def answer_from(action: str, content: dict[str, Any] | None, field: str) -> str:
    """Map an elicitation result onto the guard's answer text: anything but an explicit yes is a no."""
    if action != "accept" or not content:
        return "no"
    value = content.get(field)
    if field == "proceed":
        return "yes" if value is True else "no"
    return str(value or "")


@dataclass
class ElicitingConfirmer:
    """Confirmer for one tool call. `session`/`request_id` are the SDK's; used from a worker thread."""

    session: Any
    request_id: Any
    can_elicit: bool
    back_channel: bool  # handshake era: the server may send requests to the client
    input_responses: dict[str, Any] | None = None
    request_state: str | None = None
    asked: int = 0

    def __call__(self, plan: str, question: str) -> str | None:
        if not self.can_elicit:
            return None
        self.asked += 1
        schema, field = form_for(question)
        message = plan.strip() + "\n\n" + question.strip()
        if self.back_channel:
            return self._ask_now(message, schema, field)
        return self._from_retry(plan, question, message, schema, field)

    def _ask_now(self, message: str, schema: dict[str, Any], field: str) -> str:
        import anyio.from_thread  # anyio comes with the MCP extra: this module imports without it

        async def ask() -> Any:
            return await self.session.elicit_form(message, schema, related_request_id=self.request_id)

        try:
            result = anyio.from_thread.run(ask)
        except Exception as exc:  # the client failed to ask: fail closed, say why
            raise GuardRefused(
                f"⛔ BLOCKED: the MCP client could not ask for confirmation ({type(exc).__name__}: {exc}); "
                "nothing was sent.",
                rule="elicitation-failed",
            ) from exc
        return answer_from(result.action, result.content, field)

    def _from_retry(self, plan: str, question: str, message: str, schema: dict[str, Any], field: str) -> str:
        want = digest(plan, question)
        state = unseal(self.request_state)
        response = (self.input_responses or {}).get(INPUT_KEY)
        if state is not None and state.get("digest") == want and response is not None:
            return answer_from(getattr(response, "action", ""), getattr(response, "content", None), field)
        # first round, or the plan changed since the person answered: ask (again) for this plan
        raise NeedsInput(message, schema, seal({"digest": want}))
