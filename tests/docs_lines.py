"""The hkctl command lines of README.md and docs/cookbook.md, made runnable against the demo sandbox.

A line names apps the way a reader's would (`my-app-staging`); SUBSTITUTE maps those names to the
demo sandbox's. A line that is a template (`list|info`, `[vN]`, `...`, `CMD`) is described, not run.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCS = ("README.md", "docs/cookbook.md")

#: a reader's names -> the demo sandbox's (whole words)
SUBSTITUTE = {
    "my-app-staging": "demo-staging",
    "my-app-production": "demo-production",
    "my-app-stg": "demo-stg",
    "my-app": "demo-staging",
    "my-pipeline": "demo",
    "APP1": "demo-staging",
    "APP2": "demo-production",
    "APP": "demo-staging",
}
_TEMPLATE = re.compile(
    r"\[|\]|\\\||\.\.\.|…|<|>|\bCMD\b|\bPATH\b|\bFILE\b|\bURL\b|\bKEY\b|\bNAME\b|\bPLAN\b|\bvN\b|\bP\b|\bRE\b|\bMS\b|\bN\b|\bS\b|\bV\b|\bB\b|\bTYPE\b|\bDYNO\b|\bEMAIL\b|\bHOSTNAME\b|\bSTAGE\b|\bBRANCH\b|\bSIG\b|\bPREFIX\b|\bID\b"
)


_LONG = re.compile(
    r"\$|\bserve\b|\bmcp\b|--tail|--watch|\s-t\b|https://github\.com|--dir \.|fullchain\.pem|\bLOG\b"
)


#: commands named in a sentence, whose run needs what the sentence goes on to say (a file, stdin)
_MENTIONS = {"hkctl apply", "hkctl mcp", "hkctl ci build", "hkctl fleet", "hkctl fleet health"}
#: placeholders the runner fills with the sandbox's own ids (tests/test_docs_run.py)
DYNAMIC = re.compile(r"BUILD_ID|SLUG_ID|DRAIN_ID|WEBHOOK_ID|revoke ID --confirm ID|promotion ID")


def _spans(text: str) -> list[str]:
    # the official-CLI alias table maps names; its `hkctl ...` cells are not command lines
    head, _, rest = text.partition("<!-- aliases:start -->")
    text = head + rest.partition("<!-- aliases:end -->")[2]
    found = re.findall(r"`(hkctl [^`\n]+)`", text)
    in_block = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        if in_block and line.lstrip().startswith("hkctl "):
            found.append(line.strip())
    return found


def _clean(line: str) -> str:
    line = re.split(r"\s+#\s", line, maxsplit=1)[0]  # a trailing shell comment
    line = re.split(r"\s(?:&&|\|\||\||>|2>|<)\s", line, maxsplit=1)[0]  # only the hkctl part of a pipeline
    for mine, demo in SUBSTITUTE.items():
        line = re.sub(rf"(?<![\w-]){re.escape(mine)}(?![\w-])", demo, line)
    return line.strip()


def lines() -> list[tuple[str, str, str]]:
    """(document, line as written, runnable line or "" for a template), each distinct line once."""
    seen: dict[str, tuple[str, str, str]] = {}
    for doc in DOCS:
        for raw in _spans((REPO / doc).read_text(encoding="utf-8")):
            if raw in seen:
                continue
            clean = _clean(raw)
            try:
                shlex.split(clean)
            except ValueError:
                clean = ""
            bare = DYNAMIC.sub("", clean)
            template = _TEMPLATE.search(bare) or _LONG.search(bare) or clean in _MENTIONS
            runnable = "" if not clean or template else clean
            seen[raw] = (doc, raw, runnable)
    return list(seen.values())
