"""``replay``'s table as wide as the terminal it is printed on, and the same width in a pipe, a file or a CI log.

Laid out for 160 columns whatever the terminal, every line of it wrapped on an 80- or 120-column terminal; cut
to the terminal's width, the right-hand columns (the status) were lost. Each width below renders the shipped
pack's scheduled replay, one test failed and one warned on purpose, and reads it back: no line wider than the
width, every test's status whole and in order, every detection and test name whole (folded, never cut).
"""

from __future__ import annotations

import fcntl
import os
import re
import pty
import struct
import termios
from dataclasses import replace
from pathlib import Path

import pytest

from contentpack.content.diagnostics import Position, error
from contentpack.printable import TABLE_WIDTH, output_width
from contentpack.replay.report import render_table
from contentpack.replay.runner import ReplayReport
from real_pack_runs import scheduled_replay
from terminal_output import stdout_on_terminal

REPO = Path(__file__).resolve().parents[2]
DETECTION = "Entra ID OAuth Consent Declined by Many Users"
FAILED_AT = Position("detections/made_to_fail.yml", 100, 9)  # ':100:' is an emoji code to rich: printed as is


def _report() -> ReplayReport:
    report = scheduled_replay().report
    failed = replace(report.outcomes[0], errors=(error(FAILED_AT, "RP003", "made to fail for this test"),))
    warned = replace(report.outcomes[1], warnings=("made to warn for this test",))
    return replace(report, outcomes=(failed, warned, *report.outcomes[2:]))


def _cells(text: str) -> list[list[str]]:
    """The table's body lines, each split into its cells (the box's heavy header lines left out)."""
    return [[part.strip() for part in line.split("│")[1:-1]] for line in text.splitlines()
            if line.startswith("│")]


@pytest.mark.parametrize("width", [80, 120, TABLE_WIDTH])
def test_every_line_fits_and_every_status_and_name_is_whole(width: int) -> None:
    report = _report()
    text = render_table(report, width)
    assert [line for line in text.splitlines()
            if len(line) > width and not line.endswith("for this test")] == []  # messages: one line each
    cells = _cells(text)
    assert [row[-1] for row in cells if row[-1]] == [
        "FAIL", "pass (warn)", *("pass" for _ in report.outcomes[2:])]
    names = " ".join(row[0] for row in cells) + " " + " ".join(row[1] for row in cells if width >= TABLE_WIDTH)
    for outcome in report.outcomes:
        assert outcome.detection in names and outcome.test in names
    # the failure in full below the table, one line, as in a log: its position first, as every diagnostic's
    failed = report.outcomes[0]
    assert f"{FAILED_AT}: {failed.detection} / {failed.test}: error[RP003]: made to fail for this test" in text


def test_a_narrow_terminal_names_each_detection_once_and_says_which_columns_it_left_out() -> None:
    report = _report()
    text = render_table(report, 80)
    header = text.splitlines()[1]
    assert [part.strip() for part in header.split("┃")[1:-1]] == ["detection / test", "results", "expected", "status"]
    assert "(not shown in 80 columns: runs/notables, detect, risk; --format json has them)" in text.splitlines()
    names = " ".join(row[0] for row in _cells(text) if row[0])
    assert names.count(DETECTION) == 1  # once, however many tests it has
    assert f"{DETECTION} True Positive Test Campaign Moved By 35 Minutes" in names  # its tests below it
    # 120 columns hold every column
    wider = render_table(report, 120)
    assert [part.strip() for part in wider.splitlines()[1].split("┃")[1:-1]] == [
        "detection / test", "results", "expected", "runs/notables", "detect", "risk", "status"]
    assert "not shown" not in wider


