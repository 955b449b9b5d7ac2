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


def resolve_token(settings: Settings) -> Token:
    """The token to use, or NoToken (exit 2) naming both places that were looked at."""
    value = (settings.env.get("HEROKU_API_KEY") or "").strip()
    if value:
        return Token(value, "HEROKU_API_KEY")
    path = settings.home / ".netrc"
    if path.is_file():
        try:
            entry = netrc.netrc(str(path)).authenticators(NETRC_MACHINE)
        except (netrc.NetrcParseError, OSError):
            entry = None
        if entry and entry[2]:
            return Token(entry[2], "~/.netrc")
    raise NoToken(NO_TOKEN_MESSAGE)
