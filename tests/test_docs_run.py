"""Every hkctl line of README.md and docs/cookbook.md runs against a fresh demo sandbox and exits as the text says.

A line runs in a folder whose git `heroku` remote is demo-staging (so lines without -a name an app,
as in a reader's checkout), readonly first; a line that turns out to be a write runs again with
HEROKU_PERMISSION=full and a person who confirms (typing the app's name when asked). Templates
(`list|info`, `[vN]`, placeholders) and long-running commands are described, not run: see
tests/docs_lines.py.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.docs_lines import lines

STG = "demo-staging"
RUNNABLE = [(doc, raw, line) for doc, raw, line in lines() if line]

#: what must exist before the line runs (the doc's earlier step), as hkctl lines
BEFORE: dict[str, list[str]] = {
    "hkctl domains remove staging.myapp.dev -a demo-staging": [
        "hkctl domains add staging.myapp.dev -a demo-staging"
    ],
    "hkctl access remove bob@demo-shop.example -a demo-staging": [
        "hkctl access add bob@demo-shop.example -a demo-staging"
    ],
    "hkctl drains remove DRAIN_ID -a demo-staging": [
        "hkctl drains add syslog+tls://logs.example.com:6514 -a demo-staging"
    ],
    "hkctl webhooks remove WEBHOOK_ID -a demo-staging": [
        "hkctl webhooks add --url https://hooks.example.com/x -i api:release -a demo-staging"
    ],
    "hkctl pg backups url -a demo-staging": ["hkctl pg backups capture -a demo-staging --wait"],
    "hkctl pg backups download -a demo-staging -o latest.dump": [
        "hkctl pg backups capture -a demo-staging --wait"
    ],
    "hkctl pipelines add demo-staging --pipeline demo --stage staging": [
        "hkctl pipelines remove demo-staging"
    ],
    "hkctl pipelines promotion ID": ["hkctl pipelines promote --pipeline demo"],
    "hkctl review-apps config --pipeline demo": [
        "hkctl review-apps config --pipeline demo --repo your-org/your-app --automatic"
    ],
}

#: lines whose text says they exit non-zero
EXIT: dict[str, int] = {
    'hkctl run --wait "exit 3"': 3,
}
#: the demo's production app is unhealthy on purpose (H12, R14 in its log): health over it exits 1
UNHEALTHY = re.compile(r"^hkctl (fleet health|health demo-production|health --pipeline)")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("checkout")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, env=env)
    subprocess.run(
        ["git", "remote", "add", "heroku", f"https://git.heroku.com/{STG}.git"], cwd=root, check=True, env=env
    )
    return root


def _person(plan: str, question: str) -> str:
    named = re.search(r"Type the app names? \(([^)]*)\)", question)
    return named.group(1) if named else "yes"


def _run(hk, line: str):
    argv = shlex.split(line)[1:]
    res = hk.cli(*argv)
    if res.code == 3 and "readonly" in res.err:
        res = hk.cli(*argv, env=hk.env(HEROKU_PERMISSION="full"), confirmer=_person)
    return res


def _ids(hk, line: str) -> str:
    """Put the demo sandbox's real ids where the text has a placeholder."""

    def first(*argv: str, key: str = "id") -> str:
        return json.loads(hk.cli(*argv, "--json").out)[0][key]

    if "BUILD_ID" in line:
        line = line.replace("BUILD_ID", first("builds", "-a", STG))
    if "SLUG_ID" in line:
        line = line.replace("SLUG_ID", first("releases", "-a", STG, key="slug")["id"])
    if "DRAIN_ID" in line:
        line = line.replace("DRAIN_ID", first("drains", "-a", STG))
    if "WEBHOOK_ID" in line:
        line = line.replace("WEBHOOK_ID", first("webhooks", "-a", STG))
    if "tokens revoke ID" in line:
        line = line.replace("ID", first("auth", "tokens", "list"))
    if "promotion ID" in line:
        pid = hk.sandbox.store.all("pipeline-promotion")[-1]["id"]
        line = line.replace("promotion ID", f"promotion {pid}")
    return line


@pytest.mark.parametrize(("doc", "raw", "line"), RUNNABLE, ids=[f"{d}: {line}" for d, _, line in RUNNABLE])
def test_the_line_runs_and_exits_as_the_text_says(hk, checkout, monkeypatch, doc, raw, line):
    monkeypatch.chdir(checkout)
    for step in BEFORE.get(line, []):
        before = _run(hk, step)
        assert before.code == 0, f"{step}: {before.err}"
    res = _run(hk, _ids(hk, line))
    expected = EXIT.get(line, 1 if UNHEALTHY.match(line) else 0)
    assert res.code == expected, f"{doc}: `{raw}` exited {res.code}: {res.err[-600:]}"


def test_most_lines_run():
    described = [raw for _, raw, line in lines() if not line]
    assert len(RUNNABLE) >= 100, (len(RUNNABLE), described)
