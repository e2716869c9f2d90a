"""``replay``'s failures and warnings below its table: whole words on a terminal, one line each in a pipe.

A failure lists the row it expected and the rows it found, several hundred characters on one line. In a pipe or
a log that one line is what a grep finds, and it stays as it was; on an 80-column terminal the terminal itself
wrapped it at the edge, mid-word (``patti.wilber@con`` / ``toso.example``) and with nothing to show that the
next line went on. Now the command wraps it there between words, its continuation lines indented.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pack_copies import pack_with_edit
from terminal_output import cells, stdout_in_a_pipe, stdout_on_terminal

REPO = Path(__file__).resolve().parents[2]
DETECTION = "Entra ID Tenant-Wide Admin Consent Granted"
FILE = Path("detections") / "cloud" / "entra_id_tenant_wide_admin_consent_granted.yml"
INDENT = 4  # printable.HANGING_INDENT, written out: the test runs against code without it too
# a failed expected row stands at its ``expected_rows[i]`` entry (it stood at the test's ``tests[i]`` entry, 133:3),
# as validate places a finding: path:line:col first
AT = f"{FILE.as_posix()}:164:5"
FAILURE = f"{AT}: {DETECTION} / True Positive Test: expected_rows[0]: no row has: "


@pytest.fixture(scope="module")
def broken_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped pack with one expected row's count made wrong: its test fails with the long line."""
    row = "    consent_type: AllPrincipals\n    client_sp_id: fa911d5e-64bd-4966-a692-2f0b9a81ca8c\n    count: {}\n"
    return pack_with_edit(tmp_path_factory.mktemp("wrap"), FILE, row.format(2), row.format(3))


def _in_a_pipe(root: Path) -> list[str]:
    status, lines = stdout_in_a_pipe(["replay", "--root", str(root), "--detection", DETECTION], REPO, 120)
    assert status == 1
    return lines


def test_a_failure_wraps_between_words_with_a_hanging_indent_on_an_80_column_terminal(broken_pack: Path) -> None:
    status, lines = stdout_on_terminal(["replay", "--root", str(broken_pack), "--detection", DETECTION], 80,
                                       REPO, 120)
    assert status == 1
    assert [line for line in lines if len(line) > 80] == []
    piped = [line for line in _in_a_pipe(broken_pack) if line.startswith(FAILURE)]
    assert len(piped) == 1 and len(piped[0]) > 300  # the same failure, one line in a pipe
    first = lines.index(next(line for line in lines if line.startswith(f"{AT}:")))
    end = next(at for at in range(first + 1, len(lines)) if not lines[at].startswith(" "))
    wrapped = lines[first:end]
    assert len(wrapped) >= 5
    assert all(line.startswith(" " * INDENT) and line[INDENT] != " " for line in wrapped[1:])
    # every break was a space between words: joined back with one space, the lines are the pipe's line
    assert " ".join([wrapped[0], *(line[INDENT:] for line in wrapped[1:])]) == piped[0]
    assert lines[end].startswith("FAIL: 19 test(s), 18 passed, 1 failed")


# the fields the expected row names come first, count among them (it was the row's seventh field, cut without a
# word, and read as missing), then the row's others up to six in all, and how many were cut
DETAIL = ("no row has: user=patti.wilber@contoso.example, app_id=1fbcb21c-2c13-424b-93f6-b8a35a8b2a96, "
          "consent_type=AllPrincipals, client_sp_id=fa911d5e-64bd-4966-a692-2f0b9a81ca8c, count=3; closest row "
          "differs in count (expected '3', found '2'); rows: "
          "{user=patti.wilber@contoso.example, app_id=1fbcb21c-2c13-424b-93f6-b8a35a8b2a96, "
          "consent_type=AllPrincipals, client_sp_id=fa911d5e-64bd-4966-a692-2f0b9a81ca8c, count=2, "
          "dest=50a09e96-eca7-4531-bfd4-277771d26482 (+11 more fields)}")


def test_in_a_pipe_each_failure_is_one_line_as_before(broken_pack: Path) -> None:
    lines = _in_a_pipe(broken_pack)
    failure = next(line for line in lines if line.startswith(FAILURE))
    assert failure == f"{AT}: {DETECTION} / True Positive Test: expected_rows[0]: {DETAIL}"
    assert lines[lines.index(failure) + 1].startswith("FAIL: ")


def test_json_gives_the_same_detail(broken_pack: Path) -> None:
    status, lines = stdout_in_a_pipe(["replay", "--root", str(broken_pack), "--detection", DETECTION, "--format",
                                      "json"], REPO, 120)
    tests = json.loads("\n".join(lines))["tests"]
    assert status == 1 and [(t["test"], c["name"], c["detail"]) for t in tests for c in t["checks"]
                            if not c["ok"]] == [("True Positive Test", "expected_rows[0]", DETAIL)]
    # each test's tests[i] entry, as the text output's prefix gives it (and beside the "path" it had before)
    assert [(t["test"], t["position"], t["path"]) for t in tests][:2] == [
        ("True Positive Test", {"path": FILE.as_posix(), "line": 157, "col": 3}, FILE.as_posix()),
        ("Grant Split by a Window Edge", {"path": FILE.as_posix(), "line": 173, "col": 3}, FILE.as_posix())]


def test_below_a_narrow_table_the_columns_left_out_and_the_summary_wrap_with_a_hanging_indent() -> None:
    """On a 40-column terminal the note naming the columns left out and the summary were wrapped by rich: each line
    but the last ended in a space, and the next stood at the left edge, read as a new message (README: the
    messages below a table "wrap between words with a hanging indent on a terminal")."""
    status, lines = stdout_on_terminal(["replay", "--detection", "Entra ID User Consent Policy Weakened"], 40,
                                       REPO, 120)
    assert status == 0
    below = lines[max(at for at, line in enumerate(lines) if line.startswith("└")) + 1:]
    assert [line for line in below if line != line.rstrip() or cells(line) > 40] == []
    messages: list[str] = []  # each message joined back from its lines
    for line in below:
        if line.startswith(" " * INDENT):
            messages[-1] += " " + line[INDENT:]
        else:
            messages.append(line)
    assert len(below) > len(messages) == 2  # both wrapped, each into lines standing in below its first
    assert messages[0] == "(not shown in 40 columns: results, expected, runs/notables, detect, risk; --format json has them)"
    assert re.fullmatch(r"PASS: (\d+) test\(s\), \1 passed, 0 failed \(\d+\.\d\d s, scheduled\)", messages[1])
