"""Inputs that ended in "internal error ... please report it" (issue 11, deliver 7) end in a positioned
diagnostic or a usage error now; text from the pack is printed with its control characters escaped."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from contentpack import cli
from contentpack.cli import validate as validate_command
from contentpack.content.validate import validate_pack
from contentpack.replay.attack_data import AttackDataStore

from .support import HUNTING, TTP, copy_pack, edit, run_cli

ATTACK_DATA = "data: attack_data/consent_prompts/consent_prompts.log"
CALENDAR_ENDS = "0001-01-02T00:00:00.000Z to 9999-12-30T00:00:00.000Z"  # the moments a calendar date holds


def _rendered(root: Path) -> list[str]:
    return [d.render() for d in validate_pack(root).diagnostics]


def test_a_year_0000_date_is_a_schema_error(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    edit(root, TTP, "date: '2025-04-30'", "date: '0000-01-01'")
    said = f"{TTP}:4:7: error[CP012]: date: \"0000-01-01\" is not a date written YYYY-MM-DD, from year 0001"
    assert any(line.startswith(said) for line in _rendered(root)), _rendered(root)


def test_an_unquoted_year_0000_date_is_a_yaml_value_error(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    edit(root, TTP, "date: '2025-04-30'", "date: 0000-01-01")
    assert f"{TTP}:4:7: error[CP004]: invalid timestamp value for key 'date': year 0 is out of range" in _rendered(root)


@pytest.mark.parametrize(("data", "expected"), [
    ('"attack_data/x\\0y.log"', "attack data path cannot be used: it contains a NUL character"),
    ("attack_data/" + "a" * 5000 + ".log", "attack data path cannot be used: File name too long"),
])
def test_unusable_attack_data_paths_are_diagnostics(tmp_path: Path, data: str, expected: str) -> None:
    root = copy_pack(tmp_path)
    edit(root, HUNTING, ATTACK_DATA, f"data: {data}")
    assert any(": error[CP046]: " + expected in line for line in _rendered(root)), _rendered(root)
    raw = "attack_data/x\0y.log" if "\\0" in data else data
    assert AttackDataStore(root).resolve(raw) == expected


def test_search_time_and_calendar_overflows_are_search_errors(tmp_path: Path) -> None:
    events = tmp_path / "e.jsonl"
    events.write_text('{"a": "1", "time": "2024-01-01T00:00:00Z"}\n')
    bins = run_cli("search", "search * | bin _time span=99999999999999999y | stats count by _time",
                   "--events", str(events))
    bins.assert_handled()
    assert bins.returncode == 1 and ("<search>:1:27: error[RP003]: bin: invalid span '99999999999999999y': the span "
                                     "is longer than the supported calendar (9999 years), found '99999999999999999y'"
                                     ) in bins.stderr
    far = run_cli("search", "search * | eval _time=1e20 | timechart span=1d count", "--events", str(events))
    far.assert_handled()
    assert far.returncode == 0 and "99999999999999967232" in far.stdout
    zone = run_cli("search", "search *", "--events", str(events), "--tz", "Not/AZone")
    zone.assert_handled()
    assert zone.returncode == 2 and "--tz: unknown time zone 'Not/AZone'" in zone.stderr


def test_a_log_value_of_thousands_of_digits_in_another_base_is_an_infinity(tmp_path: Path) -> None:
    """``tonumber`` of a 5,000-digit hex value from the logs ended search in "internal error: ValueError: Exceeds
    the limit (4300 digits) for integer string conversion". The event is longer than automatic extraction reads
    (``events.AUTO_EXTRACTION_CUTOFF``), so the value is read with ``spath``'s path, which is not cut (assumed:
    ``commands/spath.py``)."""
    events = tmp_path / "e.jsonl"
    events.write_text(json.dumps({"a": "f" * 5000, "time": "2024-01-01T00:00:00Z"}) + "\n")
    outcome = run_cli("search", "search * | spath path=a | eval n=tonumber(a, 16) | table n", "--no-pack", "--events",
                      str(events), "--format", "json")
    outcome.assert_handled()
    assert outcome.returncode == 0 and json.loads(outcome.stdout) == [{"n": "inf"}], outcome.stderr


def test_running_out_of_memory_is_not_reported_as_a_bug(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    def exhausted(args: argparse.Namespace) -> int:
        raise MemoryError

    monkeypatch.setattr(validate_command, "_run", exhausted)
    assert cli.main(["validate"]) == 2
    assert capsys.readouterr().err == "contentpack: out of memory (the input is too large for this machine)\n"


def test_file_names_are_printed_with_control_characters_escaped(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    (root / "macros" / "\x1b]0;pwned\x07\x1b[31mred.yaml").write_text("name: x\n")
    outcome = run_cli("build", "--root", str(root), "--output", str(tmp_path / "dist"))
    outcome.assert_handled()
    assert outcome.returncode == 1
    assert "macros/\\x1b]0;pwned\\x07\\x1b[31mred.yaml: error[CP015]" in outcome.stderr
    assert "\x1b" not in outcome.stderr and "\x07" not in outcome.stderr


@pytest.mark.parametrize(("moment", "expected"), [
    ("1e400", "--from: not a time: '1e400'"),
    ("nan", "--from: not a time: 'nan'"),
    ("inf", "--from: not a time: 'inf'"),
    ("-1e20", f"--from: '-1e20' is outside the calendar: a moment from {CALENDAR_ENDS}"),
    ("253402300799", f"--from: '253402300799' is outside the calendar: a moment from {CALENDAR_ENDS}"),
    ("0001-01-01", f"--from: '0001-01-01' is outside the calendar: a moment from {CALENDAR_ENDS}"),
])
def test_backtest_moments_a_calendar_cannot_hold_are_usage_errors(tmp_path: Path, moment: str, expected: str) -> None:
    """Once an OverflowError ("timestamp out of range for platform time_t") or a ValueError (NaN to integer)."""
    root = copy_pack(tmp_path)
    outcome = run_cli("backtest", "--root", str(root), "--events", str(root / "attack_data"), f"--from={moment}")
    outcome.assert_handled()
    assert outcome.returncode == 2 and f"contentpack backtest: error: {expected}" in outcome.stderr, outcome.stderr


def test_backtest_inputs_with_an_infinite_time_or_deep_nesting_are_handled(tmp_path: Path) -> None:
    """Once an OverflowError (an export row's ``_time`` of 1e400 reads as infinity) and a RecursionError
    (a JSON document or wrapper line nested thousands of levels): now no moment, or a bad line."""
    root = copy_pack(tmp_path)
    export = tmp_path / "export.csv"
    export.write_text('_raw,_time\n"{""a"": 1}",1e400\n"{""a"": 2}",nan\n', encoding="utf-8")
    document = tmp_path / "deep.json"
    document.write_text("[" + '{"records": [' * 2000 + "]}" * 2000 + "]", encoding="utf-8")
    line = tmp_path / "deep_line.json"
    line.write_text('{"records": [' + "[" * 5000 + "]" * 5000 + "]}\n", encoding="utf-8")
    # the line is well-formed, set aside unread, and no Entra ID record: said so since 2026-12-08 (``unread_stop``)
    for path, said in ((export, "no timed events in the input"), (document, "no timed events in the input"),
                       (line, "the input holds no Entra ID sign-in or audit records")):
        outcome = run_cli("backtest", "--root", str(root), "--events", str(path))
        outcome.assert_handled()
        assert outcome.returncode == 1 and said in outcome.stderr, outcome.stderr


@pytest.mark.parametrize("when", ['"9999-12-31T23:59:59Z"', "1e400", "-1e20", "1e20", '"nan"'])
def test_event_times_no_calendar_holds_are_not_event_times(tmp_path: Path, when: str) -> None:
    """Once an internal error (ValueError "outside the supported calendar", OverflowError, NaN to integer) from
    the scheduled simulation: such a time is no timestamp, as Splunk ignores one beyond MAX_DAYS_HENCE."""
    root = copy_pack(tmp_path)
    events = tmp_path / "events.json"
    # sign-in records (their category: an input without an Entra ID record stops before the simulation, unread_stop)
    events.write_text('{"time": "2026-10-13T12:00:00Z", "category": "SignInLogs", '
                      '"operationName": "Sign-in activity"}\n'
                      f'{{"time": {when}, "operationName": "Sign-in activity"}}\n', encoding="utf-8")
    outcome = run_cli("backtest", "--root", str(root), "--events", str(events), timeout=30)
    outcome.assert_handled()
    assert "period 2026-10-1" in outcome.stdout, outcome.stdout + outcome.stderr


def test_backtest_of_a_detection_whose_search_the_engine_cannot_parse_reports_it(tmp_path: Path) -> None:
    """Once "internal error: SplUnsupportedError": validate leaves what the engine does not support to run time
    (here a macro argument the definition names but the macro lacks: ``$b$`` stays in the ``where``), and
    reading the inputs asked every detection's search what it needs before the simulation could report it."""
    root = copy_pack(tmp_path)
    (root / "macros" / "mm.yml").write_text("name: mm\ndefinition: '$a$ $b$'\ndescription: x\narguments: [a]\n")
    edit(root, HUNTING, "| where isnull(known)", "| where isnull(known) AND `mm(1)`")
    assert [d.render() for d in validate_pack(root).errors] == []
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps({"time": f"2026-10-13T12:0{minute}:00Z", "operationName": "Sign-in activity",
                                          "properties": {"status": {"errorCode": code}}}) + "\n"
                              for minute, code in enumerate([65001, 65004])), encoding="utf-8")
    outcome = run_cli("backtest", "--root", str(root), "--events", str(events), timeout=60)
    outcome.assert_handled()
    assert outcome.returncode == 1
    said = [line for line in outcome.stderr.splitlines() if "Entra ID Consent Prompts For Unknown Apps: " in line]
    assert len(said) == 1 and re.match(r"detections/\S+\.yml:\d+:\d+: Entra ID Consent Prompts For Unknown Apps: "
                                       r"error\[RP003\]: scheduled run: search: the character '\$' in an "
                                       r"expression is not supported", said[0]), outcome.stderr
    assert "period " in outcome.stdout  # the other detections ran
