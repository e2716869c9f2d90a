"""Events without a time: they get the file's modification time, and `contentpack search` says so.

Splunk's documented order ("How timestamp assignment works", Getting Data In manual,
https://docs.splunk.com/Documentation/Splunk/latest/Data/HowSplunkextractstimestamps): "If an event doesn't have
a time or date, use the timestamp from the most recent previous event of the same source. If no events in a
source have a date, look in the source (or file) name ... For file sources, if no date can be identified in the
file name, use the modification time on the file. If no other timestamp is found, set the timestamp to the
current system time". The engine follows the file-modification-time step for every event without a time (the
previous-event and file-name steps are not followed: docs/spl_engine.md, "Events without a time"), and the
search command names the events that got it, counted while the search reads them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.spl import Engine

from .spl_support import SAMPLE_LOGS

MTIME = 1735689600  # 2025-01-01T00:00:00Z
TIMED = '{"time": "2024-02-08T21:49:53Z", "a": "1"}\n'


def events_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (MTIME, MTIME))
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["search", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_hint_counts_the_events_that_got_the_files_time(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    # two JSON events without the time field, both given the file's time (a text line in a file of JSON lines is a
    # bad line, as backtest judges it: events.NOT_AN_OBJECT)
    path = events_file(tmp_path / "mixed.jsonl", TIMED + '{"a": "2"}\n{"b": "3"}\n')
    status, out, err = run(capsys, "* | table _time a", "--no-pack", "--events", str(path))
    assert status == 0
    assert "3 result(s)" in out
    assert err == (f"contentpack search: hint: 2 events of {path} had no time in field 'time' and got the file's "
                   "modification time, 2025-01-01T00:00:00.000+00:00, as _time (the engine gives it to every event "
                   "without a time, assumed: Splunk's documented order takes the time of the previous event of the "
                   "same source first, then a date in the file name, and only then the file's modification time); "
                   "name the field that holds each event's time with --time-field NAME\n")


def test_the_hint_names_the_time_field_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = events_file(tmp_path / "other.jsonl", TIMED)
    status, _, err = run(capsys, "*", "--no-pack", "--events", str(path), "--time-field", "createdDateTime")
    assert status == 0
    assert err.startswith(f"contentpack search: hint: 1 event of {path} had no time in field 'createdDateTime' ")
    status, _, err = run(capsys, "*", "--no-pack", "--events", str(path), "--time-field", "time")
    assert (status, err) == (0, "")


def test_a_fully_timed_file_gets_no_hint(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "* | stats count", "--no-pack", "--events", str(SAMPLE_LOGS))
    assert status == 0
    assert err == ""
    assert "count" in out


def test_json_output_keeps_the_rows_on_stdout_and_the_hint_on_stderr(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = events_file(tmp_path / "mixed.jsonl", TIMED + '{"a": "2"}\n')
    status, out, err = run(capsys, "* | table _time a", "--no-pack", "--format", "json", "--events", str(path))
    assert status == 0
    assert json.loads(out) == [{"_time": "2025-01-01T00:00:00.000+00:00", "a": "2"},
                               {"_time": "2024-02-08T21:49:53.000+00:00", "a": "1"}]  # as the table shows them
    assert err.startswith(f"contentpack search: hint: 1 event of {path} had no time in field 'time' ")
    assert err.count("\n") == 1


def test_a_json_array_file_read_whole_is_counted_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = events_file(tmp_path / "array.json", '[{"a": "1"}, {"a": "2"}, {"time": "2024-02-08T21:49:53Z"}]')
    status, _, err = run(capsys, "*", "--no-pack", "--events", str(path))
    assert status == 0
    assert err.startswith(f"contentpack search: hint: 2 events of {path} had no time in field 'time' ")


def test_each_file_is_named_with_its_own_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = events_file(tmp_path / "first.jsonl", '{"a": "1"}\n' * 3)
    second = events_file(tmp_path / "second.jsonl", TIMED + '{"b": "text"}\n')
    timed = events_file(tmp_path / "timed.jsonl", TIMED)
    status, _, err = run(capsys, "*", "--no-pack", "--events", str(first), "--events", str(second),
                         "--events", str(timed))
    assert status == 0
    lines = err.splitlines()
    assert [line.split(" had no time")[0] for line in lines] == [
        f"contentpack search: hint: 3 events of {first}", f"contentpack search: hint: 1 event of {second}"]


# ----------------------------------------------------------------------------------- the engine's count
def engine_over(path: Path, *, lazy: bool) -> Engine:
    engine = Engine()
    engine.register_events(path, sourcetype="t", lazy=lazy)
    return engine


@pytest.mark.parametrize("lazy", [True, False])
def test_untimed_events_get_the_file_modification_time(tmp_path: Path, lazy: bool) -> None:
    # the documented step this engine follows: "For file sources, if no date can be identified in the file
    # name, use the modification time on the file" (no event of this source has a time, no date in its name)
    path = events_file(tmp_path / "untimed.jsonl", '{"a": "1"}\n{"b": "text"}\n')
    results = engine_over(path, lazy=lazy).search("* | table _time", now=0.0)
    assert [row["_time"] for row in results.rows] == [float(MTIME), float(MTIME)]
    assert [(t.path, t.count, t.fallback) for t in results.tallies] == [(str(path), 2, float(MTIME))]


def test_a_lazy_file_counts_the_events_this_search_read(tmp_path: Path) -> None:
    # the raw-text prefilter reads only lines holding the search's terms: the count is of the events read
    path = events_file(tmp_path / "mixed.jsonl", TIMED + '{"a": "x"}\n{"a": "y"}\n{"a": "y", "b": "z"}\n')
    engine = engine_over(path, lazy=True)
    assert [t.count for t in engine.search("y", now=0.0).tallies] == [2]
    assert [t.count for t in engine.search("*", now=0.0).tallies] == [3]
    assert engine.search('"2024"', now=0.0).tallies == ()  # only the timed line holds the term
    assert engine.search("| makeresults", now=0.0).tallies == ()  # no event read


@pytest.mark.parametrize("lazy", [True, False])
def test_a_file_read_again_by_a_subsearch_is_counted_once(tmp_path: Path, lazy: bool) -> None:
    path = events_file(tmp_path / "mixed.jsonl", TIMED + '{"a": "x"}\n{"a": "y"}\n')
    # the main search reads both untimed events, the appended one reads one of them again: 2, not 3
    results = engine_over(path, lazy=lazy).search("* | append [search a=x] | stats count", now=0.0)
    assert results.rows == [{"count": 4}]
    assert [t.count for t in results.tallies] == [2]


@pytest.mark.parametrize("query", ["* | table _time a", "* | stats count"])
def test_a_time_field_that_holds_no_time_is_named_with_its_value(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                 query: str) -> None:
    """The field was there, its value unreadable (``11/10/2026 10:00:00 AM``): the hint said the events "had no
    time in field 'time'" and to name the field with --time-field. It names the value as backtest does (RP002's
    ``unreadable time '...'``) and the formats the engine reads."""
    path = events_file(tmp_path / "us.jsonl", '{"time": "11/10/2026 10:00:00 AM", "a": "1"}\n{"a": "2"}\n')
    status, _, err = run(capsys, query, "--no-pack", "--events", str(path))
    assert status == 0
    assert err.startswith(f"contentpack search: hint: 2 events of {path} had no readable time in field 'time' "
                          "(unreadable time '11/10/2026 10:00:00 AM', the first) and got the file's modification "
                          "time, ")
    assert err.endswith("; write each event's time as ISO 8601 (2026-11-10T10:00:00Z, 2026-11-10 10:00:00+01:00; "
                        "UTC when it has no offset) or epoch seconds (1794304800)\n")
