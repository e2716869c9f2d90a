"""JSON → Splunk fields (KV_MODE=json naming) and reading event files."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
from collections.abc import Callable
from pathlib import Path

import pytest

from contentpack.spl.errors import SplError
from contentpack.spl.events import flatten_json, json_line, parse_timestamp, read_events

from .spl_support import SAMPLE_LOGS


def test_nested_keys_join_with_dots_and_scalars_keep_json_text() -> None:
    """Numbers/booleans keep their JSON text; null is the text "null" (azure_monitor_aad.md §3 gotcha 4)."""
    flat = flatten_json({"a": {"b": 65004, "c": True, "d": None, "e": 0.072}, "f": "x"})
    assert flat == {"a.b": "65004", "a.c": "true", "a.d": "null", "a.e": "0.072", "f": "x"}


def test_arrays_become_multivalue_curly_brace_fields() -> None:
    """spath: "A location step is composed of a field name and an optional index surrounded by curly brackets"
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/spath)."""
    flat = flatten_json({"t": [{"m": [{"n": "A"}, {"n": "B"}]}, {"m": [{"n": "C"}]}], "l": [1, 2], "one": ["x"]})
    assert flat["t{}.m{}.n"] == ("A", "B", "C")
    assert flat["l{}"] == ("1", "2")
    assert flat["one{}"] == "x"


def test_empty_objects_and_arrays_give_no_field() -> None:
    assert flatten_json({"a": {}, "b": [], "c": 1}) == {"c": "1"}


def test_an_empty_key_adds_no_text_and_a_value_right_under_it_at_the_top_is_no_field() -> None:
    """assumed (no Splunk page names a field after an empty JSON key): the flattener's rule, which the scanner's
    path walk mirrors (``spl.scan._compound_keys``): ``{"": {"b": ...}}`` is ``b``, a value directly under the
    empty key at the top has no name and gives no field, one under ``a`` is ``a.``; strings, numbers and nulls
    alike (strings are collected without a call of their own, numbers and nulls through one)."""
    flat = flatten_json({"": "x", "n": {"": "y"}, "e": {"": None}, "o": {"": {"b": "z"}}, "l": ["w", 1]})
    assert flat == {"n.": "y", "e.": "null", "o..b": "z", "l{}": ("w", "1")}
    assert flatten_json({"": {"b": "v", "c": 2}, "": "last"}) == {}
    assert flatten_json({"": {"b": "v", "c": 2}}) == {"b": "v", "c": "2"}
    assert flatten_json(["x", None]) == {"{}": ("x", "null")}


def test_parse_timestamp_handles_azure_seven_digit_fractions() -> None:
    assert parse_timestamp("2024-02-08T21:49:53.7643129Z") == pytest.approx(1707428993.764312)
    assert parse_timestamp("2024-02-08T21:49:53+01:00") == 1707425393.0
    assert parse_timestamp("not a time") is None


@pytest.mark.assumed
def test_only_ascii_digits_are_an_epoch_timestamp() -> None:
    """Python's float() reads "1_700_000_000" and full-width digits as 1700000000.0; an epoch time is written
    in ASCII digits (assumed: Splunk documents %s as epoch seconds, not how it spells them)."""
    assert parse_timestamp("1700000000") == parse_timestamp(" 1.7e9 ") == 1700000000.0
    assert parse_timestamp("1_700_000_000") is None
    assert parse_timestamp("\uff11\uff17\uff10\uff10\uff10\uff10\uff10\uff10\uff10\uff10") is None


def test_read_events_on_the_real_samples() -> None:
    events = list(read_events(SAMPLE_LOGS, sourcetype="azure:monitor:aad", source="Azure AD"))
    assert len(events) == 16
    consent = events[5]
    assert consent["operationName"] == "Consent to application"
    assert consent["sourcetype"] == "azure:monitor:aad" and consent["source"] == "Azure AD"
    assert consent["index"] == "main" and consent["host"] == ""
    assert consent["_raw"] == SAMPLE_LOGS.read_text().splitlines()[5]
    assert consent["properties.initiatedBy.user.displayName"] == "null"
    names = consent["properties.targetResources{}.modifiedProperties{}.displayName"]
    assert isinstance(names, tuple) and "ConsentAction.Reason" in names
    signin = events[11]
    assert signin["properties.status.errorCode"] == "50076"
    assert signin["properties.location.geoCoordinates.latitude"] == "20.756160123483984"


def test_read_events_json_array_and_plain_text(tmp_path: Path) -> None:
    array = tmp_path / "a.json"
    array.write_text(json.dumps([{"time": "2024-01-01T00:00:00Z", "n": 1}, {"time": "2024-01-02T00:00:00Z"}]))
    events = list(read_events(array, sourcetype="s"))
    assert [e["_time"] for e in events] == [1704067200.0, 1704153600.0]
    assert events[0]["n"] == "1" and json.loads(str(events[0]["_raw"]))["n"] == 1
    text = tmp_path / "t.log"
    text.write_text("hello world\n\nsecond line\n")
    plain = list(read_events(text, sourcetype="s", time_field="time"))
    assert [e["_raw"] for e in plain] == ["hello world", "second line"]
    assert set(plain[0]) == {"_raw", "_time", "source", "sourcetype", "host", "index"}


def test_malformed_json_line_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a": 1}\n{"a": \n')
    with pytest.raises(SplError, match=r"bad\.jsonl:2:6: malformed JSON event: expecting value$"):
        list(read_events(bad, sourcetype="s"))


def test_missing_file_is_an_spl_error(tmp_path: Path) -> None:
    with pytest.raises(SplError, match="cannot read events"):
        list(read_events(tmp_path / "nope.jsonl", sourcetype="s"))


def test_a_gzip_file_is_refused_by_every_reader_with_no_column_of_the_search(tmp_path: Path) -> None:
    """A compressed events file is refused by its first bytes (``events.open_events``) whichever way the engine
    reads it: loaded (``read_events``), or scanned at each search (lazy, one process or several), and the error
    is the file's, with no column of the search text."""
    from contentpack.spl import Engine
    from contentpack.spl.errors import SplEventsError
    from contentpack.spl.scan import byte_ranges

    path = tmp_path / "x.log"  # not named .gz: recognised by its bytes; over 1 MB, so workers scan it in parts
    path.write_bytes(gzip.compress(b'{"time": "2024-01-01T00:00:00Z", "a": "1"}\n') + bytes(range(256)) * 8192)
    assert len(byte_ranges(str(path), 2)) == 2
    refused = f"{path}: cannot read events: gzip-compressed, and events are read from uncompressed files only: " \
              "decompress it first (gunzip -k)"
    with pytest.raises(SplEventsError) as loaded:
        list(read_events(path, sourcetype="s"))
    assert str(loaded.value) == refused
    for workers in (1, 2):
        engine = Engine()
        engine.workers = workers
        engine.register_events(path, sourcetype="s", lazy=True)
        for spl in ("search * | stats count", "search a=1 | stats count by a"):
            with pytest.raises(SplEventsError) as scanned:
                engine.search(spl, now=0.0)
            assert (str(scanned.value), scanned.value.column) == (refused, None)


