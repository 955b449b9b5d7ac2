"""The official CLI's command names (`config:get`, `ps:scale`, `maintenance:on`) as aliases of hkctl's spaced ones.

One table, ALIASES; `expand()` rewrites the first word of a command line, README.md's table is
generated from it (`python -m hkctl.cli._aliases README.md`), and a test checks that every entry
names a real hkctl command. An unknown colon command is bad input that suggests the spaced form.
"""

from __future__ import annotations

import sys

from hkctl.errors import UsageError

#: official CLI command -> hkctl words
ALIASES: dict[str, str] = {
    "apps": "apps list",
    "apps:info": "apps info",
    "info": "apps info",
    "apps:create": "apps create",
    "create": "apps create",
    "apps:rename": "apps rename",
    "apps:destroy": "apps destroy",
    "destroy": "apps destroy",
    "maintenance": "apps maintenance show",
    "maintenance:on": "apps maintenance on",
    "maintenance:off": "apps maintenance off",
    "config": "config show",
    "config:get": "config get",
    "config:set": "config set",
    "config:add": "config set",
    "config:unset": "config unset",
    "config:remove": "config unset",
    "ps": "ps",
    "ps:scale": "ps scale",
    "scale": "ps scale",
    "ps:restart": "ps restart",
    "restart": "ps restart",
    "ps:stop": "ps stop",
    "ps:kill": "ps stop",
    "stop": "ps stop",
    "run": "run",
    "run:detached": "run",
    "logs": "logs",
    "releases": "releases list",
    "releases:info": "releases info",
    "releases:rollback": "releases rollback",
    "rollback": "rollback",
    "builds": "builds list",
    "builds:info": "builds info",
    "builds:output": "builds output",
    "builds:create": "builds create",
    "addons": "addons list",
    "addons:info": "addons info",
    "addons:create": "addons create",
    "addons:add": "addons create",
    "addons:upgrade": "addons upgrade",
    "addons:downgrade": "addons upgrade",
    "addons:destroy": "addons destroy",
    "addons:remove": "addons destroy",
    "domains": "domains list",
    "domains:add": "domains add",
    "domains:remove": "domains remove",
    "certs": "certs list",
    "certs:add": "certs add",
    "certs:remove": "certs remove",
    "drains": "drains list",
    "drains:add": "drains add",
    "drains:remove": "drains remove",
    "access": "access list",
    "access:add": "access add",
    "access:remove": "access remove",
    "webhooks": "webhooks list",
    "webhooks:add": "webhooks add",
    "webhooks:remove": "webhooks remove",
    "webhooks:deliveries": "webhooks deliveries",
    "webhooks:events": "webhooks events",
    "pipelines": "pipelines list",
    "pipelines:info": "pipelines info",
    "pipelines:create": "pipelines create",
    "pipelines:add": "pipelines add",
    "pipelines:remove": "pipelines remove",
    "pipelines:promote": "pipelines promote",
    "pg": "pg info",
    "pg:info": "pg info",
    "pg:backups": "pg backups list",
    "pg:backups:capture": "pg backups capture",
    "pg:backups:url": "pg backups url",
    "pg:backups:download": "pg backups download",
    "auth:whoami": "auth whoami",
    "whoami": "auth whoami",
    "authorizations": "auth tokens list",
    "authorizations:create": "auth tokens create",
    "authorizations:revoke": "auth tokens revoke",
    "authorizations:destroy": "auth tokens revoke",
}


def expand(args: list[str], root_commands: set[str]) -> list[str]:
    """Rewrite an official command name at the head of `args` into hkctl's words.

    A word that is an hkctl command (`config`, `logs`) stays: its group default does the rest.
    Raises UsageError for a colon command that is not in the table.
    """
    if not args or args[0].startswith("-") or args[0] in root_commands:
        return args
    word = args[0]
    if word in ALIASES:
        return [*ALIASES[word].split(), *args[1:]]
    if ":" in word:
        spaced = " ".join(word.split(":"))
        raise UsageError(
            f"unknown command {word!r}: hkctl spells commands with spaces; try `hkctl {spaced} --help`"
        )
    return args


def markdown() -> str:
    """README.md's table: official command → hkctl command, grouped as the table is written."""
    lines = ["| official CLI | hkctl |", "|---|---|"]
    by_target: dict[str, list[str]] = {}
    for official, words in ALIASES.items():
        by_target.setdefault(words, []).append(official)
    for words, officials in by_target.items():
        names = ", ".join(f"`heroku {o}`" for o in officials)
        lines.append(f"| {names} | `hkctl {words}` |")
    return "\n".join(lines) + "\n"


START, END = "<!-- aliases:start -->", "<!-- aliases:end -->"


def replace_block(text: str) -> str:
    """`text` with the block between START and END replaced by markdown()."""
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{markdown()}{END}{tail}"


if __name__ == "__main__":  # python -m hkctl.cli._aliases README.md
    from pathlib import Path

    path = Path(sys.argv[1])
    path.write_text(replace_block(path.read_text(encoding="utf-8")), encoding="utf-8")
