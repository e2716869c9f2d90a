"""Test helper shared by the YAML fuzzers (tests/content, tests/hostile): every key path of a parsed document."""

from __future__ import annotations

from typing import Any


def key_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path of a YAML document, the document itself (``()``) first, then depth first."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += key_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += key_paths(value, (*prefix, index))
    return found
