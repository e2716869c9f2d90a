"""Deterministic packaging and the atomic replacement of the output folder.

Same inputs, same bytes: members are sorted, every mtime is the build date, owner is root:root with empty
names, modes are 0644/0755, the gzip header carries the build date and no file name. Only regular files and
folders under ``<appid>/`` are written — no links, no absolute paths, no ``local/``, nothing outside the app.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath


class PackageError(ValueError):
    """A member path that must not be packaged, or an output folder that cannot be replaced."""


def check_member(path: str) -> PurePosixPath:
    """Refuse anything that could land outside the app folder or that Splunk apps must not ship."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(p in ("", ".", "..") for p in pure.parts) or "\\" in path:
        raise PackageError(f"unsafe member path {path!r}")
    if pure.parts[0] == "local" or pure.name == "local.meta":
        raise PackageError(f"{path}: an app package must not ship local/ settings")
    return pure


def _dirs(paths: list[PurePosixPath]) -> set[PurePosixPath]:
    out: set[PurePosixPath] = set()
    for p in paths:
        out.update(p.parents)
    out.discard(PurePosixPath("."))
    return out


def tarball_bytes(appid: str, files: Mapping[str, bytes], epoch: int) -> bytes:
    """The ``.tar.gz`` of ``files`` (paths relative to the app folder) under ``<appid>/``."""
    members = [check_member(p) for p in files]
    entries = sorted({PurePosixPath(appid) / p for p in members} | {PurePosixPath(appid) / d for d in _dirs(members)}
                     | {PurePosixPath(appid)})
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
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
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=epoch, compresslevel=3) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def write_tree(base: Path, files: Mapping[str, bytes], epoch: int, previous: Path | None = None) -> int:
    """Write ``files`` under ``base``; return how many were taken over from ``previous`` instead of written.

    A rebuild mostly writes what the last build wrote, and creating a file (a new inode) is by far the
    costliest step of writing a big pack's docs: on some file systems a create takes a millisecond or more,
    while a hard link to an identical file from the previous output takes a few microseconds. The previous
    output is never modified (a changed file always gets a new inode), so a failed build still leaves it
    exactly as it was, and once the swap removes the old tree each taken-over file has one name again.
    """
    folders: set[Path] = set()
    return sum(_place(_target(base, rel, folders), rel, files[rel], epoch, previous) for rel in sorted(files))


def write_until_taken(base: Path, names: Iterable[str], render: Callable[[str], bytes], epoch: int,
                      previous: Path | None = None) -> int:
    """Write ``names`` under ``base`` in the order given, each rendered just before it is written, until one
    is already there; return how many were taken over from ``previous`` (as ``write_tree``).

    Two processes share one list this way: one walks it from the front, the other from the back, and each
    stops where it meets the other's first file. Creating a file is the claim (``O_EXCL``, or a hard link,
    which fails the same way), so every file is written exactly once, by whichever process got there first,
    with no other coordination. Both must start from a folder in which none of the names exist yet.
    """
    reused = 0
    folders: set[Path] = set()
    for rel in names:
        target = _target(base, rel, folders)
        if os.path.lexists(target):
            break
        try:
            reused += _place(target, rel, render(rel), epoch, previous)
        except FileExistsError:  # the other process took it between the check and here
            break
    return reused


def _target(base: Path, rel: str, folders: set[Path]) -> Path:
    """Where ``rel`` goes under ``base``, its folder made (once per folder: ``folders`` remembers them)."""
    target = base / check_member(rel)
    if target.parent not in folders:
        target.parent.mkdir(parents=True, exist_ok=True)
        folders.add(target.parent)
    return target


def _place(target: Path, rel: str, data: bytes, epoch: int, previous: Path | None) -> bool:
    """Put ``data`` at ``target``: hard-linked from ``previous`` when identical there (True), else written."""
    if previous is not None and _link_identical(previous / rel, target, data, epoch):
        return True
    _create(target, data, epoch)
    return False


def _create(target: Path, data: bytes, epoch: int) -> None:
    """Write a new file; never an existing one, so no file of the previous output (linked in) is ever changed."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.utime(target, (epoch, epoch))


def _link_identical(old: Path, target: Path, data: bytes, epoch: int) -> bool:
    """Hard-link ``old`` to ``target`` if it is exactly the file this build would write, else do nothing.

    Only a plain file of ours that has no other name (so no outside file can end up sharing an inode with
    the output), is not writable by others, carries the build date and holds the same bytes qualifies. The
    checks run on an open descriptor (no symlink followed) and the link is verified to be that same inode,
    so swapping the file between check and link cannot smuggle anything else in.
    """
    try:
        fd = os.open(old, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not (stat.S_ISREG(info.st_mode) and info.st_nlink == 1 and info.st_uid == os.geteuid()
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
        os.link(old, target, follow_symlinks=False)
    except OSError:
        return False
    linked = os.lstat(target)
    if (linked.st_dev, linked.st_ino) != (info.st_dev, info.st_ino):
        target.unlink()
        return False
    return True


def check_replaceable(output: Path, owned: Callable[[Path], bool], protected: Path | None = None) -> None:
    """Refuse to replace anything but a previous build output: the folder is deleted after the swap, so
    ``--output .`` or ``--output src`` must never get that far."""
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise PackageError(f"{output} exists and is not a folder; refusing to replace it")
    if protected is not None:
        guarded = protected.resolve()
        target = output.resolve()
        if target == guarded or target in guarded.parents:
            raise PackageError(f"{output} holds the pack itself; choose another output folder")
    if output.is_dir():
        strangers = sorted(p.name for p in output.iterdir() if not owned(p))
        if strangers:
            raise PackageError(f"{output} does not look like a build output (it holds {', '.join(strangers[:5])}); "
                               "refusing to replace it")


@contextmanager
def staged_output(output: Path, owned: Callable[[Path], bool] = lambda p: True,
                  protected: Path | None = None) -> Iterator[Path]:
    """A fresh sibling temp folder to write the new output into; swapped in for ``output`` on success.

    The old output stays untouched until everything was written; on any error the temp folder is removed and
    ``output`` is exactly as before (renames on one file system, so no half-written dist/ is ever visible
    under ``output``'s name). ``owned`` says which entries of an existing output a build may replace.
    """
    output = output.absolute()
    check_replaceable(output, owned, protected)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    try:
        yield staging
        staging.chmod(0o755)
        backup = output.parent / f"{staging.name}.old"
        had_old = output.exists()
        if had_old:
            output.rename(backup)
        try:
            staging.rename(output)
        except OSError:
            if had_old:
                backup.rename(output)
            raise
        if had_old:
            shutil.rmtree(backup)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
