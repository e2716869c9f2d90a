"""Opening files that hold data (content, events, lookups): regular files only, and never more than a cap.

Why: opening a FIFO blocks until a writer comes (a FIFO named ``x.yml`` hung every command), and a device such
as ``/dev/zero`` never ends (``search --lookup x=/dev/zero`` grew past 2.9 GB). The file is opened without
blocking, checked with ``fstat`` on the open descriptor (no race with a swap between a check and the open),
and refused by kind unless it is a regular file. Reads stop one byte past the cap, so a file that grows while
it is read cannot take more memory than the cap either.

This module is the one home of that logic: the content loader and the SPL engine's readers both use it
(the engine imports nothing else from ``contentpack``, so it lives here).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from typing import BinaryIO

from contentpack.spl.errors import count_text
from contentpack.spl.suggest import closest, meaning

_GROWTH_CHUNK = 64 * 1024  # read size past what fstat reported (a file that grows while it is read)


class FileRefused(OSError):
    """The path is not a regular file, or is larger than the caller's cap; ``str()`` says which, plainly."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.too_large = too_large

    def __str__(self) -> str:
        return self.message


def describe_kind(mode: int) -> str:
    """What a non-regular file is, in words (for messages)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


NO_SUCH_PATH = "no such file or folder"


def no_such_path(path: str | os.PathLike[str]) -> str:
    """The one wording, in every command, of an input path that names nothing: ``PATH: no such file or folder``
    (the words the messages use for a directory; validate, backtest and search once each said it their own way,
    ``no such file or directory``, ``no such file or folder``, ``--events: no such file: PATH``).

    A symbolic link there that leads nowhere is named as one: "no such file or folder" for a name ``ls`` lists
    sent the user looking for a typo."""
    if os.path.islink(path):
        try:
            os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return f"{os.fspath(path)}: a symbolic link in a loop of links"
        return f"{os.fspath(path)}: a symbolic link to {os.readlink(path)}, which names nothing"
    return f"{os.fspath(path)}: {NO_SUCH_PATH}"


def no_such_input(path: str | os.PathLike[str]) -> str:
    """:func:`no_such_path` for a path typed on the command line (read from the working folder), with the closest
    name its folder holds: a newcomer who wrote ``--events export/`` for the folder ``exports/`` was told only that
    it names nothing, and listed the folder to find the name. The name is offered as written, the user's trailing
    ``/`` kept; a hidden name only for a hidden one. Not for paths read from elsewhere (a pack's attack data, named
    from the pack root, has its own suggestion: ``content.attack_data_paths``)."""
    said = no_such_path(path)
    written = os.fspath(path)
    bare = written.rstrip("/" + os.sep)
    parent, name = os.path.split(bare)
    if not said.endswith(NO_SUCH_PATH) or not name:  # a dangling link is named as one; "/" has no name
        return said
    try:
        names = [entry for entry in os.listdir(parent or os.curdir) if name.startswith(".") or entry[:1] != "."]
    except OSError:  # an unreadable or missing folder: the path is still reported, without a guess
        return said
    meant = closest(name, names)
    return said + meaning(None if meant is None else os.path.join(parent, meant) + written[len(bare):])


def empty_files(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The regular files among ``paths`` that hold nothing, for ``search`` and ``backtest`` to name: an export that
    failed or is still being written read as a tenant that did nothing (``| stats count`` 0, a backtest's zeros)
    without a word. Regular files only: a pipe (``--events /dev/stdin``) has no size before it is read."""
    return [str(path) for path in paths if (found := os.stat(path)).st_size == 0 and stat.S_ISREG(found.st_mode)]


def os_reason(exc: OSError) -> str:
    """Why a file could not be used, for a message that already names it: a missing file in the commands' one
    wording (:data:`NO_SUCH_PATH`), any other failure in the system's words (``Permission denied``, ``Is a
    directory``), never Python's ``[Errno 2] ...: 'path'`` that repeats the path. A refusal by this module has
    no ``strerror``: its own text is the reason."""
    if isinstance(exc, FileNotFoundError):
        return NO_SUCH_PATH
    return exc.strerror or str(exc) or type(exc).__name__


def os_problem(exc: OSError, path: str | os.PathLike[str] | None = None) -> str:
    """``PATH: reason`` (:func:`os_reason`) for a failure the command did not foresee, the path the one the error
    names, else ``path``; the reason alone when neither is known. For the catch-alls of the commands, which
    printed the system's ``No such file or directory`` for a missing file, or Python's ``[Errno 2] ...``."""
    named = exc.filename if exc.filename is not None else path
    return os_reason(exc) if named is None else f"{os.fsdecode(named)}: {os_reason(exc)}"


def _open_descriptor(path: str | os.PathLike[str]) -> tuple[int, os.stat_result]:
    """A blocking descriptor for ``path`` and its ``fstat``, if it is a regular file (see the module docstring)."""
    # O_BINARY (Windows only): without it a descriptor reads in text mode, turning CRLF into LF and stopping
    # at the first Ctrl-Z, so a file's bytes (and their digest) would not be what is on disk.
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
             | getattr(os, "O_BINARY", 0))
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise FileRefused(f"{describe_kind(status.st_mode)}, not a regular file: not read")
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return descriptor, status
    except BaseException:
        os.close(descriptor)
        raise


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for binary reading if it is a regular file; raise :class:`FileRefused` (an ``OSError``)
    otherwise, or the ``OSError`` of the open itself."""
    descriptor, _ = _open_descriptor(path)
    try:
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _size_message(size: int, limit: int) -> str:
    return f"file is {count_text(size)} bytes, over the {count_text(limit)}-byte limit"


def read_capped(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (:class:`FileRefused` otherwise).

    Read with ``os.read`` on the descriptor, first asking for one byte more than ``fstat`` reported (so a
    file that did not change is read whole by one call, into a buffer of its own size: a file object's
    ``read(limit + 1)`` would allocate the whole cap for every small file), then until the end of the file
    or one byte past the cap, in case it grew meanwhile.
    """
    descriptor, status = _open_descriptor(path)
    try:
        if status.st_size > limit:
            raise FileRefused(_size_message(status.st_size, limit), too_large=True)
        chunks = [os.read(descriptor, status.st_size + 1)]
        total = len(chunks[0])
        while total <= limit:
            chunk = os.read(descriptor, min(limit + 1 - total, _GROWTH_CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(descriptor)
    if total > limit:
        raise FileRefused(f"file is over the {count_text(limit)}-byte limit", too_large=True)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
