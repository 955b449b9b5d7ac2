"""The schema layer itself: links are found for real paths, and broken answers are caught."""

from __future__ import annotations

import json

import pytest

from hkctl.sandbox.schema import normalise, official, readable
from tests.conformance import SchemaCheck, exchange_errors

pytestmark = pytest.mark.core


def _exchange(method, path, status, body, *, request=b"", ua="hkctl/0", ctype="application/json"):
    return {
        "method": method,
        "path": path,
        "request_headers": {"user-agent": ua},
        "request_body": request,
        "status": status,
        "response_headers": {"content-type": ctype},
        "response_body": json.dumps(body).encode() if body is not None else None,
    }


def test_the_schema_has_its_305_links_and_templates_normalise_alike():
    schema = official()
    assert len(schema.links) == 305
    assert normalise("/apps/{app}/releases/{release}") == "/apps/{}/releases/{}"
    info = schema.by_key("GET", "/apps/{app}")
    assert [link.title for link in info] == ["Info"]
    assert readable(info[0].href) == "/apps/{app_identity}"


def test_literal_segments_win_over_parameters():
    links = official().match("GET", "/apps/demo/config-vars")
    assert links and links[0].resource == "config-var"
    assert official().match("GET", "/nowhere/at/all") == []


def test_an_app_without_owner_is_a_violation(hk):
    app = dict(hk.client().get("/apps/demo-staging", action="apps_info"))
    assert exchange_errors(_exchange("GET", "/apps/demo-staging", 200, app)) == []
    del app["owner"]
    problems = exchange_errors(_exchange("GET", "/apps/demo-staging", 200, app))
    assert any("'owner' is a required property" in p for p in problems)


def test_extra_fields_and_wrong_types_are_violations():
    bad = _exchange("GET", "/apps/x/config-vars", 200, {"FOO": 1})
    assert any("is not of type" in p for p in exchange_errors(bad))
    page = _exchange("GET", "/apps", 206, [{"id": "not-a-uuid"}])
    assert exchange_errors(page)  # list pages are checked item by item


def test_error_bodies_need_id_and_message_strings():
    assert exchange_errors(_exchange("GET", "/apps/x", 404, {"id": "not_found", "message": "gone"})) == []
    problems = exchange_errors(_exchange("GET", "/apps/x", 404, {"error": "gone"}))
    assert len(problems) == 2


def test_request_bodies_hkctl_sends_are_checked_but_not_other_clients():
    sent = json.dumps({"FOO": 1}).encode()
    ok_answer = {"FOO": "1"}
    ex = _exchange("PATCH", "/apps/x/config-vars", 200, ok_answer, request=sent)
    assert any("request body" in p for p in exchange_errors(ex))
    ex = _exchange("PATCH", "/apps/x/config-vars", 200, ok_answer, request=sent, ua="heroku-cli/11")
    assert exchange_errors(ex) == []


def test_a_violation_fails_with_the_exchange_named():
    check = SchemaCheck()
    check(_exchange("GET", "/apps/x", 404, {"error": "gone"}))
    with pytest.raises(AssertionError, match=r"GET /apps/x → 404"):
        check.assert_clean()


def test_the_harness_checks_every_answer(hk):
    hk.cli("apps", "list", "--json")
    hk.cli("apps", "info", "-a", "no-such-app")
    assert hk.schema_check.checked >= 2
    assert hk.schema_check.violations == []
