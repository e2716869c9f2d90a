"""The events behind a finding (leave-one-out, ``replay.lineage``) and the events drilldown that must return them.

The fixture is the guest's refusal in small: a user whose UPN one record writes as typed (``A@Contoso.example``)
declines the same application twice; the detection lower-cases the UPN, so both refusals make one row (count 2).
A drilldown that compares the UPN case-sensitively (``where``) returns one of the two -- which the drilldown
check accepted before, as it asked only for some row -- and hides the other.

Only the events some events drilldown does not return are left out, one run of the search each (``_left_out``
records which).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from contentpack.content.model import Drilldown, Pack, Rba, RiskObject
from contentpack.replay.runner import replay_pack
from contentpack.replay import lineage as lineage_module
from contentpack.replay.drilldowns import DRILLDOWN_ROWS, EventsBehind
from contentpack.replay.lineage import RiskFrom, events_behind
from contentpack.replay.runner import DetectionTestOutcome
from contentpack.simulate.risk import risk_events
from contentpack.spl import Engine, Results
from contentpack.spl.values import Event

from . import factory as f

SEARCH = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
          "| rename properties.* as * | eval user=lower(user) "
          "| stats count min(_time) as firstTime by user appId")
NARROW = Drilldown('View the sign-in and audit events behind the finding for - "$user$" and "$appId$"',
                   '`azure_monitor_aad` "$appId$" | where user="$user$"', "$info_min_time$", "$info_max_time$")
RIGHT = Drilldown('View the sign-in and audit events behind the finding for - "$user$" and "$appId$"',
                  '`azure_monitor_aad` "$appId$" | eval user=lower(user) | search user="$user$"',
                  "$info_min_time$", "$info_max_time$")
EVENTS = [
    f.sign_in("a@contoso.example", 65004, minute=0),
    f.sign_in("A@Contoso.example", 65004, minute=5),  # the UPN as typed: the same user
    f.sign_in("a@contoso.example", 0, minute=7),  # a success: the base search does not match it
    f.sign_in("b@contoso.example", 65004, app_id="app-2", minute=9),  # another row
]


def _every(event: Event) -> bool:
    """Try every event a base search matches (as if no drilldown returned any)."""
    return True


def _left_out(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Each run of a search (the detection's or a risk_from detection's) lineage makes, in order: the ``_raw`` of
    the event left out (None: the run with every event)."""
    runs: list[str | None] = []
    run = lineage_module._Search.run

    def recording(self: lineage_module._Search, engine: Engine, kept: Sequence[Event], without: Event | None,
                  risk: Sequence[Event], now: float) -> Results:
        runs.append(None if without is None else str(without["_raw"]))
        return run(self, engine, kept, without, risk, now)

    monkeypatch.setattr(lineage_module._Search, "run", recording)
    return runs


def _records(tmp_path: Path, data: str) -> list[str]:
    """The ``_raw`` of each record of a test's data file (one JSON line each), in file order."""
    return (tmp_path / data).read_text(encoding="utf-8").splitlines()


def _replayed(tmp_path: Path, drilldown: Drilldown, *, all_time: bool = True) -> DetectionTestOutcome:
    data = f.write_events(tmp_path, "declines", EVENTS)
    detection = f.detection(search=SEARCH, tests=[f.unit_test(data, expected=2)], drilldowns=(drilldown,))
    [outcome] = replay_pack(f.pack(tmp_path, detection), all_time=all_time).outcomes
    return outcome


def test_the_events_behind_a_row_are_those_without_which_it_is_not_yielded(tmp_path: Path) -> None:
    """Both refusals of user a are behind a's row (without either, the count is 1: not the same row); b's refusal
    is behind b's row only; the success is matched by no base search, so it is behind nothing."""
    data = f.write_events(tmp_path, "declines", EVENTS)
    engine, events = f.indexed(f.pack(tmp_path), tmp_path, data)
    rows = engine.search(SEARCH, now=2e9).rows
    result = events_behind(engine, SEARCH, events, rows, 2e9, unreturned=_every)
    assert result.not_checked is None
    behind = {str(row["user"]): [str(e["_raw"]) for e in each] for row, each in zip(rows, result.rows)}
    assert behind == {"a@contoso.example": [str(events[0]["_raw"]), str(events[1]["_raw"])],
                      "b@contoso.example": [str(events[3]["_raw"])]}


