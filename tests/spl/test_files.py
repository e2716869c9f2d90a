"""``read_capped``: the whole file up to the cap, refused past it, whether ``fstat`` saw its size or not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contentpack.spl import files
from contentpack.spl.files import FileRefused, read_capped


def test_a_file_of_exactly_the_cap_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_bytes(b"a: 1\n" * 20)
    assert read_capped(path, 100) == b"a: 1\n" * 20


def test_an_empty_file_reads_as_no_bytes(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_bytes(b"")
    assert read_capped(path, 100) == b""


def test_a_file_over_the_cap_is_refused_with_its_size(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_bytes(b"x" * 101)
    with pytest.raises(FileRefused, match=r"^file is 101 bytes, over the 100-byte limit$") as caught:
        read_capped(path, 100)
    assert caught.value.too_large


def _reported_size(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """Make ``fstat`` report ``size`` bytes, as it would have before the file grew."""
    real = os.fstat

    def fstat(descriptor: int) -> os.stat_result:
        fields = list(real(descriptor))
        fields[6] = size  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(files.os, "fstat", fstat)


def test_bytes_past_the_size_fstat_reported_are_read_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # More than several reads' worth past the reported size, so the pieces are joined in order.
    data = bytes(range(256)) * 1000
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    _reported_size(monkeypatch, 10)
    assert read_capped(path, len(data)) == data


def test_a_file_that_grew_past_the_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.yml"
    path.write_bytes(b"x" * 101)
    _reported_size(monkeypatch, 50)
    with pytest.raises(FileRefused, match=r"^file is over the 100-byte limit$") as caught:
        read_capped(path, 100)
    assert caught.value.too_large


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "x.yml"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match=r"^a FIFO \(named pipe\), not a regular file: not read$") as caught:
        read_capped(fifo, 100)
    assert not caught.value.too_large


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileRefused, match=r"^a folder, not a regular file: not read$"):
        read_capped(tmp_path, 100)


def test_files_are_opened_in_binary_mode_where_the_system_has_a_text_mode(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # On Windows os.open reads in text mode unless O_BINARY is given (Python docs, os.open and "O_BINARY").
    path = tmp_path / "x.yml"
    path.write_bytes(b"a: 1\r\n\x1a b: 2\n")
    binary = 0x40000000  # a bit no POSIX open flag uses here
    seen: list[int] = []
    real_open = os.open

    def recording_open(name: str, flags: int, *args: int) -> int:
        seen.append(flags)
        return real_open(name, flags & ~binary, *args)

    monkeypatch.setattr(os, "O_BINARY", binary, raising=False)
    monkeypatch.setattr(os, "open", recording_open)
    assert read_capped(path, 100) == b"a: 1\r\n\x1a b: 2\n"
    assert seen and all(flags & binary for flags in seen)
