"""What a command writes to a terminal: the tests that run one under a pseudo-terminal read it all here."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import unicodedata
from pathlib import Path


class Terminal(io.StringIO):
    """A captured stream that says it is a terminal, as stderr is when a user runs a command: rich draws its
    progress bars on it and the messages wrap as on a terminal, and the test reads back what was drawn."""

    def isatty(self) -> bool:
        return True


def cells(line: str) -> int:
    """How many cells of a terminal ``line`` takes, as a person sees it: a wide or fullwidth character (CJK, most
    emoji) two, a combining mark none, any other character one (Unicode's East Asian Width property, UAX #11,
    and the combining classes; measured here without rich, whose measure the code under test uses). For text
    without zero-width joiners or variation selectors, which no test here holds."""
    return sum(0 if unicodedata.combining(character) else
               2 if unicodedata.east_asian_width(character) in ("W", "F") else 1 for character in line)


def read_until_closed(leader: int) -> bytes:
    """Everything written to the pseudo-terminal whose leader side is ``leader`` until the child closes it (the
    follower side must already be closed in this process), then the leader is closed."""
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return seen


def _on_terminal(args: list[str], columns: int, cwd: Path, timeout: float, stream: str) -> tuple[int, bytes, bytes]:
    """``python -m contentpack ARGS`` run in ``cwd`` (its ``src`` first on the path) with ``stream`` (``stdout`` or
    ``stderr``) a pseudo-terminal ``columns`` wide, the other a pipe, and no ``COLUMNS``: its exit status, what it
    wrote on the terminal and what in the pipe."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {name: value for name, value in os.environ.items() if name != "COLUMNS"}
    on_stdout = stream == "stdout"
    process = subprocess.Popen([sys.executable, "-m", "contentpack", *args],
                               cwd=cwd, env={**env, "PYTHONPATH": str(cwd / "src"), "TERM": "xterm"},
                               stdout=follower if on_stdout else subprocess.PIPE,
                               stderr=subprocess.PIPE if on_stdout else follower)
    os.close(follower)
    seen = read_until_closed(leader)
    piped = process.stderr if on_stdout else process.stdout
    rest = piped.read() if piped is not None else b""
    return process.wait(timeout=timeout), seen, rest


def stdout_on_terminal(args: list[str], columns: int, cwd: Path, timeout: float) -> tuple[int, list[str]]:
    """``python -m contentpack ARGS`` run in ``cwd`` (its ``src`` first on the path) with stdout a
    pseudo-terminal ``columns`` wide and no ``COLUMNS``, as a user runs it: its exit status and the lines it
    wrote there."""
    status, seen, _ = _on_terminal(args, columns, cwd, timeout, "stdout")
    return status, seen.decode().replace("\r\n", "\n").splitlines()


def stderr_on_terminal(args: list[str], columns: int, cwd: Path, timeout: float) -> tuple[int, bytes, list[str]]:
    """``python -m contentpack ARGS`` as ``stdout_on_terminal`` runs it, but with stderr the terminal (progress bars
    drawn and erased there) and stdout a pipe: its exit status, its stdout, and the lines the terminal shows once
    the bars are gone: each line's text after its last carriage return, control sequences left out, empty ones
    dropped."""
    status, seen, out = _on_terminal(args, columns, cwd, timeout, "stderr")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode())
    shown = [line.split("\r")[-1] for line in text.replace("\r\n", "\n").split("\n")]
    return status, out, [line for line in shown if line]


def stdout_in_a_pipe(args: list[str], cwd: Path, timeout: float) -> tuple[int, list[str]]:
    """``python -m contentpack ARGS`` as ``stdout_on_terminal`` runs it, its stdout a pipe: its exit status and
    the lines it wrote there."""
    env = {name: value for name, value in os.environ.items() if name != "COLUMNS"}
    done = subprocess.run([sys.executable, "-m", "contentpack", *args], cwd=cwd,
                          env={**env, "PYTHONPATH": str(cwd / "src")}, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return done.returncode, done.stdout.splitlines()
