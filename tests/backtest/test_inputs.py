"""Reading the logs users have: Event Hub records and messages, Splunk search exports (JSON, CSV) with their
``_indextime``, JSON documents, gzip, folders, bad lines with positions.

Shapes: the Event Hub message body ``{"records": [...]}`` and the add-on writing ``json.dumps(record)`` per
record (shared/reference/azure_monitor_aad.md §1, from the add-on's ``mscs_azure_event_hub.py``); the
export stream's ``{"preview": ..., "result": {...}}`` lines and ``{"results": [...]}`` documents as
splunk-sdk's ``splunklib.results.JSONResultsReader`` reads them (the project pins splunk-sdk).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from contentpack.backtest.inputs import MAX_REPORTED, EventReader, InputError, Metadata, find_inputs
from contentpack.backtest.rawfilter import RawFilter
from contentpack.spl.values import Event
from runaway_line import peak_of, runaway_file

REPO = Path(__file__).resolve().parents[2]
SINGLE = REPO / "attack_data" / "single_user_declines" / "single_user_declines.log"
LINES = SINGLE.read_text(encoding="utf-8").splitlines()
DECLINE = next(line for line in LINES if '"errorCode": 65004' in line)
OTHER = next(line for line in LINES if '"errorCode": 0' in line)
DECLINE_FILTER = RawFilter([("sign-in activity", "65004")])
FIELDS = frozenset({"operationName", "properties.status.errorCode", "properties.userPrincipalName", "time"})


def read(paths: list[Path], raw_filter: RawFilter = DECLINE_FILTER, fields: frozenset[str] | None = FIELDS,
         **metadata: str) -> tuple[list[dict], EventReader]:
    reader = EventReader(raw_filter, fields, Metadata(**metadata))
    return list(reader.read(find_inputs(paths).files)), reader


def test_record_lines_keep_only_what_a_detection_can_match(tmp_path: Path) -> None:
    events, reader = read([SINGLE])
    assert len(events) == sum('"errorCode": 65004' in line for line in LINES) == 1
    [event] = events
    assert event["properties.userPrincipalName"] == "joni.natarajan@contoso.example"
    assert event["_time"] == pytest.approx(1_791_901_553.2728168)  # the record's time (TIME_PREFIX "time")
    assert event["sourcetype"] == "azure:monitor:aad" and event["source"] == str(SINGLE)
    assert "properties.appId" not in event and "_indextime" not in event
    report = reader.report
    assert (report.lines, report.events, report.unread, report.bad) == (len(LINES), 1, len(LINES) - 1, 0)


def test_event_hub_messages_are_split_into_records(tmp_path: Path) -> None:
    """One Event Hub message per line: each record becomes an event with json.dumps(record) as _raw."""
    records = [json.loads(DECLINE), json.loads(OTHER), json.loads(DECLINE)]
    records[2]["properties"]["userPrincipalName"] = "second@contoso.example"
    path = tmp_path / "hub.json"
    path.write_text(json.dumps({"records": records[:2]}) + "\n" + json.dumps({"records": records[2:]}) + "\n")
    events, reader = read([path], fields=None)
    assert [e["properties.userPrincipalName"] for e in events] == ["joni.natarajan@contoso.example",
                                                                   "second@contoso.example"]
    assert events[0]["_raw"] == json.dumps(records[0])
    assert reader.report.bad == 0


def test_splunk_json_export_keeps_index_time_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    row = {"_raw": DECLINE, "_time": "2026-10-13T14:25:53.272+00:00", "_indextime": "1791901800",
           "sourcetype": "azure:monitor:aad", "source": "eventhub://ns.servicebus.windows.net/aad;",
           "host": "hf-01", "index": "azure", "linecount": "1"}
    lines = [{"preview": False, "offset": 0, "result": row},
             {"preview": False, "offset": 1, "result": {**row, "_raw": OTHER}},
             {"preview": False, "offset": 2, "lastrow": True, "messages": []}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    events, reader = read([path])
    [event] = events
    assert event["_indextime"] == 1791901800.0
    assert event["_time"] == pytest.approx(1791901553.272)
    assert (event["index"], event["host"], event["source"]) == ("azure", "hf-01", row["source"])
    assert event["properties.status.errorCode"] == "65004"
    assert reader.report.with_indextime == 1 and reader.report.bad == 0


def test_results_documents_and_json_arrays(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"preview": False, "init_offset": 0, "messages": [], "fields": [],
                                   "results": [{"_raw": DECLINE, "_indextime": 1791901900}]}) + "\n")
    array = tmp_path / "array.json"
    array.write_text(json.dumps([json.loads(OTHER), json.loads(DECLINE)], indent=2))
    events, reader = read([results, array])
    assert [e.get("_indextime") for e in events] == [1791901900.0, None]
    assert reader.report.bad == 0


def test_a_document_whose_first_line_opens_it_is_one_document(tmp_path: Path) -> None:
    """``{"results": [`` (or ``{"records": [``) on the first line and the rest indented below: one JSON document, as
    when its ``{`` stands alone (it was read as JSON lines, and every line reported malformed). A JSON-lines file
    whose first record is cut short (not where a pretty-printer breaks a line) stays JSON lines, its first line a
    bad line."""
    rows = tmp_path / "results.json"
    rows.write_text('{"results": [\n  ' + json.dumps({"_raw": DECLINE, "_indextime": 1791901900}) + ',\n  '
                    + json.dumps({"_raw": OTHER}) + "\n]}\n")
    message = tmp_path / "message.json"
    message.write_text('{"records": [\n  ' + DECLINE + ",\n  " + OTHER + "\n  ]\n}\n")
    events, reader = read([rows, message])
    assert [(e["properties.userPrincipalName"], e.get("_indextime")) for e in events] == [
        ("joni.natarajan@contoso.example", 1791901900.0), ("joni.natarajan@contoso.example", None)]
    assert (reader.report.documents, reader.report.lines, reader.report.bad) == (2, 0, 0)
    cut = tmp_path / "cut.log"
    cut.write_text('{"time": "2026-10-13T14:25:53Z", "note": "cut\n' + DECLINE + "\n")
    events, reader = read([cut])
    assert len(events) == 1 and reader.report.lines == 2 and _bad(reader)[0][0] == 1


def test_records_whose_first_key_is_result_or_records_are_records(tmp_path: Path) -> None:
    """A record is told from an export row or Event Hub message by all its keys, not its first: the user's own
    log whose records begin with ``result`` or ``records`` is records (each was once "an export result must be a
    JSON object" or "'records' must be a list of JSON objects")."""
    record = json.loads(DECLINE)
    path = tmp_path / "own.log"
    path.write_text(json.dumps({"result": "failure", **record}) + "\n" + json.dumps({"records": 1, **record}) + "\n")
    array = tmp_path / "own.json"
    array.write_text(json.dumps([{"result": {"code": 65004}, **record}], indent=2))
    events, reader = read([path, array])
    assert [e["properties.status.errorCode"] for e in events] == ["65004"] * 3
    assert reader.report.bad == 0


def test_csv_export_with_index_time_gzip_and_bom(tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["_raw", "_time", "_indextime", "sourcetype", "source", "host", "index"])
    writer.writerow([DECLINE, "2026-10-13T14:25:53.272+0000", "1791901700", "azure:monitor:aad", "Azure AD", "h", "azure"])
    writer.writerow([OTHER, "2026-10-13T12:19:16.195+0000", "1791894000", "azure:monitor:aad", "Azure AD", "h", "azure"])
    path = tmp_path / "export.csv.gz"
    path.write_bytes(gzip.compress(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")))
    events, reader = read([path])
    [event] = events
    assert event["_indextime"] == 1791901700.0 and event["source"] == "Azure AD"
    assert event["properties.userPrincipalName"] == "joni.natarajan@contoso.example"
    assert (reader.report.rows, reader.report.unmatched, reader.report.unread, reader.report.bad) == (2, 1, 0, 0)


def test_folders_gzip_and_several_files(tmp_path: Path) -> None:
    folder = tmp_path / "week"
    (folder / "day2").mkdir(parents=True)
    (folder / "day1.log").write_text(DECLINE + "\n" + OTHER + "\n")
    (folder / "day2" / "part.json.gz").write_bytes(gzip.compress((DECLINE + "\n").encode()))
    (folder / ".hidden.log").write_text("not read\n")
    (folder / "dataset.yml").write_text("not read: not named like logs\n")
    extra = tmp_path / "extra.log"
    extra.write_text(DECLINE + "\n")
    events, reader = read([folder, extra])
    assert len(events) == 3 and reader.report.files == [str(folder / "day1.log"), str(folder / "day2" / "part.json.gz"),
                                                       str(extra)]


def test_bad_lines_are_counted_with_positions(tmp_path: Path) -> None:
    path = tmp_path / "bad.log"
    lines = [DECLINE, DECLINE[:200], "", "plain text", OTHER, DECLINE.replace('"time"', '"time" "x"'),
             json.dumps({"preview": False, "result": {"_time": "1", "note": "Sign-in activity 65004"}}),
             json.dumps({"preview": False, "result": {"_raw": DECLINE, "_indextime": "yesterday"}})]
    path.write_text("\n".join(lines) + "\n")
    events, reader = read([path])
    assert len(events) == 1
    assert [(b.line, b.message.split(":")[0]) for b in reader.report.bad_lines] == [
        (2, "malformed JSON event"), (4, "not a JSON object"), (6, "malformed JSON event"),
        (7, "an export row without _raw (export with | fields _raw _time _indextime sourcetype source host index)"),
        (8, "unreadable _indextime 'yesterday'")]
    assert reader.report.bad_lines[0].render() == (f"{path}:2:196: warning[RP002]: malformed JSON event: "
                                                   "unterminated string")


def test_a_line_cut_short_is_said_alike_whether_a_detection_reads_it_or_not(tmp_path: Path) -> None:
    """A cut line is said in the decoder's words at its column, as ``search --events`` says it
    (``events.load_json``), also when no detection can match its text: such a line was ``truncated JSON object (no
    closing brace)`` at column 1, so one cut read two ways by a filter the user does not see."""
    from contentpack.spl import events

    path = tmp_path / "cut.log"
    cut = [DECLINE[:300], "  " + OTHER[:300]]  # read by the decline detections; set aside unread (indented)
    path.write_text("\n".join(cut) + "\n")
    _, reader = read([path])
    expected = []
    for number, line in enumerate(cut, 1):
        with pytest.raises(events.JsonColumnError) as caught:
            events.load_json(line)
        expected.append(f"{path}:{number}:{caught.value.colno}: warning[RP002]: malformed JSON event: {caught.value}")
    assert [bad.render() for bad in reader.report.bad_lines] == expected


def test_only_the_first_bad_lines_are_listed_all_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "many.log"
    path.write_text("\n".join(["oops"] * (MAX_REPORTED + 5) + [DECLINE]) + "\n")
    events, reader = read([path])
    assert len(events) == 1 and reader.report.bad == MAX_REPORTED + 5
    assert [b.line for b in reader.report.bad_lines] == list(range(1, MAX_REPORTED + 1))


def test_csv_rows_with_wrong_cells(tmp_path: Path) -> None:
    from contentpack.backtest.inputs import EXPORT_TIME_FORMS

    path = tmp_path / "bad.csv"
    path.write_text('_raw,_time,_indextime\n"x",1,2,3\n' + f'"{DECLINE.replace(chr(34), 2 * chr(34))}",1791901553,xx\n')
    events, reader = read([path])
    assert events == []
    assert [(b.line, b.message) for b in reader.report.bad_lines] == [
        (2, "the row's cells do not match the header's 3 columns"),
        (3, f"unreadable _indextime 'xx': {EXPORT_TIME_FORMS}")]


def test_a_line_separator_inside_a_value_does_not_split_the_event(tmp_path: Path) -> None:
    """U+2028 is a line break to str.splitlines but not to JSON lines (or to Splunk's LINE_BREAKER)."""
    record = json.loads(DECLINE)
    record["properties"]["appDisplayName"] = "Mail\u2028Merge"
    path = tmp_path / "sep.log"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(record, ensure_ascii=False).encode() + b"\r\n")
    events, reader = read([path], fields=FIELDS | {"properties.appDisplayName"})
    assert [e["properties.appDisplayName"] for e in events] == ["Mail\u2028Merge"] and reader.report.bad == 0


def test_unreadable_inputs_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        find_inputs([tmp_path / "missing.log"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no log files"):
        find_inputs([tmp_path / "empty"])
    other = tmp_path / "notes.txt"
    other.write_text("time,user\n1,a\n")
    with pytest.raises(InputError, match=r"notes.txt: not a supported input"):
        read([other])
    corrupt = tmp_path / "cut.gz"
    corrupt.write_bytes(gzip.compress(((DECLINE + "\n") * 50).encode())[:300])
    with pytest.raises(InputError, match="cut.gz: cannot read"):
        read([corrupt])


@pytest.mark.parametrize("head", ["<?xml version='1.0' encoding='UTF-8'?>\n<results preview='0'>\n",
                                  "\ufeff<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<results preview=\"0\">\r\n",
                                  "<results preview='0'>\n"], ids=["rest", "bom-crlf", "no-declaration"])
def test_a_splunk_xml_export_is_refused_with_what_to_export_instead(tmp_path: Path, head: str) -> None:
    """The README's step 1 exports from Splunk as JSON or CSV; its Export > XML, the form beside them, was "not a
    supported input: expected JSON lines ..." without a word of the export it is (newuser23)."""
    export = tmp_path / "week.xml.json"
    row = f'<result offset="0"><field k="_raw"><v xml:space="preserve" trunc="0">{DECLINE}</v></field></result>'
    export.write_text(f"{head}<meta><fieldOrder><field>_raw</field></fieldOrder></meta>\n{row}\n</results>\n",
                      encoding="utf-8")
    with pytest.raises(InputError, match=r"week.xml.json: a Splunk XML export \(<results>\), which is not read: "
                                         r"export the search as JSON or CSV instead"):
        read([export])


def test_no_filter_reads_every_event(tmp_path: Path) -> None:
    events, reader = read([SINGLE], raw_filter=RawFilter([()]), fields=None)
    assert len(events) == len(LINES) and all(e["_raw"] == line for e, line in zip(events, LINES))


def test_a_json_document_is_read_whole_under_a_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from contentpack.backtest import inputs

    path = tmp_path / "array.json"
    path.write_text(json.dumps([json.loads(DECLINE)] * 3))
    monkeypatch.setattr(inputs, "MAX_DOCUMENT_BYTES", path.stat().st_size - 1)
    with pytest.raises(InputError, match="is read whole and may hold at most"):
        read([path])


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("block", [2, 5000, 1 << 20])
def test_an_over_long_line_is_a_bad_line_and_the_file_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              block: int, compress: bool) -> None:
    """Lines are read by ``events.capped_runs``, the reader search and the loader use: a line longer than
    ``MAX_LINE_BYTES`` is a bad line at its number, as ``search`` says it (``line longer than ...``), and the
    lines after it keep theirs. The backtest's own block reader refused the whole file (a usage error) instead."""
    from contentpack.backtest import inputs
    from contentpack.spl import events

    monkeypatch.setattr(events, "MAX_LINE_BYTES", 10_000)  # a record's line is about 3 KB
    monkeypatch.setattr(inputs, "BLOCK", block)
    path = tmp_path / "runaway.log"
    runaway = '{"x": "' + "x" * 50_000 + '"}'
    text = "\n".join([DECLINE, runaway, DECLINE, runaway, "{"]).encode()  # the last: no newline, truncated
    path.write_bytes(gzip.compress(text) if compress else text)
    found, reader = read([path])
    assert len(found) == 2 and reader.report.lines == 5 and reader.report.unread == 0
    assert [bad.render() for bad in reader.report.bad_lines] == [
        f"{path}:2:1: warning[RP002]: {events.LINE_TOO_LONG}", f"{path}:4:1: warning[RP002]: {events.LINE_TOO_LONG}",
        f"{path}:5:2: warning[RP002]: malformed JSON event: expecting property name enclosed in double quotes; "
        f"{events.ENDS_INSIDE}"]


def test_a_huge_line_is_not_read_whole(tmp_path: Path) -> None:
    """A 64 MB file without a newline is one bad line, never in memory whole: ``capped_runs`` holds at most
    ``MAX_LINE_BYTES + 2`` bytes of it (twice that for a moment: a read of ``BLOCK`` bytes and the ``readline``
    completing it, joined), and skips the rest a block at a time (tracemalloc)."""
    from contentpack.backtest.inputs import BLOCK
    from contentpack.spl.events import LINE_TOO_LONG, MAX_LINE_BYTES

    path = runaway_file(tmp_path / "runaway.log", b'{"operationName": "Sign-in activity", "errorCode": 65004, "x": "')
    (found, reader), peak = peak_of(lambda: read([path]))
    assert peak < 2 * MAX_LINE_BYTES + BLOCK + (4 << 20) < path.stat().st_size, f"peak {peak:,} bytes"
    assert found == [] and reader.report.lines == 1
    assert [bad.render() for bad in reader.report.bad_lines] == [f"{path}:1:1: warning[RP002]: {LINE_TOO_LONG}"]


def _bad(reader: EventReader) -> list[tuple[int, str]]:
    return [(b.line, b.message) for b in reader.report.bad_lines]


def test_malformed_wrappers_and_export_rows_are_bad_lines_at_their_line(tmp_path: Path) -> None:
    """Each kept line that cannot become an event is reported with its line and why; the good line still counts."""
    from contentpack.backtest.inputs import EXPORT_TIME_FORMS

    record = json.loads(DECLINE)
    deep = '{"records": ' + "[" * 100_000 + ' "Sign-in activity 65004" ' + "]" * 100_000 + "}"
    lines = ['{"preview": false, "result": {"_raw": "Sign-in activity 65004"',
             "plain text Sign-in activity 65004",
             json.dumps({"records": [1, record]}),
             json.dumps({"results": "Sign-in activity 65004"}),
             json.dumps({"results": [1, {"_raw": DECLINE}]}),
             '{"result": {"_raw": "Sign-in activity 65004 \\ud800"}}',
             json.dumps({"result": {"_raw": "{Sign-in activity 65004", "_time": 1}}),
             json.dumps({"result": {"_raw": DECLINE, "_time": [1, 2]}}),
             deep]
    path = tmp_path / "bad.log"
    path.write_bytes("\n".join(lines).encode() + b"\n" + DECLINE.replace("joni", "j\xffni").encode("latin-1") + b"\n")
    events, reader = read([path])
    assert [e["properties.userPrincipalName"] for e in events] == ["joni.natarajan@contoso.example"]  # line 5
    assert _bad(reader) == [
        (1, "malformed JSON event: expecting ',' delimiter"),
        (2, "not a JSON object"),
        (3, "'records' must be a list of JSON objects"),
        (4, "'results' must be a list"),
        (5, "result 1: an export result must be a JSON object"),
        (6, "_raw is not Unicode text: a lone surrogate (U+D800) at character 24"),
        (7, "malformed JSON in _raw: expecting property name enclosed in double quotes"),
        (8, f"unreadable _time [1, 2]: {EXPORT_TIME_FORMS}"),
        (9, "malformed JSON event: JSON nested too deeply"),
        (10, f"not UTF-8: byte 0xff at byte {DECLINE.index('joni') + 2}")]


def test_export_rows_with_multivalue_cells_text_raw_and_utc_times(tmp_path: Path) -> None:
    """An export's fields may come as one-value lists (``"_raw": ["..."]``); a _raw that is not JSON gives an event
    with the row's time and no extracted fields; ``… UTC`` times are read; the last line needs no newline."""
    path = tmp_path / "export.json"
    rows = [{"_raw": [DECLINE], "sourcetype": ["aad:copy"], "host": [], "_time": "2026-10-13 14:25:53 UTC"},
            {"_raw": "Sign-in activity 65004 as plain text", "_time": 1791901600}]
    path.write_text("\n".join(json.dumps({"preview": False, "result": row}) for row in rows))
    events, reader = read([path])
    assert [(e["sourcetype"], e["host"], e["_time"], e.get("properties.status.errorCode")) for e in events] == [
        ("aad:copy", "", 1791901553.0, "65004"), ("azure:monitor:aad", "", 1791901600.0, None)]
    assert reader.report.bad == 0 and reader.report.lines == 2


def test_a_csv_row_that_is_not_utf8_is_one_bad_row(tmp_path: Path) -> None:
    """One bad byte costs its row only, reported at its line: not the rows decoded with it, nor the file."""
    row = '"' + DECLINE.replace('"', '""') + '",1791901553\n'
    path = tmp_path / "export.csv"
    path.write_bytes(("_raw,_time\n" + row * 30).encode() + b'"x \xff",1\n' + (row * 30).encode())
    events, reader = read([path])
    assert len(events) == 60 and reader.report.rows == 61
    assert _bad(reader) == [(32, "not UTF-8")]


def test_csv_headers_that_cannot_be_an_export(tmp_path: Path) -> None:
    undecodable = tmp_path / "a.csv"
    undecodable.write_bytes(b"_raw,\xff\n1,2\n")
    with pytest.raises(InputError, match=r"a\.csv:1: cannot read the CSV header: not UTF-8$"):
        read([undecodable])
    no_raw = tmp_path / "b.csv"
    no_raw.write_text("my_raw_copy,time\n1,2\n")
    with pytest.raises(InputError, match=r"b\.csv:1: a CSV export needs a _raw column"):
        read([no_raw])


def test_an_unreadable_csv_row_is_reported_and_reading_goes_on(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from contentpack.backtest import inputs

    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(1000)
        monkeypatch.setattr(inputs, "_CSV_FIELD_LIMIT", 1000)
        path = tmp_path / "wide.csv"
        good = '"Sign-in activity 65004",1791901553\n'
        path.write_text("_raw,_time\n" + good + f'"{"x" * 2000}",1\n' + good + f'"{"x" * 2000}",1\n' + good)
        events, reader = read([path])
        wide_header = tmp_path / "header.csv"
        wide_header.write_text(f'_raw,"{"x" * 2000}"\n1,2\n')
        with pytest.raises(InputError, match=r"header\.csv:1: cannot read the CSV header: field larger than field"):
            read([wide_header])
    finally:
        csv.field_size_limit(limit)
    assert [e["_time"] for e in events] == [1791901553.0] * 3
    assert _bad(reader) == [(3, "unreadable CSV row: field larger than field limit (1000)"),
                            (5, "unreadable CSV row: field larger than field limit (1000)")]


def test_json_document_items_are_checked_one_by_one(tmp_path: Path) -> None:
    record = json.loads(DECLINE)
    items = [{"records": [1]}, {"records": [record, {"note": "Sign-in activity 65004"}]}, {"_raw": DECLINE}, 5]
    path = tmp_path / "items.json"
    path.write_text(json.dumps(items, indent=1))
    events, reader = read([path])
    assert len(events) == 2
    lines = path.read_text().splitlines()
    assert _bad(reader) == [  # each at the line it starts on: the item's, or its record's
        (2, "item 1: 'records' must be a list of JSON objects"),
        (lines.index('    "note": "Sign-in activity 65004"'), "item 2: record 2: a JSON object without a 'time' "
                                                              "field: not an Azure Monitor record"),
        (len(lines) - 1, "item 4: an element of the array is not a JSON object")]
    # as a JSON array's bad element in search --events (at its line; it had only the item's number, no line)
    assert reader.report.bad_lines[-1].render() == (f"{path}:{len(lines) - 1}:1: warning[RP002]: item 4: an element "
                                                    "of the array is not a JSON object")
    cut = tmp_path / "cut.json"
    cut.write_text("[\n" + DECLINE + ",\n")
    events, reader = read([cut])
    assert events == [] and [(b.line, b.message.split(":")[0]) for b in reader.report.bad_lines] == [
        (3, "malformed JSON document")]


def test_an_empty_file_has_no_events_and_no_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "empty.log"
    path.write_text("\n \n")
    events, reader = read([path], raw_filter=RawFilter([()]), fields=None)
    assert events == [] and reader.report.bad == 0 and reader.report.files == [str(path)]


def test_blank_lines_kept_by_an_empty_filter_are_not_events(tmp_path: Path) -> None:
    path = tmp_path / "gaps.log"
    path.write_text("\n\n" + DECLINE + "\n\n")
    events, reader = read([path], raw_filter=RawFilter([()]), fields=None)
    assert [e["_raw"] for e in events] == [DECLINE] and reader.report.bad == 0 and reader.report.lines == 4


def _after_cut(event: Event) -> bool:
    when = event["_time"]
    return isinstance(when, float) and when > 1_791_900_000


def test_events_outside_the_range_are_counted_not_yielded(tmp_path: Path) -> None:
    reader = EventReader(RawFilter([()]), FIELDS, Metadata(), prepare=_after_cut)
    events = list(reader.read([SINGLE]))
    assert events and all(_after_cut(e) for e in events)
    assert reader.report.outside == len(LINES) - len(events) > 0 and reader.report.events == len(events)


def test_discovery_of_bare_gz_files_special_files_and_vanished_files(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "events.gz").write_bytes(gzip.compress((DECLINE + "\n").encode()))
    assert find_inputs([folder]).files == (str(folder / "events.gz"),)
    fifo = tmp_path / "pipe.log"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pipe\.log: not a regular file or folder$"):
        find_inputs([fifo])
    gone = tmp_path / "gone.log"
    gone.write_text(DECLINE + "\n")
    files = find_inputs([gone]).files
    gone.unlink()
    with pytest.raises(InputError, match=r"gone\.log: cannot read: no such file or folder$"):
        list(EventReader(DECLINE_FILTER, FIELDS).read(files))


def _at(line: str, when: str) -> str:
    record = json.loads(line)
    record["time"] = when
    return json.dumps(record)


@pytest.mark.parametrize("cut", [DECLINE, OTHER], ids=["a line a detection reads", "a line none reads"])
@pytest.mark.parametrize("first", [False, True], ids=["last", "first"])
def test_a_bad_line_sets_no_end_of_the_time_span(tmp_path: Path, cut: str, first: bool) -> None:
    """The input's time span (the default period: docs/backtest.md, "to the last run that could still see the
    last event") once ended at the time of a truncated last line, no event; it comes from the lines that are
    events (those a detection keeps, and the well-formed ones none can match, whose days the report covers)."""
    good = [_at(DECLINE, "2026-10-30T08:00:00Z"), _at(OTHER, "2026-10-30T09:00:00Z")]
    truncated = _at(cut, "2026-10-20T08:00:00Z" if first else "2026-11-13T08:00:00Z")[:120]
    path = tmp_path / "cut.log"
    path.write_text("\n".join([truncated, *good] if first else [*good, truncated]) + "\n")
    events, reader = read([path])
    assert len(events) == 1 and reader.report.bad == 1
    assert (reader.report.first_time, reader.report.last_time) == (1_793_347_200.0, 1_793_350_800.0)


def _export_line(record: str, offset: int) -> str:
    """A REST export line as splunkd writes it: the result's fields in name order, so ``_time`` after ``_raw``."""
    when = json.loads(record)["time"][:19] + ".000+00:00"
    row = {"_indextime": "1793350900", "_raw": record, "_time": when, "host": "hf-01", "index": "entra",
           "source": "eventhub://ns.servicebus.windows.net/aad;", "sourcetype": "azure:monitor:aad"}
    return json.dumps({"preview": False, "offset": offset, "result": row})


@pytest.mark.parametrize("shape", ["export lines", "array of records", "array of export rows"])
def test_the_time_span_holds_the_events_no_detection_reads(tmp_path: Path, shape: str) -> None:
    """The default period covers the input's days, not only the kept events' (run.py; the terminal says "from the
    first event, ..."): a REST export's first and last lines are read for their ``_time`` wherever it stands (after
    a sign-in's ``_raw`` of several KB, as splunkd orders a row's fields), and a JSON array's elements each count.
    The span once came from the kept events alone there: here 08:00, not the input's 06:00 to 10:00."""
    padded = json.loads(OTHER)
    padded["properties"]["userAgent"] = "x" * 5000  # a sign-in's _raw is 3-6 KB; past the 4 KB once looked at
    records = [_at(json.dumps(padded), "2026-10-30T06:00:00Z"), _at(DECLINE, "2026-10-30T08:00:00Z"),
               _at(json.dumps(padded), "2026-10-30T10:00:00Z")]
    path = tmp_path / "export.json"
    if shape == "export lines":
        path.write_text("".join(_export_line(record, n) + "\n" for n, record in enumerate(records)))
    elif shape == "array of records":
        path.write_text(json.dumps([json.loads(record) for record in records], indent=2))
    else:
        path.write_text(json.dumps([json.loads(_export_line(r, n))["result"] for n, r in enumerate(records)], indent=2))
    events, reader = read([path])
    assert [event["_time"] for event in events] == [DAY + 8 * 3600.0]
    assert (reader.report.first_time, reader.report.last_time) == (DAY + 6 * 3600.0, DAY + 10 * 3600.0)


DAY = 1_793_318_400.0  # 2026-10-30T00:00:00Z


def test_the_time_span_holds_every_record_of_an_event_hub_message_set_aside(tmp_path: Path) -> None:
    """An Event Hub message no detection can match is set aside unread, its time read off the line: every record's,
    not the first one's alone. A message of 15:49 and 16:01 sign-ins once ended the span, and the default period
    the terminal gives "to the last event", at 15:49 (newuser23)."""
    path = tmp_path / "messages.jsonl"
    times = [["2026-10-30T06:00:00Z", "2026-10-30T07:00:00Z"], ["2026-10-30T09:00:00Z", "2026-10-30T10:00:00Z"]]
    path.write_text("".join(json.dumps({"records": [json.loads(_at(OTHER, when)) for when in pair]}) + "\n"
                            for pair in times))
    events, reader = read([path])
    assert (events, reader.report.unread) == ([], 2)
    assert (reader.report.first_time, reader.report.last_time) == (DAY + 6 * 3600.0, DAY + 10 * 3600.0)


@pytest.mark.parametrize("shape", ["event hub message", "results document"])
def test_the_time_span_holds_a_documents_records_no_detection_reads(tmp_path: Path, shape: str) -> None:
    """A JSON document read whole (a message saved pretty-printed, a ``{"results": [...]}`` export) counts every
    record's or row's time in the span, kept or not, as its JSON lines form does: its records no detection can
    match once left the span empty, and the backtest stopped with "no timed events in the input" (newuser23)."""
    records = [json.loads(_at(OTHER, when)) for when in ("2026-10-30T06:00:00Z", "2026-10-30T10:00:00Z")]
    document: dict[str, object] = {"records": records}
    if shape == "results document":
        document = {"results": [json.loads(_export_line(json.dumps(record), 0))["result"] for record in records]}
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(document, indent=2))
    events, reader = read([path])
    assert (events, reader.report.unmatched) == ([], 2)
    assert (reader.report.first_time, reader.report.last_time) == (DAY + 6 * 3600.0, DAY + 10 * 3600.0)


def _mixed_lines() -> list[str]:
    """Lines of every kind, times out of order: kept (one with its tokens in other cases), skipped, blank, bad
    ones a detection reads and ones it does not."""
    hours = [5, 0, 9, 3, 7, 2, 12, 4, 6, 1, 13, 11]
    lines = [_at(DECLINE if n % 3 == 0 else OTHER, f"2026-10-30T{hour:02d}:00:00Z") for n, hour in enumerate(hours)]
    lines[3] = lines[3].replace("Sign-in activity", "SIGN-IN Activity")
    lines[4] = _at(DECLINE, "2026-10-30T07:30:00Z")[:150]  # truncated, a detection reads it
    lines[5] = _at(OTHER, "2026-10-30T02:30:00Z")[:150]  # truncated, none reads it
    lines[7] = ""
    lines[8] = "plain text"
    return lines


def _outcome(path: Path) -> tuple[object, ...]:
    events, reader = read([path])
    report = reader.report
    return ([(e["_time"], e["operationName"]) for e in events], _bad(reader),
            (report.lines, report.events, report.unread, report.bad))


@pytest.mark.parametrize(("block", "piece"), [(1 << 30, 1), (1 << 30, 5000), (7000, 1), (7000, 3000), (100, 1)])
def test_lines_read_alike_across_blocks_and_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   block: int, piece: int) -> None:
    """A block (the unit of the time span) is scanned in pieces of whole lines; wherever blocks and pieces are
    cut, every line is read once, as a whole, and its bad-line report keeps its line number."""
    from contentpack.backtest import inputs

    path = tmp_path / "mixed.log"
    path.write_text("\n".join(_mixed_lines()) + "\n")
    monkeypatch.setattr(inputs, "BLOCK", 1 << 30)
    monkeypatch.setattr(inputs, "PIECE", 1 << 30)
    whole = _outcome(path)
    hour = 3600.0
    assert whole == ([(DAY + 5 * hour, "Sign-in activity"), (DAY + 3 * hour, "SIGN-IN Activity"),
                      (DAY + 12 * hour, "Sign-in activity"), (DAY + 1 * hour, "Sign-in activity")],
                     [(5, "malformed JSON event: unterminated string"),
                      (6, "malformed JSON event: unterminated string"), (9, "not a JSON object")],
                     (12, 4, 4, 3))
    monkeypatch.setattr(inputs, "BLOCK", block)
    monkeypatch.setattr(inputs, "PIECE", piece)
    assert _outcome(path) == whole


def test_pieces_leave_the_time_span_to_the_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The time span takes a block's first and last good lines (and the kept events), however finely the block
    is scanned: pieces are for the processor's cache, and must not move the default period."""
    from contentpack.backtest import inputs

    path = tmp_path / "mixed.log"
    path.write_text("\n".join(_mixed_lines()) + "\n")
    monkeypatch.setattr(inputs, "BLOCK", 1 << 30)
    monkeypatch.setattr(inputs, "PIECE", 1)
    _, reader = read([path])
    # the kept 01:00 (line 10) and 12:00 (line 7); not the skipped 00:00 (line 2) and 13:00 (line 11) inside it
    assert (reader.report.first_time, reader.report.last_time) == (DAY + 3600.0, DAY + 12 * 3600.0)


def _packed(kind: str, data: bytes) -> bytes:
    """``data`` compressed or archived as ``kind``; zstd (no module on 3.11) as its frame magic and a cut frame."""
    import bz2
    import lzma
    import zipfile

    if kind == "bzip2":
        return bz2.compress(data)
    if kind == "xz":
        return lzma.compress(data, format=lzma.FORMAT_XZ)
    if kind == "zstd":
        return b"\x28\xb5\x2f\xfd" + bytes(range(40))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("signins.json", data)
    return buffer.getvalue()


@pytest.mark.parametrize(("kind", "said"), [("bzip2", "bzip2-compressed, which is not read: decompress it first "
                                                     "(bunzip2 -k)"),
                                            ("xz", "xz-compressed, which is not read: decompress it first (unxz -k)"),
                                            ("zstd", "zstd-compressed, which is not read: decompress it first "
                                                     "(unzstd)"),
                                            ("zip", "a zip archive, which is not read: decompress it first (unzip)")])
def test_a_log_compressed_other_than_gzip_is_refused_saying_how_to_read_it(tmp_path: Path, kind: str,
                                                                          said: str) -> None:
    """gzip is read; a log packed another way, named like logs whatever its bytes (``x.json``), was read as text:
    "not valid UTF-8" or a malformed line, which says nothing of the cause. It is refused by its first bytes (the
    formats' magic numbers, ``events.packed_refusal``), saying what to run."""
    path = tmp_path / "signins.json"
    path.write_bytes(_packed(kind, (DECLINE + "\n").encode()))
    with pytest.raises(InputError) as refused:
        read([path])
    assert str(refused.value) == f"{path}: {said}"


@pytest.mark.parametrize("name", ["SignIns.xlsx", "signins.XLSM"])
def test_an_excel_workbook_given_by_name_is_refused_saying_what_to_export(tmp_path: Path, name: str) -> None:
    """A workbook is a zip archive, and the portal's logs downloaded as Excel and given by name were "a zip archive,
    which is not read: decompress it first (unzip)", which yields XML parts and no log. Named as Excel saves it
    (``.xlsx``, ``.xlsm``, any case), it is said to be a workbook, with the exports the backtest reads, as the folder
    note says of one; a zip named otherwise keeps its advice (above)."""
    path = tmp_path / name
    path.write_bytes(_packed("zip", b"<Types/>"))
    with pytest.raises(InputError) as refused:
        read([path])
    assert str(refused.value) == (f"{path}: an Excel workbook, which is not read: export the logs from Splunk as "
                                  f"JSON or CSV (README, \"Backtest on your tenant\", step 1)")


_TO_UTF8 = "which is not read: convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8;"
_CAPTURE = "an Avro file, as Event Hubs Capture writes, which is not read: write each message's Body as one JSON line"


@pytest.mark.parametrize(("data", "said"), [
    ((DECLINE + "\r\n").encode("utf-16"), f"UTF-16 text (its byte-order mark), {_TO_UTF8}"),
    (b"\xfe\xff" + (DECLINE + "\n").encode("utf-16-be"), f"UTF-16 text (its byte-order mark), {_TO_UTF8}"),
    (b"Obj\x01\x04\x14avro.codec\x08null" + json.dumps({"records": [json.loads(DECLINE)]}).encode(), _CAPTURE),
    (gzip.compress(b"Obj\x01\x04\x14avro.codec\x08null"), _CAPTURE)], ids=["utf-16le", "utf-16be", "avro", "avro.gz"])
def test_utf16_text_and_an_event_hubs_capture_are_refused_saying_what_to_do(tmp_path: Path, data: bytes,
                                                                            said: str) -> None:
    """What a Windows user or an Event Hubs Capture gives instead of UTF-8 JSON lines: Windows PowerShell 5.1's
    ``>`` writes UTF-16, and Capture writes Avro, which the README named as a source. The backtest said "not a
    supported input: expected JSON lines ..." of both, and ``search --events`` "not valid UTF-8 (byte 0xff)" of
    the one and counted the other's bytes as a text event; both now say what the file is and what to do."""
    from contentpack.spl.errors import SplEventsError
    from contentpack.spl.events import read_events

    path = tmp_path / "signins.json"
    path.write_bytes(data)
    with pytest.raises(InputError) as refused:
        read([path])
    assert str(refused.value).startswith(f"{path}: {said}")
    if not data.startswith(gzip.compress(b"")[:2]):  # search refuses any gzip file before looking inside
        with pytest.raises(SplEventsError) as searched:
            list(read_events(path, sourcetype="s"))
        assert str(searched.value).startswith(f"{path}: cannot read events: {said}")


def test_the_spl_layer_names_no_doc_of_the_commands_that_name_it(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """``contentpack.spl`` may be published alone: its refusal of an Avro file says what to do, and ``backtest`` and
    ``search``, whose docs show how, name that page (the spl layer named docs/backtest.md itself)."""
    from contentpack.cli import main
    from contentpack.spl.events import packed_refusal

    assert packed_refusal(b"Obj\x01\x04\x14avro.codec", "capture.json") == f"{_CAPTURE} first"
    path = tmp_path / "capture.json"
    path.write_bytes(b"Obj\x01\x04\x14avro.codec\x08null")
    with pytest.raises(InputError) as refused:
        read([path])
    docs = ' first (docs/backtest.md, "Inputs")'
    assert str(refused.value) == f"{path}: {_CAPTURE}{docs}"
    assert main(["search", "--no-pack", "--events", str(path), "| search *"]) == 2
    assert capsys.readouterr().err.strip().endswith(f"{path}: cannot read events: {_CAPTURE}{docs}")


def test_only_a_whole_magic_number_refuses_a_file() -> None:
    """Text that starts with bzip2's "BZh" and a digit but not its block magic, or with "PK" but not a local file
    header's signature, is not taken for a compressed file."""
    from contentpack.spl.events import packed_refusal

    for text in (b"BZh91AY&SX", b"BZh0" + b"1AY&SY", b"BZh9 is text", b"PK\x03\x05", b"\xfd7zXZ\x01", b"_raw,_time"):
        assert packed_refusal(text, "x.xlsx") is None
    assert packed_refusal(b"BZh91AY&SY", "x.json") is not None


def test_records_written_by_jq_without_c_are_said_to_be_so(tmp_path: Path) -> None:
    """``jq '.records[]'`` without ``-c`` writes each record over many lines, one after another: read as one JSON
    document, the whole file was one bad document in Python's words ("Extra data: line 111 column 1 (char
    4542)"), every record lost with nothing said of why. The place stays; the words say what the file is."""
    path = tmp_path / "records.json"
    path.write_text("".join(json.dumps(json.loads(line), indent=2) + "\n" for line in LINES[:2]))
    second = 1 + json.dumps(json.loads(LINES[0]), indent=2).count("\n") + 1
    _, reader = read([path])
    [bad] = reader.report.bad_lines
    assert bad.render() == (f"{path}:{second}:1: warning[RP002]: malformed JSON document: another JSON value starts "
                            "here, after a whole one: JSON lines hold one object a line, a JSON document one value "
                            "(jq writes records one a line with -c; without it, over several lines each)")


US_TIME = "10/13/2026 02:25:53 PM"  # a CSV export saved again by a spreadsheet


def test_an_unreadable_export_time_says_the_forms_read_at_its_own_place(tmp_path: Path) -> None:
    """A US ``_time`` was "unreadable _time '10/13/2026 02:25:53 PM'" at column 1, with no word of what is read: the
    message names the forms, at the cell of a CSV row (on the row's own line when its _raw spans two) and at the
    string of a JSON export line."""
    sheet = tmp_path / "export.csv"
    two_lines = DECLINE.replace(", ", ",\n", 1)  # a _raw cell over two lines: the _time cell is on the second
    quoted = '"' + two_lines.replace('"', '""') + '"'
    sheet.write_text(f"_raw,_time,sourcetype\n\n{quoted},{US_TIME},azure:monitor:aad\n", encoding="utf-8")
    lines = json.dumps({"preview": False, "result": {"_raw": DECLINE, "_time": US_TIME}})
    export = tmp_path / "export.json"
    export.write_text(lines + "\n", encoding="utf-8")
    events, reader = read([sheet, export])
    assert events == []
    cell = len(quoted.rsplit("\n", 1)[1]) + 2  # after the cell before it and its comma
    string = lines.index(US_TIME) + 1
    assert [(b.path, b.line, b.column) for b in reader.report.bad_lines] == [(str(sheet), 4, cell),
                                                                             (str(export), 1, string)]
    for bad in reader.report.bad_lines:
        assert bad.message.startswith(f"unreadable _time '{US_TIME}': an export's times are read as ISO 8601 "
                                      "(2026-11-10T10:00:00Z")
        assert "epoch seconds (1794304800), also ending in ' UTC' or ' GMT'" in bad.message
        assert "export again" in bad.message


def test_an_unreadable_export_time_is_a_bad_row_whether_or_not_a_detection_can_match_it(tmp_path: Path) -> None:
    """A row whose ``_raw`` no detection can match is set aside undecoded, and its ``_time`` went unchecked: of a
    spreadsheet's rows, all with US times, only the matching one was bad, the other counted an event "no detection
    can match", though ``search --events`` refuses it and the row's ``_time`` is read anyway (the input's span). Each
    row's own times are checked, at their cell; only ``_raw`` is set aside."""
    sheet = tmp_path / "export.csv"
    cells = [('"' + line.replace('"', '""') + '"', when) for line, when in
             [(DECLINE, US_TIME), (OTHER, US_TIME), (OTHER, "2026-11-10T10:00:00Z"), (OTHER, "")]]
    sheet.write_text("_raw,_time\n" + "".join(f"{raw},{when}\n" for raw, when in cells), encoding="utf-8")
    events, reader = read([sheet])
    report = reader.report
    assert events == []
    assert [(b.line, b.column, b.message.split(": ")[0]) for b in report.bad_lines] == [
        (2, len(cells[0][0]) + 2, f"unreadable _time '{US_TIME}'"), (3, len(cells[1][0]) + 2,
                                                                     f"unreadable _time '{US_TIME}'")]
    # a row without _time set aside is not bad: whether its _raw has a time is known only by decoding it
    assert (report.rows, report.bad, report.unmatched, report.events) == (4, 2, 2, 0)
    assert report.outcome() == ("2 bad CSV row(s); 2 event(s): 0 kept for the detections, 2 no detection can "
                                "match")


@pytest.mark.parametrize(("shape", "program"), [
    ("records", "'.[] | {records: [.]}'"), ("rows", "'.[] | {result: .}'"), ("messages", "'.[]'"),
    ("message", "'.records[] | {records: [.]}'"), ("results", "'.results[] | {result: .}'")])
def test_a_document_over_the_cap_says_the_jq_command_that_writes_it_as_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str, program: str) -> None:
    """"write bigger inputs as JSON lines" left the how to the user; the command given is for the shape refused, and
    what it writes is read as the document was, _raw for _raw: a record as an Event Hub message of one (the add-on's
    json.dumps, not jq's compact text), an export row as an export line (one a line, it would be a record without
    ``time``)."""
    from contentpack.backtest import inputs

    records = [json.loads(line) for line in LINES]
    rows = [{"_raw": line, "_time": record["time"], "sourcetype": "azure:monitor:aad"}
            for line, record in zip(LINES, records)]
    document = {"records": records, "rows": rows, "messages": [{"records": records[:20]}, {"records": records[20:]}],
                "message": {"records": records},
                "results": {"preview": False, "init_offset": 0, "messages": [], "results": rows}}[shape]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    whole, _ = read([path], RawFilter([()]), None)
    monkeypatch.setattr(inputs, "MAX_DOCUMENT_BYTES", path.stat().st_size - 1)
    with pytest.raises(InputError) as refused:
        read([path])
    command = f"jq -c {program} {path} > {tmp_path / 'big.jsonl'}"
    assert str(refused.value).startswith(f"{path}: a JSON document (array or multi-line object) is read whole and may "
                                         "hold at most")
    assert "; write bigger inputs as JSON lines, its " in str(refused.value)
    assert str(refused.value).endswith(f": {command}")
    assert shutil.which("jq"), "jq is missing: `make test` installs it (Debian's jq package), as it runs the command"
    subprocess.run(command, shell=True, check=True, cwd=tmp_path)
    as_lines, reader = read([tmp_path / "big.jsonl"], RawFilter([()]), None)
    assert reader.report.bad == 0 and len(as_lines) == len(whole) == len(LINES)
    assert [(e["_raw"], e["_time"]) for e in as_lines] == [(e["_raw"], e["_time"]) for e in whole]


@pytest.mark.parametrize("fields", [FIELDS, None], ids=["planned", "every-field"])
def test_a_line_cut_short_is_said_at_the_decoders_column_and_as_the_files_end(tmp_path: Path,
                                                                             fields: frozenset[str] | None) -> None:
    """An export interrupted part way ends inside a line: the reason is the decoder's own words at its column
    (``path:52:39``, the unterminated string's start), where it was column 1 with Python's "line 1 column 39 (char
    38)" after it, and says that the file ends there. Only a last line without its newline says so; the planned
    read (orjson first) and the full one place it alike."""
    from contentpack.spl.events import ENDS_INSIDE

    row = json.dumps({"preview": False, "result": {"_raw": DECLINE, "_time": "2026-10-13T14:25:53Z"}})
    cut = row[:row.index("65004") + 5]  # inside the _raw string, after the words the raw-text filter keeps it by
    column = row.index('"_raw"') + len('"_raw": ') + 1
    for ending, said in (("", f"; {ENDS_INSIDE}"), ("\n", "")):
        path = tmp_path / "cut.json"
        path.write_text(row + "\n" + cut + ending)
        events, reader = read([path], fields=fields)
        assert len(events) == 1
        assert [bad.render() for bad in reader.report.bad_lines] == [
            f"{path}:2:{column}: warning[RP002]: malformed JSON event: unterminated string{said}"]
    record = DECLINE[:DECLINE.index('"errorCode": 65004') + 18]  # a record's line, cut after a number
    path = tmp_path / "records.json"
    path.write_text(f"{DECLINE}\n  {record}")
    events, reader = read([path], fields=fields)
    assert [bad.render() for bad in reader.report.bad_lines] == [
        f"{path}:2:{len(record) + 3}: warning[RP002]: malformed JSON event: expecting ',' delimiter; {ENDS_INSIDE}"]
