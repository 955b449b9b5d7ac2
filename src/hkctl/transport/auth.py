"""Where the token comes from: HEROKU_API_KEY, else the api.heroku.com entry of ~/.netrc.

The official CLI stores its token in ~/.netrc under `machine api.heroku.com`; reading the same
entry means a logged-in user needs no extra step. The token is only ever sent to API hosts.
"""

from __future__ import annotations

import netrc
from dataclasses import dataclass

from hkctl.config import Settings
from hkctl.errors import NoToken

NETRC_MACHINE = "api.heroku.com"
NO_TOKEN_MESSAGE = (
    "no Heroku token: set HEROKU_API_KEY (e.g. export HEROKU_API_KEY=$(heroku auth:token)) "
    "or log in with the Heroku CLI so that ~/.netrc has an api.heroku.com entry"
)


@dataclass(frozen=True)
class Token:
    value: str
    source: str  # "HEROKU_API_KEY" or "~/.netrc"
    notes: tuple[str, ...] = ()  # what reading ~/.netrc skipped (said with --verbose)


_KEYWORDS = {"login", "password", "account"}


def read_netrc(text: str, machine: str) -> tuple[str | None, list[str]]:
    """The password of `machine` in a .netrc text, and the lines skipped on the way.

    More forgiving than Python's `netrc`, which rejects a whole file over one keyword it does not
    know (`protocol`, `port`, as other tools write them): an unknown keyword and its value are
    skipped and noted; `macdef` bodies (up to an empty line) are skipped.
    """
    tokens: list[tuple[int, str]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        words = lines[i].split()
        if words and words[0] == "macdef":  # a macro body runs to the next empty line
            i += 1
            while i < len(lines) and lines[i].strip():
                i += 1
            continue
        tokens += (
            [(i + 1, w) for w in words if not w.startswith("#")]
            if not lines[i].lstrip().startswith("#")
            else []
        )
        i += 1
    notes: list[str] = []
    current: str | None = None
    found: dict[str, str] = {}
    k = 0
    while k < len(tokens):
        line, word = tokens[k]
        if word == "machine" and k + 1 < len(tokens):
            if current == machine:
                break
            current = tokens[k + 1][1]
            k += 2
        elif word == "default":
            if current == machine:
                break
            current = None
            k += 1
        elif word in _KEYWORDS and k + 1 < len(tokens):
            if current == machine:
                found[word] = tokens[k + 1][1]
            k += 2
        else:
            notes.append(f"~/.netrc line {line}: skipped unknown keyword {word!r} (machine {current or '?'})")
            k += 2
    return found.get("password"), notes


def resolve_token(settings: Settings) -> Token:
    """The token to use, or NoToken (exit 2) naming both places that were looked at."""
    value = (settings.env.get("HEROKU_API_KEY") or "").strip()
    if value:
        return Token(value, "HEROKU_API_KEY")
    path = settings.home / ".netrc"
    if path.is_file():
        notes: list[str] = []
        try:
            entry = netrc.netrc(str(path)).authenticators(NETRC_MACHINE)
            password = entry[2] if entry else None
        except netrc.NetrcParseError as exc:  # e.g. `protocol`/`port` in another machine's entry
            try:
                password, notes = read_netrc(path.read_text(errors="replace"), NETRC_MACHINE)
            except OSError:
                password = None
            notes.insert(
                0, f"~/.netrc: Python's netrc refused it ({exc.msg}, line {exc.lineno}); read leniently"
            )
        except OSError:
            password = None
        if password:
            return Token(password, "~/.netrc", tuple(notes))
    raise NoToken(NO_TOKEN_MESSAGE)
