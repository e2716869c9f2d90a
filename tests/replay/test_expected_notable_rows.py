"""``expected_notable_rows`` (docs/replay.md, "Scheduled expectations"): field → value subsets that must each
match at least one of the detection's notables after throttling, compared as ``expected_rows`` compares a result
row (``checks.row_matches``: a multivalue field matches when one of its values is the expected text). A count says
how many notables came; this says WHO one names (a correlation's ``risk_object``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from contentpack.content.model import UnitTest
from contentpack.replay.scheduled import ScheduledOutcome, scheduled_checks
from contentpack.simulate import Notable
from contentpack.spl.values import Value

from . import factory as f
from .simfactory import decline, outcomes, ttp, unit

GRANTER, DECLINER = "user19@contoso.example", "user16@contoso.example"
DECLINES = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
            "| stats count min(_time) as firstTime by user")


def _notable(**fields: Value) -> Notable:
    return Notable(detection="Corr", search_name="ESCU - Corr - Rule", run_time=0.0, time=0.0, rule_title="Corr",
                   rule_description="", security_domain="identity", severity="high", earliest=0.0, latest=0.0,
                   fields=fields, risk_objects=(), threat_objects=())


def _checks(expected: list[Mapping[str, str]], *notables: Notable) -> list[tuple[str, bool, str]]:
    outcome = ScheduledOutcome(start=0.0, end=0.0, runs=1, runs_with_rows=len(notables), notables=notables,
                               risk_by_object={}, risk_events=0, first_event=None, first_alert=None)
    test = replace(UnitTest("t", ()), expected_notable_rows=tuple(expected))
    return [(c.name, c.ok, c.detail) for c in scheduled_checks(test, outcome)]


def test_each_subset_must_match_a_notable() -> None:
    raised = (_notable(risk_object=GRANTER, app_id="app-1", dest="t1"), _notable(risk_object=DECLINER, app_id="app-2"))
    assert _checks([{"risk_object": GRANTER, "dest": "t1"}, {"app_id": "app-2"}], *raised) == [
        ("expected_notable_rows[0]", True, f"matched: risk_object={GRANTER}, dest=t1"),
        ("expected_notable_rows[1]", True, "matched: app_id=app-2")]


def test_all_fields_of_a_subset_must_match_the_same_notable() -> None:
    raised = (_notable(risk_object=GRANTER, app_id="app-1"), _notable(risk_object=DECLINER, app_id="app-2"))
    [(name, ok, detail)] = _checks([{"risk_object": GRANTER, "app_id": "app-2"}], *raised)
    assert not ok and detail == (f"no notable has: risk_object={GRANTER}, app_id=app-2; 2 notable(s): "
                                 f"{{risk_object={GRANTER}, app_id=app-1}}; {{risk_object={DECLINER}, app_id=app-2}}")


def test_a_failure_lists_the_named_fields_of_each_notable_raised() -> None:
    """The decliner named instead of the granter: the detail shows who each notable names, only the fields the
    subset asks about (a field a notable lacks shows empty), at most three notables."""
    raised = [_notable(risk_object=f"u{i}", user=(f"u{i}", GRANTER), count="9") for i in range(4)]
    raised.append(_notable(user=GRANTER))
    [(_, ok, detail)] = _checks([{"risk_object": GRANTER}], *raised)
    assert not ok and detail == (f"no notable has: risk_object={GRANTER}; 5 notable(s): {{risk_object=u0}}; "
                                 "{risk_object=u1}; {risk_object=u2} (+2 more)")


def test_a_multivalue_field_matches_one_of_its_values() -> None:
    """As ``expected_rows``: the correlation's ``user`` lists every ranked user of the finding."""
    assert _checks([{"user": GRANTER}], _notable(user=(DECLINER, GRANTER)))[0][1]
    assert not _checks([{"user": "nobody@contoso.example"}], _notable(user=(DECLINER, GRANTER)))[0][1]


def test_no_notable_fails_saying_so() -> None:
    assert _checks([{"risk_object": GRANTER}]) == [
        ("expected_notable_rows[0]", False, f"no notable has: risk_object={GRANTER}; no notable came back")]


def test_numbers_compare_as_text() -> None:
    """The YAML's ``top_user_score: 80`` is the text ``80`` (as in ``expected_rows``)."""
    assert _checks([{"top_user_score": "80"}], _notable(top_user_score=80))[0][1]


def test_end_to_end_the_notables_after_throttling_are_read(tmp_path: Path) -> None:
    """A TTP raising a notable per user over one refusal: the subset naming that user passes, one naming a user
    with no event fails, listing who the notable names instead."""
    data = f.write_events(tmp_path, "declines", [decline(GRANTER, "2026-10-13 10:05")])
    detection = ttp("Declined", DECLINES, score=5)
    tests = [replace(unit(data, expected_notable_rows=({"user": GRANTER},)), name="Named"),
             replace(unit(data, expected_notable_rows=({"user": DECLINER},)), name="Other")]
    found = outcomes(f.pack(tmp_path, f.with_tests(detection, *tests)))
    assert found["Declined/Named"].failures == []
    assert found["Declined/Other"].failures == [
        f"expected_notable_rows[0]: no notable has: user={DECLINER}; 1 notable(s): {{user={GRANTER}}}"]


def test_a_named_field_a_notable_lacks_is_shown_absent() -> None:
    """As ``expected_rows`` shows it: ``(absent)``, not an empty value that reads like one."""
    [(_, ok, detail)] = _checks([{"risk_object": GRANTER, "app_id": "app-2"}], _notable(risk_object=DECLINER))
    assert not ok and detail == (f"no notable has: risk_object={GRANTER}, app_id=app-2; 1 notable(s): "
                                 f"{{risk_object={DECLINER}, app_id=(absent)}}")
