"""What `contentpack backtest` says it read, for every input shape (docs/backtest.md, "Inputs"): the same records
(``single_user_declines``), one of them a decline the detection can match, exported six ways, each counted in the
units that file has. Before, one count, "line(s) no detection can match", counted lines of one shape, export rows
of another, and the records of an Event Hub message nowhere: "4 line(s): 1 event(s) kept, 3 line(s) no detection
can match" hid the 9 records decoded beside the kept one; the records as an indented JSON array were counted as
its lines (its newlines, plus one); a `results` document on one line had every record but the decline among the
"line(s)" no detection can match, out of 1 line read."""

from __future__ import annotations

import gzip
import html
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

from contentpack.backtest.inputs import same_content_note, same_records_note
from contentpack.backtest.report import SHOWN_SHARED

from .test_cli_backtest import DECLINED, REPO, SINGLE, backtest, csv_export, json_export

RECORDS = [json.loads(line) for line in SINGLE.read_text(encoding="utf-8").splitlines()]
DECLINE = next(r for r in RECORDS if r["resultType"] == "65004")  # the one record a detection can match


def _records(path: Path) -> Path:
    path.write_text(SINGLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _event_hub(path: Path) -> Path:
    """Messages of 10 records (the last of the rest), one a line: the decline is in the third."""
    path.write_text("".join(json.dumps({"records": RECORDS[i:i + 10]}) + "\n" for i in range(0, len(RECORDS), 10)),
                    encoding="utf-8")
    return path


def _results_line(path: Path) -> Path:
    """``{"results": [...]}`` on one line, as ``output_mode=json`` gives a finished search."""
    export = json_export(path.with_suffix(".rows"), 60)
    rows = [json.loads(line)["result"] for line in export.read_text(encoding="utf-8").splitlines()]
    path.write_text(json.dumps({"results": rows}) + "\n", encoding="utf-8")
    return path


def _array(path: Path) -> Path:
    """A JSON array of the records, indented: thousands of lines of one document."""
    path.write_text(json.dumps(RECORDS, indent=2) + "\n", encoding="utf-8")
    return path


def _export_lines(path: Path) -> Path:
    return json_export(path, 60)


def _csv(path: Path) -> Path:
    return csv_export(path, 60)


def _unread(lines: int, decoded: int = 1, messages: str = "") -> str:
    """The lines set aside unread and decoded, which add up to the lines read (with the bad ones)."""
    return f"{lines} line(s) set aside unread (no detection can match them), {decoded} line(s) decoded{messages}"


SHAPES: list[tuple[Callable[[Path], Path], str, dict[str, int]]] = [
    (_records, f"39 JSON line(s): {_unread(38)}, 0 bad line(s); 1 event(s): 1 kept for the detections",
     {"lines": 39, "events_no_detection_can_match": 0, "lines_no_detection_can_match": 38, "lines_decoded": 1}),
    (_export_lines, f"39 JSON line(s): {_unread(38)}, 0 bad line(s); 1 event(s): 1 kept for the detections",
     {"lines": 39, "events_no_detection_can_match": 0, "lines_no_detection_can_match": 38, "lines_decoded": 1}),
    # the third message is decoded: its decline kept, its 9 other records counted; the other 3 lines set aside
    (_event_hub, f"4 JSON line(s): {_unread(3, 1, ' (1 Event Hub message(s) of 10 record(s))')}, 0 bad line(s); "
     "10 event(s): 1 kept for the detections, "
     "9 no detection can match",
     {"lines": 4, "events_no_detection_can_match": 9, "lines_no_detection_can_match": 3, "lines_decoded": 1,
      "event_hub_messages": 1, "event_hub_records": 10, "events_decoded": 10}),
    (_results_line, f"1 JSON line(s): {_unread(0)}, 0 bad line(s); 39 event(s): 1 kept for the detections, "
     "38 no detection can match",
     {"lines": 1, "events_no_detection_can_match": 38, "lines_no_detection_can_match": 0, "lines_decoded": 1,
      "events_decoded": 39}),
    (_array, "1 JSON document(s): 0 bad JSON document(s); 39 event(s): 1 kept for the detections, "
     "38 no detection can match",
     {"json_documents": 1, "events_no_detection_can_match": 38, "events_decoded": 39}),
    (_csv, "39 CSV row(s): 0 bad CSV row(s); 39 event(s): 1 kept for the detections, 38 no detection can match",
     {"csv_rows": 39, "events_no_detection_can_match": 38, "events_decoded": 39}),
]


def _input(counts: dict[str, int]) -> dict[str, object]:
    """summary.json's ``input`` as expected: every count zero unless ``counts`` says otherwise."""
    zero = {"files": 1, "lines": 0, "csv_rows": 0, "json_documents": 0, "lines_no_detection_can_match": 0,
            "lines_decoded": 0, "blank_lines": 0, "event_hub_messages": 0, "event_hub_records": 0,
            "events_decoded": 1, "events_kept": 1, "events_no_detection_can_match": 0, "events_outside_range": 0,
            "events_with_indextime_from_input": 0, "events_indexed_before_time": 0, "export_events_without_indextime": 0,
            "events_over_extraction_cutoff": 0, "bad_lines": 0,
            "bad_whole_lines": 0, "bad_csv_rows": 0, "bad_json_documents": 0, "bad_records": 0, "first_bad_lines": [],
            "notes": []}
    return {**zero, **counts}


@pytest.mark.parametrize(("shape", "said", "counts"), SHAPES, ids=[shape.__name__.strip("_") for shape, *_ in SHAPES])
def test_each_input_shape_is_counted_in_its_own_units(shape: Callable[[Path], Path], said: str,
                                                      counts: dict[str, int], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")  # one line: the words are pinned, not the wrapping
    source = shape(tmp_path / "input.json")
    status, out, err = backtest(capsys, "--events", str(source), "--detection", DECLINED, "--out",
                                str(tmp_path / "out"))
    assert status == 0, err
    assert [line for line in out.splitlines() if line.startswith("read ")] == [f"read 1 file(s), {said}"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    exported = shape in (_export_lines, _results_line, _csv)  # the export's _indextime is the event's
    assert summary["input"] == {**_input(counts), "events_with_indextime_from_input": int(exported)}


def test_a_folder_of_shapes_says_each_unit_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines, CSV rows and documents are summed each in its own unit, never into one another."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    folder = tmp_path / "logs"
    folder.mkdir()
    _records(folder / "a.log"), _csv(folder / "b.csv"), _array(folder / "c.json"), _event_hub(folder / "d.json")
    status, out, err = backtest(capsys, "--events", str(folder), "--detection", DECLINED)
    assert status == 0, err
    assert [line for line in out.splitlines() if line.startswith("read ")] == [
        f"read 4 file(s), 43 JSON line(s), 39 CSV row(s), 1 JSON document(s): "
        f"{_unread(41, 2, ' (1 Event Hub message(s) of 10 record(s))')}, 0 bad line(s); "
        "89 event(s): 4 kept for the detections, 85 no detection can match"]


def test_a_broken_document_with_no_event_is_counted_as_a_document(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON array cut short is one document read, not the 3 lines its newlines made (before: "3 line(s)")."""
    monkeypatch.chdir(REPO)
    cut = tmp_path / "cut.json"
    cut.write_text("[\n" + json.dumps(DECLINE) + ",\n")
    status, out, err = backtest(capsys, "--events", str(cut), "--out", str(tmp_path / "out"))
    assert status == 1 and out == ""
    assert err.splitlines()[0] == ("contentpack backtest: no timed events in the input (1 JSON document(s) read: "
                                   "1 bad JSON document(s); 0 event(s): 0 kept for the detections): nothing to simulate")


def test_event_hub_lines_add_up_to_the_lines_read_and_their_records_to_the_events(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines set aside, decoded, blank and bad add up to the lines read, and the decoded messages' records to the
    events: "15 line(s): 8 line(s) set aside unread (...), 0 bad line(s); 70 event(s)" left 7 lines, the messages
    decoded, unsaid, and a reader could not tell how 15 lines became 70 events."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    source = _event_hub(tmp_path / "input.json")
    source.write_text(source.read_text(encoding="utf-8").replace("\n", "\n\n", 1), encoding="utf-8")
    status, out, err = backtest(capsys, "--events", str(source), "--detection", DECLINED)
    assert status == 0, err
    assert [line for line in out.splitlines() if line.startswith("read ")] == [
        f"read 1 file(s), 5 JSON line(s): {_unread(3, 1, ' (1 Event Hub message(s) of 10 record(s))')}, "
        "1 blank line(s), 0 bad line(s); 10 event(s): 1 kept for the detections, 9 no detection can match"]


# Each count the read line says, by the words after it, and its key in summary.json's ``input``.
SAID_AS = {"file(s)": "files", "JSON line(s):": "lines", "line(s) set aside unread": "lines_no_detection_can_match",
           "line(s) decoded": "lines_decoded", "Event Hub message(s)": "event_hub_messages",
           "record(s))": "event_hub_records", "blank line(s)": "blank_lines", "bad line(s)": "bad_whole_lines",
           "bad record(s)": "bad_records", "event(s):": "events_decoded", "kept for the detections": "events_kept",
           "no detection can match": "events_no_detection_can_match"}


def test_summary_json_counts_what_the_read_line_says(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Every number of the read line is in summary.json, under its own key: the lines decoded, the blank ones and
    the Event Hub messages with their records were said on the terminal only, so a script's lines set aside and
    bad did not add up to the lines read, nor its events to anything read."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    source = _bad_records_and_a_bad_line(tmp_path / "input.json")
    source.write_text(source.read_text(encoding="utf-8").replace("\n", "\n\n", 1), encoding="utf-8")
    status, out, _ = backtest(capsys, "--events", str(source), "--detection", DECLINED, "--out", str(tmp_path / "out"))
    assert status == 1  # the bad ones
    line = next(line for line in out.splitlines() if line.startswith("read "))
    said = {key: int(found.group(1).replace(",", "")) for words, key in SAID_AS.items()
            if (found := re.search(r"([\d,]+) " + re.escape(words), line))}
    assert len(said) == len(re.findall(r"\d[\d,]*", line)) == len(SAID_AS), line  # each number found, and once
    reading = json.loads((tmp_path / "out" / "summary.json").read_text())["input"]
    assert {key: reading.get(key) for key in said} == said
    assert said["blank_lines"] == 1 and said["event_hub_records"] == 13
    assert reading["lines"] == sum(reading[key] for key in ("lines_no_detection_can_match", "lines_decoded",
                                                            "blank_lines", "bad_whole_lines"))


UNTIMED_DECLINE = {key: value for key, value in DECLINE.items() if key != "time"}  # a detection decodes it


def _bad_array_elements(path: Path) -> Path:
    """The indented array with two elements that are not objects: two bad elements of one document."""
    path.write_text(json.dumps([*RECORDS, "x", 5], indent=2) + "\n", encoding="utf-8")
    return path


def _bad_records_and_a_bad_line(path: Path) -> Path:
    """The Event Hub messages, a fifth holding the decline twice without its time (two bad records of one line,
    the decline kept beside them) and a sixth cut short (a bad line)."""
    _event_hub(path)
    bad = json.dumps({"records": [UNTIMED_DECLINE, DECLINE, UNTIMED_DECLINE]})
    with path.open("a", encoding="utf-8") as handle:
        handle.write(bad + "\n" + bad[:40] + "\n")
    return path


def _bad_csv_rows(path: Path) -> Path:
    csv_export(path, 60)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("only,two\nand,two\n")
    return path


BAD_KEYS = ("bad_whole_lines", "bad_csv_rows", "bad_json_documents", "bad_records")
BAD: list[tuple[Callable[[Path], Path], str, dict[str, int]]] = [
    (_bad_array_elements, "1 JSON document(s): 2 bad record(s); 39 event(s): 1 kept for the detections, "
     "38 no detection can match", {"bad_records": 2}),
    (_bad_records_and_a_bad_line, f"6 JSON line(s): {_unread(3, 2, ' (2 Event Hub message(s) of 13 record(s))')}, "
     "1 bad line(s), 2 bad record(s); 11 event(s): "
     "2 kept for the detections, 9 no detection can match", {"bad_whole_lines": 1, "bad_records": 2}),
    (_bad_csv_rows, "41 CSV row(s): 2 bad CSV row(s); 39 event(s): 1 kept for the detections, "
     "38 no detection can match", {"bad_csv_rows": 2}),
]


@pytest.mark.parametrize(("shape", "said", "bad"), BAD, ids=[shape.__name__.strip("_") for shape, *_ in BAD])
def test_what_was_bad_is_counted_in_its_own_unit(shape: Callable[[Path], Path], said: str, bad: dict[str, int],
                                                 tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad element of a JSON array, a bad record of an Event Hub message line and a bad CSV row were each "1 bad
    line(s)": two bad elements of one document said "1 JSON document(s): ..., 2 bad line(s)", and a message line
    with two bad records counted 2 bad lines. Each is said in its unit now, as what was read is; summary.json keeps
    ``bad_lines``, every bad one as before, and tells them apart in ``bad_whole_lines``, ``bad_records``, ..."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    source = shape(tmp_path / "input.json")
    status, out, err = backtest(capsys, "--events", str(source), "--detection", DECLINED, "--out",
                                str(tmp_path / "out"))
    assert status == 1, err  # the figures are incomplete
    assert [line for line in out.splitlines() if line.startswith("read ")] == [f"read 1 file(s), {said}"]
    reading = json.loads((tmp_path / "out" / "summary.json").read_text())["input"]
    assert reading["bad_lines"] == sum(bad.values()) == len(reading["first_bad_lines"])
    assert {key: reading[key] for key in BAD_KEYS} == {**dict.fromkeys(BAD_KEYS, 0), **bad}


def test_the_bad_ones_past_the_first_ten_are_counted_in_their_unit(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The cut list of the bad ones said "(+2 more bad line(s))" of an array's elements too."""
    monkeypatch.chdir(REPO)
    source = tmp_path / "input.json"
    source.write_text(json.dumps([*RECORDS, *range(12)]), encoding="utf-8")
    status, _, err = backtest(capsys, "--events", str(source), "--detection", DECLINED)
    assert status == 1
    # and the closing line says why the exit status is 1 in the same unit
    assert err.splitlines()[-2:] == ["contentpack backtest: (+2 more bad record(s))", "contentpack backtest: exit "
                                     "status 1, the figures are incomplete: 12 bad record(s) left out"]


def _bad_results_document(path: Path) -> Path:
    """``{"results": [...]}`` indented (a REST API answer pretty-printed), its last result, after the records', no object."""
    _results_line(path)
    rows = json.loads(path.read_text(encoding="utf-8"))["results"]
    path.write_text(json.dumps({"results": [*rows, 5]}, indent=1) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("shape", "bad"), [
    (_bad_array_elements, [("  \"x\",", "item 40: an element of the array is not a JSON object"),
                           ("  5", "item 41: an element of the array is not a JSON object")]),
    (_bad_results_document, [("  5", "item 1: result 40: an export result must be a JSON object")]),
], ids=["array", "results-document"])
def test_a_bad_item_of_a_document_is_at_its_line(shape: Callable[[Path], Path], bad: list[tuple[str, str]],
                                                 tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad element of a JSON array, or a bad result of an export's ``results`` list, read as one document, is
    at the line it starts on, on stderr and in summary.json, as ``search --events`` places a JSON array's bad
    element (``events.json_line``, shared). It was ``input.json: warning[RP002]: item 39: ...``, with no line."""
    monkeypatch.chdir(REPO)
    source = shape(tmp_path / "input.json")
    lines = source.read_text(encoding="utf-8").splitlines()
    status, _, err = backtest(capsys, "--events", str(source), "--detection", DECLINED, "--out",
                              str(tmp_path / "out"))
    expected = [f"{source}:{lines.index(text) + 1}:1: warning[RP002]: {message}" for text, message in bad]
    assert status == 1 and [line for line in err.splitlines() if "RP002" in line] == expected, err
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["input"]["first_bad_lines"] == expected


def test_the_same_events_given_twice_are_named_beside_the_read_line(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """``week.json`` beside ``week.json.gz`` in one folder, or one file named twice, was read twice without a word,
    every count of the read line doubled: the file whose bytes, once decompressed, are those of one read before
    it is named with that one. Files that only share a size are not (a record of another user, same length)."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    folder = tmp_path / "logs"
    folder.mkdir()
    plain = _records(folder / "week.json")
    packed = folder / "week.json.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    other = tmp_path / "other.json"
    other.write_text(plain.read_text(encoding="utf-8").replace("joni", "jona"), encoding="utf-8")
    again = Path(os.path.relpath(plain))  # the same file by another name than the folder gives
    exports = tmp_path / "exports"
    exports.mkdir()
    export = csv_export(exports / "week.csv", 60)  # a CSV export, read twice: the compressed one first
    export_packed = exports / "week.csv.gz"
    export_packed.write_bytes(gzip.compress(export.read_bytes()))
    for events, said in (([folder], [same_content_note(str(packed), str(plain))]),
                         ([plain, again], [same_content_note(str(again), str(plain))]),
                         ([plain, other], []),
                         ([export_packed, export], [same_content_note(str(export), str(export_packed))])):
        status, out, err = backtest(capsys, "--events", *map(str, events), "--detection", DECLINED, "--out",
                                    str(tmp_path / "out"))
        assert status == 0, err
        lines = out.splitlines()
        read = next(number for number, line in enumerate(lines) if line.startswith("read "))
        assert lines[read + 1:read + 1 + len(said)] == said, events
        assert sum("holds the same bytes" in line for line in lines) == len(said), events


def test_events_an_earlier_file_held_too_are_named_beside_the_read_line(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two exports of overlapping periods (Monday to Wednesday, then Wednesday to Friday) had the shared events read
    and counted twice without a word: only a whole file given twice was named. A file holding kept events with the
    same ``_raw`` as an earlier file's is named with it and how many, a Splunk export of them too (its ``_raw`` is
    the record's line); events repeated within one file, and files that share none, are not."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    lines = SINGLE.read_text(encoding="utf-8").splitlines(keepends=True)
    early, late, overlap = tmp_path / "early.log", tmp_path / "late.log", tmp_path / "overlap.log"
    early.write_text("".join(lines[:30]), encoding="utf-8")
    late.write_text("".join(lines[20:]), encoding="utf-8")
    overlap.write_text("".join(lines[20:30]) * 2, encoding="utf-8")  # the shared lines, each twice in one file
    before, after = tmp_path / "before.log", tmp_path / "after.log"
    before.write_text("".join(lines[:20]), encoding="utf-8")
    after.write_text("".join(lines[20:]), encoding="utf-8")
    export = csv_export(tmp_path / "week.csv", 60)

    def said(*events: Path) -> tuple[list[str], dict[str, object]]:
        status, out, err = backtest(capsys, "--events", *map(str, events), "--detection", DECLINED, "--out",
                                    str(tmp_path / "out"))
        assert status == 0, err
        summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
        notes = [line for line in out.splitlines() if " holds " in line]
        assert summary["input"]["notes"] == notes  # the terminal's words, in summary.json too
        return notes, summary["input"]

    notes, counts = said(overlap)
    assert notes == []
    shared = cast(int, counts["events_kept"]) // 2
    assert shared > 0  # the lines shared hold a decline, an event the detection keeps
    assert said(early, late)[0] == [same_records_note(str(late), str(early), shared)]
    assert said(before, after)[0] == []
    kept = cast(int, said(early)[1]["events_kept"])
    assert said(early, export)[0] == [same_records_note(str(export), str(early), kept)]  # as Splunk exports them


def test_files_sharing_records_are_named_a_few_then_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """``backtest --events attack_data/`` said one three-line note per file sharing records with an earlier one,
    dozens of them between the read line and the totals, on the terminal and in report.html alike. Both name the
    first ``SHOWN_SHARED`` and then how many more, in one line worded as the Problems' ``(+N more ...)``; summary.json,
    read by scripts, names every one."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    lines = SINGLE.read_text(encoding="utf-8").splitlines(keepends=True)
    early = tmp_path / "early.log"
    early.write_text("".join(lines[:30]), encoding="utf-8")
    later = [tmp_path / f"late{i}.log" for i in range(SHOWN_SHARED + 2)]
    for i, path in enumerate(later):  # each shares early's lines 20-29, and differs from the others by one line
        path.write_text("".join(lines[20:30] + lines[30 + i:31 + i]), encoding="utf-8")
    status, out, err = backtest(capsys, "--events", str(early), *map(str, later), "--detection", DECLINED, "--out",
                                str(tmp_path / "out"))
    assert status == 0, err
    more = "(+2 more file(s) share records with an earlier one; --format json and summary.json list them all)"
    said = out.splitlines()
    named = [line for line in said if " holds " in line]
    assert len(named) == SHOWN_SHARED and said[said.index(named[-1]) + 1] == more
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    shown = [html.unescape(re.sub(r"<[^>]+>", "", note))
             for note in re.findall(r'<p class="input-note">(.*?)</p>', page)]
    assert shown == [*named, more]  # the page says what the terminal said
    notes = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["input"]["notes"]
    assert notes[:SHOWN_SHARED] == named and len(notes) == len(later) and more not in notes
