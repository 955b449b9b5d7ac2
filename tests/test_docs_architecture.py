"""docs/architecture.md names only modules that exist, and names the ones a request passes through."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "architecture.md").read_text()


def test_every_module_the_page_names_exists():
    named = re.findall(r"`(src/hkctl/[\w/]+(?:\.py|/))`", PAGE)
    assert len(named) >= 20
    missing = [p for p in named if not (ROOT / p).exists()]
    assert not missing, f"docs/architecture.md names modules that do not exist: {missing}"


def test_the_page_names_every_transport_and_guard_module():
    for package in ("transport", "guard"):
        for path in sorted((ROOT / "src" / "hkctl" / package).glob("*.py")):
            if path.name == "__init__.py" or path.name == "table.py":
                continue
            rel = f"src/hkctl/{package}/{path.name}"
            assert f"`{rel}`" in PAGE, f"docs/architecture.md does not say what {rel} decides"
