"""A raw control character inside a JSON string: ``search --events`` and ``backtest --events`` read it by one rule.

JSON forbids it: "All Unicode characters may be placed within the quotation marks, except for the characters that
MUST be escaped: quotation mark, reverse solidus, and the control characters (U+0000 through U+001F)" (RFC 8259
§7). Before, ``search --events`` refused such a line at column 1 in Python's words ("Invalid control character at:
line 1 column 38 (char 37)"), and ``backtest --events`` reported it so when a detection could match the line, but set
it aside unread, without a word, when none could. Now both report it at its line and column, in the same words
(``spl.events.load_json``, ``raw_control``): an error for the search, which stops, a warning for the backtest,
which goes on without the line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from contentpack.cli import main

REPO = Path(__file__).resolve().parents[2]
SINGLE = REPO / "attack_data" / "single_user_declines" / "single_user_declines.log"
WORDS = "malformed JSON{kind}: a raw control character (U+{code:04X}) inside a string: JSON requires it escaped"


def _tab_in_user(line: str, char: str = "\t") -> tuple[str, int]:
    """The line with ``char`` at the start of its user's name, and that character's column."""
    at = line.index('"userPrincipalName": "') + len('"userPrincipalName": "')
    return line[:at] + char + line[at:], at + 1


def _kept(lines: list[str]) -> tuple[str, int, int, str]:
    """A sign-in the declined-consent detection reads (its line holds 65004), a tab in a name."""
    number = next(n for n, line in enumerate(lines) if "65004" in line)
    lines[number], column = _tab_in_user(lines[number])
    return "\n".join(lines) + "\n", number + 1, column, " event"


def _unread(lines: list[str]) -> tuple[str, int, int, str]:
    """A line no detection can match (the raw-text filter sets it aside undecoded), a NUL in a string."""
    line = '{"time": "2026-10-13T12:20:00Z", "category": "Other", "note": "a\x00b"}'
    return "\n".join([*lines, line]) + "\n", len(lines) + 1, line.index("\x00") + 1, " event"


def _message(lines: list[str]) -> tuple[str, int, int, str]:
    """An Event Hub message line (``{"records": [...]}``), read by the backtest's reader in both."""
    number = next(n for n, line in enumerate(lines) if "65004" in line)
    record, column = _tab_in_user(lines[number])
    return '{"records": [' + record + "]}\n", 1, column + len('{"records": ['), " event"


def _document(lines: list[str]) -> tuple[str, int, int, str]:
    """A saved Event Hub message over several lines, read whole: the place is in the document."""
    number = next(n for n, line in enumerate(lines) if "65004" in line)
    record, column = _tab_in_user(lines[number])
    return '{"records": [\n' + lines[0] + ",\n" + record + "\n]}\n", 3, column, " document"


def _array(lines: list[str]) -> tuple[str, int, int, str]:
    """A JSON array of events over several lines, read whole: the place is in the document, which both call a
    document (``search`` said "malformed JSON array")."""
    number = next(n for n, line in enumerate(lines) if "65004" in line)
    record, column = _tab_in_user(lines[number])
    return "[\n" + lines[0] + ",\n" + record + "\n]\n", 3, column, " document"


