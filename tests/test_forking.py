"""The fork helper: answers come back, failures read as None, cancelled children are reaped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

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


def test_after_work_runs_once_the_answer_is_in_and_nobody_waits_for_it(tmp_path: Path) -> None:
    mark = tmp_path / "after"
    gate = tmp_path / "go"

    def after() -> None:
        while not gate.exists():  # held until the parent has its answer: proves the parent did not wait
            time.sleep(0.01)
        mark.write_text("done")

    child = forking.start(lambda: b"answer", after)
    assert child is not None
    assert child.result() == b"answer"
    assert not mark.exists()
    gate.write_text("")
    assert forking.reap_detached() == 0
    assert mark.read_text() == "done"


def test_after_work_does_not_hold_the_parents_output_open() -> None:
    # A parent whose output is captured: the reader must see the end when the parent exits, not when the
    # child's after work (here: a long sleep) ends.
    program = (
        "import time\n"
        "from contentpack import forking\n"
        "child = forking.start(lambda: b'x', lambda: time.sleep(30))\n"
        "print(child.result().decode(), flush=True)\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=25, check=True)
    assert done.stdout.strip() == "x"
    assert time.monotonic() - started < 20


def test_only_a_complete_frame_is_an_answer() -> None:
    # A child killed half-way through writing leaves fewer bytes than its length prefix announced.
    assert forking._unframe(b"\x00\x00\x00\x00\x00\x00\x00\x09abc") is None
    assert forking._unframe(b"\x00\x00\x00\x00\x00\x00\x00\x03abc") == b"abc"
    assert forking._unframe(b"\x00\x00") is None


def test_background_runs_after_here_when_no_child_helps(tmp_path: Path) -> None:
    calls: list[str] = []

    def work() -> int:
        calls.append("work")
        return 1

    job = forking.background(work, after=lambda: calls.append("after"), fork=False)
    assert job.join() == 1
    assert calls == ["work", "after"]


def test_detach_runs_the_work_elsewhere(tmp_path: Path) -> None:
    mark = tmp_path / "pid"
    assert forking.detach(lambda: mark.write_text(str(os.getpid())))
    assert forking.reap_detached() == 0
    assert int(mark.read_text()) != os.getpid()