def test_a_pipe_or_a_log_keeps_the_160_column_table_with_the_detection_in_every_row() -> None:
    report = _report()
    text = render_table(report)
    assert text == render_table(report, TABLE_WIDTH)
    assert [part.strip() for part in text.splitlines()[1].split("┃")[1:-1]] == [
        "detection", "test", "results", "expected", "runs/notables", "detect", "risk", "status"]
    prefix = "Entra ID OAuth Consent Declined"  # by Many Users, Across Many Applications: folded after it
    tests_of = sum(outcome.detection.startswith(prefix) for outcome in report.outcomes)
    assert tests_of > sum(outcome.detection == DETECTION for outcome in report.outcomes) > 1
    assert sum(row[0].startswith(prefix) for row in _cells(text)) == tests_of


def test_the_width_is_columns_else_the_terminals_else_160(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 97, 0, 0))
    with open(follower, "w", closefd=True) as terminal, open(tmp_path / "log", "w") as log:
        monkeypatch.delenv("COLUMNS", raising=False)
        assert output_width(terminal) == 97
        assert output_width(log) == TABLE_WIDTH
        monkeypatch.setenv("COLUMNS", "72")
        assert output_width(terminal) == 72 and output_width(log) == 72
        monkeypatch.setenv("COLUMNS", "wide")
        assert output_width(log) == TABLE_WIDTH
    os.close(leader)


def test_replay_on_an_80_column_terminal_prints_lines_that_fit_it() -> None:
    """What a user sees: ``contentpack replay`` with its output on a terminal 80 columns wide, no COLUMNS."""
    status, lines = stdout_on_terminal(["replay", "--detection", DETECTION], 80, REPO, 120)
    assert status == 0
    assert lines[-1].startswith("PASS: ") and [line for line in lines if len(line) > 80] == []
    assert sum(line.rstrip("│ ").endswith("pass") for line in lines) == 22


def test_the_80_column_sample_in_docs_replay_md_is_what_replay_prints() -> None:
    """docs/replay.md shows the head and foot of the table at 80 columns; a sample that drifted from the real
    output would teach a reader a layout the command no longer has."""
    doc = (REPO / "docs" / "replay.md").read_text(encoding="utf-8")
    sample = doc.split("At 80 columns:\n\n```text\n", 1)[1].split("```", 1)[0].splitlines()
    cut = sample.index("…")
    lines = render_table(scheduled_replay().report, 80).splitlines()
    assert lines[:cut] == sample[:cut]
    assert lines[-len(sample[cut + 1:]):-1] == sample[cut + 1:-1]
    # the verdict line's shape; not its figures, which move with every test added to the pack and every run
    shape = re.compile(r"PASS: (\d+) test\(s\), \1 passed, 0 failed \(\d+\.\d\d s, scheduled\)")
    assert shape.fullmatch(lines[-1]) and shape.fullmatch(sample[-1]), (lines[-1], sample[-1])



def test_a_test_name_that_folds_stands_its_continuation_in_so_it_never_reads_as_another_test() -> None:
    """``contentpack replay`` on an 80-column terminal, as a user reads it: in the narrow layout a line two cells
    in starts a test (and has its status); a folded name's next lines stand in further. Folded at the test's
    own indent, ``Privileged Role Beside A Medium One Must Not`` / ``Fire`` read as a test named ``Fire``."""
    detection = "Entra ID High-Risk App Permission Granted to Service Principal"
    status, lines = stdout_on_terminal(["replay", "--all-time", "--detection", detection], 80, REPO, 120)
    assert status == 0
    rows = [line.split("│")[1:-1] for line in lines if line.startswith("│")]
    starts = [row for row in rows if row[0].startswith("   ") and not row[0].startswith("    ")]
    folded = [row for row in rows if row[0].startswith("     ")]
    assert [row[-1].strip() for row in starts] == ["pass"] * 13  # each test's first line, with its status
    assert folded and not any(row[-1].strip() for row in folded)  # continuation lines: further in, no status
    names: list[str] = []  # each test's name read back from its first line and the lines further in below it
    for row in rows:
        if row in starts:
            names.append(row[0].strip())
        elif row in folded:
            names[-1] += " " + row[0].strip()
    assert "Privileged Role Beside A Medium One Must Not Fire" in names
    assert "Two Consents Naming No Client Raise Two Notables" in names
