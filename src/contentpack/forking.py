"""One piece of work run in a forked child while the parent goes on: the second core for big packs.

Why ``os.fork`` and not a process pool: the child starts with everything the parent already has (the parsed
pack, compiled schemas) and nothing is re-imported or pickled on the way in; only the answer travels back,
as bytes the caller encodes (``marshal`` for plain values). A pool would pay its start-up and the pickling
of its inputs on every build.

Callers always keep a way to do the work themselves: ``start`` returns None where there is no ``fork`` or
it fails, and ``Forked.result`` returns None when the child died or answered nothing, so an answer never
depends on whether the child helped. The child leaves through ``os._exit`` whatever happens, so no test
runner, ``atexit`` hook or buffered output of the parent runs twice.
"""

from __future__ import annotations

import marshal
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass


def available() -> bool:
    """Whether a second process can help here at all (fork exists and there is more than one CPU)."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and _single_threaded()


def _single_threaded() -> bool:
    """Forking a process that runs other threads can copy a lock another thread holds (logging, an
    allocator, I/O) into a child that then waits for it forever; a library called from a threaded program
    must not do that, so then everything runs in this process."""
    return threading.active_count() == 1


@dataclass
class Forked:
    """A running child; read its answer once with ``result``, or stop it with ``cancel``."""

    pid: int
    read_end: int
    done: bool = False

    def result(self) -> bytes | None:
        """The child's answer; None if it failed in any way. Waits for the child to finish."""
        try:
            with os.fdopen(self.read_end, "rb") as pipe:
                answer = pipe.read()
        except OSError:
            answer = b""
        status = self._reap()
        return answer if status == 0 and answer else None

    def cancel(self) -> None:
        """Stop the child and reap it (a failed build must not leave it writing into a folder being removed)."""
        if self.done:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.close(self.read_end)
        except OSError:
            pass
        self._reap()

    def _reap(self) -> int:
        if self.done:
            return -1
        self.done = True
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return -1
        return status


def start(work: Callable[[], bytes]) -> Forked | None:
    """Run ``work`` in a forked child; its return value becomes the answer. None if no child could start
    (no ``fork`` here, or other threads are running)."""
    if not hasattr(os, "fork") or not _single_threaded():
        return None
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(read_end)
            answer = work()
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(answer)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return Forked(pid, read_end)


@dataclass
class Background:
    """``work`` running in a child if one could start; ``join`` gives its value either way.

    When no child runs, or the child fails without an answer, ``join`` runs ``work`` in this process, so
    ``work`` must cope with a half-done attempt of its own (clear what it writes first). An ``OSError`` in
    the child comes back as the same ``OSError`` here (a full disk must fail the build, not be retried).
    The value must be something ``marshal`` encodes (plain numbers, strings, tuples).
    """

    work: Callable[[], object]
    child: Forked | None

    def join(self) -> object:
        if self.child is None:
            return self.work()
        answer = self.child.result()
        self.child = None
        if answer is None:
            return self.work()
        try:
            kind, value = marshal.loads(answer)
        except (ValueError, EOFError, TypeError):
            return self.work()
        if kind == "oserror":
            number, text, filename = value
            raise OSError(number, text, filename)
        return value

    def cancel(self) -> None:
        if self.child is not None:
            self.child.cancel()
            self.child = None


def background(work: Callable[[], object], *, fork: bool = True) -> Background:
    """Start ``work`` in a child (when ``fork`` and a second CPU make that worth it); join it later."""

    def in_child() -> bytes:
        try:
            return marshal.dumps(("ok", work()))
        except OSError as exc:
            filename = None if exc.filename is None else str(exc.filename)
            return marshal.dumps(("oserror", (exc.errno, exc.strerror, filename)))

    return Background(work, start(in_child) if fork and available() else None)
