"""``search --events`` reads the exports ``backtest --events`` reads, as backtest reads them.

README's "Backtest on your tenant" has users export their logs from Splunk (JSON results lines, CSV with a
``_raw`` column) or save Event Hub messages (``{"records": [...]}`` lines), and its tuning step runs
``contentpack search '<the detection's search>' --events ...`` on the same files. Each export must give the rows
the original log file gives (the export shapes: splunk-sdk's ``JSONResultsReader`` and Splunk's
``/services/search/jobs/export``; the Event Hub body: ``shared/reference/azure_monitor_aad.md`` §1).
"""

from __future__ import annotations

import csv
import gzip
import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from contentpack.backtest import inputs
from contentpack.backtest.inputs import EventReader
from contentpack.backtest.rawfilter import RawFilter
from contentpack.cli import main
from contentpack.spl import engine as engine_module
from contentpack.spl.values import Event
from counted_reads import counted_opens

REPO = Path(__file__).resolve().parents[2]
LOG = REPO / "attack_data" / "consent_phishing_campaign" / "consent_phishing_campaign.log"
DETECTION = REPO / "detections" / "cloud" / "entra_id_user_declined_oauth_application_consent.yml"


def _records() -> list[str]:
    return [line for line in LOG.read_text(encoding="utf-8").splitlines() if line.strip()]


def _json_export(path: Path) -> None:
    """What ``/services/search/jobs/export?output_mode=json`` streams: a ``result`` a line, after a metadata line."""
    lines = [{"preview": False, "init_offset": 0, "messages": []}]
    lines += [{"preview": False, "offset": number, "result": {
        "_raw": raw, "_time": json.loads(raw)["time"], "_indextime": "1791800000", "sourcetype": "azure:monitor:aad"}}
        for number, raw in enumerate(_records())]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


