"""Range pagination: 2,500 apps come in 3 requests of max=1000; --limit fetches no more than needed."""

from __future__ import annotations

import json
import uuid

import pytest

from hkctl.sandbox.backend.apps import create_app

pytestmark = pytest.mark.core


def _fill(hk, total: int) -> None:
    """`total` apps: one made by the sandbox's own rules, the rest copies of it under new names and ids.

    (create_app checks each name is free with a full scan, which is quadratic over thousands.)
    """
    sb = hk.sandbox
    owner = sb.store.first("account")
    have = sb.store.count("app")
    with sb.store.tx():
        model = create_app(sb, owner=owner, name="bulk-00000")
        for i in range(1, total - have):
            name = f"bulk-{i:05d}"
            app = {
                **model,
                "id": str(uuid.uuid4()),
                "name": name,
                "git_url": f"https://git.heroku.com/{name}.git",
                "web_url": f"https://{name}-{uuid.uuid4().hex[:12]}.herokuapp.com/",
            }
            sb.store.put("app", app)
    assert sb.store.count("app") == total


def _list_requests(hk):
    return [r for r in hk.received() if r["method"] == "GET" and r["path"] == "/apps"]


def test_2500_apps_are_read_in_3_requests_of_max_1000(hk):
    _fill(hk, 2500)
    res = hk.cli("apps", "list", "--json")
    assert res.code == 0, res.err
    names = [a["name"] for a in json.loads(res.out)]
    assert len(names) == 2500 and len(set(names)) == 2500
    reqs = _list_requests(hk)
    assert len(reqs) == 3
    assert reqs[0]["range"] == "name ..; max=1000"
    # each following request carries the Next-Range the sandbox handed back
    assert all("max=1000" in r["range"] and r["range"].startswith("name ]") for r in reqs[1:])
    assert [r["status"] for r in reqs] == [206, 206, 200]


def test_limit_5_makes_one_request_asking_for_5(hk):
    _fill(hk, 2500)
    res = hk.cli("apps", "list", "--limit", "5", "--json")
    assert res.code == 0, res.err
    assert len(json.loads(res.out)) == 5
    reqs = _list_requests(hk)
    assert len(reqs) == 1
    assert reqs[0]["range"] == "name ..; max=5"


def test_limit_1001_fetches_exactly_two_pages(hk):
    _fill(hk, 2500)
    res = hk.cli("apps", "list", "--limit", "1001", "--json")
    assert len(json.loads(res.out)) == 1001
    reqs = _list_requests(hk)
    assert len(reqs) == 2
    assert reqs[1]["range"].endswith("; max=1")  # the second page asks only for what is still needed


def test_paginate_is_lazy(hk):
    _fill(hk, 2500)
    client = hk.client()
    items = client.paginate("/apps", field="name", action="apps_list")
    assert next(items)["name"]
    assert len(_list_requests(hk)) == 1  # the later pages are not fetched until asked for
    for _ in range(999):
        next(items)
    assert len(_list_requests(hk)) == 1
    next(items)  # item 1,001 is on the second page
    assert len(_list_requests(hk)) == 2
