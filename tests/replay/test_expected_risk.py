"""``expected_risk`` is exact: a risk object's total over the timeline's risk events must equal the declared
score, so risk counted twice fails a test as surely as risk missing (docs/replay.md, "Scheduled expectations").
``expected_risk_events`` counts the risk events the detection itself writes, exactly: ``0`` is what a
must-not-fire test of a risk-only detection can fail on, where ``max_notables: 0`` holds whatever it does.

ES's risk-based alerting sums every risk event written for an object, so a detection whose overlapping windows
hold a record in several runs, and whose throttle is lost, inflates the total a correlation and an analyst see.
Under the old floor (``total >= expected``) the pack's refusal detection scored each decline three times and
every test passed. The end-to-end cases run that shape: every 10 minutes over ``-40m@m`` .. ``-10m@m``, so three
runs hold a record, with and without the throttle that keeps them to one risk event.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from contentpack.content.model import IngestionDelay, UnitTest
from contentpack.replay.scheduled import RiskWrite, ScheduledOutcome, scheduled_checks

from . import factory as f
from .simfactory import decline, grant, outcomes, ts, ttp, unit

USER = "alice@contoso.example"
DECLINES = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
            "| stats count min(_time) as firstTime by user")


def _outcome(*writes: RiskWrite, own: str = "Declined") -> ScheduledOutcome:
    """The outcome of a timeline with ``writes``; those of detection ``own`` are the tested detection's."""
    totals: dict[str, int] = {}
    for write in writes:
        totals[write.risk_object] = totals.get(write.risk_object, 0) + int(write.score)
    return ScheduledOutcome(start=0.0, end=0.0, runs=0, runs_with_rows=0, notables=(), risk_by_object=totals,
                            risk_events=len(writes), first_event=None, first_alert=None, risk_writes=writes,
                            own_risk_writes=tuple(w for w in writes if w.detection == own))


def _risk_checks(expected: dict[str, int], outcome: ScheduledOutcome,
                 events: int | None = None) -> list[tuple[str, bool, str]]:
    test = replace(UnitTest("t", ()), expected_risk=expected, expected_risk_events=events)
    return [(c.name, c.ok, c.detail) for c in scheduled_checks(test, outcome)]


def _write(at: str, score: str = "5", detection: str = "Declined", risk_object: str = USER) -> RiskWrite:
    return RiskWrite(risk_object, detection, ts(at), score)


def test_the_exact_total_passes() -> None:
    outcome = _outcome(_write("2026-10-13 10:20"), _write("2026-10-13 10:20", "80", "Granted"))
    assert _risk_checks({USER: 85}, outcome) == [(f"expected_risk[{USER}]", True, "total risk 85, expected 85")]


def test_more_than_expected_fails_and_names_each_write_per_detection() -> None:
    outcome = _outcome(*(_write(f"2026-10-13 10:{m}") for m in ("20", "30", "40")),
                       _write("2026-10-13 11:00", "80", "Granted"), _write("2026-10-13 10:20", "5", "Other", "bob"))
    assert _risk_checks({USER: 85}, outcome) == [(
        f"expected_risk[{USER}]", False,
        "total risk 95, expected 85; risk events: 'Declined' 5 + 5 + 5 at runs 2026-10-13T10:20:00.000Z, "
        "2026-10-13T10:30:00.000Z, 2026-10-13T10:40:00.000Z; 'Granted' 80 at run 2026-10-13T11:00:00.000Z")]


def test_less_than_expected_fails_with_what_was_written() -> None:
    outcome = _outcome(_write("2026-10-13 10:20"))
    assert _risk_checks({USER: 85}, outcome) == [(
        f"expected_risk[{USER}]", False,
        "total risk 5, expected 85; risk events: 'Declined' 5 at run 2026-10-13T10:20:00.000Z")]


def test_no_risk_for_the_object_lists_the_objects_that_got_some() -> None:
    outcome = _outcome(_write("2026-10-13 10:20", risk_object="Alice@contoso.example"))
    assert _risk_checks({USER: 5}, outcome) == [(
        f"expected_risk[{USER}]", False,
        "total risk 0, expected 5; no risk event for it (risk objects: Alice@contoso.example=5)")]


def test_a_detection_writing_many_times_is_shown_in_short() -> None:
    outcome = _outcome(*(_write(f"2026-10-13 1{h}:00") for h in range(5)))
    [(_, ok, detail)] = _risk_checks({USER: 5}, outcome)
    assert not ok and detail == ("total risk 25, expected 5; risk events: 'Declined' 5 + 5 + 5 + ... at runs "
                                 "2026-10-13T10:00:00.000Z, 2026-10-13T11:00:00.000Z, 2026-10-13T12:00:00.000Z "
                                 "(+2 more)")


def test_a_risk_of_zero_passes_for_an_object_without_risk_and_fails_for_one_with_some() -> None:
    outcome = _outcome(_write("2026-10-13 10:20"))
    assert _risk_checks({"bob@contoso.example": 0}, outcome) == [
        ("expected_risk[bob@contoso.example]", True, "total risk 0, expected 0")]
    assert _risk_checks({USER: 0}, outcome) == [(
        f"expected_risk[{USER}]", False,
        "total risk 5, expected 0; risk events: 'Declined' 5 at run 2026-10-13T10:20:00.000Z")]


