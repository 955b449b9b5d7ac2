"""The retry policy, as pure functions: what may be retried, and how long to wait."""

from __future__ import annotations

import pytest

from hkctl.transport import retry
from hkctl.transport.routes import by_name, match


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_reads_and_idempotent_writes_retry_on_429_and_5xx(status):
    assert retry.should_retry_status(status, idempotent=True, attempt=0, max_retries=3)
    assert not retry.should_retry_status(status, idempotent=True, attempt=3, max_retries=3)  # at most 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 406, 422, 500])
def test_other_statuses_are_never_retried(status):
    assert not retry.should_retry_status(status, idempotent=True, attempt=0, max_retries=3)


def test_a_post_is_retried_only_on_429():
    assert retry.should_retry_status(429, idempotent=False, attempt=0, max_retries=3)
    for status in (502, 503, 504):
        assert not retry.should_retry_status(status, idempotent=False, attempt=0, max_retries=3)


def test_a_post_is_retried_on_a_connection_failure_only_when_nothing_was_sent():
    assert retry.should_retry_connection(sent=False, idempotent=False, attempt=0, max_retries=3)
    assert not retry.should_retry_connection(sent=True, idempotent=False, attempt=0, max_retries=3)
    assert retry.should_retry_connection(sent=True, idempotent=True, attempt=2, max_retries=3)
    assert not retry.should_retry_connection(sent=False, idempotent=True, attempt=3, max_retries=3)


def test_idempotency_follows_the_method_and_a_log_session_is_a_read():
    assert not by_name("apps_create").idempotent
    assert by_name("apps_update").idempotent and by_name("apps_destroy").idempotent
    session = match("POST", "/apps/demo/log-sessions")
    assert session.method == "POST" and not session.is_write


def test_backoff_is_exponential_with_jitter_and_capped():
    lo = [retry.backoff(a, base=0.5, rng=lambda: 0.0) for a in range(4)]
    hi = [retry.backoff(a, base=0.5, rng=lambda: 1.0) for a in range(4)]
    assert lo == [0.25, 0.5, 1.0, 2.0] and hi == [0.5, 1.0, 2.0, 4.0]
    assert retry.backoff(20, base=0.5, rng=lambda: 1.0) == retry.MAX_DELAY


def test_retry_after_is_honoured():
    assert retry.backoff(0, base=0.5, retry_after="7") == 7.0
    assert retry.backoff(0, base=0.5, retry_after="not-a-number", rng=lambda: 1.0) == 0.5


def test_the_client_waits_what_retry_after_says(hk):
    # a 429 with Retry-After from the sandbox's own rate limiter: the client sleeps that long, once
    from hkctl.config import Settings
    from hkctl.sandbox.seed import SANDBOX_TOKEN
    from hkctl.transport.client import HerokuClient

    sb = hk.sandbox
    sb.ratelimits.set(sb.token_for(SANDBOX_TOKEN)["id"], 0, sb.clock.now())
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        sb.ratelimits.set(sb.token_for(SANDBOX_TOKEN)["id"], 100, sb.clock.now())  # time passes: refilled

    client = HerokuClient(
        Settings.from_env(hk.env()), transport=hk.transport, sleep=sleep, stderr=lambda m: None
    )
    assert client.get("/apps/demo-staging", action="apps_info")["name"] == "demo-staging"
    assert slept == [60.0]
