"""Events cut at the automatic extraction cutoff are counted where they are read and told to the user.

Splunk gives no message when automatic JSON extraction stops at ``limits.conf [spath] extraction_cutoff`` (5000
bytes by default): the fields past it are just absent. A user running ``search``/``backtest`` on their tenant's
logs, or a test author running ``replay``, is exactly who a detection missing on such an event surprises, so every
command counts the cut events (``events.cut_fields``, one home) and says how many, in the same words
(``events.cut_note``, ``events.CUT_FIX``).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.replay.runner import replay_pack
from contentpack.spl import Engine
from contentpack.spl.events import AUTO_EXTRACTION_CUTOFF

from . import factory as f

NOTE = ("over 5,000 bytes: fields past byte 5,000 not extracted, as in Splunk with default limits; Splunk gives no "
        "message for it, and raising extraction_cutoff in limits.conf [spath] (default 5000) and maxchars in [kv] "
        "(default 10240) extracts them")


def _record(minute: int, long: bool) -> dict[str, object]:
    """A sign-in whose appId lies past the cut when ``long`` (a scope list before it pushes it there)."""
    record = f.sign_in("a@contoso.example", 65004, minute=minute)
    properties = record["properties"]
    assert isinstance(properties, dict)
    record["properties"] = {"scope": "User.Read " * (600 if long else 1), **properties}
    assert (len(json.dumps(record)) > AUTO_EXTRACTION_CUTOFF) is long
    return record


# two long events and three short: the counts must say two, never the events read
RECORDS = [_record(minute, long) for minute, long in enumerate([True, False, True, False, False])]


def _lines(path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return path


def _array(path: Path) -> Path:  # read whole, at registration: the other reader
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    return path


def _export(path: Path) -> Path:  # a Splunk export: read by the backtest's reader, for search too
    rows = [{"preview": False, "result": {"_raw": json.dumps(r), "_time": r["time"]}} for r in RECORDS]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("write", [_lines, _array, _export])
def test_search_warns_of_the_cut_events_of_each_file(write: object, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """One warning per file, counting the long events only, in our words (not a job message: Splunk has none),
    with the limits.conf settings that change it; the short file gets none, and no other hint is said."""
    assert callable(write)
    long, short = write(tmp_path / "long.out"), _lines(tmp_path / "short.json")
    short.write_text("".join(json.dumps(r) + "\n" for r in RECORDS[1:2]), encoding="utf-8")
    status = main(["search", "* | stats count", "--events", str(long), "--events", str(short), "--no-pack",
                   "--earliest", "0", "--now", "2000000000"])
    captured = capsys.readouterr()
    assert status == 0
    assert captured.err == f"contentpack search: warn: {long}: 2 events {NOTE}\n"


def test_the_engine_counts_cut_events_beside_untimed_ones(tmp_path: Path) -> None:
    """``Results.tallies``: a file with cut events but every time readable is reported (cut 2, untimed 0); a
    search whose terms let only the short lines through counts none."""
    path = _lines(tmp_path / "long.json")
    engine = Engine()
    engine.register_events(path, sourcetype=f.SOURCETYPE, lazy=True)
    assert [(t.count, t.cut) for t in engine.search("*", now=2e9).tallies] == [(0, 2)]
    assert engine.search('"12:01:00"', now=2e9).tallies == ()


def test_the_backtest_counts_the_cut_events_on_its_read_line_and_in_the_summary(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The note follows the read line, and summary.json's count is the long events among those decoded."""
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    path = tmp_path / "signins.json"
    path.write_text("".join(json.dumps({**r, "category": "SignInLogs"}) + "\n" for r in RECORDS), encoding="utf-8")
    status = main(["backtest", "--events", str(path), "--out", str(tmp_path / "out"), "--from",
                   "2026-10-13T00:00:00Z", "--to", "2026-10-14T00:00:00Z"])
    out = capsys.readouterr().out
    assert status == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["input"]
    assert summary["events_over_extraction_cutoff"] == 2
    assert summary["events_decoded"] == 5 == summary["lines_decoded"]
    said = " ".join(out.split())  # the summary wraps at the terminal's width
    assert f"5 event(s): 5 kept for the detections 2 events {NOTE} " in said
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert f"2 events {NOTE}" in html.unescape(re.sub(r"<[^>]*>", "", page))  # break points are tags


def test_the_replay_warns_of_a_failing_tests_attack_data_with_cut_events(tmp_path: Path) -> None:
    """A test that fails is told which file lost fields, the likely cause (Splunk would see the same fields); one
    that passes is not: a record past the cut on purpose, pinning a detection that reads it with spath, is no
    warning on every replay (a pack's tests replay without warnings)."""
    long = f.write_events(tmp_path, "long", RECORDS)
    short = f.write_events(tmp_path, "short", RECORDS[1:2])
    detection = f.detection(tests=[f.unit_test(long, name="long fails", expected=99),
                                   f.unit_test(short, name="short fails", expected=99),
                                   f.unit_test(long, name="long passes", expected=None)])
    outcomes = replay_pack(f.pack(tmp_path, detection), all_time=True).outcomes
    assert [o.ok for o in outcomes] == [False, False, True]
    assert [o.warnings[:1] for o in outcomes] == [(f"attack data attack_data/long.log: 2 events {NOTE}",), (), ()]
