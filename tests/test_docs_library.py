"""docs/library.md's script runs against the sandbox and does what the page says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import hkctl

ROOT = Path(__file__).resolve().parent.parent


def _script() -> str:
    text = (ROOT / "docs" / "library.md").read_text()
    return re.search(r"```python\n(.*?)```", text, re.S).group(1)


def test_the_library_page_script_runs_against_the_sandbox(live, tmp_path):
    script = tmp_path / "status.py"
    script.write_text(_script())
    assert len(_script().splitlines()) <= 30
    out = subprocess.run(
        [sys.executable, str(script), "demo-staging"],
        env=live.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("demo-staging (")
    assert "web: " in out.stdout
    assert "release v" in out.stdout
    assert "refused, as expected: readonly" in out.stdout
    assert live.writes_received() == []


def test_the_package_exports_the_library_entry_points():
    from hkctl.transport.client import HerokuClient

    assert hkctl.HerokuClient is HerokuClient
    for name in hkctl.__all__:
        assert getattr(hkctl, name) is not None
