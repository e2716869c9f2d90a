"""``--workdir`` of the build benchmarks (``bench_build.py``, ``build_phases.py``): the folder their scratch pack
and outputs go in."""

from __future__ import annotations

import argparse
from pathlib import Path


def workdir(text: str) -> Path:
    """An argparse ``type``: the folder, made with its parents when missing (naming a new folder means "put the
    scratch files there"; ``tempfile`` would end the run in a traceback instead). One that cannot be made is
    argparse's one-line usage error."""
    folder = Path(text)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot create folder {text}: {exc.strerror}") from None
    return folder