def _csv_export(path: Path) -> None:
    """Splunk Web's *Export → CSV* of ``| fields _raw _time _indextime sourcetype``."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["_raw", "_time", "_indextime", "sourcetype"])
        for raw in _records():
            writer.writerow([raw, json.loads(raw)["time"], "1791800000", "azure:monitor:aad"])


def _event_hub(path: Path) -> None:
    """Event Hub message bodies, five records each: the add-on makes each record an event."""
    records = [json.loads(raw) for raw in _records()]
    path.write_text("".join(json.dumps({"records": records[start:start + 5]}) + "\n"
                            for start in range(0, len(records), 5)), encoding="utf-8")


def _rows_array(path: Path) -> None:
    """A JSON array of export rows (``{"results": [...]}``'s rows, saved as an array)."""
    rows = [{"_raw": raw, "_time": json.loads(raw)["time"]} for raw in _records()]
    path.write_text(json.dumps(rows), encoding="utf-8")


def _saved_message(path: Path) -> None:
    """One Event Hub message saved as it is shown, over several lines."""
    path.write_text(json.dumps({"records": [json.loads(raw) for raw in _records()]}, indent=2), encoding="utf-8")


def _pretty(key: str, items: list[dict[str, object]]) -> str:
    """``{"<key>": [`` on the first line, an item a line below it, indented: how a pretty-printer or a hand saves a
    document (the first line was once read as a JSON line, and every line reported malformed)."""
    return f'{{"{key}": [\n' + ",\n".join("    " + json.dumps(item) for item in items) + "\n]}\n"


def _pretty_results(path: Path) -> None:
    """A ``{"results": [...]}`` document (output_mode=json) saved with its first line ``{"results": [``."""
    rows = [{"_raw": raw, "_time": json.loads(raw)["time"]} for raw in _records()]
    path.write_text(_pretty("results", rows), encoding="utf-8")


def _pretty_message(path: Path) -> None:
    """One Event Hub message saved with its first line ``{"records": [``."""
    path.write_text(_pretty("records", [json.loads(raw) for raw in _records()]), encoding="utf-8")


def _own_result_key(path: Path) -> None:
    """The user's own JSON lines whose first key is ``result`` (then ``records``): records, not export rows or Event
    Hub messages (a first key alone once made them one, and every line "an export result must be a JSON object")."""
    records = [json.loads(raw) for raw in _records()]
    lines = [{"result": "logged", **record} for record in records[:10]]
    lines += [{"records": 2, **record} for record in records[10:]]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


def _rows(capsys: pytest.CaptureFixture[str], events: Path) -> list[dict[str, object]]:
    search = yaml.safe_load(DETECTION.read_text(encoding="utf-8"))["search"]
    status = main(["search", search, "--events", str(events), "--root", str(REPO), "--format", "json"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    rows: list[dict[str, object]] = json.loads(captured.out)
    return rows


@pytest.mark.parametrize("write", [_json_export, _csv_export, _event_hub, _rows_array, _saved_message,
                                   _pretty_results, _pretty_message, _own_result_key],
                         ids=["json-results", "csv", "event-hub", "rows-array", "saved-message", "pretty-results",
                              "pretty-message", "own-result-key"])
def test_an_export_gives_the_rows_of_the_original_log(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      write: Callable[[Path], None]) -> None:
    expected = _rows(capsys, LOG)
    assert len(expected) == 30  # every decline of the campaign, one user each
    export = tmp_path / "export.out"  # judged by its content, as backtest judges it, not by its name
    write(export)
    assert _rows(capsys, export) == expected


def test_a_bad_row_of_an_export_stops_the_search_at_its_line(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """An export row the reader cannot use is reported as a malformed line of a JSON-lines file is: the file, the
    line, why, and how many in all — never dropped, never a traceback."""
    export = tmp_path / "export.json"
    good = {"preview": False, "result": {"_raw": _records()[0], "_time": "2026-10-12T10:28:47Z"}}
    no_raw = {"preview": False, "result": {"_time": "2026-10-12T10:28:47Z"}}
    export.write_text("".join(json.dumps(line) + "\n" for line in (good, no_raw, good, no_raw)), encoding="utf-8")
    status = main(["search", "*", "--events", str(export), "--no-pack"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith(f"{export}:2:1: error[RP002]: an export row without _raw (export with | fields _raw _time "
                          "_indextime sourcetype source host index) (2 malformed lines in all: lines 2, 4)\n")


def test_a_compressed_export_is_read_as_backtest_reads_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A gzip export was refused as compressed; it is read by the backtest's reader, which decompresses it."""
    export = tmp_path / "export.json.gz"
    export.write_bytes(gzip.compress(b'{"preview": false, "result": {"_raw": "x", "_time": "1"}}\n'))
    status = main(["search", "* | stats count", "--events", str(export), "--no-pack", "--format", "json"])
    assert (status, json.loads(capsys.readouterr().out)) == (0, [{"count": "1"}])


def test_a_text_line_that_mentions_raw_is_text_not_a_csv_header(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Only a header with a ``_raw`` column is a CSV export: text that names ``_raw`` stays a text event."""
    log = tmp_path / "notes.log"
    log.write_text("2026-10-12T10:00:00Z the _raw field holds the event\nsecond line\n", encoding="utf-8")
    status = main(["search", "* | stats count", "--events", str(log), "--no-pack", "--format", "json"])
    assert (status, json.loads(capsys.readouterr().out)) == (0, [{"count": "2"}])


@pytest.mark.parametrize("name", ["users.csv", "USERS.CSV"])
def test_a_csv_without_raw_is_refused_as_backtest_refuses_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             name: str) -> None:
    """A CSV whose header has no ``_raw`` column was read as text, its header an event (``count`` 3 for two rows,
    and a hint that no event had a time), where ``backtest --events`` refused it; both refuse it now, alike
    (``inputs.csv_refusal``). A text log named otherwise stays text (the test above)."""
    table = tmp_path / name
    table.write_text("user,action\nalice,login\nbob,logout\n", encoding="utf-8")
    _refused_alike(table, f"{table}:1: a CSV export needs a _raw column (export the events with | fields _raw _time "
                          "_indextime sourcetype source host index)", tmp_path, capsys)


def _refused_alike(path: Path, refusal: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``search --events`` and ``backtest --events`` refuse ``path`` with one usage error, ``refusal``."""
    status = main(["search", "* | stats count", "--events", str(path), "--no-pack"])
    captured = capsys.readouterr()
    assert (status, captured.out, captured.err) == (2, "", f"contentpack search: error: {refusal}\n")
    status = main(["backtest", "--events", str(path), "--root", str(REPO), "--out", str(tmp_path / "out")])
    assert status == 2 and f"contentpack backtest: error: {refusal}" in capsys.readouterr().err


def test_a_splunk_xml_export_is_refused_as_backtest_refuses_it(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Splunk's Export > XML beside the JSON and CSV the README asks for: ``search --events`` read it as text, each
    XML line an event (``count`` the file's lines, each given the file's modification time), and ``backtest`` called
    it "not a supported input"; both say what it is and what to export instead (``inputs.xml_refusal``)."""
    export = tmp_path / "week.xml"
    rows = "".join(f'<result offset="{n}"><field k="_raw"><v xml:space="preserve" trunc="0">{record}</v></field>'
                   "</result>\n" for n, record in enumerate(_records()[:3]))
    export.write_text(f"<?xml version='1.0' encoding='UTF-8'?>\n<results preview='0'>\n{rows}</results>\n",
                      encoding="utf-8")
    _refused_alike(export, f"{export}: a Splunk XML export (<results>), which is not read: export the search as JSON "
                           "or CSV instead (Export > JSON or CSV, or the REST export's output_mode=json), with | fields "
                           "_raw _time _indextime sourcetype source host index", tmp_path, capsys)


STREAMED = [_json_export, _csv_export, _event_hub]
STREAMED_IDS = ["json-results", "csv", "event-hub"]


@pytest.mark.parametrize("write", STREAMED, ids=STREAMED_IDS)
def test_the_reader_gives_an_exports_first_events_before_reading_its_end(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: Callable[[Path], None]) -> None:
    """The backtest's reader (which ``search --events`` reads exports with) streams JSON results lines, CSV rows and
    Event Hub message lines: a read past the file's first quarter fails the test, and the first event is given
    before it (blocks made small so that a quarter of the file holds several)."""
    export = tmp_path / "export.out"
    write(export)
    monkeypatch.setattr(inputs, "BLOCK", 16 << 10)
    monkeypatch.setattr(inputs, "PIECE", 4 << 10)
    counted_opens(monkeypatch, inputs, limit=export.stat().st_size // 4)
    events = EventReader(RawFilter([()]), None).read_file(export)
    first = next(events)
    events.close()
    assert json.loads(str(first["_raw"])) == json.loads(_records()[0])


@pytest.mark.parametrize("write", STREAMED, ids=STREAMED_IDS)
def test_search_streams_an_export_with_only_the_fields_it_reads(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        write: Callable[[Path], None]) -> None:
    """``search --events`` reads an export as it scans JSON lines: each event reaches the search while the file is
    still being read, with only the fields the search reads — not every row with every field held first (100,000
    exported events once took 1.9 GB). Every event the search's first command is given is watched, with how far
    the file opened last had been read when it came."""
    export = tmp_path / "export.out"
    write(export)
    monkeypatch.setattr(inputs, "BLOCK", 16 << 10)
    monkeypatch.setattr(inputs, "PIECE", 4 << 10)
    opened = counted_opens(monkeypatch, inputs)
    watched: list[tuple[int, frozenset[str]]] = []
    first_command = engine_module.admitted

    def watching(events: Iterable[Event], *args: Any, **kwargs: Any) -> Iterator[Event]:
        def watch() -> Iterator[Event]:
            for event in events:
                watched.append((opened[-1].read_bytes, frozenset(event)))
                yield event
        return first_command(watch(), *args, **kwargs)

    monkeypatch.setattr(engine_module, "admitted", watching)
    status = main(["search", "properties.status.errorCode=65004 | stats count", "--events", str(export), "--no-pack",
                   "--now", "1800000000", "--format", "json"])
    assert (status, json.loads(capsys.readouterr().out)) == (0, [{"count": "30"}])
    assert len(watched) == len(_records())
    assert watched[0][0] < export.stat().st_size // 4
    assert "properties.appDisplayName" not in watched[0][1]
    assert "properties.status.errorCode" in watched[0][1]


def _bad_csv(path: Path) -> None:
    """A CSV export whose third line has a cell too few, and whose fourth has an unreadable ``_time``."""
    raw = _records()[0]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["_raw", "_time"], [raw, "2026-10-12T10:28:47Z"], [raw],
                                      [raw, "yesterday"], [raw, "2026-10-12T10:28:47Z"]])


def _bad_event_hub(path: Path) -> None:
    """Event Hub messages whose second line's second record has no ``time``."""
    record = json.loads(_records()[0])
    untimed = {key: value for key, value in record.items() if key != "time"}
    path.write_text("".join(json.dumps({"records": records}) + "\n" for records in ([record], [record, untimed])),
                    encoding="utf-8")


def _bad_rows_array(path: Path) -> None:
    """An array of export rows, one a line after the ``[``, whose second (line 3) has no ``_raw``: a record then,
    without a ``time``."""
    rows = [{"_raw": _records()[0], "_time": "2026-10-12T10:28:47Z"}, {"_time": "1"}]
    path.write_text("[\n" + ",\n".join(map(json.dumps, rows)) + "\n]\n", encoding="utf-8")


def _bad_results_document(path: Path) -> None:
    """``{"results": [...]}`` indented (as a REST API answer saved by a tool that pretty-prints): its third result,
    at line 11, is no object."""
    rows = [{"_raw": raw, "_time": "2026-10-12T10:28:47Z"} for raw in _records()[:2]]
    path.write_text(json.dumps({"results": [*rows, "x"]}, indent=1) + "\n", encoding="utf-8")


@pytest.mark.parametrize(("write", "expected"), [
    (_bad_csv, "{export}:3:1: error[RP002]: the row's cells do not match the header's 2 columns (2 malformed lines in "
               "all: lines 3, 4)\n"),
    (_bad_event_hub, "{export}:2:1: error[RP002]: record 2: a JSON object without a 'time' field: not an Azure "
                     "Monitor record\n"),
    (_bad_rows_array, "{export}:3:1: error[RP002]: item 2: a JSON object without a 'time' field: not an Azure "
                      "Monitor record\n"),
    (_bad_results_document, "{export}:11:1: error[RP002]: item 1: result 3: an export result must be a JSON "
                            "object\n"),
], ids=["csv", "event-hub", "rows-array", "results-document"])
def test_a_bad_row_of_each_export_is_reported_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          write: Callable[[Path], None], expected: str) -> None:
    """Streamed or read whole, an export's bad rows stop the search as they did when every export was read whole
    before the search: the same first line, reason and count (the JSON results lines' case is above). A bad item of
    a JSON document (an array of export rows, a ``results`` list) is at the line it starts on, as a plain JSON
    array's bad element is (``events.json_line``, shared); it was a usage error naming the item, with no line."""
    export = tmp_path / "export.out"
    write(export)
    status = main(["search", "* | stats count", "--events", str(export), "--no-pack"])
    err = capsys.readouterr().err
    assert (status, err.startswith(expected.format(export=export))) == (1, True), err


def test_an_export_rows_own_metadata_is_searched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An export row keeps its own ``sourcetype``/``host``/``index``, which the search's first command matches per
    row, not the file's (``--sourcetype``): a file scanned lazily is otherwise judged by its metadata once."""
    export = tmp_path / "export.json"
    raw = _records()[0]
    rows = [{"_raw": raw, "_time": "2026-10-12T10:28:47Z", "sourcetype": sourcetype, "host": host}
            for sourcetype, host in (("azure:monitor:aad", "hub"), ("other:logs", "relay"), ("other:logs", "hub"))]
    export.write_text("".join(json.dumps({"preview": False, "result": row}) + "\n" for row in rows), encoding="utf-8")
    status = main(["search", "sourcetype=other:logs host=hub OR index=nothing | stats count by sourcetype host",
                   "--events", str(export), "--no-pack", "--format", "json"])
    assert (status, json.loads(capsys.readouterr().out)) == (
        0, [{"sourcetype": "other:logs", "host": "hub", "count": "1"}])


def test_search_opens_an_export_for_its_head_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """search read an export's first megabyte twice, each time opening it: to refuse another Entra ID schema
    (``foreign.file_refusal``) and to tell its format (``events_head``). One read serves both now; the file is then
    opened by the reader to check its format before the next file (``_Export.check``) and to be searched (with
    ``--now``: no survey for the newest time)."""
    export = tmp_path / "export.json"
    _json_export(export)
    heads: list[str] = []
    os_open = os.open

    def counting(path: str, *args: Any, **kwargs: Any) -> int:
        if Path(path) == export:
            heads.append(str(path))
        return os_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting)
    reads = counted_opens(monkeypatch, inputs)
    status = main(["search", "properties.status.errorCode=65004 | stats count", "--events", str(export), "--no-pack",
                   "--now", "1800000000", "--format", "json"])
    assert (status, json.loads(capsys.readouterr().out)) == (0, [{"count": "30"}])
    assert (len(heads), len(reads)) == (1, 2)


def test_search_says_how_many_events_were_indexed_before_their_time_as_backtest_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An export row whose ``_indextime`` is before its ``_time`` (the source's clock ahead, a time read in the wrong
    zone): ``backtest`` counted them and said so on its read line, ``search`` over the same file said nothing. It
    now says it on stderr, after the results, in the backtest's words and from the same reader's count."""
    export = tmp_path / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["_raw", "_time", "_indextime", "sourcetype"])
        declines = [raw for raw in _records() if '"errorCode": 65004' in raw]
        for number, raw in enumerate(declines[:3]):  # ones the detection reads: the backtest counts only those
            happened = json.loads(raw)["time"]
            indexed = "2026-10-01T00:00:00Z" if number == 1 else happened  # one row indexed days before it happened
            writer.writerow([raw, happened, indexed, "azure:monitor:aad"])
    note = "1 event(s) with _indextime before _time (the source's clock ahead, or a time read in the wrong time zone)"
    assert main(["search", "search *", "--events", str(export), "--root", str(REPO)]) == 0
    err = capsys.readouterr().err
    assert err.splitlines() == [f"contentpack search: note: {export}: {note}"], err
    detection = yaml.safe_load(DETECTION.read_text(encoding="utf-8"))["name"]
    main(["backtest", "--root", str(REPO), "--events", str(export), "--detection", detection,
          "--out", str(tmp_path / "out")])
    said = " ".join(capsys.readouterr().out.split())  # its read line, below the tables
    assert "; 1 with _indextime before _time (the source's clock ahead, or a time read in the wrong time zone)" \
        in said, said
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["input"]["events_indexed_before_time"] == 1
