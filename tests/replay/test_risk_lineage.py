"""The risk events behind a finding and the risk drilldowns that must return them (``replay.lineage.risk_behind``,
``replay.drilldowns``).

Two ways a risk drilldown keyed wrongly hid risk the finding is made of, which the old check (some row comes back)
passed: a detection writing risk on the user *and* the application whose ESCU drilldown names only ``$user$``; and
a correlation adding up two users' risk whose only risk drilldown is the first user's (Risk Across Detections up to
version 24, in small).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from contentpack.content.model import Drilldown, Pack, Rba, RiskObject
from contentpack.replay import lineage as lineage_module
from contentpack.replay.drilldowns import RISK_IDENTITY, reads_risk_index, risk_identity
from contentpack.replay.lineage import risk_behind
from contentpack.replay.runner import DetectionTestOutcome, replay_pack
from contentpack.simulate.engine_setup import build_engine
from contentpack.simulate.risk import risk_events
from contentpack.spl.values import Event

from . import factory as f

# ESCU's "View risk events for the last 7 days", as the factory writes it: a summary (stats) of the user's risk.
USER_ONLY = f.RISK_DRILLDOWN
BOTH_OBJECTS = Drilldown('View risk events for the last 7 days for - "$user$" and "$appId$"',
                         '| from datamodel Risk.All_Risk | search normalized_risk_object IN ("$user$", "$appId$") '
                         "| stats count values(search_name) as search_name by normalized_risk_object",
                         "$info_min_time$", "$info_max_time$")
ON_USER_AND_APP = Rba("User $user$ declined application $appId$",
                      (RiskObject("user", "user", 30), RiskObject("appId", "other", 20)), ())


def _declined(tmp_path: Path, *drilldowns: Drilldown) -> DetectionTestOutcome:
    data = f.write_events(tmp_path, "declines", [f.sign_in("a@contoso.example", 65004, minute=0)])
    detection = f.detection(rba=ON_USER_AND_APP, drilldowns=drilldowns, tests=[f.unit_test(data)])
    [outcome] = replay_pack(f.pack(tmp_path, detection), all_time=True).outcomes
    return outcome


def _fails(outcome: DetectionTestOutcome, head: str, missed: str) -> None:
    """The first drilldown's check failed the test, its detail starting with ``head`` (the row, its tokens, the
    drilldown, how many risk events it misses) and naming ``missed`` last (after the time every risk event is
    written at, the test's "now")."""
    [check] = [c for c in outcome.checks if c.name == "drilldown[0]"]
    assert not check.ok and not outcome.ok
    assert check.detail.startswith(f"{head} risk event(s) behind the finding: ") and check.detail.endswith(missed)


@pytest.mark.parametrize("start", ["| from datamodel", "| FROM DataModel"])
def test_a_risk_drilldown_that_misses_a_risk_event_its_row_writes_fails(tmp_path: Path, start: str) -> None:
    """The row writes risk on a@contoso.example and on app-1; the drilldown on ``$user$`` returns a row (so the old
    check passed it) but not app-1's risk event. The engine reads the command and ``datamodel`` in any letter case,
    and so does the check (it took ``| FROM DataModel`` for a drilldown that only has to return some row)."""
    drilldown = replace(USER_ONLY, search=USER_ONLY.search.replace("| from datamodel", start, 1))
    _fails(_declined(tmp_path, drilldown),
           "row 0 (user=a@contoso.example): drilldown 'View risk events for the last 7 days for - \"$user$\"' misses 1",
           " app-1 (other, score 20) from TST - Test Declined - Rule")


def test_a_risk_drilldown_naming_every_risk_object_passes(tmp_path: Path) -> None:
    outcome = _declined(tmp_path, BOTH_OBJECTS)
    assert outcome.ok, outcome.failures
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == ["1 row(s) drilled down"]
    assert outcome.warnings == ()



# A summing risk drilldown that fails over the risk index without app-1's risk event only: its score is then the
# user's 30, and ``score==30`` is a Boolean, which eval refuses to assign.
FAILS_WITHOUT_APP = Drilldown('Risk score for - "$user$" and "$appId$"',
                              '| from datamodel Risk.All_Risk '
                              '| search normalized_risk_object IN ("$user$", "$appId$") '
                              "| stats sum(risk_score) as score | eval shown=if(score==30, score==30, score)",
                              "$info_min_time$", "$info_max_time$")


def test_a_summing_risk_drilldown_that_fails_without_a_risk_event_behind_the_row_fails_the_check(
        tmp_path: Path) -> None:
    """Whether it shows app-1's risk is not known, as it fails without it: the check fails, naming the risk event,
    the drilldown and the engine's error (it counted the event returned, and passed)."""
    outcome = _declined(tmp_path, FAILS_WITHOUT_APP)
    [check] = [c for c in outcome.checks if c.name == "drilldown[0]"]
    assert not check.ok and not outcome.ok
    assert check.detail.startswith(
        "row 0 (user=a@contoso.example, appId=app-1): 1 risk event(s) behind the finding not known to be returned, "
        "as a risk drilldown failed over the risk index without each: "), check.detail
    assert check.detail.endswith(
        " app-1 (other, score 20) from TST - Test Declined - Rule (drilldown 'Risk score for - \"$user$\" and "
        "\"$appId$\"': eval: the result of an eval expression cannot be a Boolean (field 'shown') (command 'eval', "
        "column 133))"), check.detail


def test_a_risk_drilldown_that_fails_without_a_risk_event_another_returns_passes(tmp_path: Path) -> None:
    """The risk drilldowns are judged together: app-1's risk event is returned by the one naming both objects."""
    outcome = _declined(tmp_path, FAILS_WITHOUT_APP, BOTH_OBJECTS)
    assert outcome.ok, outcome.failures


# A correlation adding up the risk of every user of an application, naming the first as its risk_object.
CORRELATION = ("| from datamodel Risk.All_Risk "
               "| stats sum(risk_score) as risk_score dc(source) as source_count values(risk_object) as users by appId "
               "| where source_count >= 2 | eval risk_object=mvindex(users, 0) | fields - users")
FIRST_USER = Drilldown('View risk events for the last 7 days for - "$risk_object$"',
                       '| from datamodel Risk.All_Risk | search normalized_risk_object IN ("$risk_object$") '
                       "| stats count values(search_name) as search_name by normalized_risk_object",
                       "$info_min_time$", "$info_max_time$")
APP_RISK = Drilldown('View the risk behind the finding for - "$appId$"',
                     '| from datamodel Risk.All_Risk | search appId="$appId$" '
                     "| table _time source risk_object risk_object_type risk_score risk_message",
                     "$info_min_time$", "$info_max_time$")


CORRELATED = [
    f.sign_in("a@contoso.example", 65004, minute=1),  # a declines app-1: risk on a, behind app-1's finding
    f.granted("b@contoso.example", "app-1", 5),  # b grants app-1: risk on b, behind app-1's finding
    f.sign_in("c@contoso.example", 65004, app_id="app-2", minute=7),  # app-2: one source, no finding
]


def _correlation_pack(tmp_path: Path, *drilldowns: Drilldown) -> Pack:
    data = f.write_events(tmp_path, "declined_then_granted", CORRELATED)
    declined = f.detection("Test Declined")
    granted = f.detection("Test Granted", f.GRANTED_SEARCH,
                          rba=Rba("User $user$ granted consent to $appId$", (RiskObject("user", "user", 50),), ()))
    correlation = f.detection("Test Correlation", CORRELATION, kind="Correlation", with_rba=False,
                              drilldowns=drilldowns,
                              tests=[f.unit_test(data, risk_from=[declined.name, granted.name],
                                                 rows=[{"appId": "app-1", "risk_score": "80",
                                                        "risk_object": "a@contoso.example"}])])
    return f.pack(tmp_path, declined, granted, correlation)


def _correlation_outcome(tmp_path: Path, *drilldowns: Drilldown) -> DetectionTestOutcome:
    pack = _correlation_pack(tmp_path, *drilldowns)
    [outcome] = replay_pack(pack, [pack.detections[2]], all_time=True).outcomes
    return outcome


def test_the_risk_events_behind_a_correlation_row_are_those_it_adds_up(tmp_path: Path) -> None:
    """Without a's refusal risk or b's grant risk, app-1 has risk from one detection: no finding; c's risk on
    app-2 is behind nothing."""
    pack = _correlation_pack(tmp_path, APP_RISK)
    engine, events = f.indexed(pack, tmp_path, "attack_data/declined_then_granted.log")
    declined, granted, _ = pack.detections
    risk = [event for source in (declined, granted)
            for event in risk_events(f.APP, source, engine.search(source.search, now=2e9).rows, 2e9)]
    engine.register_risk_index(risk)
    rows = engine.search(CORRELATION, now=2e9).rows
    assert [(row["appId"], row["risk_object"]) for row in rows] == [("app-1", "a@contoso.example")]
    result = risk_behind(engine, CORRELATION, events, risk, [[]], rows, 2e9, unreturned=lambda event: True)
    assert result.not_checked is None
    assert [sorted(str(e["risk_object"]) for e in each) for each in result.rows] == [
        ["a@contoso.example", "b@contoso.example"]]


def test_a_correlation_whose_only_risk_drilldown_is_the_first_users_fails(tmp_path: Path) -> None:
    """Risk Across Detections version 24 in small: the first user's risk comes back (the old check passed), b's
    grant risk, which the finding added up, does not."""
    _fails(_correlation_outcome(tmp_path, FIRST_USER),
           "row 0 (risk_object=a@contoso.example): drilldown 'View risk events for the last 7 days for - "
           "\"$risk_object$\"' misses 1", " b@contoso.example (user, score 50) from TST - Test Granted - Rule")


def test_the_risk_drilldowns_together_return_the_risk_behind_a_correlation_row(tmp_path: Path) -> None:
    """The first user's drilldown keeps its own promise (that user's risk) and the application's returns the rest:
    together every risk event behind the finding; so does the application's alone."""
    for drilldowns in ((FIRST_USER, APP_RISK), (APP_RISK,)):
        outcome = _correlation_outcome(tmp_path, *drilldowns)
        assert outcome.ok, (drilldowns, outcome.failures)
        assert outcome.warnings == ()


def test_several_risk_drilldowns_missing_a_risk_event_are_named_at_the_first(tmp_path: Path) -> None:
    """Neither the first user's drilldown nor one on the refusals' source returns b's grant risk: one failure, at
    the first risk drilldown's check, naming both."""
    refusals = Drilldown('View the refusals behind the finding for - "$appId$"',
                         '| from datamodel Risk.All_Risk | search appId="$appId$" source="*Declined*" '
                         "| table _time source risk_object risk_object_type risk_score risk_message", None, None)
    outcome = _correlation_outcome(tmp_path, FIRST_USER, refusals)
    first, second = (c for c in outcome.checks if c.name.startswith("drilldown"))
    assert not first.ok and second.ok
    assert ("none of drilldown 'View risk events for the last 7 days for - \"$risk_object$\"', drilldown 'View the "
            "refusals behind the finding for - \"$appId$\"' returns 1 risk event(s) behind the finding: ") in first.detail
    assert "(risk_object=a@contoso.example, appId=app-1)" in first.detail


def test_too_many_risk_events_to_leave_out_is_a_warning_never_a_silent_pass(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The first user's drilldown returns a's risk: b's and c's are left to try, more than a limit of 1."""
    monkeypatch.setattr(lineage_module, "MAX_EVENTS", 1)
    outcome = _correlation_outcome(tmp_path, FIRST_USER)
    why = "its risk index holds 2 risk event(s) a risk drilldown does not return, more than 1"
    assert outcome.ok and outcome.warnings == (f"risk drilldown lineage not checked: {why}",)
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == [
        f"1 row(s) drilled down; the risk events behind each row not checked: {why}"]


def test_a_risk_drilldown_is_one_that_reads_the_risk_index_and_not_the_original_search() -> None:
    assert reads_risk_index(FIRST_USER) and reads_risk_index(APP_RISK)
    assert not reads_risk_index(f.RESULTS_DRILLDOWN)
    assert not reads_risk_index(Drilldown("events", '`azure_monitor_aad` "$appId$"', None, None))
    for search in ('| FROM datamodel:"Risk.All_Risk"', "| From DATAMODEL Risk.All_Risk | stats count"):
        assert reads_risk_index(Drilldown("risk", search, None, None)), search
    assert not reads_risk_index(Drilldown("other", "| from datamodel risk.all_risk", None, None))  # no such model


def test_a_risk_event_is_compared_by_the_fields_that_make_it() -> None:
    """The same risk written twice is one identity; another score, object or source is another risk event; a
    field of the result it copies is not part of it."""
    event: Event = {"_time": 1.0, "source": "s", "risk_object": "a", "risk_object_type": "user", "risk_score": 5,
                    "risk_message": "m", "appId": "app-1"}
    assert risk_identity(event) == risk_identity({**event, "appId": "app-2"})
    for name in RISK_IDENTITY:
        assert risk_identity(event) != risk_identity({**event, name: "other"}), name


def test_the_engine_with_another_risk_index_keeps_its_events(tmp_path: Path) -> None:
    """What a summing risk drilldown runs again over: the replay's engine (its test data scanned from the file, not
    held) with one risk event fewer; the engine itself keeps its own risk index."""
    data = f.write_events(tmp_path, "declines", [f.sign_in("a@contoso.example", 65004, minute=0)])
    engine = build_engine(f.pack(tmp_path))
    engine.register_events(tmp_path / data, sourcetype=f.SOURCETYPE, source="Azure AD", lazy=True)
    engine.register_risk_index([{"_time": 1.0, "risk_object": "a"}, {"_time": 2.0, "risk_object": "b"}])
    other = engine.with_risk_index([{"_time": 1.0, "risk_object": "a"}])
    count = "`azure_monitor_aad` | stats count"
    risk = "| from datamodel Risk.All_Risk | stats values(risk_object) as objects"
    assert other.search(count, now=2e9).rows == engine.search(count, now=2e9).rows == [{"count": 1}]
    assert other.search(risk, now=2e9).rows[0]["objects"] == "a"
    assert engine.search(risk, now=2e9).rows[0]["objects"] == ("a", "b")
