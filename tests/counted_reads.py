"""Files whose reads are counted, or refused past a byte: a reader streams a file when it gives its first events
before reading its end, which these show without measuring time or memory."""

from __future__ import annotations

import io
import os
from types import ModuleType
from typing import Any

import pytest

BUFFER = 4096  # the buffer of a counted file: a reader asking for more is read no further than that


class CountedFile(io.FileIO):
    """A file opened for reading whose bytes read are counted; past ``limit`` bytes a read fails the test."""

    def __init__(self, path: str | os.PathLike[str], limit: int | None = None) -> None:
        super().__init__(path, "rb")
        self.read_bytes = 0
        self.limit = limit

    def readinto(self, buffer: Any) -> int | None:
        if self.limit is not None and self.read_bytes >= self.limit:
            raise AssertionError(f"read past byte {self.limit:,} of {self.name}: the file is read whole")
        count = super().readinto(buffer)
        self.read_bytes += count or 0
        return count


def counted_opens(monkeypatch: pytest.MonkeyPatch, module: ModuleType, limit: int | None = None) -> list[CountedFile]:
    """Make ``module``'s ``open(path, "rb", ...)`` open a :class:`CountedFile` (buffered by ``BUFFER`` bytes); the
    files opened are appended to the list returned, in the order opened."""
    opened: list[CountedFile] = []

    def counted_open(path: str | os.PathLike[str], mode: str = "r", *_: object, **__: object) -> io.BufferedReader:
        assert mode == "rb", mode
        counted = CountedFile(path, limit)
        opened.append(counted)
        return io.BufferedReader(counted, BUFFER)

    monkeypatch.setattr(module, "open", counted_open, raising=False)
    return opened
