"""`contentpack backtest` as a user runs it: Splunk exports whose _indextime decides what a scheduled search
could see, the files in --out, bad lines, usage errors, and the progress bar only on a terminal."""

from __future__ import annotations

import csv
import html
import datetime as dt
import gzip
import io
import json
import os
import pty
import random
import re
import subprocess
import sys
import tarfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from contentpack.backtest.foreign import READ_INSTEAD
from contentpack.backtest.inputs import MAX_REPORTED
from contentpack.cli import main
from pack_copies import CUT_MESSAGE, pack_copy, pack_with_cut_subsearch, pack_with_edit
from terminal_output import Terminal, read_until_closed, stderr_on_terminal

from . import chromium

REPO = Path(__file__).resolve().parents[2]
SINGLE = REPO / "attack_data" / "single_user_declines" / "single_user_declines.log"
DECLINED = "Entra ID User Declined OAuth Application Consent"
CORRELATION = "Entra ID OAuth Consent Abuse Risk Across Detections"
EXPORT_FIELDS = ("_raw", "_time", "_indextime", "sourcetype", "source", "host", "index")


def _rows(delay: int) -> list[dict[str, str]]:
    """The file as Splunk's export gives it back: each event with an _indextime ``delay`` s after _time."""
    rows = []
    for line in SINGLE.read_text(encoding="utf-8").splitlines():
        moment = dt.datetime.fromisoformat(json.loads(line)["time"][:26] + "+00:00")
        rows.append({"_raw": line, "_time": moment.isoformat(timespec="milliseconds"),
                     "_indextime": str(int(moment.timestamp()) + delay), "sourcetype": "azure:monitor:aad",
                     "source": "eventhub://contoso.servicebus.windows.net/entra;", "host": "hf-01", "index": "azure"})
    return rows


