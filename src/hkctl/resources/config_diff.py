"""Compare two apps' config vars: keys only in one, keys whose values differ, keys that match.

Values are compared, never returned unless asked (`reveal`): a diff of secrets shows key names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hkctl.resources import config_vars

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient


@dataclass(frozen=True)
class ConfigDiff:
    """Two apps' config vars compared, by key (sorted lists); values are kept aside, never shown unasked."""

    left: str
    right: str
    only_left: list[str]
    only_right: list[str]
    different: list[str]
    same: list[str]
    _values: tuple[dict[str, str], dict[str, str]] = field(repr=False, default=({}, {}))

    @property
    def differs(self) -> bool:
        """True when a key is in one app only or its values differ."""
        return bool(self.only_left or self.only_right or self.different)

    def value(self, side: str, key: str) -> str | None:
        """The value of `key` on the `left` or `right` side (None when that side lacks it)."""
        return (self._values[0] if side == "left" else self._values[1]).get(key)

    def rows(self) -> list[tuple[str, str]]:
        """(status, key) sorted by key: `-` only left, `+` only right, `~` different, `=` same."""
        marks = {
            **dict.fromkeys(self.only_left, "-"),
            **dict.fromkeys(self.only_right, "+"),
            **dict.fromkeys(self.different, "~"),
            **dict.fromkeys(self.same, "="),
        }
        return sorted(((m, k) for k, m in marks.items()), key=lambda r: r[1])

    def to_json(self, *, reveal: bool = False) -> dict[str, Any]:
        """{apps, only_in, different, same, differs}, plus `values` per key only when `reveal`."""
        out: dict[str, Any] = {
            "apps": [self.left, self.right],
            "only_in": {self.left: self.only_left, self.right: self.only_right},
            "different": self.different,
            "same": self.same,
            "differs": self.differs,
        }
        if reveal:
            left, right = self._values
            out["values"] = {
                k: {self.left: left.get(k), self.right: right.get(k)}
                for k in sorted({*self.only_left, *self.only_right, *self.different, *self.same})
            }
        return out


def compare(left_name: str, left: dict[str, str], right_name: str, right: dict[str, str]) -> ConfigDiff:
    """Pure comparison of two config maps."""
    both = set(left) & set(right)
    return ConfigDiff(
        left=left_name,
        right=right_name,
        only_left=sorted(set(left) - set(right)),
        only_right=sorted(set(right) - set(left)),
        different=sorted(k for k in both if left[k] != right[k]),
        same=sorted(k for k in both if left[k] == right[k]),
        _values=(dict(left), dict(right)),
    )


def diff(client: HerokuClient, app1: str, app2: str) -> ConfigDiff:
    """Fetch both apps' config (GET /apps/{app}/config-vars, twice; values go to the redactor) and compare
    them; NotFound when either app does not exist."""
    return compare(app1, config_vars.show(client, app1), app2, config_vars.show(client, app2))