def test_no_risk_events_fails_naming_each_object_scored() -> None:
    outcome = _outcome(*(_write(f"2026-10-13 1{h}:00", risk_object=f"user{h}") for h in range(4)),
                       _write("2026-10-13 15:00", risk_object="user0"))
    assert _risk_checks({}, outcome, events=0) == [(
        "expected_risk_events", False,
        "5 risk event(s) written by the detection, expected 0; risk events: 'user0' 5 + 5 at runs "
        "2026-10-13T10:00:00.000Z, 2026-10-13T15:00:00.000Z; 'user1' 5 at run 2026-10-13T11:00:00.000Z; 'user2' 5 at "
        "run 2026-10-13T12:00:00.000Z (+1 more)")]


def test_fewer_risk_events_than_expected_fails() -> None:
    assert _risk_checks({}, _outcome(), events=2) == [
        ("expected_risk_events", False, "0 risk event(s) written by the detection, expected 2; it wrote none")]


def _replayed(tmp_path: Path, expected: int, *, throttled: bool) -> list[str]:
    """One refusal at 10:05 (indexed a minute later) under a risk-only detection run every 10 minutes over
    ``-40m@m`` .. ``-10m@m`` (score 5), throttled on the user for an hour or not; the test's failures."""
    data = f.write_events(tmp_path, "decline", [decline(USER, "2026-10-13 10:05")])
    detection = ttp("Declined", DECLINES, score=5, cron="*/10 * * * *", earliest="-40m@m", latest="-10m@m",
                    notable=False, throttle=(("user",), "1h") if throttled else None)
    test = unit(data, expected_results=1, expected_risk={USER: expected},
                ingestion_delay=IngestionDelay(fixed="1m"))
    [outcome] = outcomes(f.pack(tmp_path, f.with_tests(detection, test))).values()
    return outcome.failures


def test_a_refusal_written_once_passes_its_exact_risk(tmp_path: Path) -> None:
    assert _replayed(tmp_path, 5, throttled=True) == []


def test_a_refusal_written_by_three_runs_fails_its_exact_risk(tmp_path: Path) -> None:
    """The runs at 10:20, 10:30 and 10:40 all hold the 10:05 record; without the throttle each writes its risk.
    The old floor (15 >= 5) passed this."""
    assert _replayed(tmp_path, 5, throttled=False) == [
        f"expected_risk[{USER}]: total risk 15, expected 5; risk events: 'Declined' 5 + 5 + 5 at runs "
        "2026-10-13T10:20:00.000Z, 2026-10-13T10:30:00.000Z, 2026-10-13T10:40:00.000Z"]


def test_a_risk_total_below_the_declared_one_fails(tmp_path: Path) -> None:
    assert _replayed(tmp_path, 10, throttled=True) == [
        f"expected_risk[{USER}]: total risk 5, expected 10; risk events: 'Declined' 5 at run 2026-10-13T10:20:00.000Z"]


def test_a_risk_only_must_not_fire_test_fails_on_its_risk_events_not_on_its_notables(tmp_path: Path) -> None:
    """A risk-only detection (no notable action) writing risk for a refusal on a must-not-fire test's data:
    ``max_notables: 0`` holds (no notable can come), ``expected_risk_events: 0`` fails on the write."""
    data = f.write_events(tmp_path, "decline", [decline(USER, "2026-10-13 10:05")])
    detection = ttp("Declined", DECLINES, score=5, cron="*/10 * * * *", earliest="-40m@m", latest="-10m@m",
                    notable=False, throttle=(("user",), "1h"))
    tests = [replace(unit(data, max_notables=0, ingestion_delay=IngestionDelay(fixed="1m")), name="Notables"),
             replace(unit(data, expected_risk_events=0, ingestion_delay=IngestionDelay(fixed="1m")), name="Risk")]
    found = outcomes(f.pack(tmp_path, f.with_tests(detection, *tests)))
    assert found["Declined/Notables"].failures == []
    assert found["Declined/Risk"].failures == [
        "expected_risk_events: 1 risk event(s) written by the detection, expected 0; risk events: "
        f"'{USER}' 5 at run 2026-10-13T10:20:00.000Z"]


def test_risk_events_count_only_the_detection_s_own(tmp_path: Path) -> None:
    """A test's ``risk_from`` detections write risk on its timeline too (``expected_risk`` totals theirs); the
    count is the detection's own: a refusal (5) and a grant (50) are two risk events, one the detection's."""
    data = f.write_events(tmp_path, "both", [decline(USER, "2026-10-13 10:05"), grant(USER, "2026-10-13 10:06")])
    declined = ttp("Declined", DECLINES, score=5, notable=False)
    consented = ttp("Consented", '`azure_monitor_aad` operationName="Consent to application" '
                    "properties.result=success | stats count by user", score=50, notable=False)
    test = unit(data, risk_from=("Consented",), expected_risk={USER: 55}, expected_risk_events=1)
    [outcome] = [o for o in outcomes(f.pack(tmp_path, f.with_tests(declined, test), consented)).values()]
    assert outcome.failures == [] and outcome.scheduled is not None and outcome.scheduled.risk_events == 2


def test_the_risk_objects_listed_instead_say_how_many_more_there_are() -> None:
    outcome = _outcome(*(_write("2026-10-13 10:20", risk_object=f"user{i}") for i in range(5)))
    assert _risk_checks({USER: 5}, outcome) == [(
        f"expected_risk[{USER}]", False,
        "total risk 0, expected 5; no risk event for it (risk objects: user0=5, user1=5, user2=5 (+2 more))")]
