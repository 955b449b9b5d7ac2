"""MCP fleet tools on the fleet scenario: the CLI's budget rules (over the share: refused with the numbers)."""

from __future__ import annotations

import pytest

from hkctl.sandbox.seed import SANDBOX_TOKEN
from hkctl.sandbox.server import build_sandbox
from tests.mcp_support import data, session, text
from tests.support import Harness

pytestmark = pytest.mark.core


@pytest.fixture
def fleet_live(live: Harness) -> Harness:
    sb = build_sandbox(scenario="fleet")
    sb.public_url = live.sandbox.public_url
    sb.observers.append(live.schema_check)
    live.app.state.sandbox = sb
    return live


def test_fleet_tools_answer_and_refuse_over_the_share_with_the_numbers(fleet_live: Harness) -> None:
    sb = fleet_live.sandbox

    async def body(client):  # type: ignore[no-untyped-def]
        found = await client.call_tool("fleet_find", {"stack": "heroku-20"})
        health = await client.call_tool("fleet_health", {"team": "growth", "limit": 3})
        cost = await client.call_tool("fleet_cost", {"pipelines": ["payments-api", "data-api"]})
        token = sb.token_for(SANDBOX_TOKEN)
        sb.ratelimits.set(token["id"], 300, sb.clock.now())
        refused = await client.call_tool("fleet_health", {"team": "mobile"})
        allowed = await client.call_tool("fleet_health", {"team": "mobile", "budget": 261, "limit": 1})
        return found, health, cost, refused, allowed

    found, health, cost, refused, allowed = session(fleet_live.env(), body)
    assert [i["app"] for i in data(found)["items"]] == [
        "data-app-20",
        "growth-app-11",
        "mobile-search-production",
        "payments-app-03",
        "personal-07",
    ]
    assert data(found)["requests"] == 0
    h = data(health)
    assert h["unhealthy"] == 2 and h["covered"] == 52 and h["count"] == 3
    assert [i["app"] for i in h["items"][:2]] == ["growth-app-02", "growth-web-staging"]
    c = data(cost)
    first = {k: c["items"][0][k] for k in ("app", "team", "pipeline", "monthly")}
    assert c["totals"]["total"] == 863.0 and first == {
        "app": "data-api-production",
        "team": "data",
        "pipeline": "data-api",
        "monthly": 575.0,
    }
    assert refused.is_error
    assert "52 apps × 5 requests + 1 list read = 261 of 299 left" in text(refused)
    assert "budget" in text(refused)
    assert not allowed.is_error and data(allowed)["covered"] == 52
