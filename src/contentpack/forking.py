"""One piece of work run in a forked child while the parent goes on: the second core for big packs.

Why ``os.fork`` and not a process pool: the child starts with everything the parent already has (the parsed
pack, compiled schemas) and nothing is re-imported or pickled on the way in; only the answer travels back,
as bytes the caller encodes (``marshal`` for plain values). A pool would pay its start-up and the pickling
of its inputs on every build.

Callers always keep a way to do the work themselves: ``start`` returns None where there is no ``fork`` or
it fails, and ``Forked.result`` returns None when the child died or answered nothing, so an answer never
depends on whether the child helped. The child leaves through ``os._exit`` whatever happens, so no test
runner, ``atexit`` hook or buffered output of the parent runs twice.

A child may also be given ``after`` work that nobody waits for (saving a cache): it runs once the answer is
sent and the pipe closed, with the child's standard streams pointed at /dev/null, so that neither the parent
nor whoever reads the parent's output (a shell's ``$(...)``, a ``subprocess`` capture) waits for it. Such a
child is left to finish on its own: the parent reaps it later (``reap_detached``), or, once the parent has
exited, the system does. The answer is framed with its length, so a complete answer is recognised without
waiting for the child's exit status.
"""

from __future__ import annotations

import marshal
import os
import signal
import struct
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
    detaches: bool = False  # has ``after`` work: once it answered, nobody waits for it
    done: bool = False

    def result(self) -> bytes | None:
        """The child's answer; None if it failed in any way. Waits until the child has answered (and, unless it
        has ``after`` work to do, until it has exited)."""
        try:
            with os.fdopen(self.read_end, "rb") as pipe:
                framed = pipe.read()
        except OSError:
            framed = b""
        answer = _unframe(framed)
        if answer is None or not self.detaches:
            self._reap()
        else:
            self.done = True
            _detached.add(self.pid)
            reap_detached(wait=False)
        return answer or None

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

    def _reap(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


_LENGTH = struct.Struct(">Q")
_detached: set[int] = set()  # children that answered and may still be doing their ``after`` work


def _unframe(framed: bytes) -> bytes | None:
    if len(framed) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack_from(framed)
    return framed[_LENGTH.size:] if len(framed) == _LENGTH.size + length else None


def reap_detached(wait: bool = True) -> int:
    """Collect children that answered and went on with their ``after`` work; ``wait``: until all are done
    (tests and benchmarks, so that the next measurement does not share the CPU with them). Returns how many
    are still running."""
    for pid in sorted(_detached):
        try:
            done, _ = os.waitpid(pid, 0 if wait else os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _detached.discard(pid)
    return len(_detached)


def _quiet_standard_streams() -> None:
    """Point fds 0-2 at /dev/null, so a reader of the parent's output sees its end when the parent exits."""
    sys.stdout.flush()
    sys.stderr.flush()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def start(work: Callable[[], bytes], after: Callable[[], object] | None = None) -> Forked | None:
    """Run ``work`` in a forked child; its return value becomes the answer, and ``after`` runs in the child
    once the answer is sent (its failures are nobody's concern). None if no child could start (no ``fork``
    here, or other threads are running)."""
    if not hasattr(os, "fork") or not _single_threaded():
        return None
    reap_detached(wait=False)
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
                pipe.write(_LENGTH.pack(len(answer)) + answer)
            status = 0
            if after is not None:
                _quiet_standard_streams()
                after()
        finally:
            os._exit(status)
    os.close(write_end)
    return Forked(pid, read_end, detaches=after is not None)


def detach(work: Callable[[], object]) -> bool:
    """Run ``work`` in a child nobody waits for (saving a cache at the end of a command). False when no child
    could start; the caller then does the work itself if it still wants it done."""
    if not available():
        return False
    child = start(lambda: b"started", work)
    return child is not None and child.result() is not None


@dataclass
class Background:
    """``work`` running in a child if one could start; ``join`` gives its value either way.

    When no child runs, ``join`` runs ``work`` in this process; when the child failed without an answer, it
    runs ``retry`` (default: ``work``), which must cope with whatever the failed attempt left behind. An
    ``OSError`` in the child comes back as the same ``OSError`` here (a full disk must fail the build, not be
    retried).
    The value must be something ``marshal`` encodes (plain numbers, strings, tuples). ``after`` runs after
    ``work`` wherever ``work`` ran; in a child nobody waits for it.
    """

    work: Callable[[], object]
    child: Forked | None
    after: Callable[[], object] | None = None
    retry: Callable[[], object] | None = None  # what to run here instead of ``work`` after a failed child
    answered_here: bool = False  # set by ``join``: the value did not come from a child

    @property
    def in_child(self) -> bool:
        """Whether a child is (still) doing the work: until ``join``, this process may share it."""
        return self.child is not None

    def join(self) -> object:
        if self.child is None:
            return self._here(self.work)
        answer = self.child.result()
        self.child = None
        if answer is None:
            return self._here(self.retry or self.work)
        try:
            kind, value = marshal.loads(answer)
        except (ValueError, EOFError, TypeError):
            return self._here(self.retry or self.work)
        if kind == "oserror":
            number, text, filename = value
            raise OSError(number, text, filename)
        return value

    def _here(self, work: Callable[[], object]) -> object:
        self.answered_here = True
        value = work()
        if self.after is not None:
            self.after()
        return value

    def cancel(self) -> None:
        if self.child is not None:
            self.child.cancel()
            self.child = None


def background(work: Callable[[], object], *, after: Callable[[], object] | None = None,
               retry: Callable[[], object] | None = None, fork: bool = True) -> Background:
    """Start ``work`` in a child (when ``fork`` and a second CPU make that worth it); join it later."""

    def in_child() -> bytes:
        try:
            return marshal.dumps(("ok", work()))  # type: ignore[arg-type]  # plain values, by contract
        except OSError as exc:
            filename = None if exc.filename is None else str(exc.filename)
            return marshal.dumps(("oserror", (exc.errno, exc.strerror, filename)))

    return Background(work, start(in_child, after) if fork and available() else None, after, retry)