def test_a_bad_line_keeps_its_place_from_a_worker_process(tmp_path: Path) -> None:
    """``search`` prints a malformed line as a diagnostic at ``FILE:line:1`` from the error's ``path``, ``line`` and
    ``problem``: a scan split between worker processes sends its error back pickled, and it must arrive whole."""
    from contentpack.spl import Engine
    from contentpack.spl.errors import SplEventsError
    from contentpack.spl.scan import byte_ranges

    path = tmp_path / "x.jsonl"  # over 1 MB, so workers scan it in parts; the bad line is in the second part
    good = '{"time": "2024-01-01T00:00:00Z", "a": "1"}\n'
    lines = 40_000
    path.write_text(good * lines + '{"a": \n', encoding="utf-8")
    assert len(byte_ranges(str(path), 2)) == 2
    engine = Engine()
    engine.workers = 2
    engine.register_events(path, sourcetype="s", lazy=True)
    with pytest.raises(SplEventsError) as scanned:
        engine.search("search * | stats count", now=0.0)
    problem = "malformed JSON event: expecting value"
    assert (scanned.value.path, scanned.value.line, scanned.value.problem) == (str(path), lines + 1, problem)
    assert str(scanned.value) == f"{path}:{lines + 1}:6: {problem}"


CAP = 10  # MAX_LINE_BYTES in the reader tests below: lines of the cap's size, read a few bytes at a time
BOUNDARY_FILES = [
    b"abc\ndefgh\nij",  # a line split across reads, the last without a newline
    b"x" * CAP + b"\nnext\n",  # a line of exactly the cap: not too long
    b"x" * (CAP + 1) + b"\nnext\n",  # the cap + 1: too long, and the line after it read at its offset
    b"x" * CAP + b"\r\nnext\r\n",  # the cap and CRLF: not too long, wherever the reads cut "\r\n"
    b"x" * (CAP + 1) + b"\r\nnext",  # the cap + 1 and CRLF: too long
    b"a\n" + b"y" * (5 * CAP) + b"\nafter\n" + b"z" * (3 * CAP),  # huge lines over several reads, one at the end
    b"x" * (CAP + 1),  # the cap + 1 at the end, no newline
    b"\n\r\n\n",  # empty lines
]


