"""Where the token comes from: HEROKU_API_KEY, else the ~/.netrc entry of the configured API host.

The official CLI stores its token in ~/.netrc under `machine api.heroku.com`; reading the same
entry means a logged-in user needs no extra step. As the official CLI does for HEROKU_HOST, the
entry read is the one named after the API host hkctl sends to (`machine 127.0.0.1` for a sandbox
on loopback): the api.heroku.com credential is never sent to another host, and a `default` entry
is never used (it was written for some other tool).
"""

from __future__ import annotations

import netrc
from dataclasses import dataclass
from urllib.parse import urlsplit

from hkctl.config import Settings
from hkctl.errors import NoToken

NETRC_MACHINE = "api.heroku.com"
NO_TOKEN_MESSAGE = (
    "no Heroku token: set HEROKU_API_KEY (e.g. export HEROKU_API_KEY=$(heroku auth:token)) "
    "or log in with the Heroku CLI so that ~/.netrc has an api.heroku.com entry"
)


def netrc_machine(settings: Settings) -> str:
    """The ~/.netrc machine whose password is sent: the configured API URL's host (api.heroku.com by default)."""
    return (urlsplit(settings.api_url).hostname or NETRC_MACHINE).lower()


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


def _one_word(value: str, source: str) -> str:
    """The token, or NoToken (exit 2) when a header cannot carry it: sending it failed with an error that
    quoted the header escaped (`b'Bearer HRKU-…\\nx'`), where the redactor did not recognise it."""
    if value.isascii() and value.isprintable() and not any(c.isspace() for c in value):
        return value
    raise NoToken(
        f"the token in {source} holds a line break, a space or a character an HTTP header cannot carry "
        "(a Heroku token is one word of printable ASCII, e.g. the output of `heroku auth:token` alone); "
        "it was not sent and is not shown"
    )


def resolve_token(settings: Settings) -> Token:
    """The token to use, or NoToken (exit 2) naming both places that were looked at."""
    value = (settings.env.get("HEROKU_API_KEY") or "").strip()
    if value:
        return Token(_one_word(value, "HEROKU_API_KEY"), "HEROKU_API_KEY")
    path = settings.home / ".netrc"
    machine = netrc_machine(settings)
    if path.is_file():
        notes: list[str] = []
        try:
            entry = netrc.netrc(str(path)).hosts.get(machine)  # not `authenticators`: no `default`
            password = entry[2] if entry else None
        except netrc.NetrcParseError as exc:  # e.g. `protocol`/`port` in another machine's entry
            try:
                password, notes = read_netrc(path.read_text(errors="replace"), machine)
            except OSError:
                password = None
            notes.insert(
                0, f"~/.netrc: Python's netrc refused it ({exc.msg}, line {exc.lineno}); read leniently"
            )
        except OSError:
            password = None
        if password:
            return Token(_one_word(password, "~/.netrc"), "~/.netrc", tuple(notes))
    if machine != NETRC_MACHINE:
        raise NoToken(
            f"no Heroku token for {machine}: set HEROKU_API_KEY, or add a `machine {machine}` entry to "
            f"~/.netrc (the api.heroku.com entry is only ever sent to api.heroku.com)"
        )
    raise NoToken(NO_TOKEN_MESSAGE)
