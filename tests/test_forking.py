"""The fork helper: answers come back, failures read as None, cancelled children are reaped."""

from __future__ import annotations

import os
import time

from contentpack import forking


def test_the_child_answers_with_its_bytes() -> None:
    child = forking.start(lambda: str(os.getpid()).encode())
    assert child is not None
    answer = child.result()
    assert answer is not None and int(answer) != os.getpid()  # it really ran in another process


def test_a_child_that_raises_or_answers_nothing_reads_as_none() -> None:
    def boom() -> bytes:
        raise RuntimeError("bug in the child")

    for work in (boom, lambda: b""):
        child = forking.start(work)
        assert child is not None and child.result() is None


def test_cancel_stops_and_reaps_a_running_child() -> None:
    child = forking.start(lambda: time.sleep(30) or b"late")  # type: ignore[func-returns-value]
    assert child is not None
    started = time.monotonic()
    child.cancel()
    assert time.monotonic() - started < 10
    try:
        os.kill(child.pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive  # killed and reaped: not even a zombie is left


def test_no_fork_while_other_threads_run() -> None:
    import threading

    release = threading.Event()
    helper = threading.Thread(target=release.wait)
    helper.start()
    try:
        assert not forking.available()
        assert forking.start(lambda: b"x") is None
        assert forking.background(lambda: 42).join() == 42  # the work still gets done, in this process
    finally:
        release.set()
        helper.join()
    child = forking.start(lambda: b"x")  # alone again: forking is back
    assert child is not None and child.result() == b"x"
