"""Heroku's rate limit in the sandbox: 4,500 per token, 75 per minute back, driven by the sandbox clock."""

from __future__ import annotations

import httpx
import pytest

from hkctl.sandbox.app import create_app
from hkctl.sandbox.seed import SANDBOX_TOKEN, add_token
from hkctl.sandbox.server import build_sandbox
from tests.support import ASGITransport

ACCEPT = "application/vnd.heroku+json; version=3"


@pytest.fixture
def sandbox():
    sb = build_sandbox(manual_clock=True)
    sb.run_due()
    return sb


def client(sb, token: str = SANDBOX_TOKEN) -> httpx.Client:
    return httpx.Client(
        base_url="http://sandbox.test",
        transport=ASGITransport(create_app(sb)),
        headers={"Authorization": f"Bearer {token}", "Accept": ACCEPT},
    )


def remaining(response: httpx.Response) -> int:
    return int(response.headers["RateLimit-Remaining"])


def test_each_request_spends_one_and_the_header_is_exact(sandbox):
    c = client(sandbox)
    assert [remaining(c.get("/apps")) for _ in range(3)] == [4499, 4498, 4497]


def test_rate_limits_endpoint_is_free(sandbox):
    c = client(sandbox)
    c.get("/apps")
    for _ in range(3):
        answer = c.get("/account/rate-limits")
        assert answer.json() == {"remaining": 4499}
        assert remaining(answer) == 4499


def test_an_empty_pool_answers_429_rate_limit_until_refilled(sandbox):
    c = client(sandbox)
    c.put("/__sandbox__/rate-limit", json={"token": SANDBOX_TOKEN, "remaining": 1})
    assert remaining(c.get("/apps")) == 0
    refused = c.get("/apps")
    assert refused.status_code == 429
    assert refused.json()["id"] == "rate_limit" and isinstance(refused.json()["message"], str)
    assert remaining(refused) == 0
    c.post("/__sandbox__/clock/advance", json={"seconds": 0.5})  # 0.625 of a token: still empty
    assert c.get("/apps").status_code == 429
    c.post("/__sandbox__/clock/advance", json={"seconds": 60})  # 75 per minute
    back = c.get("/apps")
    assert back.status_code == 200 and remaining(back) == 75 - 1


def test_refill_stops_at_the_pool_size(sandbox):
    c = client(sandbox)
    c.get("/apps")
    c.post("/__sandbox__/clock/advance", json={"seconds": 86400})
    assert remaining(c.get("/apps")) == 4499


def test_each_token_has_its_own_pool(sandbox):
    account = sandbox.store.all("account")[0]
    add_token(sandbox, account, "HRKU-second-token", scope=["global"], description="second")
    first, second = client(sandbox), client(sandbox, "HRKU-second-token")
    first.put("/__sandbox__/rate-limit", json={"token": SANDBOX_TOKEN, "remaining": 0})
    assert first.get("/apps").status_code == 429
    assert remaining(second.get("/apps")) == 4499
