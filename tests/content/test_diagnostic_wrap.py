"""``validate``'s problems (and every command's positioned messages, ``cli.common.print_diagnostics``: backtest's
notes, bad lines and errors on stderr among them) on a terminal and in a pipe.

One problem is one line in a pipe or a file, where a grep or an editor reads ``path:line:col: message``; an
unknown key's message lists some of the allowed keys, wider than 80 columns, and a terminal wrapped it at its edge
mid-word with no sign that the next line went on. On a terminal it now wraps between words, its position first
and its continuation lines indented.
"""

from __future__ import annotations

import fcntl
import io
import pty
import struct
import sys
import termios
from pathlib import Path

import pytest

from contentpack.cli.common import print_diagnostics, usage_error, warning
from pack_copies import pack_with_edit
from terminal_output import Terminal, read_until_closed, stdout_in_a_pipe, stdout_on_terminal

REPO = Path(__file__).resolve().parents[2]
INDENT = "    "  # printable.HANGING_INDENT, written out: the test runs against code without it too
FILE = "detections/cloud/entra_id_tenant_wide_admin_consent_granted.yml"
PROBLEM = f"{FILE}:2:1: error[CP010]: unknown key 'mitre_attack_idd' at top level (allowed keys: author, "


@pytest.fixture(scope="module")
def misspelt_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped pack with a misspelt key on the second line of one detection."""
    name = "name: Entra ID Tenant-Wide Admin Consent Granted\n"
    return pack_with_edit(tmp_path_factory.mktemp("wrap"), Path(FILE), name, f"{name}mitre_attack_idd: [T1528]\n")


def _in_a_pipe(root: Path) -> list[str]:
    status, lines = stdout_in_a_pipe(["validate", "--root", str(root)], REPO, 120)
    assert status == 1
    return lines


def test_validate_in_a_pipe_prints_each_problem_on_one_line(misspelt_pack: Path) -> None:
    lines = _in_a_pipe(misspelt_pack)
    assert len(lines) == 2 and lines[0].startswith(PROBLEM)
    assert lines[0].endswith(" (+15 more in schemas/detection.schema.json))")
    assert lines[1].startswith("INVALID: 1 error, 0 warnings (16 of 17 detections, ")


def test_validate_on_an_80_column_terminal_wraps_each_problem_between_words(misspelt_pack: Path) -> None:
    status, lines = stdout_on_terminal(["validate", "--root", str(misspelt_pack)], 80, REPO, 120)
    assert status == 1
    assert [line for line in lines if len(line) > 80] == []
    assert lines[0] == f"{FILE}:2:1:"  # the position first, whole
    summary = next(at for at, line in enumerate(lines) if line.startswith("INVALID: "))
    problem = lines[:summary]
    assert len(problem) >= 4
    assert all(line.startswith(INDENT) and not line[len(INDENT)].isspace() for line in problem[1:])
    piped = _in_a_pipe(misspelt_pack)
    assert " ".join([problem[0], *(line[len(INDENT):] for line in problem[1:])]) == piped[0]
    rest = lines[summary:]
    assert " ".join([rest[0], *(line[len(INDENT):] for line in rest[1:])]) == piped[1]


def test_messages_on_stderr_wrap_when_stderr_is_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """backtest writes its notes and errors to stderr: the terminal is the stream's, whatever stdout is."""
    monkeypatch.delenv("COLUMNS", raising=False)
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 40, 0, 0))
    message = "contentpack backtest: [subsearch]: Subsearch produced 2 results, truncating to maxout 1."
    with open(follower, "w", closefd=True) as terminal:
        print_diagnostics([message], terminal)
    lines = read_until_closed(leader).decode().replace("\r\n", "\n").splitlines()
    assert lines == ["contentpack backtest: [subsearch]:", f"{INDENT}Subsearch produced 2 results,",
                     f"{INDENT}truncating to maxout 1."]


def test_warnings_and_usage_errors_wrap_on_a_terminal_as_problems_do(monkeypatch: pytest.MonkeyPatch) -> None:
    """``replay --splunk``'s warning of an earlier run's events (over 300 characters) and a TLS usage error ran off
    an 80-column terminal mid-word (newuser17): ``warning`` and ``usage_error`` printed one line wherever they
    went. On a terminal they now wrap between words as every positioned message does; in a pipe each is one line."""
    monkeypatch.setenv("COLUMNS", "80")
    message = "the TLS certificate of 127.0.0.1:37101 did not verify (unable to get local issuer certificate); " \
              "pass --ca-file with the CA that signed it (or --insecure, not recommended)"
    for stream, wrapped in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", stream)
        warning("replay", message)
        usage_error("deploy", message)
        lines = stream.getvalue().splitlines()
        if not wrapped:
            assert lines == [f"contentpack replay: warning: {message}", f"contentpack deploy: error: {message}"]
            continue
        assert [line for line in lines if len(line) > 80] == [] and len(lines) >= 6
        assert lines[0].startswith("contentpack replay: warning: the TLS")
        starts = [at for at, line in enumerate(lines) if not line.startswith(INDENT)]
        assert starts == [0, starts[1]] and lines[starts[1]].startswith("contentpack deploy: error: the TLS")
