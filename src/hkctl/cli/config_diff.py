"""hkctl config diff: compare two apps' config vars by key (values only with --reveal)."""

from __future__ import annotations

import click

from hkctl.cli._common import Env, json_option, pass_env
from hkctl.cli.config import cli as config_group
from hkctl.render.output import emit_json, emit_table, say
from hkctl.resources import config_diff

# Registered on the `config` group; the discovery in cli/main.py imports this module (it has no
# `cli` of its own), and cli/config.py imports it too so the subcommand exists whichever loads first.
_STATUS = {"-": "only in {left}", "+": "only in {right}", "~": "differs", "=": "same"}


@config_group.command("diff")
@click.argument("app1")
@click.argument("app2")
@click.option("--reveal", is_flag=True, help="Also print the values (they are secrets).")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the configs differ (like git diff --exit-code).")
@click.option("--all", "show_all", is_flag=True, help="Also list the keys that match.")
@json_option
@pass_env
def diff_cmd(
    env: Env, app1: str, app2: str, reveal: bool, exit_code: bool, show_all: bool, as_json: bool
) -> None:
    """Compare APP1 and APP2: keys only in one, keys whose values differ, keys that match."""
    d = config_diff.diff(env.client(), app1, app2)
    if as_json:
        emit_json(env.io, d.to_json(reveal=reveal))
    else:
        rows = [r for r in d.rows() if show_all or r[0] != "="]
        columns = [
            ("", lambda r: r[0]),
            ("key", lambda r: r[1]),
            ("status", lambda r: _STATUS[r[0]].format(left=app1, right=app2)),
        ]
        if reveal:
            columns += [
                (app1, lambda r: d.value("left", r[1]) or ""),
                (app2, lambda r: d.value("right", r[1]) or ""),
            ]
        emit_table(env.io, rows, columns)
        say(
            env.io,
            f"{app1} vs {app2}: {len(d.only_left)} only in {app1}, {len(d.only_right)} only in {app2}, "
            f"{len(d.different)} differ, {len(d.same)} same" + ("" if reveal else " (values not shown)"),
        )
    if exit_code and d.differs:
        raise click.exceptions.Exit(1)
