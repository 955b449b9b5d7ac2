"""Through MCP the person confirms a destructive write as on the CLI: by typing the app's name (issue 11).

The form says what is lost and names production, and has a text field for the name; the agent's
`confirm` argument alone never suffices (no person to ask: refused even with the opt-in).
"""

from __future__ import annotations

import pytest

from tests.mcp_support import Answers, call, text
from tests.support import Harness

pytestmark = pytest.mark.core

SCALE_PROD_TO_ZERO = {
    "app": "demo-production",
    "updates": [{"type": "web", "quantity": 0}],
    "confirm": "demo-production",
}


def _web(hk: Harness, app: str) -> int:
    app_id = hk.sandbox.store.first("app", name=app)["id"]
    rows = [f for f in hk.sandbox.store.all("formation") if (f.get("app") or {}).get("id") == app_id]
    return int(next(f for f in rows if f["type"] == "web")["quantity"])


def test_the_form_names_production_says_what_is_lost_and_wants_the_name_typed(live: Harness) -> None:
    before = _web(live, "demo-production")
    ticked = Answers("accept", {"proceed": True, "app": "yes"})
    result = call(live.env(HEROKU_PERMISSION="full"), "ps_scale", SCALE_PROD_TO_ZERO, elicit=ticked)
    assert result.is_error, text(result)
    message = ticked.messages[0]
    assert "Type the app name (demo-production)" in message
    assert "Lost: the process type stops" in message
    assert "demo-production is a PRODUCTION app" in message
    assert live.writes_received() == [] and _web(live, "demo-production") == before

    typed = Answers("accept", {"app": "demo-production"})
    result = call(live.env(HEROKU_PERMISSION="full"), "ps_scale", SCALE_PROD_TO_ZERO, elicit=typed)
    assert not result.is_error, text(result)
    assert _web(live, "demo-production") == 0


def test_the_agents_confirm_alone_never_suffices(live: Harness) -> None:
    result = call(live.full_env(), "ps_scale", SCALE_PROD_TO_ZERO)  # opt-in set, client cannot elicit
    assert result.is_error
    assert "confirm argument alone never suffices" in text(result)
    assert live.writes_received() == []
    # the form's text field, not a checkbox: its schema asks for a string
    form = Answers("accept", {"app": "demo-staging"})
    result = call(live.full_env(), "ps_scale", SCALE_PROD_TO_ZERO, elicit=form)
    assert result.is_error and "did not match" in text(result)
    assert live.writes_received() == []
