"""The Heroku git remotes of the repository around a directory, read from its config (no `git` spawned).

Finds the repository by walking up from the directory to the first `.git` (a directory, or a file
`gitdir: PATH` as in a worktree or submodule; a worktree's `commondir` leads to the shared config),
reads `[remote "NAME"] url = ...` from that config, and keeps the remotes whose URL names a Heroku
app: `https://git.heroku.com/APP.git`, `git@heroku.com:APP.git` or `ssh://git@heroku.com/APP.git`.
`include.path` files and `insteadOf` rewrites are not followed (a remote set up by `heroku git:remote`
or `heroku create` needs neither).
"""

from __future__ import annotations

import re
from pathlib import Path

# patterns, compiled (and cached by `re`) on first use: most commands import this module (through
# cli/_app.py), few read a git remote
_HEROKU_URL = r"^(?:https://git\.heroku\.com/|git@heroku\.com:|ssh://git@heroku\.com/)(?P<app>[a-z0-9][a-z0-9-]*?)(?:\.git)?/?$"
_SECTION = r'^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]'


def app_from_url(url: str) -> str | None:
    """The app a Heroku git URL names (`https://git.heroku.com/demo.git` → `demo`), else None."""
    m = re.match(_HEROKU_URL, url.strip())
    return m.group("app") if m else None


def find_config(start: Path) -> Path | None:
    """The config file of the repository containing `start` (walking up its parents), or None."""
    for folder in [start, *start.parents]:
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return _common_dir(dot_git) / "config"
        if dot_git.is_file():
            gitdir = _gitdir_of(dot_git)
            return _common_dir(gitdir) / "config" if gitdir else None
    return None


def _gitdir_of(dot_git_file: Path) -> Path | None:
    try:
        text = dot_git_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("gitdir:"):
            target = Path(line.partition(":")[2].strip())
            return target if target.is_absolute() else (dot_git_file.parent / target).resolve()
    return None


def _common_dir(gitdir: Path) -> Path:
    """A worktree's private git dir names the shared one in `commondir`; a plain repository is its own."""
    try:
        common = (gitdir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return gitdir
    path = Path(common)
    return path if path.is_absolute() else (gitdir / path).resolve()


def read_remotes(config: Path) -> dict[str, str]:
    """`{remote name: url}` from a git config file, in file order; a missing file gives {}."""
    try:
        text = config.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    remotes: dict[str, str] = {}
    remote: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            m = re.match(_SECTION, line)
            remote = m.group(2) if m and m.group(1).lower() == "remote" and m.group(2) is not None else None
            continue
        if remote is None:
            continue
        key, eq, value = line.partition("=")
        if eq and key.strip().lower() == "url" and remote not in remotes:
            remotes[remote] = _value(value)
    return remotes


def _value(value: str) -> str:
    """A config value without its trailing comment and surrounding quotes."""
    out, quoted = [], False
    for ch in value.strip():
        if ch == '"':
            quoted = not quoted
            continue
        if ch in "#;" and not quoted:
            break
        out.append(ch)
    return "".join(out).strip()


def heroku_remotes(start: Path) -> dict[str, str]:
    """`{remote name: app}` for the Heroku remotes of the repository around `start` ({} outside one)."""
    config = find_config(start)
    if config is None:
        return {}
    found = {}
    for name, url in read_remotes(config).items():
        app = app_from_url(url)
        if app:
            found[name] = app
    return found
