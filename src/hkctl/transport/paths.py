"""Pieces of request paths, for the modules that build them (resources/) without loading the client."""

from __future__ import annotations

from urllib.parse import quote


def seg(value: object) -> str:
    """A path segment, URL-quoted: identifiers never break out of their place in the path."""
    return quote(str(value), safe="@~")
