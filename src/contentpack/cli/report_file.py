"""Writing a report (``--junit FILE``) where the user points, without destroying what is there.

* a path that does not exist yet, or a regular file: written atomically (a temporary file beside it, then
  renamed over it), so a CI job reading it never sees half a report;
* a symbolic link: the file it points to is written that way, and the link stays a link;
* a FIFO or a character device (``/dev/stdout`` on a pipe or a terminal, ``/dev/null``): the report is written
  into it. Before, the rename replaced the FIFO -- and, run as root, would have replaced ``/dev/null`` -- with a
  regular file. A FIFO nobody reads is refused at once instead of blocking;
* a folder, a socket or a block device: refused, by name.

``problem`` checks the same things without writing, so a command can refuse a bad path before a long run
rather than after it (``junit_problem``); ``write_junit`` renders and writes, reporting a failure as a usage
error. Messages go through ``usage_error``, so a path's control characters are escaped.
"""

from __future__ import annotations

import argparse
import errno
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from contentpack.atomic_write import atomic_file
from contentpack.cli.common import usage_error
from contentpack.junit import Case, render
from contentpack.spl.files import describe_kind, os_reason


class ReportPathError(OSError):
    """The report cannot go to that path; ``str()`` says why, plainly."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _mode(path: Path) -> int | None:
    """The mode of what ``path`` names, links followed (None: nothing there yet)."""
    try:
        return os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except ValueError:  # an embedded NUL
        raise ReportPathError("a path cannot hold a NUL character") from None


def _streamed(mode: int) -> bool:
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def problem(path: Path) -> str | None:
    """Why a report cannot be written to ``path`` (None: it looks writable; the write may still fail)."""
    try:
        mode = _mode(path)
        if mode is not None and _streamed(mode):
            return None  # written into, not replaced: its folder is not touched
        if mode is not None and not stat.S_ISREG(mode):
            return f"{describe_kind(mode)}, not a file"
        folder = Path(os.path.realpath(path)).parent
        if not folder.is_dir():
            return f"no folder {folder} to write it in"
        # A file is written beside the path and renamed over it (``write_atomically``), an existing one too: the
        # folder must take a new file, or the write would fail only once the command's work was done.
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"the folder {folder} does not let this user create files in it"
    except ReportPathError as exc:
        return exc.message
    except OSError as exc:
        return os_reason(exc)
    return None


def folder_problem(path: Path, names: Sequence[str] = ()) -> str | None:
    """Why report files (``names``) cannot go into the folder ``path`` (``backtest --out DIR``, made with its
    parents when it is missing); None: it looks writable. Checked before the command's work: a file of that name,
    a folder this user cannot write in, or a folder where one of ``names`` goes (a file cannot be renamed over
    it) once stopped a backtest only after it had read every log and simulated them all (with Python's words,
    ``[Errno 17] File exists: 'report'``), the last one with the reports before it already replaced."""
    try:
        taken = [name for name in names if os.path.isdir(path / name) and not os.path.islink(path / name)]
        if taken:
            return f"holds a folder named {taken[0]}, where that report file goes"
        return _made_folder_problem(path, path)
    except ValueError:  # an embedded NUL
        return "a path cannot hold a NUL character"
    except OSError as exc:
        return os_reason(exc)


def file_in_made_folders_problem(path: Path) -> str | None:
    """Why a file cannot be written at ``path`` by a writer that makes its missing folders first
    (``generate-data --app-catalog CSV``); None: it looks writable. Something other than a file there (a folder,
    a FIFO, a device) is refused, and the nearest existing ancestor must be a folder this user can write in."""
    try:
        try:
            mode = _mode(path)
        except NotADirectoryError:  # a file on the way, which the folder check names
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            return f"{describe_kind(mode)}, not a file"
        return _made_folder_problem(path.parent, path)
    except ReportPathError as exc:
        return exc.message
    except ValueError:  # an embedded NUL
        return "a path cannot hold a NUL character"
    except OSError as exc:
        return os_reason(exc)


def _made_folder_problem(folder: Path, named: Path) -> str | None:
    """Why the folder ``folder`` cannot be made (with its parents) or written in, said of the path ``named``
    the user gave: the nearest thing that exists must be a folder this user can create files in."""
    existing = Path(os.path.abspath(folder))
    while not existing.exists():  # the nearest thing there is: the missing folders are made in it
        existing = existing.parent
    mode = os.stat(existing).st_mode
    if not stat.S_ISDIR(mode):
        kind = "a file" if stat.S_ISREG(mode) else describe_kind(mode)
        return f"{kind}, not a folder" if existing == Path(os.path.abspath(named)) else \
            f"{existing} is {kind}, not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"the folder {existing} does not let this user create files in it"
    return None


def write_report(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as the module docstring says; raises ``OSError`` (``ReportPathError`` for a
    path refused by kind) with a message a person can act on."""
    with report_stream(path) as out:
        out.write(data)


@contextmanager
def report_stream(path: Path) -> Iterator[BinaryIO]:
    """``write_report`` for a writer that streams (``generate-data --events N --out FILE``): a file to write to,
    which replaces a regular file only when the ``with`` block ends without an exception, or a FIFO or device
    written into (one nobody reads refused at once: before, ``generate-data`` waited for a reader for ever)."""
    mode = _mode(path)
    if mode is not None and _streamed(mode):
        with os.fdopen(_open_into(path, mode), "wb") as out:
            yield out
    elif mode is not None and not stat.S_ISREG(mode):
        raise ReportPathError(f"{describe_kind(mode)}, not a file")
    else:
        with atomic_file(Path(os.path.realpath(path)) if path.is_symlink() else path) as out:
            yield out


def _open_into(path: Path, mode: int) -> int:
    """A blocking descriptor writing into the FIFO or device ``path``."""
    flags = (os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
             | getattr(os, "O_BINARY", 0))  # Windows: no newline translation
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO and stat.S_ISFIFO(mode):
            raise ReportPathError("a FIFO (named pipe) no process is reading: start the reader first") from None
        raise
    if hasattr(os, "set_blocking"):  # Windows before Python 3.12 has none (and no O_NONBLOCK either)
        os.set_blocking(descriptor, True)
    return descriptor


def report_path(text: str) -> Path:
    """The ``--junit`` argument (argparse ``type=``): a name ending in a slash is a folder, refused as one.
    ``Path`` drops that slash, so ``--junit reports/`` with no ``reports`` folder wrote a file named ``reports``."""
    if text.endswith(("/", os.sep)):
        raise argparse.ArgumentTypeError(f"{text!r} ends with '{text[-1]}': a folder, not a file")
    return Path(text)


def junit_problem(command: str, path: Path | None, option: str = "--junit",
                  check: Callable[[Path], str | None] = problem) -> int | None:
    """The usage error (printed; its exit status returned) when ``--junit path`` (or another ``option`` naming a
    file to write) cannot be written, checked before the command's work; None when there is no such option or
    it looks fine (to ``check``: ``problem``, or ``file_in_made_folders_problem`` for a writer making folders)."""
    found = None if path is None else check(path)
    return None if found is None else usage_error(command, f"{option} {path}: {found}")


def write_junit(path: Path, command: str, suite: str, cases: Sequence[Case], seconds: float = 0.0) -> bool:
    """``--junit FILE`` of ``command``; False, with the usage error printed, when it cannot be written."""
    try:
        write_report(path, render(suite, cases, seconds))
    except OSError as exc:
        usage_error(command, f"--junit {path}: {os_reason(exc)}")
        return False
    return True
