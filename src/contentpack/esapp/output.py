"""Replacing the build's output folder: only its own previous output, and never leaving nothing behind.

The new output is written into a staging folder beside the output (``.<name>.building-<random>``) and
swapped in once complete, so a failed build changes nothing. Three promises:

- **Only what the build made is ever replaced.** Every output carries a marker file (``MARKER``, at the top
  of the output folder, outside the app folder and the tarball) listing the entries the build wrote. A folder
  without it, or holding anything the marker does not list (a folder of Splunk apps with their ``local/``
  settings, a ``docs/`` and a tarball copied there by hand), is refused untouched unless ``force`` is given;
  the pack's own folder (or one holding it) is refused even then. (Outputs written before the marker existed
  are recognised by their exact shape, so that upgrading does not make every ``dist/`` need ``--force``.)
- **The output folder exists at every instant.** Where the system can exchange two names in one step
  (Linux ``renameat2(RENAME_EXCHANGE)``, macOS ``renamex_np(RENAME_SWAP)``), the staging folder and the old
  output trade places and the old one is removed afterwards: at every instant the output is the old build
  or the new one. Elsewhere the output folder itself is never renamed: its entries are replaced one by one
  (each old entry moved aside into ``<staging>.old`` just before the new one moves in, the marker last, then
  old entries the new build lacks moved aside too). A kill part-way leaves the folder with some entries
  already new; the next build finishes that swap (the new build was complete before it began) before
  anything else.
- **No leftovers pile up.** Each build, holding a lock on the output's parent folder (where ``fcntl``
  exists) so that no other build's staging folder is mistaken for a stale one, first removes the staging
  folders killed builds left (recognised by their name and the marker written into them first).
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from contentpack.content.validate import CONTENT_DIRS

ATTACK_DATA = "attack_data"  # the tests' sample logs, beside the content folders


class OutputError(ValueError):
    """An output folder this build must not replace; the message says why and what to do. It does not name the
    folder: the build reports it at the folder (BD001), as the user gave it."""


MARKER = ".contentpack-build"
_MARKER_HEADER = "# Written by `contentpack build`; the next build replaces this folder and what it lists:"


def _marker_entries(folder: Path) -> set[str] | None:
    """The entries the marker in ``folder`` lists; None when there is no readable marker of ours."""
    marker = folder / MARKER
    try:
        if marker.is_symlink() or not marker.is_file():
            return None
        lines = marker.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or lines[0] != _MARKER_HEADER:
        return None
    return {line for line in lines[1:] if line}


_MARKER_TEMP = MARKER + ".tmp"


def write_marker(folder: Path) -> None:
    """List what ``folder`` holds now in its marker (the last file a build writes into its staging folder).
    Written aside and renamed over, so a kill never leaves a half-written marker."""
    names = sorted(entry.name for entry in folder.iterdir() if entry.name not in (MARKER, _MARKER_TEMP))
    (folder / _MARKER_TEMP).write_text("\n".join([_MARKER_HEADER, *names]) + "\n", encoding="utf-8")
    os.replace(folder / _MARKER_TEMP, folder / MARKER)


def _unmarked_build(folder: Path) -> bool:
    """An output written before builds left a marker: exactly one app folder (with ``default/app.conf`` and no
    ``local/``), its tarball and ``docs/`` (with ``index.md``), nothing else. Anything less or more is refused."""
    entries = {entry.name: entry for entry in folder.iterdir()}
    apps = [e for e in entries.values() if e.is_dir() and not e.is_symlink() and (e / "default" / "app.conf").is_file()]
    if len(apps) != 1 or len(entries) != 3 or (apps[0] / "local").exists():
        return False
    docs = entries.get("docs")
    tarballs = [name for name in entries if name.startswith(f"{apps[0].name}-") and name.endswith(".tar.gz")]
    return docs is not None and not docs.is_symlink() and (docs / "index.md").is_file() and len(tarballs) == 1


def check_replaceable(output: Path, protected: Path | None = None, force: bool = False) -> None:
    """Raise ``OutputError`` unless the build may put its output at ``output``."""
    if output.is_symlink():  # replacing a link's target would reach outside the output path the user gave
        raise OutputError("is a symbolic link; refusing to replace it (give the folder it points to)")
    if output.exists() and not output.is_dir():
        raise OutputError("exists and is not a folder; refusing to replace it")
    if protected is not None:
        guarded = protected.resolve()
        target = output.resolve()
        if target == guarded or target in guarded.parents:
            raise OutputError("holds the pack itself; choose another output folder")
        if target.is_relative_to(guarded):
            top = target.relative_to(guarded).parts[0]
            if top in CONTENT_DIRS or top == ATTACK_DATA or top.startswith("."):
                # even with --force: replacing it would delete the pack's content (or its .git)
                raise OutputError(f"is inside the pack's {top}/ folder; choose another output folder")
    if force or not output.is_dir():
        return
    listed = _marker_entries(output)
    if listed is None:
        if not any(output.iterdir()) or _unmarked_build(output):
            return  # an empty folder: nothing to lose; or what an earlier version of the build wrote
        raise OutputError(f"does not look like a build output (no {MARKER} file from an earlier "
                          "`contentpack build`); refusing to replace it. Choose another --output, or pass "
                          "--force to replace it with everything in it")
    strangers = sorted(entry.name for entry in output.iterdir() if entry.name != MARKER and entry.name not in listed)
    if strangers:
        raise OutputError(f"does not look like a build output (it also holds {', '.join(strangers[:5])}, "
                          "which no build wrote); refusing to replace it. Move those away, or pass --force")


# ------------------------------------------------------------------------------------------ exchanging two names

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h


@functools.cache
def _exchange_call() -> Callable[[bytes, bytes], int] | None:
    """The system call that exchanges two names (0 when it did), looked up once per process among the symbols
    the process has loaded (``CDLL(None)``: the C library every CPython on Linux and macOS links; no
    ``find_library``, which runs ``ldconfig -p`` in a child process on Linux); None where there is none."""
    name = "renameat2" if sys.platform.startswith("linux") else "renamex_np" if sys.platform == "darwin" else None
    if name is None:  # Windows and the rest
        return None
    try:
        call = getattr(ctypes.CDLL(None), name, None)  # renameat2: glibc 2.28 and later, musl 1.2.2 and later
    except OSError:
        return None
    if call is None:
        return None
    if name == "renamex_np":
        return lambda old, new: int(call(old, new, _RENAME_SWAP))
    return lambda old, new: int(call(_AT_FDCWD, old, _AT_FDCWD, new, _RENAME_EXCHANGE))


def exchange(a: Path, b: Path) -> bool:
    """Swap the names ``a`` and ``b`` in one step; False where the system or file system cannot (the caller
    then moves the entries one by one)."""
    call = _exchange_call()
    return call is not None and call(os.fsencode(a), os.fsencode(b)) == 0


# ------------------------------------------------------------------------------------------ staging and the swap

def _staging_prefix(output: Path) -> str:
    return f".{output.name}.building-"


@contextmanager
def _parent_locked(parent: Path) -> Iterator[None]:
    """One build at a time per output parent folder (a killed holder's lock goes with its process)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks on folders; concurrent builds of one output are unguarded
        yield
        return
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _remove_owned(folder: Path) -> None:
    """Remove a folder of ours, its marker last, so a removal killed half-way is still recognised as ours."""
    for entry in folder.iterdir():
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()


def _is_ours(folder: Path) -> bool:
    """A staging folder of ours: it has our marker, or holds nothing but a marker being written (a kill right
    after it was made)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    return _marker_entries(folder) is not None or {e.name for e in folder.iterdir()} <= {_MARKER_TEMP}


def recover(output: Path) -> None:
    """Finish or undo what killed builds left beside ``output``; call with the parent folder locked.

    A one-by-one swap that was cut short (``<staging>`` and ``<staging>.old`` both there) is finished: the
    new build was complete before its swap began. Every other staging folder of ours is removed."""
    prefix = _staging_prefix(output)
    try:
        leftovers = sorted(p for p in output.parent.iterdir() if p.name.startswith(prefix) and _is_ours(p))
    except OSError:
        return
    for aside in [p for p in leftovers if p.name.endswith(".old")]:
        staging = aside.with_name(aside.name[:-len(".old")])
        if staging in leftovers:
            leftovers.remove(staging)
            if not os.path.lexists(output):
                staging.rename(output)
            else:
                _move_in(staging, output, aside)
    for folder in leftovers:
        if folder.exists():
            _remove_owned(folder)


def _move_in(staging: Path, output: Path, aside: Path) -> None:
    """Move the staging folder's entries into the existing output folder one by one, each old entry set aside
    first and the marker last, then set aside the old entries the new build does not have. Resumable: a
    second run after a kill goes on where the first stopped."""
    aside.mkdir(exist_ok=True)
    if _marker_entries(aside) is None:
        write_marker(aside)
    for name in sorted(entry.name for entry in staging.iterdir() if entry.name != MARKER):
        if os.path.lexists(output / name):
            (output / name).rename(aside / name)
        (staging / name).rename(output / name)
    if os.path.lexists(staging / MARKER):
        os.replace(staging / MARKER, output / MARKER)
    listed = _marker_entries(output) or set()
    for entry in list(output.iterdir()):
        if entry.name != MARKER and entry.name not in listed:
            entry.rename(aside / entry.name)
    staging.rmdir()


def _swap_in(staging: Path, output: Path) -> Path | None:
    """Put ``staging``'s content at ``output``; returns the folder now holding the old output (to be removed),
    None if there was none."""
    if not os.path.lexists(output):
        staging.rename(output)
        return None
    if exchange(staging, output):
        return staging  # the old output now has the staging folder's name
    aside = staging.with_name(staging.name + ".old")
    _move_in(staging, output, aside)
    return aside


def prepared(output: Path, protected: Path | None = None, force: bool = False) -> None:
    """``check_replaceable`` after finishing what killed builds left (what a build checks before it starts);
    first, that the output folder can be made where it is to be (``output`` as the user gave it, so the problem
    names the folder in the way in those words)."""
    blocker = _no_folder_above(output)
    if blocker is not None:
        raise OutputError(f"cannot create the output folder: {blocker} is not a folder")
    output = output.absolute()
    if not output.parent.is_dir():
        return check_replaceable(output, protected, force)
    with _parent_locked(output.parent):
        recover(output)
        check_replaceable(output, protected, force)


def _no_folder_above(output: Path) -> Path | None:
    """The nearest path above ``output`` that exists, when it is no folder (a file, a dangling link): the output
    folder cannot be made under it, and making it said only "File exists" (or "Not a directory")."""
    for parent in output.parents:
        if os.path.lexists(parent):
            return None if parent.is_dir() else parent
    return None


@contextmanager
def staged_output(output: Path, protected: Path | None = None, force: bool = False) -> Iterator[Path]:
    """A fresh staging folder to write the new output into; swapped in for ``output`` when the block ends
    without an error, removed (and ``output`` left exactly as it was) otherwise."""
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    with _parent_locked(output.parent):
        recover(output)
        check_replaceable(output, protected, force)
        staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(output), dir=output.parent))
        try:
            write_marker(staging)  # first: a staging folder a kill leaves behind is recognised as ours
            yield staging
            write_marker(staging)
            staging.chmod(0o755)
            if output.is_dir() and _marker_entries(output) is None:  # forced: from now on it is ours to remove
                write_marker(output)
            old = _swap_in(staging, output)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if old is not None:
            _remove_owned(old)
