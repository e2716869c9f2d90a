"""Writing a file so that a reader never sees half of it: the bytes go to a temporary file beside the target,
which is then renamed over it (one ``os.replace``, atomic on the same file system). A failure, an interrupt
included, removes the temporary file and leaves whatever stood at the target as it was.

One home for the build's parse cache, the backtest's report files and the ``--junit`` reports.

The file gets the mode any tool's output gets, ``0666`` less the umask (``0644`` under the usual ``022``):
``tempfile.mkstemp`` creates its file ``0600``, which the rename kept, so a report asked for was readable by its
owner alone, whatever the umask said (nothing written here is a secret: reports of logs the user gave, a cache
of the pack's own files).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_ATTEMPTS = 100  # names tried before giving up, as ``tempfile`` tries (TMP_MAX)


def write_atomically(path: Path, chunks: Iterable[bytes], prefix: str | None = None) -> None:
    """Write ``chunks`` to ``path`` through a temporary file in the same folder (named ``prefix`` + random,
    default ``.<name>.``) renamed into place. Raises ``OSError``; a refused rename names ``path``, the file the
    caller asked for, not the temporary one, which is gone by then."""
    with atomic_file(path, prefix) as out:
        for chunk in chunks:
            out.write(chunk)


@contextmanager
def atomic_file(path: Path, prefix: str | None = None) -> Iterator[BinaryIO]:
    """``write_atomically`` for a writer that needs the file itself: what is written to the file this yields
    replaces ``path`` when the ``with`` block ends without an exception, and is removed when it raises."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = _new_file(folder, prefix if prefix is not None else f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
        try:
            os.replace(temporary, path)
        except OSError as exc:  # refused because of the target (a folder in its place): name it, not the temporary
            raise OSError(exc.errno, exc.strerror, os.fspath(path)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _new_file(folder: Path, prefix: str) -> tuple[int, str]:
    """A new file in ``folder`` named ``prefix`` + random characters, opened for writing, created ``0666`` less the
    umask (the kernel applies it); its descriptor and path."""
    for _ in range(_ATTEMPTS):
        name = os.path.join(folder, prefix + secrets.token_hex(4))
        try:
            return os.open(name, _NEW_FILE, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder}: no unused temporary name for {prefix!r} after {_ATTEMPTS} tries")
