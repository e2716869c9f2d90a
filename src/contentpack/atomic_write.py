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
    default ``.<name>.``) renamed into place. Raises ``OSError``."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=prefix if prefix is not None else f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