def _expected_lines(data: bytes) -> list[tuple[int, bytes]]:
    """Each line at its offset, a line too long as its first ``CAP + 2`` bytes (what the reader may hold)."""
    from contentpack.spl.events import too_long

    lines, offset = [], 0
    for line in _lf_lines(data):
        lines.append((offset, line[:CAP + 2] if too_long(line) else line))
        offset += len(line)
    return lines


def _lf_lines(data: bytes) -> list[bytes]:
    """The lines of ``data``, ended by ``\n`` only, each with its ending."""
    parts = data.split(b"\n")
    return [part + b"\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


@pytest.mark.parametrize("data", BOUNDARY_FILES)
def test_capped_lines_are_the_same_however_the_reads_cut_them(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    """``capped_lines`` reads a block at a time and completes its last line: every line comes whole at its byte
    offset, and a line longer than ``MAX_LINE_BYTES`` as a start that ``too_long`` recognises (never more than the
    cap + 2 bytes of it), the rest skipped and the next line at its own offset — for every read size, so a read's
    end falls at every place of every line (inside a CRLF, right after the cap, inside a huge line)."""
    from contentpack.spl import events

    monkeypatch.setattr(events, "MAX_LINE_BYTES", CAP)
    for size in range(1, CAP + 1):
        monkeypatch.setattr(events, "LINES_READ", size)
        got = list(events.capped_lines(io.BytesIO(data)))
        assert [(offset, line[:CAP + 2] if events.too_long(line) else line) for offset, line in got] == \
            _expected_lines(data), size
        assert all(len(line) <= CAP + 2 for _, line in got), size


@pytest.mark.parametrize("data", BOUNDARY_FILES)
def test_the_backtest_blocks_are_the_lines_with_the_long_ones_empty(monkeypatch: pytest.MonkeyPatch,
                                                                    data: bytes) -> None:
    """The backtest's blocks (``capped_runs`` of ``BLOCK`` bytes) joined are the file with each line too long
    made empty (so the lines after it keep their numbers), and name those lines by their numbers."""
    from contentpack.backtest import inputs
    from contentpack.spl import events

    monkeypatch.setattr(events, "MAX_LINE_BYTES", CAP)
    lines = _lf_lines(data)
    for size in range(1, CAP + 1):
        monkeypatch.setattr(inputs, "BLOCK", size)
        blocks = list(inputs._blocks(io.BufferedReader(io.BytesIO(data), 4)))
        numbered, long, first = [], [], 0
        for block, bad in blocks:
            long += [first + number for number in bad]
            numbered.append(block)
            first += block.count(b"\n") + (not block.endswith(b"\n"))
        assert b"".join(numbered) == b"".join(b"\n" if events.too_long(line) else line for line in lines), size
        assert long == [number for number, line in enumerate(lines) if events.too_long(line)], size


def test_a_line_of_the_cap_is_not_too_long_with_its_crlf() -> None:
    """The line ending is not counted in a line's length: Splunk's default ``LINE_BREAKER = ([\\r\\n]+)`` and "The
    contents of the first capturing group are discarded, and will not be present in any event"
    (https://docs.splunk.com/Documentation/Splunk/latest/Admin/propsconf), so a CRLF line of ``MAX_LINE_BYTES``
    bytes is an event of that length. A lone ``\\r`` before the end of the file is a byte of the line."""
    from contentpack.spl.events import MAX_LINE_BYTES, too_long

    line = b"x" * MAX_LINE_BYTES
    assert not too_long(line) and not too_long(line + b"\n") and not too_long(line + b"\r\n")
    assert too_long(line + b"\r") and too_long(line + b"x\n") and too_long(line + b"\r\r\n")


def test_json_line_finds_a_value_by_its_steps() -> None:
    """The line a value starts on, an element (1-based) of an array or a member of an object at each step: what
    places a bad element of a JSON array, or a bad result of an export's ``results`` list, in a document read whole.
    A key given twice is the last, as the decoder keeps it; strings holding brackets, commas and colons are skipped
    whole."""
    text = ('[\n{"a": "[,:]"},\n\n  3 ,\n{"results": [1,\n 2],\n "x": {"results": [9]},\n'
            ' "results" :\n [\n"]", \n{"b": 1}]}\n]')
    paths: list[list[int | str]] = [[], [1], [2], [3], [3, "x"], [3, "results"], [3, "results", 2],
                                    [3, "x", "results", 1]]
    assert [json_line(text, steps) for steps in paths] == [1, 2, 4, 5, 7, 9, 11, 7]
    assert json_line('{"results": [{"_raw": "x"},\n\n"bad"]}', ["results", 2]) == 3


@pytest.mark.parametrize(("packed", "said"), [
    (bz2.compress, "bzip2-compressed, which is not read: decompress it first (bunzip2 -k)"),
    (lzma.compress, "xz-compressed, which is not read: decompress it first (unxz -k)")])
def test_a_file_compressed_other_than_gzip_is_refused_by_its_first_bytes(
        tmp_path: Path, packed: Callable[[bytes], bytes], said: str) -> None:
    """As a gzip file is (above): a bzip2 or xz log was a "malformed JSON event: not valid UTF-8" at its first
    line; now the file is refused by its magic number (``events.open_events``), saying what to run."""
    from contentpack.spl.errors import SplEventsError

    path = tmp_path / "x.json"
    path.write_bytes(packed(b'{"time": "2024-01-01T00:00:00Z", "a": "1"}\n'))
    with pytest.raises(SplEventsError) as refused:
        list(read_events(path, sourcetype="s"))
    assert str(refused.value) == f"{path}: cannot read events: {said}"


def test_an_excel_workbook_is_refused_saying_what_to_export(tmp_path: Path) -> None:
    """``search --events x.xlsx``: a workbook is a zip archive, which was "decompress it first (unzip)", no way to
    a log; named as Excel saves it, it is said to be a workbook, with what to export instead."""
    import zipfile

    from contentpack.spl.errors import SplEventsError

    path = tmp_path / "SignIns.XLSX"
    with zipfile.ZipFile(path, "w") as workbook:
        workbook.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(SplEventsError) as refused:
        list(read_events(path, sourcetype="s"))
    assert str(refused.value) == (f"{path}: cannot read events: an Excel workbook, which is not read: export the logs "
                                  "from Splunk as JSON or CSV")


def test_two_json_values_on_a_line_are_said_as_such(tmp_path: Path) -> None:
    """A line holding an object and then another (two records joined, or ``jq`` output) was "Extra data: line 1
    column 9 (char 8)", which says nothing of the cause; it is said in words (``events.CONCATENATED``)."""
    from contentpack.spl.errors import SplEventsError
    from contentpack.spl.events import CONCATENATED

    path = tmp_path / "x.json"
    path.write_text('{"time": "2024-01-01T00:00:00Z"}\n{"a": 1} {"b": 2}\n')
    with pytest.raises(SplEventsError) as refused:
        list(read_events(path, sourcetype="s"))
    assert (refused.value.line, refused.value.problem) == (2, f"malformed JSON event: {CONCATENATED}")


@pytest.mark.parametrize("lazy", [False, True], ids=["read_events", "scan"])
def test_a_last_line_cut_short_is_said_at_the_decoders_column_and_as_the_files_end(tmp_path: Path,
                                                                                  lazy: bool) -> None:
    """``search --events`` reads a JSON-lines file by ``event_lines`` or by the scan: both say a line that does not
    decode in the decoder's words at its column, where Python's "line 1 column 8 (char 7)" followed column 1 (the
    line's place twice, disagreeing), and that the file ends inside it when it is the last and has no newline."""
    from contentpack.spl import Engine
    from contentpack.spl.events import ENDS_INSIDE

    for ending, said in (("", f"; {ENDS_INSIDE}"), ("\n", "")):
        path = tmp_path / "cut.jsonl"
        path.write_text('{"time": "2024-01-01T00:00:00Z", "a": "1"}\n  {"a": "cut sh' + ending)
        engine = Engine()
        with pytest.raises(SplError) as raised:  # read when registered, or by the search
            engine.register_events(path, sourcetype="s", lazy=lazy)
            engine.search("search * | stats count", now=0.0)
        assert str(raised.value) == f"{path}:2:9: malformed JSON event: unterminated string{said}"
