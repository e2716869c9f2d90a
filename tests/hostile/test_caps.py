"""Periods and counts that once ran without end (issue 11, "no hang"): each command runs in a child under a
deadline that fails the test, and each ends at once with a usage error naming the limit, or a positioned
test failure.

* ``backtest --from 0001-01-02 --to 9999-12-30`` simulated millennia of cron ticks (hours, gigabytes): the
  simulated period is capped at ``MAX_PERIOD_DAYS`` and its runs at ``MAX_RUNS`` (docs/backtest.md);
* one event stamped centuries away from the others did the same through the default period, in ``backtest``
  and in a detection test's scheduled replay (``replay``: 60 s and 2.4 GB before it was killed);
* events at the calendar's very edge made the period, or a run's window, leave the years 1..9999;
* ``generate-data --events 10**20`` wrote 1.9 GB in 20 s and would not stop; ``--workers`` and the timing
  variant's durations were unbounded too (``--shift 99999999999d`` wrote the year 273,792,727).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contentpack.content.validate import validate_pack
from contentpack.datagen.scale import MAX_EVENTS, MAX_WORKERS, write_events
from contentpack.simulate import MAX_PERIOD_DAYS, EventIndex, TooLarge, check_period, simulate
from contentpack.simulate import simulation

from .support import HUNTING, ROOT, VALID, copy_pack, edit, run_cli

DAY = 86400.0
PROMPTS = "Entra ID Consent Prompts For Unknown Apps"


def _events(path: Path, *times: str) -> Path:
    path.write_text("".join(json.dumps({"time": when, "operationName": "Sign-in activity",
                                        "properties": {"status": {"errorCode": 65001}}}) + "\n"
                            for when in times), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ the simulated period


def test_the_period_limit_is_a_year_and_a_day() -> None:
    check_period(0.0, MAX_PERIOD_DAYS * DAY)
    # its times in the form of every other the backtest gives (it once said "1970-01-01 00:00 UTC")
    with pytest.raises(TooLarge, match=r"^the period 1970-01-01T00:00:00\.000Z \.\. 1971-01-03T00:00:00\.000Z "
                                       r"\(367\.0 days\) is longer than the 366 days a simulation covers$"):
        check_period(0.0, (MAX_PERIOD_DAYS + 1) * DAY)
    with pytest.raises(TooLarge, match=r"\(nan days\)"):
        check_period(0.0, float("nan"))


def test_the_runs_limit_stops_listing_ticks_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """``MAX_RUNS`` bounds a period with many frequent detections; here lowered so a day exceeds it."""
    pack = validate_pack(VALID).pack
    assert pack is not None
    monkeypatch.setattr(simulation, "MAX_RUNS", 30)
    with pytest.raises(TooLarge) as caught:
        simulate(pack, EventIndex([]), 0.0, DAY)
    assert caught.value.runs == 31 and "holds more than the 30 scheduled runs a simulation keeps" in str(caught.value)


@pytest.mark.parametrize(("period", "expected"), [
    (["--from", "0001-01-02", "--to", "9999-12-30"], "(3,652,056.0 days) is longer than the 366 days"),
    (["--from", "2025-01-01", "--to", "2026-01-03"], "(367.0 days) is longer than the 366 days"),
])
def test_backtest_from_and_to_too_far_apart_is_a_usage_error_before_reading(tmp_path: Path, period: list[str],
                                                                             expected: str) -> None:
    events = _events(tmp_path / "e.jsonl", "2026-10-13T12:00:00Z")
    outcome = run_cli("backtest", "--root", str(VALID), "--events", str(events), *period, timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 2 and outcome.stdout == ""
    assert f"contentpack backtest: error: the period {period[1]}T00:00:00.000Z" in outcome.stderr
    assert expected in outcome.stderr
    assert "choose --from and --to at most 366 days apart (without them: the input's own time span)" in outcome.stderr


def test_backtest_with_one_bound_far_from_the_events_is_a_usage_error(tmp_path: Path) -> None:
    events = _events(tmp_path / "e.jsonl", "2026-10-13T12:00:00Z")
    outcome = run_cli("backtest", "--root", str(VALID), "--events", str(events), "--to", "9999-12-29", timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 2 and "is longer than the 366 days a simulation covers" in outcome.stderr


def test_backtest_of_events_centuries_apart_is_a_usage_error(tmp_path: Path) -> None:
    events = _events(tmp_path / "e.jsonl", "2026-10-13T12:00:00Z", "1726-10-13T12:00:00Z")
    outcome = run_cli("backtest", "--root", str(VALID), "--events", str(events), timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 2 and "contentpack backtest: error: the period 1726-10-1" in outcome.stderr
    assert ("the input's time span (events from 1726-10-13T12:00:00.000Z to 2026-10-13T12:00:00.000Z, counting those "
            "no detection can match) plus the detections' dispatch windows") in outcome.stderr
    assert "choose at most 366 days with --from and --to" in outcome.stderr


def test_a_period_too_long_from_the_input_names_where_its_events_lie(tmp_path: Path) -> None:
    """A stray record years off, even one no detection can match (a storage-account folder's old blob), sets the
    default period: the refusal once gave that period alone, and its user had to work out which events made it."""
    events = _events(tmp_path / "e.jsonl", "2026-10-13T12:00:00Z")
    with events.open("a", encoding="utf-8") as file:
        file.write(json.dumps({"time": "2023-10-24T20:13:31.4449614Z", "operationName": "Update user"}) + "\n")
    span = "events from 2023-10-24T20:13:31.444Z to 2026-10-13T12:00:00.000Z, counting those no detection can match"
    outcome = run_cli("backtest", "--root", str(VALID), "--events", str(events), timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 2
    matched = "those a detection can match from 2026-10-13T12:00:00.000Z to 2026-10-13T12:00:00.000Z"
    assert f"the input's time span ({span}; {matched}) plus the detections' dispatch windows" in outcome.stderr, \
        outcome.stderr
    outcome = run_cli("backtest", "--root", str(VALID), "--events", str(events), "--to", "2026-10-20", timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 2
    assert f"(without them: the input's own time span, {span}), and backtest" in outcome.stderr, outcome.stderr


def test_a_period_too_long_from_a_stray_record_names_the_events_a_detection_can_match(tmp_path: Path) -> None:
    """One record of 2021 no detection reads, beside the sample's sign-ins and audits of 2023-24, set an 858-day
    default period; the refusal named the input's span, the stray record's time first, and left the user to find
    where the events that matter lie, the ``--from``/``--to`` to give. It names those apart now."""
    sample = ROOT / "tests" / "fixtures" / "splunk_security_content" / "azure_monitor_aad_example_logs.jsonl"
    events = tmp_path / "e.jsonl"
    events.write_bytes(sample.read_bytes() + json.dumps({"time": "2021-10-24T20:13:31.4449614Z",
                                                         "operationName": "Update user"}).encode() + b"\n")
    outcome = run_cli("backtest", "--root", str(ROOT), "--events", str(events), timeout=60)
    outcome.assert_handled()
    assert outcome.returncode == 2
    assert ("(events from 2021-10-24T20:13:31.444Z to 2024-02-08T21:49:53.764Z, counting those no detection can "
            "match; those a detection can match from 2023-10-26T19:22:20.281Z to 2024-02-08T21:49:53.764Z) plus the "
            "detections' dispatch windows") in outcome.stderr, outcome.stderr


def test_backtest_on_splunk_checks_the_period_before_connecting(tmp_path: Path) -> None:
    outcome = run_cli("backtest", "--root", str(VALID), "--splunk", "https://127.0.0.1:1", "--index", "main",
                      "--out", str(tmp_path / "out"), "--from", "2020-01-01", "--to", "2026-01-01", timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 2 and "(2,192.0 days) is longer than the 366 days" in outcome.stderr
    assert "backtest a longer stretch in several runs" in outcome.stderr and "without them" not in outcome.stderr


@pytest.mark.parametrize("when", ["0001-01-02T00:30:00Z", "9999-12-29T23:30:00Z"])
def test_backtest_of_events_at_the_calendars_edge_is_handled(tmp_path: Path, when: str) -> None:
    """Once "year 0 is out of range" and "the result is outside the supported calendar" internal errors: the
    default period stays inside the calendar, and a run whose window leaves it is a detection error."""
    events = _events(tmp_path / "e.jsonl", when)
    outcome = run_cli("backtest", "--root", str(VALID), "--events", str(events), timeout=30)
    outcome.assert_handled()
    assert outcome.returncode in (0, 1) and "period " in outcome.stdout


def test_a_detection_test_with_events_centuries_apart_fails_at_its_attack_data(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    _events(root / "attack_data" / "consent_prompts" / "consent_prompts.log",
            "2026-10-13T12:00:00Z", "1726-10-13T12:00:00Z")
    outcome = run_cli("replay", "--root", str(root), "--detection", PROMPTS, timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 1
    assert (f"{HUNTING}:32:3: {PROMPTS} / Prompts for an unvetted application: error[RP006]: scheduled run: the "
            "period 1726-10-13T" in outcome.stdout
            and "is longer than the 366 days a simulation covers (the attack data's time span plus the "
                "detections' dispatch windows" in outcome.stdout), outcome.stdout


def test_a_detection_searching_all_time_on_its_schedule_runs_its_schedule(tmp_path: Path) -> None:
    """``dispatch.earliest_time = 0`` (all time, a setting Splunk takes) made the default timeline start in 1970
    and end 160 years later: once an effective hang, then RP006. An all-time window now adds no lookback, so
    the timeline is the test's events plus a gap between runs (no search here reads risk), and its runs are
    reported like any others."""
    root = copy_pack(tmp_path)
    edit(root, HUNTING, "tags:\n", "deployment:\n  scheduling:\n    cron_schedule: 0 * * * *\n    earliest_time: '0'\n"
         "    latest_time: now\n    schedule_window: auto\ntags:\n")
    _events(root / "attack_data" / "consent_prompts" / "consent_prompts.log", "2026-10-13T12:00:00Z")
    outcome = run_cli("replay", "--root", str(root), "--detection", PROMPTS, "--format", "json", timeout=30)
    outcome.assert_handled()
    assert "RP006" not in outcome.stdout + outcome.stderr
    (test,) = json.loads(outcome.stdout)["tests"]
    assert test["scheduled"]["runs"] == 1, test  # 13:00: the hourly run after the event
    assert test["scheduled"]["start"] == test["scheduled"]["first_event"]  # no lookback before the event


# ------------------------------------------------------------------------------ generate-data


def test_generate_data_refuses_counts_past_its_limits_at_once(tmp_path: Path) -> None:
    out = tmp_path / "big.jsonl"
    for args, expected in [
        (["--events", str(10**20)], f"--events must be 0 to {MAX_EVENTS:,} (about 340 GB)"),
        (["--events", str(MAX_EVENTS + 1)], f"--events must be 0 to {MAX_EVENTS:,}"),
        (["--events", "-1"], f"--events must be 0 to {MAX_EVENTS:,}"),
        (["--events", "10", "--workers", str(MAX_WORKERS + 1)], f"--workers must be 1 to {MAX_WORKERS}"),
    ]:
        outcome = run_cli("generate-data", "--out", str(out), "--no-progress", *args, timeout=30)
        outcome.assert_handled()
        assert outcome.returncode == 2 and f"contentpack generate-data: error: {expected}" in outcome.stderr, args
        assert not out.exists()
    with pytest.raises(ValueError, match="n_events must be 0 to 100,000,000"):
        write_events(out, MAX_EVENTS + 1, 7, progress=False)


@pytest.mark.parametrize(("option", "expected"), [
    ("--shift=99999999999d", "shift: 99999999999d is more than the 3,650 days (3650d) a timing variant allows"),
    ("--shift=-3651d", "shift: -3651d is more than the 3,650 days"),
    ("--record-lag=9999999999999d", "record lag: 9999999999999d is more than the 3,650 days"),
    ("--ingestion-delay=percentiles=p0:1s,p100:3651d", "ingestion delay: 3651d is more than the 3,650 days"),
])
def test_timing_variants_past_ten_years_are_usage_errors(tmp_path: Path, option: str, expected: str) -> None:
    """``--record-lag 9999999999999d`` once ended in "gd: Value too large for defined data type", blamed on the
    output folder."""
    outcome = run_cli("generate-data", "--scenario", "quick_regrant", "--variant", "v", "--out", str(tmp_path),
                      option, timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 2 and f"contentpack generate-data: error: {expected}" in outcome.stderr
    assert not (tmp_path / "v").exists()
