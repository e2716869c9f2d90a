"""Event and lookup files as written (issue 11, deliver 2 and 4): regular files only, a byte-order mark
skipped, any line the standard JSON decoder accepts accepted, bad lines counted with their numbers, never a
silently emptied event, JSON nested too deeply a diagnostic. The in-memory reader and the streaming scanner
(what ``search`` and ``replay`` use) must agree."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from contentpack.spl import Engine, SplError
from contentpack.spl.events import event_lines, nests_deeper_than, read_events
from contentpack.spl.values import Value

from .support import run_cli

BOM = b"\xef\xbb\xbf"


def _both(path: Path, spl: str = "search * | table a b c") -> tuple[list[dict[str, Value]], list[dict[str, Value]]]:
    """Results with the file loaded in memory, and streamed (lazy), for the same search."""
    loaded, streamed = Engine(), Engine()
    loaded.register_events(path, sourcetype="s")
    streamed.register_events(path, sourcetype="s", lazy=True)
    return loaded.search(spl, now=0.0).rows, streamed.search(spl, now=0.0).rows


def _search(path: Path, lazy: bool, spl: str) -> None:
    engine = Engine()
    engine.register_events(path, sourcetype="s", lazy=lazy)  # loading reads the file; lazy reads it at search
    engine.search(spl, now=0.0)


def test_a_byte_order_mark_does_not_empty_the_first_event(tmp_path: Path) -> None:
    file = tmp_path / "bom.jsonl"
    file.write_bytes(BOM + b'{"a": "1", "b": "x"}\n{"a": "2", "b": "y"}\n')
    loaded, streamed = _both(file)
    assert loaded == streamed == [{"a": "1", "b": "x"}, {"a": "2", "b": "y"}]


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c"])
def test_line_separators_inside_json_strings_are_text(tmp_path: Path, char: str) -> None:
    # Python's str.splitlines() breaks at each of these; a JSON-lines file breaks only at \n.
    file = tmp_path / "sep.jsonl"
    file.write_text(json.dumps({"a": f"x{char}y", "b": "2"}, ensure_ascii=False) + "\n", encoding="utf-8")
    loaded, streamed = _both(file)
    assert loaded == streamed == [{"a": f"x{char}y", "b": "2"}]


def test_json_the_standard_decoder_accepts_is_accepted(tmp_path: Path) -> None:
    # NaN and integers past 64 bits are refused by orjson (the scanner's fast decoder), accepted by json.
    file = tmp_path / "std.jsonl"
    file.write_text('{"a": NaN, "b": 123456789012345678901234567890, "c": "\\ud800"}\n', encoding="utf-8")
    loaded, streamed = _both(file)
    assert loaded == streamed == [{"a": "NaN", "b": "123456789012345678901234567890", "c": "\ud800"}]


def test_bad_lines_are_counted_and_numbered_never_dropped(tmp_path: Path) -> None:
    file = tmp_path / "bad.jsonl"
    lines = ['{"a": "1"}', "{bad", '{"a": "2"}', "{worse", "{", "{", "{", "{", '{"a": "3"}']
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for lazy in (False, True):
        with pytest.raises(SplError) as caught:
            _search(file, lazy, "search * | stats count")
        assert caught.value.message.startswith(f"{file}:2:2: malformed JSON event: expecting property name")
        assert "(6 malformed lines in all: lines 2, 4, 5, 6, 7, ...)" in caught.value.message


def test_json_nested_thousands_deep_is_a_malformed_line(tmp_path: Path) -> None:
    file = tmp_path / "deep.jsonl"
    file.write_text('{"a": ' * 5000 + "1" + "}" * 5000 + "\n", encoding="utf-8")
    for lazy in (False, True):
        with pytest.raises(SplError, match=r"deep\.jsonl:1: malformed JSON event: JSON nested too deeply"):
            _search(file, lazy, "search * | table a")


def test_invalid_utf8_and_runaway_lines_are_bad_lines(tmp_path: Path) -> None:
    file = tmp_path / "bytes.jsonl"
    file.write_bytes(b'{"a": "1"}\n{"a": "\xff"}\n')
    with pytest.raises(SplError, match=r"bytes\.jsonl:2: malformed JSON event: not valid UTF-8 \(byte 0xff"):
        list(read_events(file, sourcetype="s"))


@pytest.mark.parametrize(("content", "reason"), [
    # the streamed scan made a plain-text line's bad bytes U+FFFD and searched it (a gzip file given to search
    # was two "events" of binary and exit 0), and said "'utf-8' codec can't decode ..." of a JSON line
    (b'plain\nplain \xff text\n', "not valid UTF-8 (byte 0xff at column 7)"),  # a text log: no JSON object
    (b'{"a": "1"}\n{"a": "\xff"}\n', "not valid UTF-8 (byte 0xff at column 8)"),
    (b'plain\n\x1f\x8b\x08\x00\x00\n', "not valid UTF-8 (byte 0x8b at column 2)"),
    # and searched a line past the 16 MB the loader refuses as a runaway or binary file
    (b'{"a": "1"}\n{"a": "' + b"x" * (16 << 20) + b'"}\n', "line longer than 16,777,216 bytes"),
])
def test_the_streamed_scan_refuses_the_lines_the_loader_refuses(tmp_path: Path, content: bytes,
                                                                reason: str) -> None:
    file = tmp_path / "bytes.log"
    file.write_bytes(content)
    for lazy in (False, True):
        with pytest.raises(SplError) as caught:
            _search(file, lazy, "search * | stats count")
        assert caught.value.message == f"{file}:2: malformed JSON event: {reason}", lazy


def test_event_lines_streams_line_by_line(tmp_path: Path) -> None:
    file = tmp_path / "plain.log"
    file.write_bytes(BOM + b"plain text\n\nmore text\r\n")  # a text log: each line an event
    assert list(event_lines(file)) == [(1, "plain text", None), (3, "more text", None)]
    file.write_bytes(BOM + b"{\"b\": 2}\n\n{\"a\": 1}\r\n")
    assert list(event_lines(file)) == [(1, '{"b": 2}', {"b": "2"}), (3, '{"a": 1}', {"a": "1"})]


def test_special_files_are_refused_by_name(tmp_path: Path) -> None:
    fifo = tmp_path / "x.jsonl"
    os.mkfifo(fifo)
    for lazy in (False, True):
        with pytest.raises(SplError, match=r"x\.jsonl: cannot read events: a FIFO \(named pipe\), not a regular file"):
            _search(fifo, lazy, "search *")
    with pytest.raises(SplError, match="/dev/zero: cannot read lookup 'z': a character device, not a regular file"):
        Engine().register_lookup("z", "/dev/zero")


def test_search_command_on_a_fifo_and_dev_zero_ends_with_an_error(tmp_path: Path) -> None:
    # One child, under a deadline: before, the FIFO hung forever and /dev/zero grew past 2.9 GB.
    fifo = tmp_path / "x.yml"
    os.mkfifo(fifo)
    events = tmp_path / "e.jsonl"
    events.write_text('{"a": "1"}\n')
    outcome = run_cli("search", "| inputlookup z", "--events", str(events), "--lookup", "z=/dev/zero",
                      "--macros", str(fifo), timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 1  # a macro file's problem, as validate finds it in a pack's
    assert "x.yml: error[CP002]: a FIFO (named pipe), not a regular file: not read" in outcome.stderr


def test_search_events_on_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    # The check for another Entra ID schema (backtest.foreign.file_refusal) read the file's head with a plain
    # open before the reader's check of its kind: a FIFO as --events blocked there until a writer came.
    fifo = tmp_path / "x.jsonl"
    os.mkfifo(fifo)
    outcome = run_cli("search", "--no-pack", "--events", str(fifo), "| stats count", timeout=20)
    outcome.assert_handled()
    assert outcome.returncode == 2
    assert "x.jsonl: not a regular file or folder" in outcome.stderr  # found as backtest finds its --events


def test_json_deeper_than_orjson_allows_is_malformed_on_every_path(tmp_path: Path) -> None:
    # orjson refuses more than 1,024 levels (its fix for CVE-2024-27454); a NaN makes it refuse the line anyway,
    # and the standard decoder, which decodes such lines instead, goes much deeper on Python 3.13 than on 3.11:
    # the same depth rule applies to what it returns (assumed: no Splunk document gives a depth).
    file = tmp_path / "deep.jsonl"
    file.write_text('{"n": NaN, "a": ' + "[" * 1100 + "1" + "]" * 1100 + "}\n", encoding="utf-8")
    for lazy in (False, True):
        with pytest.raises(SplError, match=r"deep\.jsonl:1: malformed JSON event: JSON nested too deeply"):
            _search(file, lazy, "search * | table n")
    assert not nests_deeper_than([[1]] * 3, 2) and nests_deeper_than([[[1]]], 2)
    deepest: list[object] = []  # 1,024 levels, as deep as orjson decodes
    for _ in range(1023):
        deepest = [deepest]
    assert not nests_deeper_than(deepest) and nests_deeper_than([deepest])


@pytest.mark.parametrize("expression", [
    'if(json_valid(x), "json", "none")',
    'coalesce(json_extract(x), "none")',
    'coalesce(json_extract(x, "a"), "none")',
    'coalesce(spath(x, "a"), "none")',
    'coalesce(json_keys(x), "none")',
    'coalesce(json_array_to_mv(x), "none")',
    'if(isarray(x), "json", "none")',
])
def test_a_value_holding_json_nested_too_deeply_is_no_json(expression: str) -> None:
    """A log value is attacker text: a field holding JSON thousands of levels deep (short enough to be extracted)
    stopped the whole search, 'the search nests too deeply' at its first character, where the functions give
    what they give for text that is not JSON (null, false): the depth rule of an event's own JSON
    (MAX_JSON_DEPTH; assumed, no Splunk document gives a depth)."""
    deep = "[" * 2400 + "]" * 2400
    engine = Engine()
    engine.register_events([{"_time": 0.0, "x": deep, "y": "[1]"}], sourcetype="s")
    spl = f'search * | eval r={expression}, ok=if(isarray(y), "json", "none") | table r ok'
    assert engine.search(spl, now=0.0).rows == [{"r": "none", "ok": "json"}]


def test_fromjson_of_a_value_nested_too_deeply_adds_nothing() -> None:
    engine = Engine()
    engine.register_events([{"_time": 0.0, "x": '{"a": ' + "[" * 2400 + "]" * 2400 + "}", "b": "1"}], sourcetype="s")
    assert engine.search("search * | fromjson x | table a b", now=0.0).rows == [{"b": "1"}]
