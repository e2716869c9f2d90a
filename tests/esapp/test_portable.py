"""The build runs where POSIX-only calls are missing (Windows has none of these names) and gives the same bytes.

Each name below exists on Linux and macOS but not on Windows (Python's ``os`` documentation marks them
"Availability: Unix"); the test removes them from ``os``, takes away ``fcntl``, linkat-style
``follow_symlinks`` support, ``utime`` through a descriptor and the rename-exchange system call, then
validates and builds the fixture pack.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from contentpack.esapp import builder, output
from contentpack.esapp.output import MARKER

from . import factory

VALID_PACK = Path(__file__).parents[1] / "content" / "fixtures" / "valid"
POSIX_ONLY = ("O_NOFOLLOW", "O_CLOEXEC", "O_DIRECTORY", "geteuid", "getuid", "getegid", "getgid", "fork",
              "forkpty", "register_at_fork", "getloadavg", "sched_getaffinity", "WNOHANG", "killpg", "setsid",
              "getpgid", "sync", "fchown", "lchown")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _build_twice(pack: Path, out: Path) -> None:
    """A first build and a rebuild (which takes unchanged files over from the first)."""
    first = builder.build(pack, out, environ=factory.ENV)
    again = builder.build(pack, out, environ=factory.ENV)
    assert first.ok and again.ok, (first.stopped_by, again.stopped_by)
    assert again.reused_files == len(_tree(out)) - 1  # every file but the marker taken over


def test_the_build_without_posix_only_calls_gives_the_same_output(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(VALID_PACK, pack)
    _build_twice(pack, tmp_path / "posix")
    removed = [name for name in POSIX_ONLY if hasattr(os, name)]
    assert "O_NOFOLLOW" in removed or sys.platform == "win32"
    for name in removed:
        monkeypatch.delattr(os, name)
    monkeypatch.setitem(sys.modules, "fcntl", None)  # import fcntl -> ImportError, as on Windows
    monkeypatch.setattr(os, "supports_follow_symlinks", set())
    monkeypatch.setattr(os, "supports_fd", set())  # no utime through a descriptor
    monkeypatch.setattr(output, "exchange", lambda a, b: False)
    monkeypatch.setenv("CONTENTPACK_CACHE_DIR", str(tmp_path / "cache"))  # the parse cache is written too
    _build_twice(pack, tmp_path / "portable")
    assert _tree(tmp_path / "portable") == _tree(tmp_path / "posix")
    assert (tmp_path / "portable" / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "pack", "portable", "posix"]