@pytest.mark.parametrize("shape", [_kept, _unread, _message, _document, _array])
def test_search_and_backtest_report_it_at_its_place_in_the_same_words(
        shape: Callable[[list[str]], tuple[str, int, int, str]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    text, line, column, kind = shape(SINGLE.read_text(encoding="utf-8").splitlines())
    events = tmp_path / "events.log"
    events.write_text(text, encoding="utf-8")
    code = ord(next(char for char in text if char < " " and char != "\n"))
    expected = f"{events}:{line}:{column}: {{}}[RP002]: {WORDS.format(kind=kind, code=code)} (\\u{code:04x})"

    assert main(["search", "--events", str(events), "| stats count"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == expected.format("error")

    assert main(["backtest", "--events", str(events)]) == 1
    assert [row for row in capsys.readouterr().err.splitlines() if "[RP002]" in row] == [expected.format("warning")]


def test_a_tab_between_values_is_whitespace_and_a_crlf_line_end_no_control_character(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a control character inside a string is refused: a tab between values is JSON whitespace, and the
    carriage return of a CRLF line end is no part of the line, read or unread."""
    monkeypatch.chdir(REPO)
    lines = SINGLE.read_text(encoding="utf-8").splitlines()
    events = tmp_path / "events.log"
    unread = '{"time":\t"2026-10-13T12:20:00Z", "category": "Other"}'
    events.write_bytes(("\r\n".join([line.replace('", "', '",\t"', 1) for line in lines] + [unread]) + "\r\n").encode())
    assert main(["search", "--events", str(events), "| stats count"]) == 0
    assert main(["backtest", "--events", str(events)]) == 0
    assert "[RP002]" not in capsys.readouterr().err


def test_a_json_array_that_does_not_decode_is_a_malformed_document_to_both(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Any decoding error of a JSON text read whole is said in one wording by both commands
    (``events.MALFORMED_DOCUMENT``), at its line and column; ``search`` said "malformed JSON array"."""
    monkeypatch.chdir(REPO)
    events = tmp_path / "events.json"
    events.write_text('[\n{"a": 1},\n{"a": 2,,}\n]\n', encoding="utf-8")
    words = "malformed JSON document: expecting property name enclosed in double quotes"

    assert main(["search", "--events", str(events), "| stats count"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == f"{events}:3:9: error[RP002]: {words}"

    assert main(["backtest", "--events", str(events)]) == 1
    assert [row for row in capsys.readouterr().err.splitlines() if "[RP002]" in row] == [
        f"{events}:3:9: warning[RP002]: {words}"]


@pytest.mark.parametrize("several", [False, True], ids=["one result", "the second of two results"])
@pytest.mark.parametrize("document", [False, True], ids=["results line", "document over several lines"])
def test_a_control_character_of_an_exported_raw_is_reported_at_its_escape(
        document: bool, several: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A Splunk results export writes each event's text as the JSON string ``_raw``, escaping a control character
    in it (``\\t``): the export decodes, the event inside it does not. Its place is the escape's in the export, each
    escape before it (the event's ``\\"``, a surrogate pair ``\\ud83d\\ude00``) counted as the one character it
    stands for; it was reported at column 1 (of the line, or of the result's first line in a document), and still
    was when the line or document held other results (``result 2: ...``, a bad record beside them)."""
    monkeypatch.chdir(REPO)
    lines = SINGLE.read_text(encoding="utf-8").splitlines()
    good = next(line for line in lines if "65004" in line)
    raw, _ = _tab_in_user(good, "\U0001F600\t")
    row = {"_raw": raw, "_time": "2026-10-13T12:19:16.000+00:00", "sourcetype": "azure:monitor:aad"}
    rows = [{**row, "_raw": good}, row] if several else [row]
    text = (json.dumps({"results": rows}, indent=1) if document else
            json.dumps({"preview": False, "results": rows}) if several else json.dumps({"preview": False, "result": row}))
    events = tmp_path / "export.json"
    events.write_text(text + "\n", encoding="utf-8")
    escape = text.index("\\t")
    line, column = text.count("\n", 0, escape) + 1, escape - text.rfind("\n", 0, escape)
    words = (f"{'item 1: ' if document else ''}{'result 2: ' if several else ''}"
             f"{WORDS.format(kind=' in _raw', code=9)} (\\u0009)")
    expected = f"{events}:{line}:{column}: {{}}[RP002]: {words}"

    assert main(["search", "--events", str(events), "| stats count"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == expected.format("error")

    assert main(["backtest", "--events", str(events)]) == 1
    assert [row for row in capsys.readouterr().err.splitlines() if "[RP002]" in row] == [expected.format("warning")]
