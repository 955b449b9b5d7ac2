"""Every route the sandbox serves answers within the official schema, and docs/coverage.md is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from hkctl.sandbox.walk import Step, walk

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def steps() -> list[Step]:
    return walk()


def test_every_served_route_answers_within_the_schema(steps):
    broken = [f"{s.method} {s.template} ({s.path} → {s.status}): {s.errors}" for s in steps if s.errors]
    assert not broken, "schema violations:\n" + "\n".join(broken)


def test_no_served_route_crashes_or_is_unreachable(steps):
    crashed = [f"{s.method} {s.path} → {s.status}" for s in steps if s.status >= 500]
    assert not crashed, "sandbox errors:\n" + "\n".join(crashed)


def test_the_walk_reaches_the_core_links(steps):
    ok = {f"{s.method} {s.template}" for s in steps if s.ok}
    for key in (
        "GET /apps",
        "GET /apps/{app}",
        "PATCH /apps/{app}/config-vars",
        "GET /account",
        "POST /apps",
    ):
        assert key in ok


def test_coverage_table_is_current():
    from hkctl.sandbox.coverage import generate

    current = (ROOT / "docs" / "coverage.md").read_text()
    assert current == generate(), (
        "docs/coverage.md is stale: run `hkctl sandbox coverage -o docs/coverage.md` and commit it"
    )


def test_coverage_command_checks_and_writes(hk, tmp_path):
    out = tmp_path / "coverage.md"
    result = hk.cli("sandbox", "coverage", "-o", str(out))
    assert result.code == 0, result.err
    text = out.read_text()
    assert text.count("\n| ") >= 305
    assert hk.cli("sandbox", "coverage", "-o", str(out), "--check").code == 0
    out.write_text(text.replace("| yes |", "|  |", 1))
    assert hk.cli("sandbox", "coverage", "-o", str(out), "--check").code == 1


def test_coverage_prints_to_stdout_and_writes_nothing_unasked(hk, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = hk.cli("sandbox", "coverage")
    assert result.code == 0 and result.out.count("\n| ") >= 305
    assert list(tmp_path.iterdir()) == [hk.home]
