"""``contentpack replay --sweep`` on a small pack of three detections written for it (``sweep_fixture``): the same
search over two refusals a user made a minute apart (09:20 and 09:21), hourly. One searches ``-70m@m`` ..
``-10m@m`` (windows that meet, no overlap) unthrottled: moved so that a window edge falls between the two
records, two runs each return the user and it raises two notables and writes its risk twice -- the double
``contentpack.replay.sweep`` exists to find. One searches the same slice throttled on the user for two hours: it
raises the same under every move alone, and loses both refusals only when its runs are skewed AND the records
late. One searches ``-100m@m`` .. ``-10m@m`` throttled: it raises the same under every variant, its runs held back
unevenly too (two hours of throttle outlast the 119 minutes between the two runs that see the refusals). The
throttled detections get two variants more than the unthrottled one: their runs held back unevenly, and held back
early and on time later (``held_back_early``)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.content.validate import validate_pack
from contentpack.replay.sweep import sweep_pack
from contentpack.replay.sweep_report import render_table
from terminal_output import Terminal

from .sweep_fixture import FIXTURE, TEST, USER, detection_yaml, write_pack

ROBUST = "Entra ID Refusal Throttled Over Two Slots"
SLICE = "Entra ID Refusal Throttled On The User"
FRAGILE = "Entra ID Refusal Not Throttled"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pack(tmp_path_factory.mktemp("sweep") / "pack", [
        (ROBUST, detection_yaml(ROBUST, 0, True, ("0 * * * *", "-100m@m", "-10m@m"))),
        (SLICE, detection_yaml(SLICE, 1, True)), (FRAGILE, detection_yaml(FRAGILE, 2, False))])


def _table_rows(out: str) -> list[list[str]]:
    return [[part.strip() for part in line.split("│")[1:-1]] for line in out.splitlines() if line.startswith("│")]


def test_a_robust_detection_passes_every_variant(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--root", str(pack), "--sweep", "--detection", ROBUST]) == 0
    out = capsys.readouterr().out
    assert _table_rows(out) == [[ROBUST, TEST, "55", "1", "0", "1 obj, max 30", "pass"]]
    assert out.splitlines()[-1].startswith("PASS: 1 test(s) swept, 1 passed, 0 failed (55 variant(s), ")


# each failed test's differing variants at its tests[0] entry (the throttled YAML has six lines of throttling more)
AT_FRAGILE = "detections/cloud/entra_id_refusal_not_throttled.yml:64:3"
AT_SLICE = "detections/cloud/entra_id_refusal_throttled_on_the_user.yml:70:3"
DOUBLED = f"2 notables instead of 1; risk of {USER} 60 instead of 30"
LOST = f"0 notables instead of 1; risk of {USER} 0 instead of 30"


def test_a_detection_that_a_window_edge_doubles_fails_with_what_moved_and_what_changed(
        pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--root", str(pack), "--detection", FRAGILE]) == 0  # the plain replay is green
    capsys.readouterr()
    assert main(["replay", "--root", str(pack), "--sweep"]) == 1
    out = capsys.readouterr().out
    assert _table_rows(out) == [[FRAGILE, TEST, "42", "1", "6", "1 obj, max 30", "FAIL"],
                                [SLICE, TEST, "44", "1", "2", "1 obj, max 30", "FAIL"],
                                [ROBUST, TEST, "55", "1", "0", "1 obj, max 30", "pass"]]
    # moved 29m, 09:49 is in the 10:00 run's window (08:50 .. 09:50) and 09:50 in the 11:00 run's; runs 31m
    # late search 08:21 .. 09:21 and 09:21 .. 10:21; below the first three differences, how many more; each
    # line at its test's tests[i] entry, as the replay places a failed check; then the likely fix in one line of
    # at most 80 columns (docs/replay.md's): a loss wants a window longer than the period, a double a throttle (the
    # unthrottled slice loses the refusals too, where the throttled one does)
    assert out.splitlines()[-10:-1] == [
        f"{AT_FRAGILE}: {FRAGILE} / {TEST}: attack moved 29m later: {DOUBLED}",
        f"{AT_FRAGILE}: {FRAGILE} / {TEST}: runs skewed 31m after their ticks: {DOUBLED}",
        f"{AT_FRAGILE}: {FRAGILE} / {TEST}: runs skewed 31m after their ticks and records indexed 5m later: {DOUBLED}",
        f"{AT_FRAGILE}: {FRAGILE} / {TEST}: (+3 more variant(s) differ; --format json lists them)",
        "hint: missed: the dispatch window must span the cron period plus the lag",
        "hint: raised twice: throttle on the attack's fields, as long as runs see it",
        f"{AT_SLICE}: {SLICE} / {TEST}: runs skewed 32m after their ticks and records indexed 15m later: {LOST}",
        f"{AT_SLICE}: {SLICE} / {TEST}: attack moved 28m later and records indexed 15m later: {LOST}",
        "hint: missed: the dispatch window must span the cron period plus the lag"]
    assert all(len(line) <= 80 for line in out.splitlines() if line.startswith("hint: "))
    assert out.splitlines()[-1].startswith("FAIL: 3 test(s) swept, 1 passed, 2 failed (141 variant(s), ")


def test_runs_skewed_with_records_late_lose_what_each_move_alone_keeps(pack: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The throttled slice raises its notable under every attack move, every skew and every late delay alone
    (the sweep before combining them passed it), and loses it when both happen: runs 32 minutes after their
    ticks search hh-1:22 .. hh:22, so only the 09:32 run holds the refusals (09:20, 09:21); Entra ID indexed them
    within two minutes, 15 minutes more (the delay model's assumed ceiling) puts them after 09:32, and the
    10:32 run searches from 09:22: never seen. Skewed alone they are indexed before 09:32; late alone the
    on-time 10:00 run (08:50 .. 09:50) sees them at about 09:37. The attack moved 28 minutes with the records 15
    minutes late puts them at the same place in a slot and loses them too: at 09:48 and 09:49 only the 10:00 run
    (08:50 .. 09:50) holds them, and they are indexed after it."""
    assert main(["replay", "--root", str(pack), "--sweep", "--detection", SLICE, "--format", "json"]) == 1
    [swept] = json.loads(capsys.readouterr().out)["tests"]
    assert swept["variants"] == 44
    assert swept["differences"] == [{
        "moved": "runs+indexing", "skews": {SLICE: 32 * 60}, "late": 15 * 60,
        "raised": {"notables": 0, "risk_by_object": {}},
        "detail": f"runs skewed 32m after their ticks and records indexed 15m later: {LOST}"}, {
        "moved": "attack+indexing", "offset": 28 * 60, "late": 15 * 60,
        "raised": {"notables": 0, "risk_by_object": {}},
        "detail": f"attack moved 28m later and records indexed 15m later: {LOST}"}]
    assert swept["hints"] == ["hint: missed: the dispatch window must span the cron period plus the lag"]


