"""The real pack through the scheduled replay (``contentpack replay``'s default, docs/replay.md).

Scheduled expectations are checked for the tests that declare them (``expected_notables``, ``max_notables``,
``detect_within``, ``expected_risk``, ``expected_risk_events``, ``expected_notable_rows``); every test is simulated and reported either way, and a gap between all
time and the schedule on a test without expectations is a visible warning, not a failure — so this test stays
green while the content catches up, and fails as soon as a declared expectation does not hold.
"""

from __future__ import annotations

import pytest

from contentpack.content.model import Pack
from contentpack.content.validate import validate_pack
from contentpack.replay import runner
from contentpack.replay.sweep import replay_context
from contentpack.spl.values import mv_values, to_str
from real_pack_runs import real_pack, scheduled_replay

from .pack_content_files import REPO

SCHEDULED_CHECKS = ("expected_notables", "max_notables", "detect_within", "expected_risk[", "expected_risk_events",
                    "expected_notable_rows[")


@pytest.fixture(scope="module")
def pack() -> Pack:
    result = validate_pack(REPO)
    assert result.pack is not None and not result.errors
    return result.pack


def test_every_test_is_simulated_and_declared_scheduled_expectations_hold(pack: Pack) -> None:
    report = scheduled_replay().report  # replay_pack(pack), run once and shared (tests/real_pack_runs.py)
    assert report.mode == "scheduled" and report.setup_errors == ()
    tests = {(d.name, t.name): t for d in pack.detections for t in d.tests}
    assert len(report.outcomes) == len(tests)
    for outcome in report.outcomes:
        assert outcome.scheduled is not None and outcome.scheduled.runs > 0, (outcome.detection, outcome.test)
        declared = tests[(outcome.detection, outcome.test)].has_scheduled_expectations
        scheduled_checks = [c for c in outcome.checks if c.name.startswith(SCHEDULED_CHECKS)]
        assert bool(scheduled_checks) == declared, (outcome.detection, outcome.test)
        failed = [f"{c.name}: {c.detail}" for c in scheduled_checks if not c.ok]
        assert failed == [], (outcome.detection, outcome.test, failed)
        if declared:
            assert outcome.warnings == ()


def test_every_test_of_a_risk_only_detection_pins_its_risk_events(pack: Pack) -> None:
    """A risk-only detection (no notable action) raises 0 notables whatever it does, so its tests pin the risk
    events it writes, 0 on those that must not fire: a broken search that scores benign data fails on the
    schedule, not only through all-time results (docs/replay.md, "Scheduled expectations")."""
    risk_only = [d for d in pack.detections if d.writes_risk and not d.raises_notables]
    assert {d.name for d in risk_only} >= {"Entra ID User Declined OAuth Application Consent",
                                           "Entra ID User Consent Granted for Risky Delegated Scopes",
                                           "Entra ID OAuth Consent Granted to Application Other Users Declined"}
    for detection in risk_only:
        for test in detection.tests:
            assert test.expected_risk_events is not None, (detection.name, test.name)
            if test.expected_results == 0:
                assert test.expected_risk_events == 0, (detection.name, test.name)


def test_hunting_prompts_search_counts_a_wave_spread_over_hours_in_one_run() -> None:
    """*OAuth Consent Prompts for Unlisted Application*'s scheduled runs read a day (inline schedule,
    ``-24h@h``..``-10m@m`` hourly): its test's eight users, prompted from 09:10 to 11:58, are counted together
    by one run. contentctl's default window (``-70m@m``..``-10m@m``) would count them a few per run."""
    name = "Entra ID OAuth Consent Prompts for Unlisted Application"
    [detection] = [d for d in real_pack().detections if d.name == name]
    [(index, test)] = [(i, t) for i, t in enumerate(detection.tests) if t.name == "True Positive Test"]
    ctx = replay_context(real_pack())
    events, chosen = runner.scheduled_timeline(ctx, detection, index, test)
    result = runner.run_timeline(ctx, detection, index, events, chosen)
    counts = [int(str(row["user_count"])) for run in result.runs_of(name) for row in run.rows]
    assert counts and max(counts) == 8


def test_risk_correlation_lists_the_granter_first_then_the_persistent_decliner() -> None:
    """The risk correlation's finding lists its users in the order to act on: the user who granted access first,
    however often a colleague declined, then the users who only declined, the most persistent first.

    Its test *Persistent Decliner Never Outranks The Granter* pins in its YAML the totals (the decliner's 30
    throttled refusals, 150, above the granter's 140) and that the notable's risk_object is the granter
    (``expected_notable_rows``); a subset cannot say in which order a multivalue field lists its values, so the
    scheduled notable's ``user`` list is read here."""
    name = "Entra ID OAuth Consent Abuse Risk Across Detections"
    [detection] = [d for d in real_pack().detections if d.name == name]
    [(index, test)] = [(i, t) for i, t in enumerate(detection.tests)
                       if t.name == "Persistent Decliner Never Outranks The Granter"]
    ctx = replay_context(real_pack())
    events, chosen = runner.scheduled_timeline(ctx, detection, index, test)
    result = runner.run_timeline(ctx, detection, index, events, chosen)
    [notable] = result.notables_of(name)
    granter, decliner = "user19@splunkresearch.onmicrosoft.com", "user16@splunkresearch.onmicrosoft.com"
    users = [str(to_str(u)) for u in mv_values(notable.fields["user"])]
    # refusals order only the users who did nothing else: the persistent decliner before the one-time ones
    assert users == [granter, decliner, "user17@splunkresearch.onmicrosoft.com", "user18@splunkresearch.onmicrosoft.com"]
