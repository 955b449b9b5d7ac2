"""Retries against the sandbox's fault injection: reads survive flaky answers, a lost POST is never resent."""

from __future__ import annotations

import json

import pytest

from hkctl.errors import TransportError
from hkctl.sandbox.server import free_port

pytestmark = pytest.mark.core


def _received(hk, method: str, path: str) -> int:
    return sum(1 for r in hk.received() if r["method"] == method and r["path"] == path)


def test_every_second_answer_failing_with_429_or_503_every_read_succeeds(hk):
    hk.sandbox.faults.configure(every=2, statuses=[429, 503], phase="before")
    for _ in range(20):
        res = hk.cli("apps", "info", "-a", "demo-staging", "--json")
        assert res.code == 0, res.err
        assert json.loads(res.out)["name"] == "demo-staging"
    statuses = [r.get("status") for r in hk.received()]
    assert statuses.count(429) > 0 and statuses.count(503) > 0  # both kinds were really served


def test_seeded_30_percent_fault_rate_over_200_reads(hk):
    hk.sandbox.faults.configure(rate=0.3, statuses=[429, 503], seed=7, phase="before")
    ok = failed = 0
    for _ in range(200):
        res = hk.cli("apps", "info", "-a", "demo-staging", "--json")
        if res.code == 0:
            ok += 1
            assert json.loads(res.out)["name"] == "demo-staging"
            continue
        failed += 1
        # a clear one-line message naming the status and the retries, never a traceback
        assert res.code == 1 and res.out == ""
        lines = res.err.strip().splitlines()
        assert len(lines) == 1, res.err
        assert lines[0].startswith(("error: 503 (service_unavailable)", "error: 429 (rate_limit)")), lines[0]
        assert "(after 4 attempts)" in lines[0]
        assert "Traceback" not in res.err
    print(f"\n30% fault rate, 200 reads: {ok} succeeded, {failed} failed after their retries")
    assert ok + failed == 200
    assert ok >= 190  # 0.3**4: about 1 in 120 reads exhausts 3 retries


def test_a_post_whose_answer_is_lost_is_not_retried_and_says_how_to_check(hk):
    hk.sandbox.faults.configure(every=1, statuses=[503], phase="after", routes=["POST /apps"])
    res = hk.cli("apps", "create", "lost-answer-app", env=hk.full_env())
    assert res.code == 1
    assert "outcome unknown" in res.err
    assert "may already have been processed" in res.err
    assert "hkctl apps info -a lost-answer-app" in res.err
    assert _received(hk, "POST", "/apps") == 1  # sent once, never resent
    assert len(hk.sandbox.store.find("app", name="lost-answer-app")) == 1  # it did happen, exactly once


def test_a_post_rejected_with_429_is_retried_because_it_was_not_processed(hk):
    hk.sandbox.faults.configure(every=2, statuses=[429], phase="before", routes=["POST /apps"])
    assert hk.cli("apps", "create", "first-app", env=hk.full_env()).code == 0
    res = hk.cli("apps", "create", "second-app", env=hk.full_env())
    assert res.code == 0, res.err
    assert _received(hk, "POST", "/apps") == 3
    assert len(hk.sandbox.store.find("app", name="second-app")) == 1


def test_a_post_failing_with_503_before_processing_is_still_not_retried(hk):
    # The client cannot tell "before" from "after": it must not resend, and says so.
    hk.sandbox.faults.configure(every=1, statuses=[503], phase="before", routes=["POST /apps"])
    res = hk.cli("apps", "create", "maybe-app", env=hk.full_env())
    assert res.code == 1 and "outcome unknown" in res.err
    assert _received(hk, "POST", "/apps") == 1


def test_retries_are_visible_with_verbose(hk):
    hk.sandbox.faults.configure(every=1, statuses=[503], phase="before")
    res = hk.cli("apps", "info", "-a", "demo-staging", "--verbose")
    assert res.code == 1
    for n in (1, 2, 3):
        assert f"retry {n}/3" in res.err, res.err
    assert "after 503 on GET" in res.err
    assert "(after 4 attempts)" in res.err
    assert _received(hk, "GET", "/apps/demo-staging") == 4


def test_retries_are_silent_without_verbose(hk):
    hk.sandbox.faults.configure(every=2, statuses=[503], phase="before")
    hk.cli("apps", "info", "-a", "demo-staging")
    res = hk.cli("apps", "info", "-a", "demo-staging")
    assert res.code == 0 and "retry" not in res.err


def test_connection_refused_fails_at_once_saying_what_to_check(hk):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    from hkctl.config import Settings
    from hkctl.resources import apps
    from hkctl.transport.client import HerokuClient

    client = HerokuClient(Settings.from_env(hk.full_env(HKCTL_API_URL=url)), stderr=lambda m: None)

    with pytest.raises(TransportError) as err:
        apps.create(client, "never-sent")
    # retrying a closed port (or a name that does not resolve) only repeats the failure
    host = url.split("://")[1]
    assert f"could not reach {host} (connection refused)" in str(err.value)
    assert f"HKCTL_API_URL (now {url})" in str(err.value) and "nothing was sent" in str(err.value)
    assert [m for m, _ in client.sent] == ["POST"]


def test_a_slow_read_times_out_and_is_retried_then_reported(live):
    live.sandbox.faults.configure(latency_ms=400)
    res = live.cli("apps", "info", "-a", "demo-staging", env=live.env(HKCTL_TIMEOUT="0.1"))
    assert res.code == 1
    assert "failed after 4 attempt(s): ReadTimeout" in res.err
    lines = res.err.strip().splitlines()
    # a hang is announced on stderr as it is retried (not only with --verbose), then one error line
    assert [ln.split(" in ")[0] for ln in lines[:3]] == ["retry 1/3", "retry 2/3", "retry 3/3"]
    assert all("after ReadTimeout on GET" in ln for ln in lines[:3]) and lines[3].startswith("error: ")
    assert len(lines) == 4


def test_a_post_that_times_out_is_not_resent_and_its_outcome_is_unknown(live):
    import time

    live.sandbox.faults.configure(latency_ms=400)
    res = live.cli("apps", "create", "slow-app", env=live.full_env(HKCTL_TIMEOUT="0.1"))
    assert res.code == 1 and "outcome unknown" in res.err and "ReadTimeout" in res.err
    deadline = time.monotonic() + 10
    while not live.sandbox.store.find("app", name="slow-app") and time.monotonic() < deadline:
        time.sleep(0.05)  # the sandbox finishes the request it was sent, after its latency
    assert len(live.sandbox.store.find("app", name="slow-app")) == 1
    assert _received(live, "POST", "/apps") == 1