def test_json_gives_the_same_as_data_and_junit_a_case_per_test(pack: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    junit = tmp_path / "sweep.xml"
    assert main(["replay", "--root", str(pack), "--sweep", "--format", "json", "--junit", str(junit)]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False and payload["mode"] == "sweep" and payload["setup_errors"] == []
    fragile, _, robust = payload["tests"]
    assert robust["ok"] is True and robust["differences"] == [] and robust["variants"] == 55
    assert fragile["position"] == {"path": fragile["path"], "line": 64, "col": 3}
    assert fragile["unmoved"] == {"notables": 1, "risk_by_object": {USER: 30}}
    moved, skewed, skewed_late, lost, moved_late, moved_lost = fragile["differences"]
    assert moved["moved"] == "attack" and moved["offset"] == 29 * 60
    assert skewed["moved"] == "runs" and skewed["skews"] == {FRAGILE: 31 * 60}
    assert (skewed_late["moved"], skewed_late["skews"], skewed_late["late"]) == ("runs+indexing", {FRAGILE: 31 * 60},
                                                                                 5 * 60)
    assert moved["raised"] == skewed["raised"] == skewed_late["raised"] == {"notables": 2,
                                                                            "risk_by_object": {USER: 60}}
    assert moved["detail"].startswith("attack moved 29m later: 2 notables instead of 1")
    assert lost["detail"] == f"runs skewed 32m after their ticks and records indexed 15m later: {LOST}"
    assert moved_late["detail"] == f"attack moved 29m later and records indexed 5m later: {DOUBLED}"
    assert moved_lost["detail"] == f"attack moved 28m later and records indexed 15m later: {LOST}"
    xml = junit.read_text(encoding="utf-8")
    assert 'name="contentpack replay --sweep" tests="3" failures="2"' in xml
    assert (f'<testcase classname="{FRAGILE}" name="{TEST}" time="' in xml
            and f'file="{AT_FRAGILE.split(":")[0]}" line="64">' in xml)
    assert f'message="attack moved 29m later: {DOUBLED}"' in xml
    assert f'message="runs skewed 32m after their ticks and records indexed 15m later: {LOST}"' in xml
    assert f"runs skewed 31m after their ticks and records indexed 5m later: {DOUBLED}" in xml


@pytest.mark.parametrize(("options", "why"), [
    (["--all-time"], "--all-time: the sweep moves the scheduled timeline, which --all-time leaves out"),
    (["--splunk", "https://sh.example:8089"], "--splunk: the sweep replays every variant with the embedded engine"),
])
def test_sweep_refuses_what_it_cannot_combine_with(pack: Path, options: list[str], why: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--root", str(pack), "--sweep", *options]) == 2
    assert capsys.readouterr() == ("", f"contentpack replay: error: --sweep cannot be combined with {why}\n")


def test_a_pack_with_nothing_to_sweep_says_so(pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only scheduled tests that expect something, or silence on data they read, are swept; a pack (or a --detection) without one is told why
    the table is empty, and passes."""
    empty = tmp_path / "empty"
    shutil.copytree(FIXTURE, empty)
    shutil.rmtree(empty / "detections" / "cloud")
    assert main(["replay", "--root", str(empty), "--sweep"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "no test to sweep: only the tests of TTP, Anomaly and Correlation detections that expect results or "
        "notables, or silence on data they read, are swept", out.splitlines()[-1]]
    assert out.splitlines()[-1].startswith("PASS: 0 test(s) swept, 0 passed, 0 failed (0 variant(s), ")


def test_on_an_80_column_terminal_the_table_fits_and_keeps_every_count(pack: Path) -> None:
    """The replay's narrow layout (each detection once, its tests below it): the counts and the status fit
    beside the names, and a failure below the table wraps between words with a hanging indent. The risk column,
    last, is the one left out, and said so, as the replay's narrow table leaves its risk out."""
    loaded = validate_pack(pack).pack
    assert loaded is not None
    text = render_table(sweep_pack(loaded), 80, terminal=True)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert _table_rows(text)[:2] == [[FRAGILE, "", "", "", ""], [TEST, "42", "1", "6", "FAIL"]]
    assert "(not shown in 80 columns: risk; --format json has them)" in text
    assert f"{AT_FRAGILE}: Entra ID Refusal Not\n    Throttled / {TEST}: attack moved 29m later" in text


LATE = "Entra ID Refusal Two Minutes Behind"


@pytest.fixture(scope="module")
def late_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The throttled detection run every ten minutes over ``-12m@m`` .. ``-2m@m``: windows one run long whose
    latest edge lags its run two minutes, on the same refusals (Entra ID's delay model, their own delays under
    two minutes)."""
    return write_pack(tmp_path_factory.mktemp("sweep-late") / "pack",
                      [(LATE, detection_yaml(LATE, 2, True, ("*/10 * * * *", "-12m@m", "-2m@m")))])


def test_a_detection_that_loses_late_records_fails_under_late_data(
        late_pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the run at 09:30 (window 09:18 .. 09:28) holds the refusals; indexed 15 minutes later than Entra ID
    delivered them (its assumed ceiling, ``simulate.delays``), they reach the index after it, and the next run's
    window (09:28 .. 09:38) no longer holds them: never seen. Every edge offset and skew alone passes (the
    throttle on the user holds a refusal split from the other), and so do 5 minutes late (the model's p99) with
    the runs on time. With the runs skewed 4 minutes, 5 minutes late loses them too: only the 09:24 run
    (09:12 .. 09:22) holds them, and Entra ID indexed them at 09:21:07 and 09:21:51, so 5 minutes later is after
    it; 15 minutes late loses them at every skew the sweep tries, and so does the attack moved to put them in the
    minute before a window edge (or 15 minutes late on a run) with the records late."""
    assert main(["replay", "--root", str(late_pack), "--sweep", "--format", "json"]) == 1
    [swept] = json.loads(capsys.readouterr().out)["tests"]
    late, *combined = swept["differences"]
    assert (late["moved"], late["late"]) == ("indexing", 15 * 60)
    assert late["detail"] == f"records indexed 15m later: {LOST}"
    assert {d["moved"] for d in combined} == {"runs+indexing", "attack+indexing"}
    assert {d["late"] for d in combined} == {5 * 60, 15 * 60}
    assert all(d["raised"] == {"notables": 0, "risk_by_object": {}} for d in combined)
    assert main(["replay", "--root", str(late_pack), "--sweep"]) == 1
    assert (f"detections/cloud/entra_id_refusal_two_minutes_behind.yml:70:3: {LATE} / {TEST}: records indexed 15m "
            f"later: {LOST}") in capsys.readouterr().out.splitlines()


def test_the_sweep_shows_how_many_tests_it_has_swept_on_a_terminal_only(
        pack: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole pack's sweep replays thousands of timelines and runs for minutes; it printed nothing until its
    table, so a terminal showed a command that looked hung. On a terminal a bar counts the tests swept (three here,
    one per detection); in a pipe stderr stays empty, as the backtest's bar does."""
    assert main(["replay", "--root", str(pack), "--sweep"]) == 1
    assert capsys.readouterr().err == ""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["replay", "--root", str(pack), "--sweep"]) == 1
    drawn = terminal.getvalue()
    assert "sweeping tests" in drawn and "3/3" in drawn, drawn


def test_the_summary_line_writes_the_variants_with_thousands_separators() -> None:
    """The whole pack's sweep ends ``PASS: 278 test(s) swept, ... (12832 variant(s), ...)``, where every other
    count the tools print a person reads (``2,111 JSON line(s)``, ``1,148 variants`` in docs/content_changes.md)
    has its separators."""
    from contentpack.content.diagnostics import Position
    from contentpack.replay.sweep import Raised, SweepReport, SweptTest
    from contentpack.replay.sweep_report import summary

    tests = tuple(SweptTest("D", f"T{n}", Position("d.yml", 1, 1), Raised(1, ()), variants=6416) for n in range(2))
    assert summary(SweepReport(tests, seconds=1.0)) == (
        "PASS: 2 test(s) swept, 2 passed, 0 failed (12,832 variant(s), 1.00 s, sweep)")
