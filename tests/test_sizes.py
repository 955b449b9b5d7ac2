"""Every dyno size the platform accepts: any case in, Heroku's spelling out; unknown refused before sending.

Against the sandbox, which judges sizes on its own: Private/Shield sizes need an app in a (Shield)
Private Space and Fir sizes a Fir app, as on the platform; the sandbox serves no spaces API, so
the tests put the app in one through the store.
"""

from __future__ import annotations

import json
import uuid

import pytest

from hkctl.resources import sizes

pytestmark = pytest.mark.core
APP = "demo-staging"


def _app(hk, app=APP):
    return hk.sandbox.store.first("app", name=app)


def _place(hk, *, space=None, generation=None):
    record = _app(hk)
    with hk.sandbox.store.tx():
        if space is not None:
            record["space"] = space
        if generation is not None:
            record["generation"] = generation
        hk.sandbox.store.put("app", record)


def _web_size(hk):
    forms = hk.sandbox.store.all("formation", parent=_app(hk)["id"])
    return next(f["size"] for f in forms if f["type"] == "web")


def _group(name: str) -> str:
    return name.split("-")[0] if name.startswith(("Private", "Shield", "dyno")) else "common"


@pytest.mark.parametrize("size", sizes.ALL)
def test_every_size_in_any_case_goes_out_in_herokus_spelling_with_dry_run(hk, size):
    typed = size.lower() if size != size.lower() else size.upper()
    res = hk.cli("ps", "scale", f"web=1:{typed}", "-a", APP, "--dry-run", env=hk.full_env())
    assert res.code == 0, res.err
    assert f'"dyno_size":{{"name":"{size}"}}' in res.out  # the curl line's body
    assert hk.writes_received() == []


@pytest.mark.parametrize("group", ["common", "Private", "Shield", "dyno"])
def test_every_size_scales_against_the_sandbox(hk, group):
    if group == "Private":
        _place(
            hk, space={"id": "3f2a8d64-7b1e-4c55-9a39-0c1f5e8b7a21", "name": "acme-space", "shield": False}
        )
    elif group == "Shield":
        _place(
            hk, space={"id": "5c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "name": "acme-shield", "shield": True}
        )
    elif group == "dyno":
        _place(
            hk,
            space={"id": "7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928", "name": "acme-fir", "shield": False},
            generation={"id": "0a4b7c1e-2d3f-4a5b-8c6d-9e0f1a2b3c4d", "name": "fir"},
        )
    for size in [s for s in sizes.ALL if _group(s) == group]:
        res = hk.cli("ps", "scale", f"web=1:{size.lower()}", "-a", APP, env=hk.full_env())
        assert res.code == 0, (size, res.err)
        assert _web_size(hk) == size


def test_a_private_size_outside_a_space_gets_the_platforms_422(hk):
    res = hk.cli("ps", "scale", "web=1:private-m", "-a", APP, env=hk.full_env())
    assert res.code == 1, res.text
    assert "Private-M dynos can only be used by apps in a Private Space" in res.err
    assert _web_size(hk) != "Private-M"
    res = hk.cli("run", "--size", "Shield-S", "-a", APP, "--", "rake", "db:migrate", env=hk.full_env())
    assert res.code == 1 and "Private Space" in res.err


def test_an_unknown_size_is_refused_before_sending_with_the_closest_names(hk):
    res = hk.cli("ps", "scale", "web=1:standard-3x", "-a", APP, env=hk.full_env())
    assert res.code == 2, res.text
    assert "did you mean Standard-2X, Standard-1X" in res.err and "--force-size" in res.err
    res = hk.cli("run", "--size", "perfomance-m", "-a", APP, "--", "ls", env=hk.full_env())
    assert res.code == 2 and "Performance-M" in res.err
    assert hk.writes_received() == []


def test_force_size_passes_a_newer_size_through_for_the_api_to_judge(hk):
    res = hk.cli("ps", "scale", "web=1:Hyper-9X", "--force-size", "-a", APP, env=hk.full_env())
    assert res.code == 1, res.text  # the sandbox does not know it either: its 422, not ours
    assert "Couldn't find that dyno size" in res.err
    sent = hk.writes_received()[-1]
    assert sent["body"]["updates"][0]["dyno_size"] == {"name": "Hyper-9X"}


def test_mcp_ps_scale_takes_any_case_and_force_size(hk):
    from hkctl.mcp.families.runtime import _ps_scale

    _place(hk, space={"id": "3f2a8d64-7b1e-4c55-9a39-0c1f5e8b7a21", "name": "acme-space", "shield": False})
    client = hk.client(hk.full_env())
    out = _ps_scale(
        client, {"app": APP, "updates": [{"type": "web", "quantity": 1, "size": "private-l-ram"}]}
    )
    assert out["formation"][0]["size"] == "Private-L-RAM"


def test_cost_prices_known_sizes_and_lists_the_rest(hk):
    _place(hk, space={"id": "3f2a8d64-7b1e-4c55-9a39-0c1f5e8b7a21", "name": "acme-space", "shield": False})
    assert hk.cli("ps", "scale", "web=2:Private-M", "-a", APP, env=hk.full_env()).code == 0
    res = hk.cli("cost", APP, "--json")
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    web = next(line for line in doc["lines"] if line["name"] == "web")
    assert (web["what"], web["monthly"]) == ("Private-M", 900.0)  # 2 × $450/month
    assert doc["complete"] is True
    with hk.sandbox.store.tx():  # a size newer than hkctl's price table: listed, not guessed
        form = next(f for f in hk.sandbox.store.all("formation", parent=_app(hk)["id"]) if f["type"] == "web")
        newer = {**form, "size": "Private-3XL", "dyno_size": {"id": str(uuid.uuid4()), "name": "Private-3XL"}}
        hk.sandbox.store.put("formation", newer, parent=_app(hk)["id"])
    doc = json.loads(hk.cli("cost", APP, "--json").out)
    assert doc["complete"] is False and any("Private-3XL" in u for u in doc["unknown"])