def test_an_events_drilldown_keyed_too_narrowly_misses_an_event_behind_the_finding(tmp_path: Path) -> None:
    """The old check passed this drilldown (it returns a row for every finding); now it fails, naming the
    drilldown, the row's token values and the missing refusal by its time and operation."""
    outcome = _replayed(tmp_path, NARROW)
    [check] = [c for c in outcome.checks if c.name == "drilldown[0]"]
    assert not check.ok and not outcome.ok
    assert check.detail == (
        "row 0 (appId=app-1, user=a@contoso.example): drilldown 'View the sign-in and audit events behind the "
        "finding for - \"$user$\" and \"$appId$\"' misses 1 event(s) behind the finding: "
        "2026-10-13T12:05:00.000Z Sign-in activity")


def test_an_events_drilldown_that_returns_every_event_behind_passes(tmp_path: Path) -> None:
    """Lower-cased as the detection does, the drilldown returns both refusals (and the success, which is not
    behind the finding but does no harm); the scheduled replay checks it too."""
    outcome = _replayed(tmp_path, RIGHT, all_time=False)
    [check] = [c for c in outcome.checks if c.name == "drilldown[0]"]
    assert check.ok and check.detail == "2 row(s) drilled down"
    assert outcome.warnings == ()


def test_too_many_events_to_leave_out_is_a_warning_never_a_silent_pass(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lineage_module, "MAX_EVENTS", 2)
    outcome = _replayed(tmp_path, NARROW)
    assert outcome.ok  # not checked: the narrow drilldown is not caught, and the test says so twice
    why = "its base search matches 3 event(s) an events drilldown does not return, more than 2"
    assert outcome.warnings == (f"drilldown lineage not checked: {why}",)
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == [
        f"2 row(s) drilled down; the events behind each row not checked: {why}"]


# One user's finding alone: a's two refusals (one typed in capitals) and a success no base search matches.
ONE_FINDING = EVENTS[:3]


def _one_finding(tmp_path: Path, drilldown: Drilldown) -> tuple[DetectionTestOutcome, list[str]]:
    """The single-row test's outcome and its records' ``_raw``."""
    data = f.write_events(tmp_path, "declines", ONE_FINDING)
    detection = f.detection(search=SEARCH, tests=[f.unit_test(data, expected=1)], drilldowns=(drilldown,))
    [outcome] = replay_pack(f.pack(tmp_path, detection), all_time=True).outcomes
    return outcome, _records(tmp_path, data)


def test_an_event_the_drilldown_returns_is_never_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The narrow drilldown returns the lower-case refusal: whether it is behind the finding cannot change the
    check, so the search runs once with every event and once without the capitalised refusal, which it misses --
    and which is still reported."""
    runs = _left_out(monkeypatch)
    outcome, (refusal, typed, _) = _one_finding(tmp_path, NARROW)
    assert runs == [None, typed] and refusal not in runs
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == [
        "row 0 (appId=app-1, user=a@contoso.example): drilldown 'View the sign-in and audit events behind the "
        "finding for - \"$user$\" and \"$appId$\"' misses 1 event(s) behind the finding: "
        "2026-10-13T12:05:00.000Z Sign-in activity"]


def test_when_the_drilldown_returns_every_matched_event_no_search_is_run_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing it could miss, so nothing to find out: not even the run with every event."""
    runs = _left_out(monkeypatch)
    outcome, _ = _one_finding(tmp_path, RIGHT)
    assert runs == []
    assert outcome.ok and outcome.warnings == ()
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == ["1 row(s) drilled down"]


