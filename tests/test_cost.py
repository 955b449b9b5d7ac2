"""hkctl cost: the estimate equals a hand computation; unknown sizes and plans are listed, not guessed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hkctl.resources.addons import Price
from hkctl.resources.formation import Formation
from hkctl.workflows.cost import estimate, plan_monthly
from tests.support import Harness

pytestmark = pytest.mark.core


def _set_formation(hk: Harness, app_name: str, spec: dict[str, tuple[int, str]]) -> None:
    app = hk.sandbox.store.first("app", name=app_name)
    assert app is not None
    for f in hk.sandbox.store.all("formation", parent=app["id"]):
        if f["type"] in spec:
            qty, size = spec[f["type"]]
            f["quantity"], f["size"] = qty, size
            f["dyno_size"] = {**f["dyno_size"], "name": size}
            hk.sandbox.store.put("formation", f, parent=app["id"])


def _addons(hk: Harness, app_name: str) -> list[dict[str, Any]]:
    app = hk.sandbox.store.first("app", name=app_name)
    assert app is not None
    return hk.sandbox.store.all("addon", parent=app["id"])


def test_app_estimate_matches_hand_computation(hk: Harness) -> None:
    _set_formation(hk, "demo-staging", {"web": (3, "Performance-M"), "worker": (2, "Standard-1X")})
    plans = [a["plan"]["name"] for a in _addons(hk, "demo-staging")]
    assert plans == ["heroku-postgresql:essential-0"]  # the demo seed; list price $5/month
    r = hk.cli("cost", "demo-staging", "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    # by hand: 3 × $250 (performance-M) + 2 × $25 (standard-1X) + $5 (essential-0)
    assert doc["monthly_total"] == 3 * 250 + 2 * 25 + 5 == 805
    assert doc["complete"] is True and doc["unknown"] == []
    assert doc["prices_as_of"] == "2024-06-04"
    web = next(line for line in doc["lines"] if line["name"] == "web")
    assert (web["quantity"], web["unit_monthly"], web["monthly"]) == (3, 250.0, 750.0)


def test_text_output_shows_total_and_price_date(hk: Harness) -> None:
    r = hk.cli("cost", "-a", "demo-production")
    assert r.code == 0
    assert "total: $" in r.out
    assert "as of 2024-06-04" in r.err


def test_unknown_size_and_plan_are_listed_not_guessed(hk: Harness) -> None:
    _set_formation(hk, "demo-staging", {"web": (2, "Mystery-9X"), "worker": (1, "Standard-1X")})
    app = hk.sandbox.store.first("app", name="demo-staging")
    assert app is not None
    addon = _addons(hk, "demo-staging")[0]
    addon["billed_price"] = None
    addon["plan"] = {**addon["plan"], "name": "heroku-postgresql:no-such-plan"}
    hk.sandbox.store.put("addon", addon, parent=app["id"])
    r = hk.cli("cost", "demo-staging", "--json")
    doc = json.loads(r.out)
    assert doc["complete"] is False
    assert doc["monthly_total"] == 25  # only the worker is known
    assert any("Mystery-9X" in u for u in doc["unknown"])
    assert any("no-such-plan" in u for u in doc["unknown"])
    text = hk.cli("cost", "demo-staging")
    assert "lower bound" in text.out and "unknown price, not counted" in text.err


def test_pipeline_total_is_the_sum_of_its_apps(hk: Harness) -> None:
    r = hk.cli("cost", "--pipeline", "demo", "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert [a["app"] for a in doc["apps"]] == ["demo-staging", "demo-production"]
    assert doc["monthly_total"] == pytest.approx(sum(a["monthly_total"] for a in doc["apps"]))
    singles = [
        json.loads(hk.cli("cost", a, "--json").out)["monthly_total"]
        for a in ("demo-staging", "demo-production")
    ]
    assert doc["monthly_total"] == pytest.approx(sum(singles))


def test_cost_is_read_only(hk: Harness) -> None:
    hk.cli("cost", "--pipeline", "demo")
    assert hk.writes_received() == []


def test_estimate_eco_pool_and_size_spelling() -> None:
    formation = [
        Formation.from_api({"id": "f1", "type": "web", "quantity": 1, "size": "eco"}),
        Formation.from_api({"id": "f2", "type": "worker", "quantity": 2, "size": "STANDARD-2x"}),
    ]
    report = estimate("x", formation, [])
    # eco dynos share one $5 pool; sizes match case-insensitively
    assert report.total == 5 + 2 * 50
    assert not report.unknown


def test_plan_prices_by_unit() -> None:
    assert plan_monthly(Price.from_api({"cents": 500, "unit": "month", "contract": False})) == 5.0
    assert plan_monthly(Price.from_api({"cents": 1, "unit": "hour"})) == 7.2
    assert plan_monthly(Price.from_api({"cents": 900, "unit": "month", "contract": True})) is None
    assert plan_monthly(Price.from_api(None)) is None


def test_sizes_prints_the_sizing_table_without_an_app(hk, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = hk.cli("cost", "--sizes")
    assert res.code == 0, res.err
    rows = {line.split("\t")[0]: line.split("\t") for line in res.out.splitlines()}
    assert rows["Standard-2X"][1:4] == ["1 GB", "2x shared", "$50"]
    assert "R14" in rows["Standard-2X"][4] and rows["Performance-M"][2] == "dedicated"
    assert "Private Spaces" in res.err or "Private or Shield Spaces" in res.err
    assert hk.received() == []  # a table of facts: nothing is asked of the API


def test_the_cookbook_shows_the_same_sizing_table():
    from pathlib import Path

    from hkctl.workflows.sizing import COMMON_RUNTIME

    text = (Path(__file__).resolve().parent.parent / "docs" / "cookbook.md").read_text(encoding="utf-8")
    for s in COMMON_RUNTIME:
        assert f"| {s.name} | {s.memory} | {s.cpu} | {s.price()} | {s.pick_when} |" in text, s.name
