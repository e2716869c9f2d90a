"""Deterministic packaging, and writing the output's files (taking unchanged ones over from the last build).

Same inputs, same bytes: members are sorted, every mtime is the build date, owner is root:root with empty
names, modes are 0644/0755, the gzip header carries the build date and no file name. Only regular files and
folders under ``<appid>/`` are written — no links, no absolute paths, no ``local/``, nothing outside the app.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import tarfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath


class PackageError(ValueError):
    """A member path that must not be packaged: ``path`` (relative to the app folder) and why (``reason``), kept
    apart so the build can report the problem at the member (BD003)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


# Flags that exist only on some systems: without them, O_EXCL still refuses to write through a link at the
# final name, and the take-over check below compares the opened file with the name it linked.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def check_member(path: str) -> PurePosixPath:
    """Refuse anything that could land outside the app folder or that Splunk apps must not ship."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(p in ("", ".", "..") for p in pure.parts) or "\\" in path:
        raise PackageError(path, f"unsafe member path {path!r}")
    if pure.parts[0] == "local" or pure.name == "local.meta":
        raise PackageError(path, "an app package must not ship local/ settings")
    return pure


def _dirs(paths: list[PurePosixPath]) -> set[PurePosixPath]:
    out: set[PurePosixPath] = set()
    for p in paths:
        out.update(p.parents)
    out.discard(PurePosixPath("."))
    return out


def tarball_bytes(appid: str, files: Mapping[str, bytes], epoch: int) -> bytes:
    """The ``.tar.gz`` of ``files`` (paths relative to the app folder) under ``<appid>/``.

    The tar stream goes straight into the compressor: building the whole uncompressed tar first and copying it
    into gzip held two more copies of every file of the app (the .conf files alone are megabytes on a big
    pack), for the same bytes (deflate's output does not depend on how its input arrives).
    """
    members = [check_member(p) for p in files]
    entries = sorted({PurePosixPath(appid) / p for p in members} | {PurePosixPath(appid) / d for d in _dirs(members)}
                     | {PurePosixPath(appid)})
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=epoch, compresslevel=3) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            rel = entry.relative_to(appid).as_posix()
            info = tarfile.TarInfo(entry.as_posix())
            info.mtime = epoch
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            data = files.get(rel) if rel != "." else None
            if data is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                info.mode = 0o644
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def write_tree(base: Path, files: Mapping[str, bytes], epoch: int, previous: Path | None = None) -> int:
    """Write ``files`` under ``base``; return how many were taken over from ``previous`` instead of written.

    A rebuild mostly writes what the last build wrote, and creating a file (a new inode) is the costliest
    step of writing a big pack's docs, far more than linking an existing one. The previous
    output is never modified (a changed file always gets a new inode), so a failed build still leaves it
    exactly as it was, and once the swap removes the old tree each taken-over file has one name again.
    """
    if previous is not None and not previous.is_dir():
        previous = None  # a first build: no file to look for there, one by one
    folders: set[str] = set()
    root = os.fspath(base)
    return sum(_place(_target(root, rel, folders), rel, files[rel], epoch, previous) for rel in sorted(files))


def _target(base: str, rel: str, folders: set[str]) -> str:
    """Where ``rel`` goes under ``base``, its folder made (once per folder: ``folders`` remembers them).

    Plain strings rather than ``Path`` objects: a big pack's docs are thousands of files, and each ``Path``
    parses its text again.
    """
    target = os.path.join(base, *check_member(rel).parts)
    parent = os.path.dirname(target)
    if parent not in folders:
        os.makedirs(parent, exist_ok=True)
        folders.add(parent)
    return target


def _place(target: str, rel: str, data: bytes, epoch: int, previous: Path | None) -> bool:
    """Put ``data`` at ``target``: hard-linked from ``previous`` when identical there (True), else written."""
    if previous is not None and _link_identical(previous / rel, Path(target), data, epoch):
        return True
    _create(target, data, epoch)
    return False


def _create(target: str, data: bytes, epoch: int) -> None:
    """Write a new file; never an existing one, so no file of the previous output (linked in) is ever changed."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY, 0o644)
    by_fd = os.utime in os.supports_fd  # saves looking the name up again; Windows cannot
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if by_fd:
            os.utime(fd, (epoch, epoch))
    finally:
        os.close(fd)
    if not by_fd:
        os.utime(target, (epoch, epoch))


def _mine(info: os.stat_result) -> bool:
    """Owned by this user, where files have owners this process can compare with (not on Windows)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is None or info.st_uid == geteuid()


def _link_identical(old: Path, target: Path, data: bytes, epoch: int) -> bool:
    """Hard-link ``old`` to ``target`` if it is exactly the file this build would write, else do nothing.

    Only a plain file of ours that has no other name (so no outside file can end up sharing an inode with
    the output), is not writable by others, carries the build date and holds the same bytes qualifies. The
    checks run on an open descriptor (no symlink followed) and the link is verified to be that same inode,
    so swapping the file between check and link cannot smuggle anything else in.
    """
    try:
        fd = os.open(old, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _BINARY)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        named = os.lstat(old)  # the name itself, in case the open followed a link (no O_NOFOLLOW here)
        if (named.st_dev, named.st_ino) != (info.st_dev, info.st_ino):
            return False
        if not (stat.S_ISREG(info.st_mode) and info.st_nlink == 1 and _mine(info)
                and not info.st_mode & 0o022 and info.st_size == len(data) and int(info.st_mtime) == epoch):
            return False
        with os.fdopen(os.dup(fd), "rb") as handle:
            if handle.read(len(data) + 1) != data:
                return False
    except OSError:
        return False
    finally:
        os.close(fd)
    try:
        if os.link in os.supports_follow_symlinks:
            os.link(old, target, follow_symlinks=False)
        else:  # no linkat (Windows): a link that followed one is caught by the inode check below
            os.link(old, target)
    except (OSError, NotImplementedError):
        return False
    linked = os.lstat(target)
    if (linked.st_dev, linked.st_ino) != (info.st_dev, info.st_ino):
        target.unlink()
        return False
    return True