def test_the_limit_counts_the_events_left_out_not_those_matched(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Two refusals matched, one left out: within a limit of one the miss is found; a limit of none names the
    one event it would have left out."""
    monkeypatch.setattr(lineage_module, "MAX_EVENTS", 1)
    outcome, _ = _one_finding(tmp_path, NARROW)
    assert not outcome.ok and outcome.warnings == ()
    monkeypatch.setattr(lineage_module, "MAX_EVENTS", 0)
    outcome, _ = _one_finding(tmp_path, NARROW)
    assert outcome.ok and outcome.warnings == (
        "drilldown lineage not checked: its base search matches 1 event(s) an events drilldown does not return, more "
        "than 0",)


# A correlation over the risk of two detections: the events behind its finding are those behind the risk events it
# reads, whichever detection wrote them -- the refusal (a sign-in) and the grant (an audit record) alike.
GRANTED = f.GRANTED_SEARCH
CORRELATION = ("| from datamodel Risk.All_Risk "
               "| stats sum(risk_score) as risk_score dc(source) as source_count by appId | where source_count >= 2")
APP_EVENTS = Drilldown('View the sign-in and audit events behind the finding for - "$appId$"',
                       '`azure_monitor_aad` "$appId$"', "$info_min_time$", "$info_max_time$")
SIGN_INS_ONLY = Drilldown('View the sign-ins behind the finding for - "$appId$"',
                          '`azure_monitor_aad` operationName="Sign-in activity" "$appId$"', "$info_min_time$",
                          "$info_max_time$")


CORRELATED = [
    f.sign_in("a@contoso.example", 65004, minute=1),  # behind app-1's finding: its refusal risk
    f.sign_in("a@contoso.example", 0, minute=2),  # a success: no base search matches it
    f.granted("a@contoso.example", "app-1", 5),  # behind app-1's finding: its grant risk
    f.sign_in("b@contoso.example", 65004, app_id="app-2", minute=7),  # app-2's risk: one source, no finding
]


def _correlation_pack(tmp_path: Path, drilldown: Drilldown, granted: str = GRANTED) -> Pack:
    data = f.write_events(tmp_path, "declined_then_granted", CORRELATED)
    declined = f.detection("Test Declined")
    consented = f.detection("Test Granted", granted,
                            rba=Rba("User $user$ granted consent to $appId$", (RiskObject("user", "user", 50),), ()))
    correlation = f.detection("Test Correlation", CORRELATION, kind="Correlation", with_rba=False,
                              drilldowns=(drilldown,),
                              tests=[f.unit_test(data, risk_from=[declined.name, consented.name],
                                                 rows=[{"appId": "app-1", "risk_score": "80"}])])
    return f.pack(tmp_path, declined, consented, correlation)


def _correlation_outcome(pack: Pack, *, all_time: bool = True) -> DetectionTestOutcome:
    [outcome] = replay_pack(pack, [pack.detections[2]], all_time=all_time).outcomes
    return outcome


def test_the_events_behind_a_correlation_row_are_those_behind_the_risk_it_reads(tmp_path: Path) -> None:
    """Without the refusal or without the grant, app-1 has risk from one detection: no finding. The success is
    matched by neither detection's base search; b's refusal is behind app-2's risk, which makes no finding."""
    pack = _correlation_pack(tmp_path, APP_EVENTS)
    engine, events = f.indexed(pack, tmp_path, "attack_data/declined_then_granted.log")
    declined, granted, correlation = pack.detections
    engine.register_risk_index([risk for source in (declined, granted) for risk in
                                risk_events(f.APP, source, engine.search(source.search, now=2e9).rows, 2e9)])
    rows = engine.search(CORRELATION, now=2e9).rows
    assert [(row["appId"], row["risk_score"]) for row in rows] == [("app-1", 80)]
    result = events_behind(engine, CORRELATION, events, rows, 2e9, RiskFrom(f.APP, (declined, granted)),
                           unreturned=_every)
    assert result.not_checked is None
    refusal, grant = str(events[0]["_raw"]), str(events[2]["_raw"])
    assert [[str(e["_raw"]) for e in each] for each in result.rows] == [[refusal, grant]]


def test_a_correlation_events_drilldown_that_returns_them_passes(tmp_path: Path) -> None:
    outcome = _correlation_outcome(_correlation_pack(tmp_path, APP_EVENTS), all_time=False)
    assert outcome.ok, outcome.failures
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == ["1 row(s) drilled down"]
    assert outcome.warnings == ()


def test_a_correlation_events_drilldown_that_misses_the_grant_fails(tmp_path: Path) -> None:
    """Before, a correlation's events drilldown was not checked (its search starts with ``| from``), so this one,
    which returns the refusal and hides the grant that made the finding, passed."""
    outcome = _correlation_outcome(_correlation_pack(tmp_path, SIGN_INS_ONLY))
    assert not outcome.ok
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == [
        "row 0 (appId=app-1): drilldown 'View the sign-ins behind the finding for - \"$appId$\"' misses 1 event(s) "
        "behind the finding: 2026-10-13T12:05:30.000Z Consent to application"]


def test_a_correlation_leaves_out_only_the_events_its_drilldown_does_not_return(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sign-ins drilldown returns a's refusal and success for app-1: neither is left out. The grant it misses
    and b's refusal (app-2, not returned for app-1's row) are, through the detection whose base search matches
    each; the missed grant is reported."""
    runs = _left_out(monkeypatch)
    outcome = _correlation_outcome(_correlation_pack(tmp_path, SIGN_INS_ONLY))
    _refusal, _success, grant, other = _records(tmp_path, "attack_data/declined_then_granted.log")
    assert set(runs) == {None, grant, other}
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == [
        "row 0 (appId=app-1): drilldown 'View the sign-ins behind the finding for - \"$appId$\"' misses 1 event(s) "
        "behind the finding: 2026-10-13T12:05:30.000Z Consent to application"]


def test_too_many_events_behind_a_correlation_to_leave_out_is_a_warning(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted over every detection's base search, of the events the drilldown does not return: the grant and
    b's refusal (a's refusal it returns)."""
    monkeypatch.setattr(lineage_module, "MAX_EVENTS", 1)
    outcome = _correlation_outcome(_correlation_pack(tmp_path, SIGN_INS_ONLY))
    why = ("the base searches of it and its risk_from detections match 2 event(s) an events drilldown does not "
           "return, more than 1")
    assert outcome.ok and outcome.warnings == (f"drilldown lineage not checked: {why}",)
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == [
        f"1 row(s) drilled down; the events behind each row not checked: {why}"]


def test_a_risk_from_detection_whose_events_cannot_be_tried_is_named_not_checked(tmp_path: Path) -> None:
    """Inline time bounds make the grant detection's base search depend on the run: its events cannot be matched
    once, so nothing is said of the finding's events -- and the check says so, naming the detection."""
    outcome = _correlation_outcome(_correlation_pack(tmp_path, SIGN_INS_ONLY, granted=f"earliest=0 {GRANTED}"))
    assert outcome.ok and outcome.warnings == ()
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == [
        "1 row(s) drilled down; the events behind each row not checked: the search of risk_from detection "
        "'Test Granted' does not start with a base search matched once over the events (a generating command such "
        "as | from, a subsearch or inline time bounds)"]


def test_a_search_over_the_risk_index_without_risk_from_is_not_checked(tmp_path: Path) -> None:
    """No detection named to write its risk: no event can be tried, which its events drilldown's check says."""
    data = f.write_events(tmp_path, "declines", EVENTS)
    events = Drilldown('Events of "$risk_object$"', '`azure_monitor_aad` | search user="$risk_object$"', None, None)
    correlation = f.detection("Test Correlation", "| makeresults | eval risk_object=\"a@contoso.example\"",
                              kind="Correlation", tests=[f.unit_test(data)], drilldowns=(events,), with_rba=False)
    [outcome] = replay_pack(f.pack(tmp_path, correlation), all_time=True).outcomes
    assert outcome.failures == [] and outcome.warnings == ()
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == [
        "1 row(s) drilled down; the events behind each row not checked: its search does not start with a base "
        "search matched once over the events (a generating command such as | from, a subsearch or inline time "
        "bounds)"]


def _behind(tmp_path: Path, search: str, sign_ins: list[dict[str, object]]) -> tuple[list[Event], EventsBehind]:
    """``events_behind`` of every row of ``search`` over ``sign_ins``, every matched event tried."""
    data = f.write_events(tmp_path, "declines", sign_ins)
    engine, events = f.indexed(f.pack(tmp_path), tmp_path, data)
    rows = engine.search(search, now=2e9).rows
    return rows, events_behind(engine, search, events, rows, 2e9, unreturned=_every)


def test_the_search_run_again_sees_the_events_in_the_engines_order(tmp_path: Path) -> None:
    """A search whose row depends on the events' order (``dedup`` keeps the first, and the engine gives events
    newest first) is run again over the events in that same order, so its rows are the replay's and the events
    behind them are known (oldest first, they were another user's row: "not checked")."""
    search = ('`azure_monitor_aad` properties.status.errorCode=65004 | rename properties.* as * '
              "| dedup appId | table user appId")
    rows, result = _behind(tmp_path, search, [f.sign_in("old@contoso.example", 65004, minute=0),
                                              f.sign_in("new@contoso.example", 65004, minute=5)])
    assert [row["user"] for row in rows] == ["new@contoso.example"]
    assert result.not_checked is None
    [[event]] = result.rows
    assert "new@contoso.example" in str(event["_raw"])


def test_only_the_rows_drilldowns_are_filled_from_are_traced(tmp_path: Path) -> None:
    """Lineage is asked for the first DRILLDOWN_ROWS rows, those the drilldowns are filled from, not all."""
    sign_ins = [f.sign_in(f"u{i}@contoso.example", 65004, minute=i) for i in range(DRILLDOWN_ROWS + 2)]
    rows, result = _behind(tmp_path, SEARCH, sign_ins)
    assert len(rows) == DRILLDOWN_ROWS + 2
    assert len(result.rows) == DRILLDOWN_ROWS
    assert all(len(each) == 1 for each in result.rows)


def test_a_whole_run_that_does_not_give_the_rows_is_a_warning_never_an_answer() -> None:
    """When the search over the events as held does not give the replay's rows, no event can be said to be
    behind them: the check is named not checked, and warns (the gap is the test's)."""
    result = lineage_module._leave_one_out([{"_raw": "e"}], [{"user": "a"}], lambda without: Results([], []))
    assert result.rows == () and result.warn
    assert result.not_checked is not None and "does not give the rows" in result.not_checked


def test_a_narrow_drilldown_names_three_missed_events_and_counts_the_rest(tmp_path: Path) -> None:
    """Four refusals typed with capitals are behind a's finding and the narrow drilldown misses them all: the
    failure names the first three (SHOWN_EVENTS) and says how many more."""
    sign_ins = [f.sign_in("a@contoso.example", 65004, minute=0)] + [
        f.sign_in("A@Contoso.example", 65004, minute=m) for m in (1, 2, 3, 4)]
    data = f.write_events(tmp_path, "declines", sign_ins)
    detection = f.detection(search=SEARCH, tests=[f.unit_test(data, expected=1)], drilldowns=(NARROW,))
    [outcome] = replay_pack(f.pack(tmp_path, detection)).outcomes
    [check] = [c for c in outcome.checks if c.name == "drilldown[0]"]
    assert not check.ok
    assert "misses 4 event(s) behind the finding: 2026-10-13T12:01:00.000Z Sign-in activity; " \
           "2026-10-13T12:02:00.000Z Sign-in activity; 2026-10-13T12:03:00.000Z Sign-in activity (+1 more)" \
           in check.detail


# The refusals and, through a subsearch, the grants of an application: both are behind its count.
APPENDED = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
            "| rename properties.* as * "
            '| append [search `azure_monitor_aad` operationName="Consent to application" '
            "| rename properties.appId as appId] | stats count by appId")
