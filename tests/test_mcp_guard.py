"""`hkctl mcp` behind the guard: readonly refuses, full asks through elicitation, no ask fails closed."""

from __future__ import annotations

import pytest

from hkctl.guard.policy import READONLY_MESSAGE
from hkctl.mcp.server import NO_ELICITATION
from hkctl.mcp.tools import table
from tests.mcp_support import Answers, call, data, session, text, write_args
from tests.support import Harness

# Arguments that make each write tool a plausible request on the demo sandbox.
WRITE_ARGS: dict[str, dict[str, object]] = {
    "apps_maintenance": {"app": "demo-staging", "on": True},
    "config_set": {"app": "demo-staging", "vars": {"NEW_FLAG": "s3cr3t-flag-value"}},
    "config_unset": {"app": "demo-staging", "keys": ["FEATURE_NEW_CHECKOUT"], "confirm": "demo-staging"},
}


def full(hk: Harness, **extra: str) -> dict[str, str]:
    """Full permission, no non-interactive opt-in: a write needs the person, through the client."""
    return hk.env(HEROKU_PERMISSION="full", **extra)


def staging_config(hk: Harness) -> dict[str, str]:
    app = hk.sandbox.store.first("app", name="demo-staging")
    return dict(app["_config"])


def test_every_write_tool_has_sample_args(hk: Harness) -> None:
    writes = {name for name, spec in table().items() if not spec.read_only}
    assert writes == set(write_args(hk)), "add sample arguments for new write tools"


def test_readonly_refuses_every_write_tool_and_sends_no_write(live: Harness) -> None:
    asked = Answers("accept")
    samples = write_args(live)

    async def body(client):  # type: ignore[no-untyped-def]
        return {name: await client.call_tool(name, args) for name, args in samples.items()}

    results = session(live.env(), body, elicit=asked)
    for name, result in results.items():
        assert result.is_error, name
        assert READONLY_MESSAGE in text(result), name
    assert live.writes_received() == []
    assert asked.messages == []  # readonly never even asks


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_full_mode_accept_proceeds(live: Harness, mode: str) -> None:
    asked = Answers("accept")
    result = call(full(live), "config_set", WRITE_ARGS["config_set"], elicit=asked, mode=mode)
    assert data(result)["set"] == ["NEW_FLAG"]
    assert staging_config(live)["NEW_FLAG"] == "s3cr3t-flag-value"
    assert len(asked.messages) == 1
    message = asked.messages[0]
    assert "demo-staging" in message and "/apps/demo-staging/config-vars" in message
    assert "NEW_FLAG" in message and "s3cr3t-flag-value" not in message  # the value is redacted
    assert [w["method"] for w in live.writes_received()] == ["PATCH"]


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
@pytest.mark.parametrize("action", ["decline", "cancel"])
def test_full_mode_decline_or_cancel_sends_nothing(live: Harness, mode: str, action: str) -> None:
    asked = Answers(action)
    result = call(full(live), "config_set", WRITE_ARGS["config_set"], elicit=asked, mode=mode)
    assert result.is_error and "Cancelled" in text(result)
    assert len(asked.messages) == 1
    assert "NEW_FLAG" not in staging_config(live)
    assert live.writes_received() == []


def test_accept_without_ticking_proceed_is_a_no(live: Harness) -> None:
    asked = Answers("accept", {"proceed": False})
    result = call(full(live), "config_set", WRITE_ARGS["config_set"], elicit=asked)
    assert result.is_error and live.writes_received() == []


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_no_elicitation_and_no_opt_in_fails_closed(live: Harness, mode: str) -> None:
    result = call(full(live), "config_set", WRITE_ARGS["config_set"], mode=mode)
    assert result.is_error and text(result) == NO_ELICITATION
    assert live.writes_received() == []


def test_no_elicitation_with_opt_in_proceeds(live: Harness) -> None:
    result = call(live.full_env(), "config_set", WRITE_ARGS["config_set"])
    assert not result.is_error, text(result)
    assert staging_config(live)["NEW_FLAG"] == "s3cr3t-flag-value"


@pytest.mark.parametrize("confirm", [None, "demo-production", "DEMO-STAGING"])
def test_destructive_tool_without_matching_confirm_is_refused(live: Harness, confirm: str | None) -> None:
    args = {"app": "demo-staging", "keys": ["FEATURE_NEW_CHECKOUT"]}
    if confirm is not None:
        args["confirm"] = confirm
    asked = Answers("accept")
    result = call(live.full_env(), "config_unset", args, elicit=asked)
    assert result.is_error
    assert "confirm" in text(result) and "Nothing was sent" in text(result) or "required" in text(result)
    assert asked.messages == [] and live.writes_received() == []
    assert "FEATURE_NEW_CHECKOUT" in staging_config(live)


def test_destructive_tool_with_confirm_still_asks_the_person(live: Harness) -> None:
    asked = Answers("accept")
    result = call(full(live), "config_unset", WRITE_ARGS["config_unset"], elicit=asked)
    assert not result.is_error, text(result)
    assert len(asked.messages) == 1
    assert "FEATURE_NEW_CHECKOUT" not in staging_config(live)


def test_reveal_needs_full_mode(live: Harness) -> None:
    args = {"app": "demo-staging", "reveal": "SECRET_KEY_BASE"}
    refused = call(live.env(), "config_show", args)
    assert refused.is_error and "HEROKU_PERMISSION=full" in text(refused)
    shown = data(call(full(live), "config_show", args))
    assert shown["config"]["SECRET_KEY_BASE"] == "stg-3f1c0e6b8a9d4f2e"
    assert shown["config"]["RAILS_ENV"] == "••••••••"
