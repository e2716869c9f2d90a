"""``atomic_write.write_atomically``: what a failure leaves, and which path its error names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contentpack.atomic_write import write_atomically


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b"old")
    write_atomically(target, [b"n", b"ew"])
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_folder_in_the_targets_place_is_named_not_the_temporary_file(tmp_path: Path) -> None:
    """The rename fails because of the target, so the error names it: the temporary file beside it is an
    implementation detail the user never asked for, and it is gone by the time they read the message."""
    target = tmp_path / "notables.jsonl"
    target.mkdir()
    with pytest.raises(IsADirectoryError) as caught:
        write_atomically(target, [b"data"])
    assert caught.value.filename == str(target) and caught.value.filename2 is None
    assert [p.name for p in tmp_path.iterdir()] == ["notables.jsonl"]  # no temporary file left


def test_a_failing_chunk_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b"old")

    def chunks() -> Iterator[bytes]:
        yield b"half"
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, chunks())
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["report.json"]
