"""Writing a file so that a reader never sees half of it: the bytes go to a temporary file beside the target,
which is then renamed over it (one ``os.replace``, atomic on the same file system). A failure, an interrupt
included, removes the temporary file and leaves whatever stood at the target as it was.

One home for the build's parse cache, the backtest's report files and the ``--junit`` reports.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomically(path: Path, chunks: Iterable[bytes], prefix: str | None = None) -> None:
    """Write ``chunks`` to ``path`` through a temporary file in the same folder (named ``prefix`` + random,
    default ``.<name>.``) renamed into place. Raises ``OSError``; a refused rename names ``path``, the file the
    caller asked for, not the temporary one, which is gone by then."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=prefix if prefix is not None else f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        try:
            os.replace(temporary, path)
        except OSError as exc:  # refused because of the target (a folder in its place): name it, not the temporary
            raise OSError(exc.errno, exc.strerror, os.fspath(path)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
