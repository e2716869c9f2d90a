"""The scheduled checks name a run in the one form the backtest and ``replay --sweep`` give every time in
(``iso_utc``, ``2026-10-13T11:10:00.000Z``). Plain ``replay`` said ``2026-10-13 11:10`` until 2026-12-07: a run
read differently in a failed test than in the backtest's notables.jsonl or a sweep's message about the same run.
"""

from __future__ import annotations

from dataclasses import replace

from contentpack.content.model import UnitTest
from contentpack.replay.scheduled import ScheduledOutcome, scheduled_checks
from contentpack.simulate import Notable

from .simfactory import ts

FIRST_EVENT = ts("2026-10-13 10:05")
RUN = ts("2026-10-13 11:10")  # the run of the only notable: 65 minutes after the first event


def _notable(run_time: float) -> Notable:
    return Notable(detection="Declined", search_name="Pack - Declined - Rule", run_time=run_time, time=run_time,
                   rule_title="Declined for alice", rule_description="", security_domain="identity",
                   severity="medium", earliest=run_time - 3600, latest=run_time, fields={}, risk_objects=(),
                   threat_objects=())


def _details(test: UnitTest) -> dict[str, str]:
    outcome = ScheduledOutcome(start=FIRST_EVENT, end=RUN, runs=2, runs_with_rows=1, notables=(_notable(RUN),),
                               risk_by_object={}, risk_events=0, first_event=FIRST_EVENT, first_alert=RUN)
    return {check.name: check.detail for check in scheduled_checks(test, outcome) if not check.ok}


def test_a_late_first_notable_and_an_unexpected_one_name_their_run_as_every_other_time_is_given() -> None:
    test = replace(UnitTest("t", ()), detect_within="1h", max_notables=0)
    assert _details(test) == {
        "detect_within": "first notable or risk event 1h5m after the first event (run 2026-10-13T11:10:00.000Z), "
                         "limit 1h",
        "max_notables": "1 notable(s), at most 0 allowed; notables: 'Declined for alice' at run "
                        "2026-10-13T11:10:00.000Z"}
