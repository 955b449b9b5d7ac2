"""A plan step is judged from its method, endpoint and payload (issue 11, reproductions 4 and 5).

The file's free-text fields (app, action, description) are checked against what the request is,
`from_env` may only name HKCTL_VALUE_<KEY> for a config var the same step sets, and a plan that
fails its schema is bad input. Each case: exit 2 or 3, and the sandbox received no write.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import Harness

pytestmark = pytest.mark.core


def _write(path: Path, *entries: dict) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    return path


def test_repro4_a_step_whose_text_disagrees_with_its_request_is_refused(hk: Harness, tmp_path: Path) -> None:
    plan = _write(
        tmp_path / "p.jsonl",
        {
            "version": 1,
            "method": "DELETE",
            "endpoint": "/apps/demo-production",
            "action": "apps_destroy",
            "app": "demo-staging",
            "description": "set LOG_LEVEL",
            "payload": None,
        },
    )
    r = hk.cli("--confirm", "demo-staging", "apply", str(plan), env=hk.full_env())
    assert r.code == 2, r.text
    assert "demo-production" in r.err and "set LOG_LEVEL" not in r.out
    assert hk.writes_received() == []
    assert hk.sandbox.store.first("app", name="demo-production") is not None


def test_repro4_without_the_false_text_the_step_is_judged_as_what_it_is(hk: Harness, tmp_path: Path) -> None:
    plan = _write(
        tmp_path / "p.jsonl", {"version": 1, "method": "DELETE", "endpoint": "/apps/demo-production"}
    )
    shown = hk.cli("plan", "show", str(plan))
    assert shown.code == 0 and "destroy an app" in shown.out and "destructive" in shown.out, shown.text
    r = hk.cli("--confirm", "demo-staging", "apply", str(plan), env=hk.full_env())
    assert r.code == 3, r.text
    assert "Confirmation demo-staging did not match demo-production" in r.err
    asked: list[str] = []
    r = hk.cli(
        "apply",
        str(plan),
        env=hk.env(HEROKU_PERMISSION="full"),
        confirmer=lambda p, q: asked.append(p) or "yes",
    )
    assert r.code == 3 and "App: demo-production" in asked[0] and "destroy an app" in asked[0]
    assert hk.writes_received() == []


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        (
            {"method": "PATCH", "endpoint": "/apps/demo-staging/config-vars", "payload": {"K": "[REDACTED]"},
             "from_env": {"K": "HEROKU_API_KEY"}},
            "HKCTL_VALUE_K",
        ),
        (
            {"method": "PATCH", "endpoint": "/apps/demo-staging/config-vars", "payload": {"K": "[REDACTED]"},
             "from_env": {"K": "HOME"}},
            "HKCTL_VALUE_K",
        ),
        (
            {"method": "PATCH", "endpoint": "/apps/demo-staging/config-vars", "payload": {"K": "[REDACTED]"},
             "from_env": {"K": "HKCTL_VALUE_K", "OTHER": "HKCTL_VALUE_OTHER"}},
            "OTHER",
        ),
        (
            {"method": "PATCH", "endpoint": "/apps/demo-staging", "payload": {"name": "[REDACTED]"},
             "from_env": {"name": "HKCTL_VALUE_name"}},
            "only for config vars",
        ),
        (
            {"method": "PATCH", "endpoint": "/apps/demo-staging/config-vars", "payload": {"K": "[REDACTED]"}},
            "HKCTL_VALUE_K",
        ),
    ],
)  # fmt: skip
def test_repro5_from_env_only_names_the_value_of_a_config_var_of_that_step(
    hk: Harness, tmp_path: Path, entry: dict, why: str
) -> None:
    plan = _write(tmp_path / "p.jsonl", {"version": 1, **entry})
    env = hk.full_env(HKCTL_VALUE_K="v", HKCTL_VALUE_OTHER="o", HKCTL_VALUE_name="n")
    r = hk.cli("apply", str(plan), env=env)
    assert r.code == 2, r.text
    assert why in r.err
    assert hk.writes_received() == []
    assert hk.token not in r.text


@pytest.mark.parametrize(
    "raw",
    [
        b'{"method": 5, "endpoint": "/apps/demo-staging"}\n',
        b'{"method": "PATCH", "endpoint": ["/apps/demo-staging"]}\n',
        b'{"method": "PATCH", "endpoint": "/apps/demo-staging", "replayable": "yes"}\n',
        b'{"method": "PATCH", "endpoint": "/apps/demo-staging", "version": true}\n',
        b'{"method": "PATCH", "endpoint": "/apps/demo-staging", "surprise": 1}\n',
        b'{"method": "PATCH", "endpoint": "/apps/demo-staging", "payload": {"name": "caf\xe9"}}\n',
        b'{"method": "PATCH", "endpoint": "/apps/demo-staging/../demo-production"}\n',
        b"[1, 2]\n",
    ],
)
def test_a_plan_that_fails_its_schema_is_bad_input(hk: Harness, tmp_path: Path, raw: bytes) -> None:
    plan = tmp_path / "p.jsonl"
    plan.write_bytes(raw)
    r = hk.cli("apply", str(plan), env=hk.full_env())
    assert r.code == 2, r.text
    assert "nothing was sent" in r.err
    assert hk.received() == []
