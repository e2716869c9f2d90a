"""A file of one 64 MB line without a newline, and the peak memory of reading it: the readers that must never
hold a line whole (``spl.events.capped_lines`` and those built on it) are measured here with tracemalloc."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def runaway_file(path: Path, head: bytes) -> Path:
    """``head`` then 64 MB of ``a``, no newline."""
    with path.open("wb") as out:
        out.write(head)
        for _ in range(64):
            out.write(b"a" * 1_000_000)
    return path


def peak_of(read: Callable[[], T]) -> tuple[T, int]:
    """What ``read`` returns and the most memory (bytes, tracemalloc) it held at once."""
    tracemalloc.start()
    try:
        result = read()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
