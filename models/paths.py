"""Dotted field paths ("children.0.voice.wishes_and_feelings"): the one walker, over a record's
JSON form (amendments) and over the record itself (the visit recorder's fields)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["walk"]


def walk(node: Any, parts: Iterable[str]) -> Any:
    """What `parts` of a dotted path lead to: list items by index, dict items by key, attributes
    of anything else. LookupError naming the first part that is not there."""
    for part in parts:
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise LookupError(part)
            node = node[int(part)]
        elif isinstance(node, dict):
            if part not in node:
                raise LookupError(part)
            node = node[part]
        elif part.startswith("_") or not hasattr(node, part):
            raise LookupError(part)
        else:
            node = getattr(node, part)
    return node