def json_export(path: Path, delay: int) -> Path:
    lines = [json.dumps({"preview": False, "offset": i, "result": row}) for i, row in enumerate(_rows(delay))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def csv_export(path: Path, delay: int) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, EXPORT_FIELDS)
    writer.writeheader()
    writer.writerows(_rows(delay))
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def backtest(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["backtest", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("export", [json_export, csv_export])
def test_an_exports_index_times_decide_what_the_schedule_sees(
        export: object, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The decline at 14:25:53 is found by the 14:40 run (every 10 minutes, window -40m@m..-10m@m) when it was
    indexed a minute later, and by no run when it was indexed 45 minutes later (15:10:53: after the 15:00 run,
    the last whose window holds it) — the real ingestion delay the export carries is what the simulation
    uses. A single refusal is risk only (issue 13): the finding is a risk event, never a notable."""
    monkeypatch.chdir(REPO)
    found: dict[int, list[dict[str, Any]]] = {}
    for delay in (60, 2700):
        source = export(tmp_path / f"export-{delay}", delay)  # type: ignore[operator]
        out = tmp_path / f"out-{delay}"
        status, text, err = backtest(capsys, "--events", str(source), "--detection", DECLINED, "--out", str(out),
                                     "--format", "json")
        assert status == 0, err
        summary = json.loads(text)
        assert summary == json.loads((out / "summary.json").read_text())
        assert summary["input"]["events_with_indextime_from_input"] == 1  # the one line the detection can match
        assert summary["input"]["bad_lines"] == 0
        assert (out / "notables.jsonl").read_text() == ""  # risk only
        found[delay] = [json.loads(line) for line in (out / "risk.jsonl").read_text().splitlines()]
    [risk] = found[60]
    assert risk["_time"] == "2026-10-13T14:40:00.000Z" and risk["detection"] == DECLINED
    assert risk["risk_object"] == "joni.natarajan@contoso.example" and risk["risk_object_type"] == "user"
    assert risk["threat_object_type"] == "service" and risk["risk_score"] == 5
    assert found[2700] == []


def test_the_pages_index_time_count_says_it_counts_only_the_events_a_detection_can_match(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """An export of 39 rows, each with its _indextime, two of them a detection can match (a refusal, a prompt):
    report.html's "what was read" table said "CSV rows read 39" and "events with their own _indextime (from a Splunk
    export) 2", which reads as 37 rows having lost theirs (the rows no detection can match are set aside before their
    _indextime is read). Each count of the export's index times says whose it is."""
    monkeypatch.chdir(REPO)
    out = tmp_path / "out"
    status, _, err = backtest(capsys, "--events", str(csv_export(tmp_path / "export.csv", 60)), "--out", str(out))
    assert status == 0, err
    page = (out / "report.html").read_text(encoding="utf-8")
    table = page[page.index('id="input"'):]
    rows = {html.unescape(re.sub(r"<[^>]+>", "", label)): value
            for label, value in re.findall(r"<tr><td>(.*?)</td><td[^>]*>([^<]*)</td>",
                                           table[:table.index("</table>")])}
    assert rows["CSV rows read"] == "39"
    [(label, value)] = [(label, value) for label, value in rows.items() if "_indextime" in label]
    assert value == "2" and "a detection can match" in label, rows


@pytest.mark.parametrize("export", [json_export, csv_export])
def test_events_indexed_before_they_happened_are_counted_in_the_read_line(
        export: object, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Splunk indexes an event after it happened: a hand-made export whose _indextime is before its _time (the
    source's clock ahead of the indexer's, or a time read in the wrong zone) was read without a word. Such events
    are counted in the read line and summary.json; one indexed in the second it happened (_indextime whole
    seconds, _time to the millisecond) is not."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")  # the read line on one line
    for delay, early in ((-3600, 1), (0, 0)):
        source = export(tmp_path / f"export-{delay}", delay)  # type: ignore[operator]
        status, text, err = backtest(capsys, "--events", str(source), "--detection", DECLINED, "--out",
                                     str(tmp_path / f"out-{delay}"))
        assert status == 0, err
        [read] = [line for line in text.splitlines() if line.startswith("read ")]
        said = "; 1 with _indextime before _time (the source's clock ahead, or a time read in the wrong time zone)"
        assert read.endswith(said) == bool(early), read
        summary = json.loads((tmp_path / f"out-{delay}" / "summary.json").read_text())
        assert summary["input"]["events_indexed_before_time"] == early


@pytest.mark.parametrize("export", [json_export, csv_export])
def test_an_export_without_indextime_is_said_to_be_indexed_by_the_delay_model(
        export: object, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """README's export from Splunk keeps the real ingestion delay through `| fields ... _indextime`; a newcomer's
    export without _indextime was simulated on the pack's delay model with no word of it. The read line and
    summary.json say how many events a detection can match came so, and what to export instead."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")  # the read line on one line
    with_times = export(tmp_path / "with", 60)  # type: ignore[operator]
    without = tmp_path / "without"
    if export is csv_export:
        rows = list(csv.DictReader(io.StringIO(with_times.read_text(encoding="utf-8"))))
        writer = csv.DictWriter(buffer := io.StringIO(), [name for name in EXPORT_FIELDS if name != "_indextime"])
        writer.writeheader()
        writer.writerows({name: value for name, value in row.items() if name != "_indextime"} for row in rows)
        without.write_text(buffer.getvalue(), encoding="utf-8")
    else:
        lines = [json.loads(line) for line in with_times.read_text(encoding="utf-8").splitlines()]
        for line in lines:
            del line["result"]["_indextime"]
        without.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    said = ("; 1 from a Splunk export without _indextime, indexed by the pack's delay model instead (export with "
            "| fields _raw _time _indextime sourcetype source host index for the real delay)")
    for source, count in ((with_times, 0), (without, 1)):
        out = tmp_path / f"out-{source.name}"
        status, text, err = backtest(capsys, "--events", str(source), "--detection", DECLINED, "--out", str(out))
        assert status == 0, err
        [read] = [line for line in text.splitlines() if line.startswith("read ")]
        assert read.endswith(said) == bool(count), read
        summary = json.loads((out / "summary.json").read_text())
        assert summary["input"]["export_events_without_indextime"] == count
        assert summary["input"]["events_with_indextime_from_input"] == 1 - count


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_out_files_get_the_mode_the_umask_gives(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch, umask: int, mode: int) -> None:
    """The files --out writes are created 0666 less the umask, as any tool's output is; they were 0600 whatever
    the umask (``tempfile.mkstemp``'s mode, kept by the rename into place), so a report could not be shared."""
    monkeypatch.chdir(REPO)
    out = tmp_path / "out"
    before = os.umask(umask)
    try:
        status, _, err = backtest(capsys, "--events", str(SINGLE), "--detection", DECLINED, "--out", str(out))
    finally:
        os.umask(before)
    assert status == 0, err
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in out.iterdir()} == \
        {name: oct(mode) for name in ("notables.jsonl", "report.html", "risk.jsonl", "summary.json")}


def test_an_out_folder_inside_the_events_folder_is_not_read_as_logs_by_the_next_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``--events logs --out logs/bt`` run twice read the first run's notables.jsonl, risk.jsonl and
    summary.json as logs the second time (found by h-newuser8): the files the command writes are left out of the
    folder it reads, so both runs read the same line and say the same."""
    monkeypatch.chdir(REPO)
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "signins.log").write_bytes(SINGLE.read_bytes())
    said = []
    for _ in range(2):
        status, text, err = backtest(capsys, "--events", str(logs), "--detection", DECLINED, "--out", str(logs / "bt"))
        assert status == 0, err
        said.append(json.loads((logs / "bt" / "summary.json").read_text())["input"])
        assert "read 1 file(s)" in text, text
    assert said[0] == said[1]


@pytest.mark.slow
def test_out_dir_holds_every_file_and_risk_has_es_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    out = tmp_path / "out"
    status, text, err = backtest(capsys, "--events", "attack_data", "--out", str(out))
    assert status == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["notables.jsonl", "report.html", "risk.jsonl", "summary.json"]
    assert "Per detection" in text and "Top risk objects" in text and "notable(s)" in text
    risk = [json.loads(line) for line in (out / "risk.jsonl").read_text().splitlines()]
    assert risk and all(list(r)[:7] == ["risk_object", "risk_object_type", "risk_score", "threat_object",
                                        "threat_object_type", "search_name", "_time"] for r in risk if "threat_object" in r)
    assert all({"risk_object", "risk_object_type", "risk_score", "search_name", "_time", "detection"} <= set(r)
               for r in risk)
    summary = json.loads((out / "summary.json").read_text())
    days = {c["day"] for c in summary["per_day"]}
    assert {c["detection"] for c in summary["per_day"]} == set(summary["detections"])
    assert all(sum(1 for c in summary["per_day"] if c["detection"] == name) == len(days) for name in summary["detections"])
    assert sum(c["notables"] for c in summary["per_day"]) == len((out / "notables.jsonl").read_text().splitlines())
    top = summary["top_risk_objects"][0]
    assert top["score"] >= summary["top_risk_objects"][-1]["score"] and top["detections"]
    assert "reading" not in err and "simulating" not in err  # no progress bar when stderr is not a terminal


def _readme_keys(name: str) -> set[str]:
    """The keys README.md's bullet on the ``--out`` file ``name`` lists (every `code` span after the file's)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(f"* `{name}` — ")
    bullet = text[start:text.index("\n* ", start)]
    return set(re.findall(r"`([^`]+)`", bullet)[1:])


def test_the_readme_lists_the_keys_of_notables_and_risk(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """README.md said a notable holds a "title": the key is ``rule_title``, and it left out half the keys a
    reader filters the file by (``jq .severity``). Each line's keys are the ones the README lists."""
    monkeypatch.chdir(REPO)
    out = tmp_path / "out"
    status, _, err = backtest(capsys, "--events", "attack_data/consent_phishing_campaign", "--out", str(out))
    assert status == 0, err
    for name in ("notables.jsonl", "risk.jsonl"):
        keys = [set(json.loads(line)) for line in (out / name).read_text().splitlines()]
        assert keys and set().union(*keys) == _readme_keys(name), name


def test_bad_lines_are_reported_and_the_exit_status_says_incomplete(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    lines = SINGLE.read_text().splitlines()
    bad = tmp_path / "bad.log"
    bad.write_text("\n".join([lines[0], lines[1][:100], *lines[2:], "garbage"]) + "\n")
    status, _, err = backtest(capsys, "--events", str(bad))
    assert status == 1
    # search's form and rule for a malformed events line (FILE:6:1: error[RP002]: ...), a warning here: the
    # backtest skips the line and goes on, and says why in its own words
    assert err.splitlines() == [f"{bad}:2:56: warning[RP002]: malformed JSON event: unterminated string",
                                f"{bad}:{len(lines) + 1}:1: warning[RP002]: not a JSON object",
                                INCOMPLETE + "2 bad line(s) left out"]


INCOMPLETE = "contentpack backtest: exit status 1, the figures are incomplete: "


@pytest.mark.parametrize("cut", [30, 600], ids=["in-the-last-cells", "inside-the-raw"])
def test_a_csv_export_cut_short_says_the_file_ends_inside_its_last_row(
        cut: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A Splunk CSV export whose download stopped mid-row: its last row was "the row's cells do not match the
    header's 7 columns" alone, where a JSON export cut the same way says the file ends inside the line (an export cut
    short?). The CSV row says it too, in both commands (search reads an export with the backtest's reader); a row
    short of cells that ends its line is only that."""
    export = csv_export(tmp_path / "week.csv", 120)
    whole = export.read_bytes()
    rows = len(whole.splitlines())
    export.write_bytes(whole[:-cut])
    said = (f"{export}:{rows}:1: warning[RP002]: the row's cells do not match the header's 7 columns; the file ends "
            "inside this line (an export cut short?)")
    status, _, err = backtest(capsys, "--events", str(export), "--root", str(REPO))
    assert (status, err.splitlines()) == (1, [said, INCOMPLETE + "1 bad CSV row(s) left out"])
    assert main(["search", "* | stats count", "--events", str(export), "--no-pack"]) == 1
    assert said.replace("warning", "error") in capsys.readouterr().err

    short = tmp_path / "short.csv"  # a row short of cells, its line ended: no word of the file's end
    short.write_bytes(whole[:whole.rindex(b",", 0, len(whole) - 1)] + b"\r\n")
    status, _, err = backtest(capsys, "--events", str(short), "--root", str(REPO))
    assert (status, err.splitlines()[0]) == (1, f"{short}:{rows}:1: warning[RP002]: the row's cells do not match the "
                                                "header's 7 columns")


def test_the_last_line_says_why_the_exit_status_is_1_and_a_clean_run_has_none(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A run whose only problem was bad lines printed its ``warning[RP002]`` lines, the files written, and exited
    1 with nothing saying why (the README did). The last line now says the exit status and why, in the units
    the read line counts them in; a run with nothing bad ends at its last file written, exit 0."""
    monkeypatch.chdir(REPO)
    bad = tmp_path / "bad.log"
    bad.write_text(SINGLE.read_text() + "garbage\n" * 2)
    out = tmp_path / "out"
    status, _, err = backtest(capsys, "--events", str(bad), "--out", str(out), "--detection", DECLINED)
    assert status == 1
    assert err.splitlines()[-2:] == [f"wrote {out / 'report.html'}", INCOMPLETE + "2 bad line(s) left out"]
    status, _, err = backtest(capsys, "--events", str(SINGLE), "--out", str(out), "--detection", DECLINED)
    assert status == 0, err
    assert err.splitlines()[-1] == f"wrote {out / 'report.html'}" and "exit status" not in err


def test_the_reports_input_section_repeats_the_notes_said_before_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The files a folder held that were not read (a README.txt), an empty export and the uncounted bad lines were
    said on the terminal only: whoever was handed report.html saw "files 4" and a clean list of ten problems. In
    Chromium the page's Input section now holds the terminal's notes word for word, as paragraphs like its own
    note of a file read twice, its Problems end with the count of bad lines not listed, and, the run given
    relative paths, the page names no absolute one and asks for nothing but itself."""
    monkeypatch.chdir(tmp_path)
    exports = _noted_exports()
    first = SINGLE.read_text().splitlines(keepends=True)[0]  # a file of garbage alone is refused by its first bytes
    (exports / "wednesday.log").write_text(first + "garbage\n" * (MAX_REPORTED + 2))
    status, _, err = backtest(capsys, "--root", str(REPO), "--events", "exports", "--out", "out",
                              "--detection", DECLINED)
    assert status == 1
    said = _notes_before(err)
    url = (tmp_path / "out" / "report.html").as_uri()
    page = chromium.load(url, """JSON.stringify({
      notes: [...document.querySelectorAll('#input ~ p')].map(p => [p.className, p.innerText]),
      problems: [...document.querySelectorAll('#problems li')].map(li => li.innerText),
      html: document.documentElement.outerHTML})""")
    shown = json.loads(page.value)
    assert page.requests == [url]
    # the page's own note of a file read twice, already there, as the read line says it
    assert shown["notes"] == [["input-note", note] for note in [*said, _TWICE]]
    assert len(shown["problems"]) == MAX_REPORTED + 1 and shown["problems"][-1] == "(+2 more bad line(s))"
    assert f"contentpack backtest: {shown['problems'][-1]}" in err.splitlines()
    assert str(tmp_path) not in shown["html"] and "file:" not in shown["html"]


def test_summary_json_carries_the_input_notes_report_html_shows(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """report.html's Input section said the files not read, an empty export and a file read twice; summary.json
    had the counts alone, so a script reading it counted a folder's README or an export given twice as nothing.
    Its ``input.notes`` holds the notes the page shows (``Summary.input_notes``, the page's one source: its test is
    test_the_reports_input_section_repeats_the_notes_said_before_the_run), and ``--format json`` the same."""
    monkeypatch.chdir(tmp_path)
    _noted_exports()
    status, out, err = backtest(capsys, "--root", str(REPO), "--events", "exports", "--out", "out",
                                "--detection", DECLINED, "--format", "json")
    assert status == 0, err
    notes = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["input"]["notes"]
    assert notes == [*_notes_before(err), _TWICE] and json.loads(out)["input"]["notes"] == notes


# What the read line says of exports/monday-copy.log, which holds exports/monday.log's bytes (``_noted_exports``)
_TWICE = ("exports/monday.log holds the same bytes as exports/monday-copy.log (once decompressed): its events were "
          "read and counted twice (the detections that drop a record seen again, by its id, see each once, the "
          "others twice); give each export once")


def _noted_exports() -> Path:
    """A folder ``exports`` (in the working folder) of what the backtest notes: a README.txt it does not read, an
    empty export, and one export twice (``_TWICE``)."""
    exports = Path("exports")
    exports.mkdir()
    (exports / "monday.log").write_bytes(SINGLE.read_bytes())
    (exports / "monday-copy.log").write_bytes(SINGLE.read_bytes())
    (exports / "README.txt").write_text("Entra ID sign-in exports, one file a day.\n")
    (exports / "tuesday.json").write_bytes(b"")
    return exports


def _notes_before(err: str) -> list[str]:
    """The notes said on stderr before a run over ``_noted_exports``, checked to be its README.txt and empty export."""
    prefix = "contentpack backtest: note: "
    said = [line.removeprefix(prefix) for line in err.splitlines() if line.startswith(prefix)]
    assert [note.split(":")[0] for note in said] == [
        "1 .txt file(s) in the folder(s) not read, as text with no events (no JSON object or CSV header with _raw in "
        "their first bytes)", "exports/tuesday.json is empty"]
    return said


def test_bad_lines_past_the_first_ten_are_counted_as_every_cut_list_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The first MAX_REPORTED bad lines by position, the rest counted in the package's one wording for a cut
    list (``contentpack.cut_lists``; it was "... and 3 more bad line(s)")."""
    monkeypatch.chdir(REPO)
    bad = tmp_path / "bad.log"
    bad.write_text(SINGLE.read_text() + "garbage\n" * (MAX_REPORTED + 3))
    status, _, err = backtest(capsys, "--events", str(bad))
    assert status == 1
    assert err.splitlines()[-2:] == ["contentpack backtest: (+3 more bad line(s))",
                                     INCOMPLETE + f"{MAX_REPORTED + 3} bad line(s) left out"]
    assert len(err.splitlines()) == MAX_REPORTED + 2


def test_an_input_without_events_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    empty = tmp_path / "empty.log"
    empty.write_text("")
    status, out, err = backtest(capsys, "--events", str(empty), "--out", str(tmp_path / "out"))
    assert status == 1 and out == "" and "no timed events in the input (0 JSON line(s) read: 0 bad line(s); 0 event(s): 0 kept for the detections)" in err
    assert not (tmp_path / "out").exists()


# what became of an input of one bad line, as the read line says it (``ReadReport.outcome``)
ONE_BAD = ("0 line(s) set aside unread (no detection can match them), 0 line(s) decoded, 1 bad line(s); 0 event(s): 0 "
           "kept for the detections")


def test_an_input_whose_only_line_is_bad_has_no_period_and_says_why(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A truncated line is no event, so its time is no period (before, it was one: a backtest of nothing over
    the days around it); the message says which line was bad and why, as a report does."""
    monkeypatch.chdir(REPO)
    cut = tmp_path / "cut.log"
    cut.write_text('{"time": "2026-10-30T08:27:41Z", "operationName": "Sign-in activity", "properties": {"st\n')
    status, out, err = backtest(capsys, "--events", str(cut), "--out", str(tmp_path / "out"))
    assert status == 1 and out == ""
    assert err.splitlines() == [f"contentpack backtest: no timed events in the input (1 JSON line(s) read: {ONE_BAD}): "
                                "nothing to simulate",
                                f"{cut}:1:86: warning[RP002]: malformed JSON event: unterminated string"]
    assert not (tmp_path / "out").exists()


def test_no_timed_events_under_format_json_is_the_one_json_document(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Under --format json every outcome is one JSON document on stdout (validate's diagnostics shape for a
    failure); "no timed events" was plain text on stderr, so a script parsing stdout got nothing to parse."""
    monkeypatch.chdir(REPO)
    cut = tmp_path / "cut.log"
    cut.write_text('{"time": "2026-10-30T08:27:41Z", "operationName": "Sign-in activity", "properties": {"st\n')
    status, out, err = backtest(capsys, "--events", str(cut), "--format", "json")
    assert status == 1 and err == ""
    assert json.loads(out) == {
        "ok": False,
        "diagnostics": [{"path": str(cut), "line": 1, "col": 86, "severity": "warning", "rule": "RP002",
                         "message": "malformed JSON event: unterminated string"}],
        "summary": f"no timed events in the input (1 JSON line(s) read: {ONE_BAD}): nothing to simulate"}


# Other products' logs, a record a line as each product exports them (the fields abridged): AWS CloudTrail and Okta's
# System Log time their records otherwise than Azure Monitor (eventTime, published), the Azure Activity log does not.
CLOUDTRAIL = ['{"eventVersion": "1.08", "eventTime": "2026-10-13T14:25:53Z", "eventSource": "signin.amazonaws.com", '
              '"eventName": "ConsoleLogin", "sourceIPAddress": "203.0.113.9"}',
              '{"eventVersion": "1.08", "eventTime": "2026-10-13T14:31:02Z", "eventSource": "s3.amazonaws.com", '
              '"eventName": "GetObject", "sourceIPAddress": "203.0.113.9"}']
OKTA = ['{"uuid": "c1", "published": "2026-10-13T14:25:53.272Z", "eventType": "user.session.start", '
        '"displayMessage": "User login to Okta", "outcome": {"result": "SUCCESS"}}']
ACTIVITY = ['{"time": "2026-10-13T14:25:53.2720000Z", "resourceId": "/SUBSCRIPTIONS/0A1B/RESOURCEGROUPS/RG/PROVIDERS/'
            'MICROSOFT.COMPUTE/VIRTUALMACHINES/VM1", "operationName": "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", '
            '"category": "Administrative", "resultType": "Success", "callerIpAddress": "203.0.113.9"}',
            '{"time": "2026-10-13T15:02:11.0000000Z", "resourceId": "/SUBSCRIPTIONS/0A1B/PROVIDERS/'
            'MICROSOFT.AUTHORIZATION/POLICYDEFINITIONS/P1", "operationName": "MICROSOFT.AUTHORIZATION/POLICIES/AUDIT/'
            'ACTION", "category": "Policy", "resultType": "Succeeded"}']
NOT_ENTRA = ("the input holds no Entra ID sign-in or audit records (Azure Monitor's category SignInLogs or AuditLogs, "
             "resourceId .../providers/Microsoft.aadiam){}; no detection can match any of it, so there is nothing to "
             f"report: {READ_INSTEAD}; read 1 file(s), {{}} JSON line(s): {{}} line(s) set aside unread (no detection "
             "can match them), 0 line(s) decoded, 0 bad line(s); 0 event(s): 0 kept for the detections")


@pytest.mark.parametrize(("lines", "found"), [
    (CLOUDTRAIL, ": its records name AWS CloudTrail eventSource signin.amazonaws.com, s3.amazonaws.com"),
    (OKTA, ": its records name Okta System Log eventType user.session.start"),
    (ACTIVITY, ": its records name Azure Monitor category Administrative, Policy"),
    ([line.replace('"eventSource"', '"service"') for line in CLOUDTRAIL], ""),
], ids=["cloudtrail", "okta", "azure-activity", "nothing-named"])
def test_another_products_logs_stop_saying_they_are_not_entra_id_records(
        lines: list[str], found: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A new user's CloudTrail or Okta JSON stopped at "no timed events in the input ... set aside unread" (exit 1),
    and an Azure Activity log export, timed by its ``time``, gave a report of zeros and exit 0, report.html's headline
    "No notables in this period", exactly what a quiet tenant gives; neither said the records were not Entra ID's.
    No record an Entra ID sign-in or audit record is nothing to judge: one message, the last thing the terminal shows,
    says so and names what the first lines hold when a known key tells, exit 1, nothing on stdout, no --out written,
    and under --format json the one JSON document of a failure."""
    monkeypatch.chdir(REPO)
    logs = tmp_path / "logs.json"
    logs.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    message = NOT_ENTRA.format(found, len(lines), len(lines))
    out_dir = tmp_path / "out"
    status, out, shown = stderr_on_terminal(["backtest", "--events", str(logs), "--out", str(out_dir)], 80, REPO, 120)
    assert (status, out, shown[-1]) == (1, b"", f"contentpack backtest: {message}")
    assert not out_dir.exists()
    status, text, err = backtest(capsys, "--events", str(logs), "--format", "json")
    assert (status, err) == (1, "")
    assert json.loads(text) == {"ok": False, "diagnostics": [], "summary": message}


def test_entra_id_records_no_detection_can_match_beside_another_products_are_a_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """An Azure Activity log alone stops (exit 1, above); beside a quiet tenant's Entra ID records (none a detection
    run can match) it is a report of zeros, exit 0, as the records alone are: one Entra ID record read is a tenant to
    judge, in the second file read as in the first, and in a gzip file, whose bytes are looked at decompressed."""
    monkeypatch.chdir(REPO)
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a_activity.json").write_text("".join(line + "\n" for line in ACTIVITY), encoding="utf-8")
    status, out, err = backtest(capsys, "--events", str(folder), "--detection", DECLINED)
    assert (status, out) == (1, ""), err
    quiet = "".join(line + "\n" for line in SINGLE.read_text(encoding="utf-8").splitlines()
                    if '"errorCode": 65004' not in line)
    (folder / "b_entra.log.gz").write_bytes(gzip.compress(quiet.encode()))
    status, out, err = backtest(capsys, "--events", str(folder), "--detection", DECLINED, "--format", "json")
    assert status == 0, err
    assert json.loads(out)["input"]["events_kept"] == 0


# What a period before the logs says instead of a report (``Summary.missed``): the period, where the events a
# detection could match are and what a run in the period sees, what to do, and what was read.
MISSED = ("no event a detection could match is in the period 2026-10-01T00:00:00.000Z .. 2026-10-02T00:00:00.000Z "
          "(--from/--to), so there is nothing to report: the 1 event(s) a detection could match are from "
          "2026-10-13T14:25:53.272Z to 2026-10-13T14:25:53.272Z, and a run in the period sees only those from "
          "2026-09-30T23:20:00.000Z (the period's start less the longest lookback of the detections run, 40m) to "
          "before 2026-10-02T00:00:00.000Z, its end: give --from/--to around them, or leave both out (the period then "
          "covers every event read); read 1 file(s), 39 JSON line(s): 38 line(s) set aside unread (no detection can "
          "match them), 1 line(s) decoded, 0 bad line(s); 1 event(s): 0 kept for the detections, 1 outside "
          "--from/--to")
BEFORE_THE_LOGS = ("--detection", DECLINED, "--from", "2026-10-01", "--to", "2026-10-02")


def test_dates_that_miss_every_event_a_detection_could_match_stop_the_backtest_saying_where_they_are(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A period before the logs printed a report of zeros (``0 notable(s), 0 risk event(s)``), wrote it to --out and
    exited 0: "no detection fired", where none was given an event to fire on (a line under the read line said why,
    below the tables a script or a reader stops at). As an input without a timed event is (exit 1, nothing written):
    one message, the last thing the terminal shows, naming the period, where the events a detection could match are
    and what a run in the period sees, what to do and what was read; exit 1, nothing on stdout, no --out written,
    and under --format json the one JSON document of a failure."""
    monkeypatch.chdir(REPO)
    out_dir = tmp_path / "out"
    status, out, shown = stderr_on_terminal(["backtest", "--events", str(SINGLE), *BEFORE_THE_LOGS,
                                             "--out", str(out_dir)], 80, REPO, 120)
    assert (status, out, shown[-1]) == (1, b"", f"contentpack backtest: {MISSED}")
    assert not out_dir.exists()
    status, text, err = backtest(capsys, "--events", str(SINGLE), *BEFORE_THE_LOGS, "--format", "json")
    assert (status, err) == (1, "")
    assert json.loads(text) == {"ok": False, "diagnostics": [], "summary": MISSED}


# What the message says of the read, and the events' span it names: the input's every timed event.
_SINGLE_READ = ("read 1 file(s), 39 JSON line(s): 38 line(s) set aside unread (no detection can match them), 1 line(s) "
                "decoded, 0 bad line(s); 1 event(s): 0 kept for the detections, 1 outside --from/--to")
_SINGLE_EVENTS = "the input's events (from 2026-10-13T12:19:16.195Z to 2026-10-13T15:58:00.750Z)"


@pytest.mark.parametrize(("given", "message"), [
    (("--from", "2026-10-14"),
     f"--from 2026-10-14T00:00:00.000Z is after every run that could see {_SINGLE_EVENTS}, so the period would end "
     "before it starts: without --to it would end at 2026-10-13T16:48:00.750Z (to the last event, "
     "2026-10-13T15:58:00.750Z, plus 50m: the longest lookback plus gap between two runs of a detection, for a run to "
     "see that event (no search run reads risk)); give an earlier --from, or leave it out (the period then covers "
     f"every event read); {_SINGLE_READ}"),
    (("--to", "2026-10-13T11:00Z"),
     f"--to 2026-10-13T11:00:00.000Z is before every run that could see {_SINGLE_EVENTS}, so the period would end "
     "before it starts: without --from it would start at 2026-10-13T11:39:00.000Z (from the first event, "
     "2026-10-13T12:19:16.195Z, less the longest lookback of the detections run, 40m, to the minute); give a later "
     f"--to, or leave it out (the period then covers every event read); {_SINGLE_READ}"),
], ids=["from-after-the-events", "to-before-the-events"])
def test_one_end_given_past_the_events_is_said_plainly_never_as_a_backwards_period(
        given: tuple[str, str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``--from`` alone after every run that could see the events (or ``--to`` alone before the first): the other
    end, filled by default from the events, fell before it, and the message printed the period backwards ("in the
    period 2026-10-14T00:00:00.000Z .. 2026-10-13T16:48:00.750Z"), leaving the reader to find which end was wrong.
    It names the end given, the events' span, where the default would put the other end and why, and what to do;
    exit 1 as for a period that misses the events (both ends given backwards are a usage error: test_usage_errors)."""
    monkeypatch.chdir(REPO)
    out_dir = tmp_path / "out"
    status, out, shown = stderr_on_terminal(["backtest", "--events", str(SINGLE), "--detection", DECLINED, *given,
                                             "--out", str(out_dir)], 80, REPO, 120)
    assert (status, out, shown[-1]) == (1, b"", f"contentpack backtest: {message}")
    assert not out_dir.exists()
    status, text, err = backtest(capsys, "--events", str(SINGLE), "--detection", DECLINED, *given, "--format", "json")
    assert (status, err) == (1, "")
    assert json.loads(text) == {"ok": False, "diagnostics": [], "summary": message}


def test_from_past_events_no_detection_can_match_is_not_a_report_of_a_backwards_period(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """An input of events no detection can match, with ``--from`` after them: its zeros are the answer for any
    period that holds them (test_lines_inside_the_period_...), so it printed a report of zeros, exit 0, under
    "period 2026-10-14T00:00:00.000Z .. 2026-10-13T16:48:00.750Z". No period is no report: it says so, exit 1."""
    monkeypatch.chdir(REPO)
    quiet = tmp_path / "quiet.log"
    quiet.write_text("".join(line + "\n" for line in SINGLE.read_text(encoding="utf-8").splitlines()
                             if '"errorCode": 65004' not in line), encoding="utf-8")
    status, out, err = backtest(capsys, "--events", str(quiet), "--detection", DECLINED, "--from", "2026-10-14")
    assert (status, out) == (1, "")
    assert err.startswith(f"contentpack backtest: --from 2026-10-14T00:00:00.000Z is after every run that could see "
                          f"{_SINGLE_EVENTS}, so the period would end before it starts: ")


def test_a_period_that_keeps_some_events_is_a_report_not_an_error(capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a period that kept none of the events a detection could match stops: one that keeps the refusal, the
    events after it outside, reports them (exit 0), the read line counting those outside."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    status, out, err = backtest(capsys, "--events", str(SINGLE), "--detection", DECLINED, "--from",
                                "2026-10-13T14:00Z", "--to", "2026-10-13T14:50Z")
    assert status == 0, err
    assert "1 event(s): 1 kept for the detections" in out and "no event was kept" not in out + err


def test_the_default_period_says_why_it_starts_and_ends_there(capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A short log gets a much longer default period (1h46m of logs, 22 days with the whole pack), and nothing said
    why it ends long after the last event (simulate.clock: the last event's indexing plus the longest lookback
    and gap between runs, twice with a search reading risk). Each end the options did not set is explained, and
    only those."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    status, out, _ = backtest(capsys, "--events", str(SINGLE), "--detection", DECLINED)
    assert status == 0
    assert [line for line in out.splitlines() if line.startswith("period ")] == [
        "period 2026-10-13T11:39:00.000Z .. 2026-10-13T16:48:00.750Z (from the first event, 2026-10-13T12:19:16.195Z, "
        "less the longest lookback of the detections run, 40m, to the minute; to the last event, "
        "2026-10-13T15:58:00.750Z, plus 50m: the longest lookback plus gap between two runs of a detection, for a run "
        "to see that event (no search run reads risk))"]
    status, out, _ = backtest(capsys, "--events", str(SINGLE), "--detection", DECLINED, "--from", "2026-10-13T11:00Z")
    assert [line for line in out.splitlines() if line.startswith("period ")] == [
        "period 2026-10-13T11:00:00.000Z .. 2026-10-13T16:48:00.750Z (to the last event, "
        "2026-10-13T15:58:00.750Z, plus 50m: the longest lookback plus gap between two runs of a detection, for a run "
        "to see that event (no search run reads risk))"]
    status, out, _ = backtest(capsys, "--events", str(SINGLE), "--detection", CORRELATION, "--from", "2026-10-13T11:00Z")
    assert [line for line in out.splitlines() if line.startswith("period ")] == [
        "period 2026-10-13T11:00:00.000Z .. 2026-10-27T18:18:00.750Z (to the last event, "
        "2026-10-13T15:58:00.750Z, plus 14d2h20m: twice the longest lookback plus gap between two runs of a "
        "detection, once for a run to see that event and once more for the risk event it writes to reach a search "
        "reading risk)"]


def test_the_period_says_searchable_only_at_an_events_index_time(capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An export whose last event (a sign-in no detection can match, 15:58:00.750) Splunk indexed 2 minutes later
    read "to when the last event is searchable, 2026-10-13T15:58:00.750Z": its _time, as the _indextime of an event
    set aside unread is not read, and the export said 16:00:00. That end is the last event's time now; "searchable"
    is said of an _indextime, here the decline's, indexed three hours late, after the last event's time."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")

    def period(delay: int) -> str:
        status, out, _ = backtest(capsys, "--events", str(json_export(tmp_path / f"{delay}.json", delay)),
                                  "--detection", DECLINED, "--from", "2026-10-13T11:00Z")
        assert status == 0
        [line] = [line for line in out.splitlines() if line.startswith("period ")]
        return line

    assert period(120).startswith("period 2026-10-13T11:00:00.000Z .. 2026-10-13T16:48:00.750Z (to the last event, "
                                  "2026-10-13T15:58:00.750Z, plus 50m: ")
    assert period(3 * 3600).startswith("period 2026-10-13T11:00:00.000Z .. 2026-10-13T18:15:53.000Z (to when the last "
                                       "event is searchable, 2026-10-13T17:25:53.000Z, plus 50m: ")


@pytest.mark.parametrize(("name", "tar_format"), [("week.tar", tarfile.USTAR_FORMAT),
                                                ("week.tar.gz", tarfile.GNU_FORMAT),
                                                ("week.tgz", tarfile.PAX_FORMAT)])
def test_a_tar_archive_of_the_exports_is_refused_saying_to_extract_it(
        name: str, tar_format: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A newcomer packed the exports folder with ``tar czf`` to carry it to the machine running the pack and gave
    the archive: the backtest called it "not a supported input: expected JSON lines ...", where a zip archive is
    named and told to be decompressed, and ``search --events`` read a plain .tar as text, its header and padding
    events. Both now name a tar archive (gzip-compressed or not, each format tar writes) and say to extract it."""
    archive = tmp_path / name
    with tarfile.open(archive, "w", format=tar_format) as packed:
        packed.add(SINGLE, arcname="exports/single_user_declines.log")
    if name != "week.tar":  # tar czf's
        archive.write_bytes(gzip.compress(archive.read_bytes()))
    refusal = (f"{archive}: a tar archive, which is not read: extract it first (tar -xf {archive}) and give the files "
               "or the folder it holds")
    status, stdout, err = backtest(capsys, "--events", str(archive), "--root", str(REPO))
    assert (status, stdout, err) == (2, "", f"contentpack backtest: error: {refusal}\n")
    status = main(["search", "* | stats count", "--events", str(archive), "--no-pack"])
    assert (status, *capsys.readouterr()) == (2, "", f"contentpack search: error: {refusal}\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--events", "nope.log"], "nope.log: no such file or folder"),
    (["--events", str(SINGLE), "--from", "yesterday"], "--from: not a time: 'yesterday'"),
    (["--events", str(SINGLE), "--from", "2026-10-14", "--to", "2026-10-13"],
     "contentpack backtest: error: --to '2026-10-13' must be after --from '2026-10-14'\n"),
    # the one day meant as --from and --to the same date: its end is the next day's date (newuser26)
    (["--events", str(SINGLE), "--from", "2026-10-13", "--to", "2026-10-13"],
     "contentpack backtest: error: --to '2026-10-13' must be after --from '2026-10-13' (a date alone is 00:00 UTC, "
     "when its day begins: for the whole day 2026-10-13 give --to 2026-10-14)\n"),
    (["--events", str(SINGLE), "--from", "2026-10-13T06:00+02:00", "--to", "2026-10-13"],
     "contentpack backtest: error: --to '2026-10-13' must be after --from '2026-10-13T06:00+02:00' (a date alone is "
     "00:00 UTC, when its day begins: for the whole day 2026-10-13 give --to 2026-10-14)\n"),
    # a time of day is the moment meant: no word about days
    (["--events", str(SINGLE), "--from", "2026-10-13T10:00", "--to", "2026-10-13T09:00"],
     "contentpack backtest: error: --to '2026-10-13T09:00' must be after --from '2026-10-13T10:00'\n"),
    (["--events", str(SINGLE), "--detection", "No Such"], "--detection: no detection named 'No Such'"),
    # a name copied with a different case gets the pack's spelling back
    (["--events", str(SINGLE), "--detection", DECLINED.upper()],
     f"no detection named {DECLINED.upper()!r} (did you mean {DECLINED!r}?)"),
])
def test_usage_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str],
                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    status, out, err = backtest(capsys, *args)
    assert status == 2 and out == "" and message in err and "Traceback" not in err


def test_from_and_to_bound_the_period(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    status, text, _ = backtest(capsys, "--events", str(SINGLE), "--detection", DECLINED, "--from",
                               "2026-10-13T00:00:00Z", "--to", "2026-10-14T00:00:00Z", "--format", "json")
    summary = json.loads(text)
    assert status == 0 and summary["period"] == {"start": "2026-10-13T00:00:00.000Z", "end": "2026-10-14T00:00:00.000Z"}
    # runs are the cron ticks (every 10 minutes) in (from, to]: 00:10 .. 23:50 on the 13th, then midnight;
    # the one refusal is a risk event, not a notable
    assert [(c["day"], c["runs"], c["notables"], c["risk_events"]) for c in summary["per_day"]] == [
        ("2026-10-13", 143, 0, 1), ("2026-10-14", 1, 0, 0)]


def test_a_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    """stderr a terminal: rich draws the bar; the piped runs above show none."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "100", "TERM": "xterm"}
    process = subprocess.Popen([sys.executable, "-m", "contentpack", "backtest", "--events", str(SINGLE)],
                               cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    seen = read_until_closed(leader)
    process.wait(timeout=120)
    assert process.returncode == 0
    assert b"reading" in seen or b"simulating" in seen


def test_the_progress_bars_count_bytes_read_and_hours_simulated(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reading bar counts bytes, the simulating bar simulated hours, each in its own unit: the bars shared
    one byte column, so 223 of 1,185 simulated hours were drawn as "0.2/1.2 kB"."""
    from contentpack.cli import backtest as command

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    clock = iter(float(second) for second in range(1, 1000))  # a redraw at every callback
    monkeypatch.setattr(command, "time", type("Clock", (), {"monotonic": staticmethod(lambda: next(clock))}))
    with command._progress(True, 11_700_000) as callbacks:
        assert callbacks.read is not None and callbacks.simulated is not None
        callbacks.read(11_700_000, 266)
        callbacks.simulated(223 * 3600, 1185 * 3600)
    drawn = terminal.getvalue()
    assert "11.7/11.7 MB" in drawn
    assert "223/1,185 h" in drawn
    assert "kB" not in drawn


def test_the_scheduled_runs_job_messages_reach_the_summary_and_the_terminal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's detection whose subsearch is cut at its maxout (Search Manual, "About subsearches"; lowered
    here from 10,000 to 1 so that two results exceed it): Splunk says so beside each scheduled run's results,
    and so does the backtest -- per detection in summary.json (each distinct message once, with how many runs
    said it and the first) and a line on stderr after the tables. The other detections' lists are empty, and
    the exit status stays 0: a message is a warning."""
    from contentpack.spl.commands import search as search_command

    monkeypatch.setattr(search_command, "SUBSEARCH_MAXOUT", 1)
    root = pack_with_cut_subsearch(tmp_path)
    out = tmp_path / "out"
    status, stdout, err = backtest(capsys, "--root", str(root), "--events", str(SINGLE), "--out", str(out),
                                   "--format", "json")
    assert status == 0, err
    summary = json.loads(stdout)
    assert summary == json.loads((out / "summary.json").read_text())
    runs = summary["totals"][DECLINED]["runs"]
    message = CUT_MESSAGE
    [said] = summary["messages"][DECLINED]
    assert said == {"level": "warn", "text": message, "runs": runs, "first_run": said["first_run"]} and runs > 1
    assert set(summary["messages"]) == set(summary["detections"])
    assert all(summary["messages"][name] == [] for name in summary["detections"] if name != DECLINED)
    # the first run as summary.json gives it, the form of every time the backtest says (it said "...T12:10Z"); the
    # runs grouped as every count the terminal writes (they were "3061 of 3061" beside the table's "3,061")
    assert f"contentpack backtest: {DECLINED}: scheduled runs (warn): {message} ({runs:,} of {runs:,} runs, first at " \
           f"{said['first_run']})" in err.splitlines()
    assert message in (out / "report.html").read_text()


def test_an_out_that_cannot_be_a_folder_is_refused_before_the_logs_are_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``--out report`` where ``report`` is a file stopped the command only once every log was read and simulated
    (hours on a tenant's month), in Python's words: ``[Errno 17] File exists: 'report'``."""
    from contentpack.cli import backtest as command

    def not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the backtest ran before --out was checked")

    monkeypatch.chdir(REPO)
    monkeypatch.setattr(command, "run_backtest", not_run)
    report = tmp_path / "report"
    report.write_text("kept")
    for out, message in [(report, f"--out {report}: a file, not a folder"),
                         (report / "week", f"--out {report / 'week'}: {report} is a file, not a folder")]:
        status, printed, err = backtest(capsys, "--events", str(SINGLE), "--out", str(out))
        assert (status, printed, err) == (2, "", f"contentpack backtest: error: {message}\n")
    assert report.read_text() == "kept"


def test_a_folder_that_cannot_be_made_is_named_in_plain_words(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A name longer than any file system takes (255 bytes on ext4, APFS and NTFS alike): the system refuses the
    folder on every platform, so the test needs no skip (it once used Linux's /proc)."""
    monkeypatch.chdir(REPO)
    out = tmp_path / ("x" * 300)
    status, printed, err = backtest(capsys, "--events", str(SINGLE), "--out", str(out))
    assert status == 2 and printed == "" and err.startswith("contentpack backtest: error: ")
    assert str(out) in err and "Errno" not in err and "'" not in err, err
    assert list(tmp_path.iterdir()) == []  # nothing made


def test_a_file_failure_no_check_foresaw_is_said_in_the_commands_wording(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The command's catch-all ``OSError`` says the path and why through ``spl.files.os_problem``: a log file gone
    between being listed and being read in the commands' one wording, not the system's ``No such file or
    directory``; a folder where a report file is to be written in the system's words, at the report's path (not the
    temporary file written beside it)."""
    import contentpack.cli.backtest as command
    from contentpack.backtest.inputs import Found

    gone = tmp_path / "gone.log"
    monkeypatch.setattr(command, "find_inputs", lambda paths, outputs: Found((str(gone),)))
    assert backtest(capsys, "--root", str(REPO), "--events", str(SINGLE)) == (
        2, "", f"contentpack backtest: error: {gone}: no such file or folder\n")
    monkeypatch.undo()
    out = tmp_path / "out"
    (out / "notables.jsonl").mkdir(parents=True)
    # the check before the run refuses this folder (tests/hostile/test_input_paths.py); here it is made after
    monkeypatch.setattr(command, "folder_problem", lambda path, names: None)
    status, _, err = backtest(capsys, "--root", str(REPO), "--events", str(SINGLE), "--out", str(out))
    assert (status, err) == (2, f"contentpack backtest: error: {out / 'notables.jsonl'}: Is a directory\n")


def test_the_events_are_found_once(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``run_backtest`` reads the files the command found: it ran the discovery again over them, a second look at
    each of a month's files before reading one."""
    import contentpack.backtest.inputs as inputs
    import contentpack.cli.backtest as command

    found = inputs.find_inputs
    calls: list[object] = []

    def counted(*args: Any, **kwargs: Any) -> inputs.Found:
        calls.append(args)
        return found(*args, **kwargs)

    monkeypatch.setattr(inputs, "find_inputs", counted)  # where the discovery is looked up, by the command or not
    monkeypatch.setattr(command, "find_inputs", counted)
    assert backtest(capsys, "--root", str(REPO), "--events", str(SINGLE.parent))[0] == 0
    assert len(calls) == 1


def test_a_file_name_that_is_not_utf8_reads_the_same_in_the_text_and_in_summary_json(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Python names a file's byte that is not UTF-8 by a lone surrogate (PEP 383: b"caf\\xe9" is "caf\\udce9"):
    the terminal showed ``caf\\udce9.log`` and summary.json the JSON escape ``"\\udce9"``, which a strict JSON
    reader refuses and nobody reads as the byte. Both now say ``caf\\xe9.log``, the --format json diagnostics and
    report.html too."""
    lines = SINGLE.read_text().splitlines()
    bad = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.log"))
    bad.write_text("\n".join([lines[0], lines[1][:100], *lines[2:]]) + "\n")
    shown = f"{tmp_path}/caf\\xe9.log:2:56: warning[RP002]: malformed JSON event: unterminated string"
    status, _, err = backtest(capsys, "--events", str(bad), "--out", str(tmp_path / "out"))
    assert status == 1 and shown in err.splitlines()
    raw = (tmp_path / "out" / "summary.json").read_bytes()
    assert json.loads(raw.decode("utf-8"))["input"]["first_bad_lines"] == [shown] and b"\\udc" not in raw
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "/<wbr>caf\\xe9.<wbr>log:2:56: warning[RP002]" in page and "\\udc" not in page
    only_bad = tmp_path / "only"
    only_bad.mkdir()
    (only_bad / os.fsdecode(b"\xff.log")).write_text(lines[1][:100] + "\n")  # no timed event: one JSON document
    status, out, _ = backtest(capsys, "--events", str(only_bad), "--format", "json")
    assert status == 1 and json.loads(out)["diagnostics"][0]["path"] == f"{only_bad}/\\xff.log"


TENANT_WIDE = "Entra ID Tenant-Wide Admin Consent Granted"
PATHS = REPO / "attack_data" / "admin_consent_paths" / "admin_consent_paths.log"


def _tuned(folder: Path, definition: str) -> Path:
    """The pack with Tenant-Wide Admin Consent Granted tuned as the README says: its own
    ``macros/<stem>_filter.yml``, here with ``definition`` on its line 2."""
    folder.mkdir()
    root = pack_copy(folder)
    name = "entra_id_tenant_wide_admin_consent_granted_filter"
    (root / "macros" / f"{name}.yml").write_text(
        f"name: {name}\ndefinition: {definition}\ndescription: Our verified line-of-business application.\n",
        encoding="utf-8")
    return root


def test_a_tuning_macro_filtering_on_a_field_no_result_has_stops_the_backtest_where_it_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A typo in a filter macro (``appid`` where the detection's rows have ``app_id``): Splunk returns nothing and
    says nothing, so the detection drops to 0 notables; written as an exclusion (``NOT appid=...``) it keeps every
    notable, excluding none. No row can have the field after the detection's ``stats``, whatever the logs hold, so
    ``validate`` says which field, in which file, line and column of the macro, and what the rows have instead
    (CP080), and the backtest stops there, before reading any log (it named it in a hint after the run). Spelled
    right, the exclusion runs and draws no hint."""
    for definition, col, command in (('where appid!="00000003-0000-0000-c000-000000000000"', 19, "where"),
                                     ('search NOT appid="00000003-0000-0000-c000-000000000000"', 24, "search")):
        typo = _tuned(tmp_path / command, definition)
        status, stdout, err = backtest(capsys, "--root", str(typo), "--events", str(PATHS), "--detection",
                                       TENANT_WIDE)
        assert (status, stdout) == (1, ""), err
        assert err.splitlines() == [
            f"macros/entra_id_tenant_wide_admin_consent_granted_filter.yml:2:{col}: error[CP080]: detection "
            f"'{TENANT_WIDE}': the search filters on 'appid' ({command}), a field no event has after the commands "
            "before it, whatever the logs hold (did you mean 'app_id'?): a typo? a filter on it treats every row "
            "alike (NOT appid=... excludes none, appid=... keeps none)",
            "contentpack backtest: the pack is invalid; fix it (contentpack validate) before running its detections"]

    right = _tuned(tmp_path / "right", 'where app_id!="00000003-0000-0000-c000-000000000000"')
    status, stdout, err = backtest(capsys, "--root", str(right), "--events", str(PATHS), "--detection", TENANT_WIDE,
                                   "--format", "json")
    assert status == 0 and json.loads(stdout)["totals"][TENANT_WIDE]["notables"] > 0, err
    assert json.loads(stdout)["hints"] == [] and "hint:" not in err


@pytest.mark.parametrize("terms, name", [('NOT user IN ("svc@contoso.example")', "NOT"),
                                         ('user!="svc@contoso.example"', "user")])
def test_a_filter_macro_written_without_search_says_to_write_search_before_its_terms(
        terms: str, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A newcomer tuning a detection wrote the filter macro's definition as the exclusion alone (``NOT user IN
    (...)``, where the README writes ``search NOT user IN (...)``): the detection calls the macro after a '|', so
    Splunk reads ``NOT`` as a command, and the backtest stopped on CP061 telling to declare 'NOT' in
    ``custom_commands``, another app's command. It now says the text reads as a search's terms and what to write."""
    root = _tuned(tmp_path / name, terms)
    status, stdout, err = backtest(capsys, "--root", str(root), "--events", str(PATHS), "--detection", TENANT_WIDE)
    assert (status, stdout) == (1, ""), err
    first, last = err.splitlines()
    assert first.endswith(
        f"error[CP061]: unknown search command '{name}': '{terms}' reads as a search's terms, which follow a '|' "
        f"only after the search command: 'search {terms}' (a filter macro's definition too: the detection calls "
        f"it after a '|') (in detection '{TENANT_WIDE}'), inside the expansion of macro "
        "`entra_id_tenant_wide_admin_consent_granted_filter`"), first
    assert "custom_commands" not in first
    assert last == ("contentpack backtest: the pack is invalid; fix it (contentpack validate) before running its "
                    "detections")


def test_a_filter_macro_named_after_no_detection_is_warned_of_by_the_backtest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A newcomer's filter macro named a word off the detection's file (``..._app_consent_filter`` for
    ``..._application_consent_filter``) tunes nothing, and the re-run backtest of the README's step 4 showed the
    same notables without a word: ``validate`` and ``build`` warn of it (CP082), the backtest dropped the warning.
    It now prints the pack's warnings on stderr before it runs, as ``build`` does, and runs as before."""
    root = pack_copy(tmp_path)
    name = "entra_id_tenant_wide_admin_consent_filter"  # the detection's stem less a word
    (root / "macros" / f"{name}.yml").write_text(
        f"name: {name}\ndefinition: search NOT user IN (\"svc@contoso.example\")\ndescription: Our service account.\n",
        encoding="utf-8")
    status, stdout, err = backtest(capsys, "--root", str(root), "--events", str(PATHS), "--detection", TENANT_WIDE,
                                   "--format", "json")
    assert status == 0 and json.loads(stdout)["totals"][TENANT_WIDE]["notables"] > 0, err
    assert err.startswith(f"macros/{name}.yml:1:7: warning[CP082]: macro '{name}' tunes nothing: "), err
    assert "(did you mean 'entra_id_tenant_wide_admin_consent_granted_filter', the filter macro of detection " \
           f"'{TENANT_WIDE}'?)" in err.splitlines()[0]


def test_a_tuned_filter_macro_that_silenced_a_detection_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A newcomer tuned a detection's filter macro with an allowlist holding the tenant's users: the backtest showed
    it at 0 notables beside the others and said nothing of the macro, so a quiet tenant and the tuning looked alike.
    As the replay says it of a test (``spl_macros.filter_drop``, one home), the backtest now names the macro's
    definition, with how many rows the search returns with it as the build's ``search *``: on stderr, in
    summary.json and in report.html. An allowlist that leaves a notable draws nothing."""
    name = "entra_id_tenant_wide_admin_consent_granted_filter"
    said = (f"macros/{name}.yml:2:13: {TENANT_WIDE}: no results, but 1 result(s) over the events kept with the "
            f"filter macro `{name}` as 'search *' (the build's default): its definition in macros/{name}.yml drops "
            "it; change the tuning if these should raise notables")
    tuned = _tuned(tmp_path / "tuned", 'search NOT user IN ("patti.wilber@contoso.example")')
    status, stdout, err = backtest(capsys, "--root", str(tuned), "--events", str(PATHS), "--detection", TENANT_WIDE,
                                   "--out", str(tmp_path / "out"))
    assert status == 0 and f"contentpack backtest: hint: {said}" in err.splitlines(), err
    document = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert document["totals"][TENANT_WIDE]["results"] == 0
    assert document["filter_macro_hints"] == [{"detection": TENANT_WIDE, "macro": name, "results": 1,
                                               "path": f"macros/{name}.yml", "line": 2, "col": 13, "message": said}]
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8").replace("<wbr>", "")  # break points
    assert 'id="filter-hints"' in page and html.escape(said.split(": ", 2)[2], quote=True) in page

    kept = _tuned(tmp_path / "kept", 'search NOT user IN ("someone.else@contoso.example")')
    status, stdout, err = backtest(capsys, "--root", str(kept), "--events", str(PATHS), "--detection", TENANT_WIDE,
                                   "--format", "json")
    assert status == 0 and json.loads(stdout)["filter_macro_hints"] == [] and "hint:" not in err, err


def test_report_html_shows_the_hint_of_a_hostile_field_name_as_text(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """report.html, the page an analyst or a manager opens alone, read 0 notables for the silenced detection and
    said nothing of why. In the browser it now shows the hint the terminal says (detection, file:line:col, message)
    as text, though the field the logs lack is markup: no element is made from it, nothing is fetched or run.
    Without that filter, the page has no hint box. (The field is filtered on before the detection's ``stats``, where
    the logs could have had it: one no event can have there, a tuning macro's, ``validate`` refuses, CP080.)"""
    field = "<img src=x onerror=document.title=1>"
    detection = "detections/cloud/entra_id_tenant_wide_admin_consent_granted.yml"
    rename = "  | rename properties.* as *\n"
    (tmp_path / "typo").mkdir()
    (tmp_path / "right").mkdir()
    typo = pack_with_edit(tmp_path / "typo", Path(detection), rename, f"{rename}  | where ''{field}''!=\"x\"\n")
    status, _, err = backtest(capsys, "--root", str(typo), "--events", str(PATHS), "--detection", TENANT_WIDE,
                              "--out", str(tmp_path / "out"))
    assert status == 0, err
    said = [line.removeprefix("contentpack backtest: hint: ") for line in err.splitlines() if "hint:" in line]
    line = (typo / detection).read_text(encoding="utf-8").splitlines().index(f"  | where ''{field}''!=\"x\"") + 1
    where = f"{detection}:{line}:5"
    assert len(said) == 1 and said[0].startswith(f"{where}: {TENANT_WIDE}: no results, and the search filters on "
                                                 f"'{field}' (where)"), err
    url = (tmp_path / "out" / "report.html").as_uri()
    page = chromium.load(url, """JSON.stringify({title: document.title, images: document.images.length,
      rows: [...document.querySelectorAll('#field-hints #hints tbody tr')].map(tr => [...tr.cells].map(td =>
        td.innerText))})""")
    shown = json.loads(page.value)
    assert shown["rows"] == [[TENANT_WIDE, where, said[0].removeprefix(f"{where}: {TENANT_WIDE}: ")]]
    assert shown["title"].startswith("Backtest: ") and shown["images"] == 0 and page.requests == [url]

    right = pack_copy(tmp_path / "right")
    status, _, err = backtest(capsys, "--root", str(right), "--events", str(PATHS), "--detection", TENANT_WIDE,
                              "--out", str(tmp_path / "right-out"))
    assert status == 0 and "hint:" not in err
    assert 'id="field-hints"' not in (tmp_path / "right-out" / "report.html").read_text(encoding="utf-8")


def test_logs_without_a_detections_records_draw_no_hint(capsys: pytest.CaptureFixture[str]) -> None:
    """Sign-ins only: the detections over audit records match nothing and return nothing, their fields absent
    because the records are, not misspelled; the shipped pack's searches (an ``eval`` of what ``eventstats`` made
    included) draw no hint."""
    status, stdout, err = backtest(capsys, "--events", str(SINGLE), "--format", "json")
    assert status == 0, err
    assert json.loads(stdout)["hints"] == [] and "hint:" not in err


def test_a_detection_that_cannot_run_is_named_at_its_yaml_line_and_column(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A search the engine refuses at run time (valid SPL, so validate passes) stops that detection: the backtest
    says so at the cause in the YAML, as the replay does for a test. It said ``DETECTION: search: ... (column
    N)``, with no file, line or column of the YAML to go to."""
    eval_line = "  | eval user=lower(user), app_id=lower(appId)\n"
    root = pack_with_edit(tmp_path, Path("detections/cloud/entra_id_user_declined_oauth_application_consent.yml"),
                          eval_line, "  | iplocation ipAddress" + eval_line[1:])
    out = tmp_path / "out"
    status, _, err = backtest(capsys, "--root", str(root), "--events", str(SINGLE), "--detection", DECLINED,
                              "--out", str(out))
    path = "detections/cloud/entra_id_user_declined_oauth_application_consent.yml"
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    line = 1 + lines.index("  | iplocation ipAddress" + eval_line[1:-1])
    said = [text for text in err.splitlines() if "iplocation" in text]
    assert status == 1 and len(said) == 1, err
    assert said[0].startswith(f"{path}:{line}:5: {DECLINED}: error[RP003]: scheduled run: search: iplocation"), said
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["errors"] == said


def test_an_input_without_events_says_so_also_with_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty export with --from/--to was a report of zeros and exit 0, which reads as a tenant where nothing
    happened; it is the input's fault, said as without dates (exit 1, nothing written)."""
    monkeypatch.chdir(REPO)
    empty = tmp_path / "empty.log"
    empty.write_text("")
    status, out, err = backtest(capsys, "--events", str(empty), "--from", "2026-10-01", "--to", "2026-10-02",
                                "--out", str(tmp_path / "out"))
    assert status == 1 and out == "" and "no timed events in the input (0 JSON line(s) read: 0 bad line(s); 0 event(s): 0 kept for the detections)" in err
    assert not (tmp_path / "out").exists()


def test_files_of_a_folder_that_are_not_read_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder's files not named like logs were left out without a word: a week's export kept as a .zip (or an
    Event Hubs Capture's .avro files) beside one .jsonl, and the report, over the .jsonl alone, looked whole. They
    are named on stderr before the run (hidden files and the command's own outputs are not)."""
    monkeypatch.chdir(REPO)
    logs = tmp_path / "exports"
    (logs / "week2").mkdir(parents=True)
    (logs / "a.jsonl").write_bytes(SINGLE.read_bytes())
    (logs / "week2" / "signins.zip").write_bytes(b"PK\x03\x04")
    (logs / "notes.md").write_text("x\n")
    (logs / ".hidden.zip").write_bytes(b"PK\x03\x04")
    status, _, err = backtest(capsys, "--events", str(logs), "--detection", DECLINED, "--out", str(logs / "out"))
    assert status == 0
    assert err.splitlines()[0] == (f"contentpack backtest: note: 2 file(s) in the folder(s) not read, as not named "
                                   f"like logs (.json, .jsonl, .ndjson, .log, .csv, .txt, or .gz): {logs}/notes.md, "
                                   f"{logs}/week2/signins.zip")
    status, _, err = backtest(capsys, "--events", str(logs), "--detection", DECLINED, "--out", str(logs / "out"))
    assert status == 0 and err.startswith("contentpack backtest: note: 2 file(s)")  # not the report's own files


def test_a_spreadsheet_in_a_folder_is_named_with_what_to_export_instead(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A newcomer's folder held the portal's logs downloaded as Excel beside an export: the note said the
    ``.xlsx`` was "not named like logs", which names no way on. A spreadsheet (``.xlsx``, ``.xls``, any case) is now
    named apart, with the exports the backtest reads (README, "Backtest on your tenant", step 1); the folder's
    other files keep their note."""
    monkeypatch.chdir(REPO)
    logs = tmp_path / "exports"
    logs.mkdir()
    (logs / "a.jsonl").write_bytes(SINGLE.read_bytes())
    (logs / "SignIns.XLSX").write_bytes(b"PK\x03\x04")
    (logs / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (logs / "notes.md").write_text("x\n")
    status, _, err = backtest(capsys, "--events", str(logs), "--detection", DECLINED)
    assert status == 0
    assert err.splitlines()[:2] == [
        f"contentpack backtest: note: 1 file(s) in the folder(s) not read, as not named like logs (.json, .jsonl, "
        f".ndjson, .log, .csv, .txt, or .gz): {logs}/notes.md",
        f"contentpack backtest: note: 2 spreadsheet(s) in the folder(s) not read, as Excel files (export the logs "
        f"from Splunk as JSON or CSV: README, \"Backtest on your tenant\", step 1): {logs}/SignIns.XLSX, "
        f"{logs}/old.xls"], err


def test_a_licence_beside_a_data_set_is_named_as_not_read_not_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder of real sample events kept as their sources ship them, their licences in ``LICENSES/*.txt`` beside
    (Apache-2.0 events of splunk/security_content, ``tests/fixtures``): ``.txt`` is a log name, so the backtest
    stopped on each licence, "not a supported input". A ``.txt`` file of a folder that holds text and no events is
    now named before the run as not read, as a README is; one holding events is read, one the reader refuses by
    its first bytes (UTF-16) is still refused with the others in one run, and a licence named on the command line
    is still refused."""
    fixtures = REPO / "tests" / "fixtures" / "splunk_security_content"
    samples = tmp_path / "samples"
    (samples / "LICENSES").mkdir(parents=True)
    (samples / "splunk_security_content").mkdir()
    licence = samples / "LICENSES" / "splunk_security_content_LICENSE_Apache-2.0.txt"
    licence.write_bytes((fixtures / "LICENSE").read_bytes())
    (samples / "splunk_security_content" / "azure_monitor_aad_example_logs.jsonl").write_bytes(
        (fixtures / "azure_monitor_aad_example_logs.jsonl").read_bytes())
    (samples / "README.md").write_text("# Samples\n", encoding="utf-8")
    events = (fixtures / "azure_monitor_aad_example_logs.jsonl").read_text(encoding="utf-8").splitlines()
    (samples / "more.txt").write_text(events[0] + "\n", encoding="utf-8")  # events named .txt: read
    status, stdout, err = backtest(capsys, "--events", str(samples), "--format", "json", "--from", "2024-01-01",
                                   "--to", "2024-03-01")
    assert status == 0, err
    assert err.splitlines()[:2] == [
        f"contentpack backtest: note: 1 file(s) in the folder(s) not read, as not named like logs (.json, .jsonl, "
        f".ndjson, .log, .csv, .txt, or .gz): {samples}/README.md",
        f"contentpack backtest: note: 1 .txt file(s) in the folder(s) not read, as text with no events (no JSON "
        f"object or CSV header with _raw in their first bytes): {licence}"]
    assert json.loads(stdout)["input"]["files"] == 2

    (samples / "utf16.txt").write_bytes("\ufeff{}".encode("utf-16-le"))
    (samples / "signins.log").write_text("not events\n", encoding="utf-8")
    status, _, err = backtest(capsys, "--events", str(samples))
    refused = [line for line in err.splitlines() if line.startswith("contentpack backtest: error: ")]
    assert status == 2 and [line.split(": ")[2] for line in refused] == [f"{samples}/signins.log",
                                                                       f"{samples}/utf16.txt"], err
    status, _, err = backtest(capsys, "--events", str(licence))
    assert status == 2 and f"{licence}: not a supported input" in err


def test_a_folder_of_licences_alone_names_what_it_did_not_read(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A folder holding only a data set's licence and notice (``.txt``, text with no events) and its README said
    "holds no log files" and named none of them, though ``.txt`` is a log name: the user could not tell whether the
    licences were looked at. The error names each file not read and why, in the words of the note a folder with
    logs beside them gets."""
    samples = tmp_path / "samples"
    (samples / "LICENSES").mkdir(parents=True)
    licence = samples / "LICENSES" / "splunk_security_content_LICENSE_Apache-2.0.txt"
    licence.write_bytes((REPO / "tests" / "fixtures" / "splunk_security_content" / "LICENSE").read_bytes())
    (samples / "NOTICE.txt").write_text("Sample events of splunk/security_content.\n", encoding="utf-8")
    (samples / "README.md").write_text("# Samples\n", encoding="utf-8")
    status, out, err = backtest(capsys, "--events", str(samples))
    assert status == 2 and out == ""
    assert err.splitlines() == [
        f"contentpack backtest: error: {samples}: the folder holds no log files (.json, .jsonl, .ndjson, .log, .csv, "
        f".txt, or .gz); 1 file(s) in it not read, as not named like logs (.json, .jsonl, .ndjson, .log, .csv, .txt, "
        f"or .gz): {samples}/README.md; 2 .txt file(s) in it not read, as text with no events (no JSON object or CSV "
        f"header with _raw in their first bytes): {licence}, {samples}/NOTICE.txt"], err


def test_every_file_refused_by_its_first_bytes_is_named_in_one_run(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder of exports in several wrong forms was refused one file a run, after reading the files before it:
    fix one, run again, meet the next. Each file refused by its first bytes is named at once, before any is read
    (usage errors, exit 2; the rest counted past ten)."""
    monkeypatch.chdir(REPO)
    logs = tmp_path / "exports"
    logs.mkdir()
    (logs / "a.jsonl").write_bytes(SINGLE.read_bytes())
    (logs / "b.jsonl").write_text(SINGLE.read_text(encoding="utf-8"), encoding="utf-16")
    (logs / "c.json").write_text('{"TimeGenerated": "2026-10-13T14:25:53Z", "OperationName": "Sign-in activity", '
                                 '"Category": "SignInLogs", "ResultType": "65004"}\n')
    (logs / "d.json").write_bytes(b"Obj\x01")
    status, out, err = backtest(capsys, "--events", str(logs), "--detection", DECLINED)
    assert status == 2 and out == ""
    assert [line.split(": ")[2] for line in err.splitlines()] == [
        f"{logs}/b.jsonl", f"{logs}/c.json:1", f"{logs}/d.json"]
    assert all(line.startswith("contentpack backtest: error: ") for line in err.splitlines())
    for name in "efghijklmn":
        (logs / f"{name}.json").write_bytes(b"Obj\x01")
    status, _, err = backtest(capsys, "--events", str(logs), "--detection", DECLINED)
    assert status == 2 and len(err.splitlines()) == 10 and err.endswith(" (3 more file(s) refused)\n")


def test_no_timed_events_says_what_became_of_every_row(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSV export whose every _time a spreadsheet rewrote: "no timed events in the input (16 CSV row(s) read, 3
    bad CSV row(s))" left the other 13 to guess. The message says what became of all of them in the read line's
    words (``ReadReport.outcome``): every row is bad, its _time unreadable, said at the cell (until 2026-12-07 the
    3 a detection could match were, the 13 others counted events no detection can match: their _time unchecked)."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    lines = SINGLE.read_text(encoding="utf-8").splitlines()
    decline = next(line for line in lines if '"errorCode": 65004' in line)
    others = [line for line in lines if line != decline][:13]
    sheet = tmp_path / "resaved.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["_raw", "_time"])
        writer.writerows([raw, "10/13/2026 02:25:53 PM"] for raw in [decline] * 3 + others)
    status, out, err = backtest(capsys, "--events", str(sheet))
    assert status == 1 and out == ""
    said = err.splitlines()
    assert said[0] == ("contentpack backtest: no timed events in the input (16 CSV row(s) read: 16 bad CSV row(s); "
                       "0 event(s): 0 kept for the detections): nothing to simulate")
    # each after its quoted _raw cell and its comma, the first ten listed
    widths = [len(raw.replace('"', '""')) for raw in [decline] * 3 + others]
    cells = [f"{sheet}:{row}:{width + 4}" for row, width in enumerate(widths, start=2)]
    assert [line.split(": ")[0] for line in said[1:]] == [*cells[:10], "contentpack backtest"]
    assert said[-1] == "contentpack backtest: (+6 more bad CSV row(s))"


def test_a_period_that_misses_every_line_says_when_the_lines_are(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Logs no detection can match, every line set aside unread, and a period before them: the report said "0
    event(s)" and nothing of when the logs were, so no better --from/--to could be chosen from it. It says the span
    of the events read, as it says that of the events outside the period a detection could match. No period would
    keep one, so its zeros are the answer: a report, exit 0 (events a detection could match outside the period stop
    the backtest instead, above); an empty risk-object table says "none", not bare headers, on the page too."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    quiet = tmp_path / "quiet.log"
    quiet.write_text("".join(line + "\n" for line in SINGLE.read_text(encoding="utf-8").splitlines()
                             if '"errorCode": 65004' not in line), encoding="utf-8")
    out_dir = tmp_path / "out"
    status, out, _ = backtest(capsys, "--events", str(quiet), "--detection", DECLINED, "--from", "2026-10-01",
                              "--to", "2026-10-02", "--out", str(out_dir))
    assert status == 0
    assert "Top risk objects: none" in out.splitlines()
    page = (out_dir / "report.html").read_text()
    assert '<table id="risk-objects">' in page and '<td colspan="7" class="muted">none</td>' in page
    assert out.splitlines()[-3:-1] == [
        "read 1 file(s), 38 JSON line(s): 38 line(s) set aside unread (no detection can match them), 0 line(s) decoded, "
        "0 bad line(s); 0 event(s): 0 kept for the detections",
        "no event was kept: the events read (none a detection can match) are from 2026-10-13T12:19:16.195Z to "
        "2026-10-13T15:58:00.750Z, and a run in the period sees only those from 2026-09-30T23:20:00.000Z (the period's "
        "start less the longest lookback of the detections run, 40m) to before 2026-10-02T00:00:00.000Z, its end"]


@pytest.mark.parametrize("where", [0.01, 0.9])
def test_a_corrupt_gzip_export_is_a_usage_error_saying_what_to_do(
        where: float, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Deflate data that cannot be decoded raises zlib.error, no OSError: a damaged ``.gz`` export was "contentpack:
    internal error: error: Error -3 while decompressing data: invalid block type" (newuser21), in its first bytes (read
    when the folder's files are judged) or past them (while reading); and a cut one said Python's "Compressed file
    ended before the end-of-stream marker was reached". Both name the file, the likely cause and what to do."""
    monkeypatch.chdir(REPO)
    noise = random.Random(21)
    lines = [json.dumps({"time": "2026-10-13T12:00:00Z", "pad": noise.randbytes(600).hex()}) for _ in range(4000)]
    data = bytearray(gzip.compress("\n".join([*SINGLE.read_text(encoding="utf-8").splitlines(), *lines]).encode()))
    at = int(len(data) * where)
    while True:  # the first damage from there on that deflate itself refuses (other damage fails the CRC only)
        damaged = data[:at] + b"\xff" * 64 + data[at + 64:]
        try:
            zlib.decompressobj(wbits=-15).decompress(bytes(damaged[10:]))  # the deflate data, past gzip's header
        except zlib.error:
            break
        at += 97
    data = damaged
    broken = tmp_path / "week.json.gz"
    broken.write_bytes(bytes(data))
    status, _, err = backtest(capsys, "--events", str(broken))
    assert status == 2
    assert err.startswith(f"contentpack backtest: error: {broken}: cannot read: the gzip file is corrupt (Error -3 "
                          "while decompressing data: "), err
    assert err.endswith(f"): a download, copy or export cut short or damaged? Make it again (gzip -t {broken} tests a "
                        "file)\n")
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(gzip.compress(SINGLE.read_bytes())[:-100])
    status, _, err = backtest(capsys, "--events", str(cut))
    assert (status, err) == (2, f"contentpack backtest: error: {cut}: cannot read: the gzip file ends before its "
                                "compressed data does: a download, copy or export cut short or damaged? Make it again "
                                f"(gzip -t {cut} tests a file)\n")


def test_an_empty_export_in_the_folder_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An export that failed or is still being written, beside the others in the folder, was counted in "read 2
    file(s)" and said nothing, its day read as a quiet one (newuser21); ``search --events`` names such a file."""
    monkeypatch.chdir(REPO)
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "monday.log").write_bytes(SINGLE.read_bytes())
    (exports / "tuesday.json").write_bytes(b"")
    status, _, err = backtest(capsys, "--events", str(exports), "--detection", DECLINED)
    assert status == 0, err
    assert err.splitlines() == [f"contentpack backtest: note: {exports / 'tuesday.json'} is empty: no events were read "
                                "from it"]


def test_a_folder_of_empty_exports_is_one_note(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder of failed exports gave a note a file, on the terminal and again in report.html; they are one note,
    the first five named and the rest counted, as the folder's files not read are."""
    monkeypatch.chdir(REPO)
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "monday.log").write_bytes(SINGLE.read_bytes())
    empty = [exports / f"week{number:02}.json" for number in range(12)]
    for path in empty:
        path.write_bytes(b"")
    status, _, err = backtest(capsys, "--events", str(exports), "--detection", DECLINED)
    assert status == 0, err
    named = ", ".join(str(path) for path in empty[:5])
    assert err.splitlines() == [f"contentpack backtest: note: 12 files are empty: no events were read from them: "
                                f"{named} (+7 more)"]


def test_lines_inside_the_period_that_no_detection_can_match_are_not_blamed_on_the_period(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """An export of another sourcetype's logs (newuser21: o365 rows of the same index), every line set aside unread,
    in the default period: the line said when the events were "and a run in the period sees only those from" a span
    that held them, as if the period had left them out. It says the period is not why."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    quiet = tmp_path / "quiet.log"
    quiet.write_text("".join(line + "\n" for line in SINGLE.read_text(encoding="utf-8").splitlines()
                             if '"errorCode": 65004' not in line), encoding="utf-8")
    status, out, _ = backtest(capsys, "--events", str(quiet), "--detection", DECLINED)
    assert status == 0
    assert out.splitlines()[-2] == (
        "no event was kept: the events read, from 2026-10-13T12:19:16.195Z to 2026-10-13T15:58:00.750Z, are inside "
        "what the period's runs see, but none is one a detection can match (no line holds what the detections' "
        "searches look for): no --from/--to would keep one")


def test_each_notable_names_its_drilldowns_filled_to_paste_into_splunk(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A backtest on Splunk has no export to run ``search --events`` over, and notables.jsonl named no way back to
    a notable's events (newuser17). Each notable now carries its detection's drilldowns filled as ES fills them,
    with their time bounds; the events drilldown, run over the logs in those bounds, returns the events."""
    monkeypatch.chdir(REPO)
    out = tmp_path / "out"
    logs = "attack_data/consent_phishing_campaign/consent_phishing_campaign.log"
    status, _, err = backtest(capsys, "--events", logs, "--out", str(out))
    assert status == 0, err
    notables = [json.loads(line) for line in (out / "notables.jsonl").read_text().splitlines()]
    assert notables
    for notable in notables:
        drilldowns = notable["drilldowns"]
        assert drilldowns and all(d["search"] and "unfilled" not in d and d["earliest"] and d["latest"]
                                  for d in drilldowns)
    first = notables[0]["drilldowns"][0]
    assert first["search"].startswith("`entra_id_signin_and_audit_logs`"), first

    def epoch(text: str) -> str:
        return str(int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()))

    status = main(["search", first["search"], "--events", logs, "--earliest", epoch(first["earliest"]),
                   "--latest", epoch(first["latest"]), "--format", "json"])
    found = capsys.readouterr()
    assert status == 0 and json.loads(found.out), found.err


def test_report_html_lists_each_notable_with_its_drilldowns_and_a_hostile_app_name_as_text(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """report.html counted notables and listed none: what fired, on whom, and the searches back to the events were in
    notables.jsonl only, which a manager handed the page never opens. The page now lists them, each with the
    drilldowns notables.jsonl gives it (the same search text and bounds). The consent phishing campaign's app is
    renamed to markup in the logs (a display name is the attacker's to choose): in Chromium the page shows it as
    text, runs nothing, shows no image and asks for nothing but itself."""
    monkeypatch.chdir(REPO)
    name = "<script>document.title='ran'</script><img src=/leak onerror=\"document.title='img'\">"
    logs = tmp_path / "campaign.log"
    logs.write_text(Path("attack_data/consent_phishing_campaign/consent_phishing_campaign.log").read_text()
                    .replace("Office365 Document Viewer", json.dumps(name)[1:-1]))
    out = tmp_path / "out"
    status, _, err = backtest(capsys, "--events", str(logs), "--out", str(out))
    assert status == 0, err
    notables = [json.loads(line) for line in (out / "notables.jsonl").read_text().splitlines()]
    url = (out / "report.html").as_uri()
    page = chromium.load(url, """JSON.stringify({title: document.title, scripts: document.scripts.length,
      images: document.images.length, links: document.links.length,
      headings: [...document.querySelectorAll('#notables h3')].map(h => h.innerText),
      fields: [...document.querySelectorAll('#notables details li')].map(li => li.textContent),
      searches: [...document.querySelectorAll('#notables code.spl')].map(c => c.textContent),
      text: document.querySelector('#notables').innerText})""")
    shown = json.loads(page.value)
    assert page.requests == [url] and shown["title"].startswith("Backtest: ")
    assert (shown["scripts"], shown["images"], shown["links"]) == (0, 0, 0)
    # one notable each, grouped in the pack's order of detections
    assert sorted(shown["headings"]) == sorted(f"{n['detection']} (1 notable(s))" for n in notables)
    assert len(notables) == 2 and f"appDisplayName = {name}" in shown["fields"]
    assert sorted(shown["searches"]) == sorted(d["search"] for n in notables for d in n["drilldowns"])
    for d in (d for n in notables for d in n["drilldowns"]):
        assert f"{d['name']} earliest {d['earliest']} latest {d['latest']}" in shown["text"]


def test_a_correlations_notable_names_the_user_its_result_ranks_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The risk correlation's notable named no risk object (it has no rba block): report.html's row for it had an
    empty "risk object" line and notables.jsonl ``"risk_objects": []``, where ES shows the user the finding is about.
    Both now name the first ranked user, its result's ``risk_object``, as a user (the type its search pins)."""
    monkeypatch.chdir(REPO)
    out = tmp_path / "out"
    status, _, err = backtest(capsys, "--events", "attack_data/consent_phishing_campaign/consent_phishing_campaign.log",
                              "--out", str(out))
    assert status == 0, err
    [notable] = [n for n in map(json.loads, (out / "notables.jsonl").read_text().splitlines())
                 if n["detection"] == CORRELATION]
    first = notable["fields"]["risk_object"]
    assert notable["risk_objects"] == [{"value": first, "type": "user"}]
    assert first == notable["fields"]["user"][0] == "debra.tanaka@contoso.example"
    page = (out / "report.html").read_text(encoding="utf-8").replace("<wbr>", "")
    row = page[page.index(f"<h3>{CORRELATION} "):]
    row = row[:row.index("</tr>", row.index('<tr class="notable">'))]
    assert f'<div>risk object: {first} <span class="muted">(user)</span></div>' in row


def test_an_index_set_in_the_repository_s_macro_that_no_event_is_in_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A new user set ``index=entra`` in ``macros/entra_id_signin_and_audit_logs.yml``, as the README once
    suggested, and backtested their tenant's Event Hub records: 0 risk events, with events kept for the detections
    and no word that the index was why (the records, which carry no index, are in ``main``). The summary under
    the read line, the report's Input notes and summary.json now name the index and what to do; ``--index entra``
    gives the records that index, and the note goes."""
    macro = Path("macros/entra_id_signin_and_audit_logs.yml")
    root = pack_with_edit(tmp_path, macro, "definition: sourcetype=", "definition: index=entra sourcetype=")
    common = ("--root", str(root), "--events", str(PATHS), "--detection", TENANT_WIDE)
    status, out, err = backtest(capsys, *common, "--out", str(tmp_path / "out"))
    note = ("the search of the detection run asks for index=entra, an index no event kept is in (theirs: "
            "main): nothing can match; leave the repository's macros as shipped and set your index in Splunk "
            "(Settings > Advanced search > Search macros), and give records without an index (Event Hub JSON, "
            "storage account blobs) yours with --index NAME")
    assert status == 0 and " ".join(out.split()).count(note) == 1, out
    document = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert note in document["input"]["notes"]
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8").replace("<wbr>", "")
    assert html.escape(note, quote=True) in page
    status, out, err = backtest(capsys, *common, "--index", "entra")
    assert status == 0 and "index=entra" not in out + err, out


@pytest.mark.parametrize(("asking", "run", "said"), [
    (1, 1, "the search of the detection run"),
    (16, 17, "the searches of 16 of the 17 detections run"),
    (1, 17, "the search of 1 of the 17 detections run"),
    (17, 17, "the searches of all 17 detections run"),
])
def test_the_index_note_says_whose_search_asks_in_plain_words(asking: int, run: int, said: str) -> None:
    """"the search of 1 of the 1 detection(s) run" read oddly for one ``--detection``."""
    from contentpack.backtest.field_hints import _whose

    assert _whose(asking, run) == said


def test_the_risk_objects_left_out_are_counted_and_said_where_they_are(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A campaign's thirty decliners are thirty risk objects; the terminal showed ten under "Top risk objects" and
    report.html twenty, and neither said there were more: a person read ten as every object the pack scored. The
    terminal now counts those it left out under the table and names the files holding them, and the page says of
    how many its twenty are the top; with ten or fewer the terminal says nothing more."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "1000")
    campaign = REPO / "attack_data" / "consent_phishing_campaign" / "consent_phishing_campaign.log"
    out_dir = tmp_path / "out"
    status, out, _ = backtest(capsys, "--events", str(campaign), "--detection", DECLINED, "--out", str(out_dir))
    assert status == 0
    risk = [json.loads(line) for line in (out_dir / "risk.jsonl").read_text(encoding="utf-8").splitlines()]
    objects = {(event["risk_object"], event["risk_object_type"]) for event in risk}
    assert len(objects) > 20
    lines = out.splitlines()
    below = lines[next(at for at, line in enumerate(lines) if line == "Top risk objects"):]
    below = below[next(at for at, line in enumerate(below) if line.startswith("└")) + 1:]
    assert below[0] == (f"(+{len(objects) - 10} more risk object(s): report.html and summary.json list the top 20, "
                        "risk.jsonl every risk event)")
    page = (out_dir / "report.html").read_text(encoding="utf-8")
    assert (f'<p class="muted" id="risk-objects-note">The top 20 of {len(objects)} risk objects; risk.jsonl has '
            "every risk event.</p>") in page
    status, out, _ = backtest(capsys, "--events", str(SINGLE), "--detection", DECLINED)
    assert status == 0 and "more risk object(s)" not in out