SIGN_INS = Drilldown('View the sign-ins for - "$appId$"',
                     '`azure_monitor_aad` operationName="Sign-in activity" "$appId$"', "$info_min_time$",
                     "$info_max_time$")
BOTH = Drilldown('View the events for - "$appId$"', '`azure_monitor_aad` "$appId$"', "$info_min_time$",
                 "$info_max_time$")


def _appended(tmp_path: Path, drilldown: Drilldown, search: str = APPENDED) -> DetectionTestOutcome:
    events = [f.sign_in("a@contoso.example", 65004, minute=0), f.granted("b@contoso.example", "app-1", 5)]
    data = f.write_events(tmp_path, "declined_and_granted", events)
    detection = f.detection(search=search, tests=[f.unit_test(data)], drilldowns=(drilldown,), with_rba=False)
    [outcome] = replay_pack(f.pack(tmp_path, detection), all_time=True).outcomes
    return outcome


def test_an_event_only_a_subsearch_reads_is_tried(tmp_path: Path) -> None:
    """b's grant reaches the row through ``append [search ...]`` alone: the base search never matches it, and it was
    never left out, so a drilldown on sign-ins only passed. Left out, the count is 1: it is behind the row."""
    outcome = _appended(tmp_path, SIGN_INS)
    assert not outcome.ok
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == [
        "row 0 (appId=app-1): drilldown 'View the sign-ins for - \"$appId$\"' misses 1 event(s) behind the finding: "
        "2026-10-13T12:05:30.000Z Consent to application"]


def test_a_drilldown_returning_the_events_a_subsearch_reads_too_passes(tmp_path: Path) -> None:
    outcome = _appended(tmp_path, BOTH)
    assert outcome.ok, outcome.failures
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == ["1 row(s) drilled down"]


def test_a_subsearch_whose_events_cannot_be_matched_once_is_said_not_checked(tmp_path: Path) -> None:
    """A subsearch with inline time bounds: its events cannot be matched once for every run, so the events behind
    the row are not known, which the drilldown's check says."""
    outcome = _appended(tmp_path, SIGN_INS, APPENDED.replace('operationName="Consent to application"',
                                                             'operationName="Consent to application" earliest=0'))
    assert outcome.ok and [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == [
        "1 row(s) drilled down; the events behind each row not checked: a subsearch that reads events does not start "
        "with a base search matched once over the events (a generating command such as | from, a subsearch or inline "
        "time bounds)"]
