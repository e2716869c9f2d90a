"""A count a replay, a sweep or the simulation writes for a person has thousands separators (``1,513``), as the
backtest writes one (``cut_lists.count_text``): a job message's tally reached the backtest's terminal as ``(12 of
1513 runs, ...)`` beside its own ``1,513``, and the replay's and the sweep's tables and check details wrote
``1513``. The JSON keeps the number."""

from __future__ import annotations

from dataclasses import replace

from contentpack.content.diagnostics import Position
from contentpack.content.model import UnitTest
from contentpack.replay.attack_data import _untimed_problem
from contentpack.replay.checks import expected_results_check
from contentpack.replay.report import render_table as replay_table, report_json
from contentpack.replay.runner import DetectionTestOutcome, ReplayReport
from contentpack.replay.scheduled import ScheduledOutcome, scheduled_checks, scheduled_warnings
from contentpack.replay.sweep import Raised, SweepReport, SweptTest, changes
from contentpack.replay.sweep_report import render_table as sweep_table
from contentpack.simulate import RunMessage
from contentpack.spl.events import ReadTally
from contentpack.spl.messages import subsearch_truncated
from real_pack_runs import scheduled_replay

from .simfactory import ts


def test_a_job_message_tally_groups_its_runs() -> None:
    message = RunMessage("Counter", subsearch_truncated(10_523, 10_000), 1_200, ts("2026-10-13 10:05"))
    assert message.tally(1_513) == "(1,200 of 1,513 runs, first at 2026-10-13T10:05:00.000Z)"
    # Splunk's own words keep its plain numbers (spl.messages): only the tally is the tool's
    assert message.said_by("scheduled runs", 1_513).endswith(
        "Subsearch produced 10523 results, truncating to maxout 10000. (1,200 of 1,513 runs, first at "
        "2026-10-13T10:05:00.000Z)")


def _timeline() -> tuple[ReplayReport, DetectionTestOutcome, ScheduledOutcome]:
    """The real pack's replay, and its first test made to return 1,234 results over 1,513 runs."""
    report = scheduled_replay().report
    first = report.outcomes[0]
    assert first.scheduled is not None
    timeline = replace(first.scheduled, runs=1_513, risk_by_object={"alice": 2_400})
    return report, replace(first, result_count=1_234, expected_results=1_000, scheduled=timeline), timeline


def test_the_replay_table_groups_results_runs_and_risk() -> None:
    report, big, _ = _timeline()
    first = report.outcomes[0]
    assert first.scheduled is not None
    text = replay_table(replace(report, outcomes=(big,)), 200)
    row = next(line for line in text.splitlines() if first.test[:20] in line)
    assert "1,234" in row and "1,000" in row and f"1,513/{len(first.scheduled.notables)}" in row
    assert "max 2,400" in row
    scheduled = report_json(replace(report, outcomes=(big,)))["tests"][0]
    assert scheduled["result_count"] == 1_234 and scheduled["scheduled"]["runs"] == 1_513  # JSON: the numbers


def test_the_replay_check_of_the_results_groups_them() -> None:
    test = UnitTest("t", (), expected_results=1_000)
    [results] = expected_results_check(test, [{"n": str(n)} for n in range(1_234)])
    assert results.detail.startswith("1,234 result(s), expected 1,000")


def test_the_scheduled_checks_and_warnings_group_runs_notables_and_risk() -> None:
    _, _, timeline = _timeline()
    test = UnitTest("t", (), expected_notables=1_000, expected_risk={"alice": 1_000})
    details = [check.detail for check in scheduled_checks(test, timeline)]
    assert any(d.startswith(f"{len(timeline.notables)} notable(s) after throttling, expected 1,000") for d in details)
    assert "total risk 2,400, expected 1,000" in " ".join(details)
    quiet = replace(timeline, runs_with_rows=0, raises_alerts=False)
    assert scheduled_warnings(UnitTest("t", ()), 1_234, quiet) == [
        "scheduled: all time finds 1,234 result(s) but none of the 1,513 scheduled run(s) returns a row"]


def test_the_sweep_table_groups_variants_and_notables() -> None:
    swept = SweptTest("D", "T", Position("detections/d.yml", 40, 3), Raised(1_200, (("alice", 96_000),)),
                      variants=1_513)
    text = sweep_table(SweepReport((swept,)), 200)
    row = next(line for line in text.splitlines() if "│ D " in line)
    assert "1,513" in row and "1,200" in row
    assert "(1,513 variant(s)" in text


def test_the_sweep_table_shows_the_risk_a_risk_only_test_raised() -> None:
    """An Anomaly writes risk, no notable: its swept row read ``0`` notables and nothing else, as if the sweep had
    held it to nothing, where it compares each variant's risk. The unmoved timeline's risk now has a column, said as
    the replay's table says it (``2 obj, max 1,230``), with its thousands grouped; ``-`` when it wrote none."""
    scored = SweptTest("D", "Risk Only", Position("detections/d.yml", 40, 3),
                       Raised(0, (("alice", 1_230), ("bob", 5))), variants=30)
    quiet = SweptTest("D", "Quiet", Position("detections/d.yml", 50, 3), Raised(0, ()), variants=12)
    text = sweep_table(SweepReport((scored, quiet)), 200)
    header = next(line for line in text.splitlines() if "variants" in line)
    assert [part.strip() for part in header.split("┃")[3:7]] == ["variants", "notables", "differ", "risk"]
    rows = {cells[1]: cells[2:6] for line in text.splitlines() if line.startswith("│ D ")
            for cells in [[part.strip() for part in line.split("│")[1:-1]]]}
    assert rows == {"Risk Only": ["30", "0", "0", "2 obj, max 1,230"], "Quiet": ["12", "0", "0", "-"]}


def test_a_differing_variant_groups_its_notables_and_risk() -> None:
    assert changes(Raised(1_200, (("alice", 96_000),)), Raised(1_201, (("alice", 96_080),))) == \
        "1,201 notables instead of 1,200; risk of alice 96,080 instead of 96,000"


def test_attack_data_with_events_without_a_time_counts_them_grouped() -> None:
    assert _untimed_problem(ReadTally("attack_data/a.log", 0.0, count=1_234)).startswith("1,234 event(s) had no ")
