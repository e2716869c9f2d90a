"""The events behind a finding (leave-one-out, ``replay.lineage``) and the events drilldown that must return them.

The fixture is the guest's refusal in small: a user whose UPN one record writes as typed (``A@Contoso.example``)
declines the same application twice; the detection lower-cases the UPN, so both refusals make one row (count 2).
A drilldown that compares the UPN case-sensitively (``where``) returns one of the two -- which the drilldown
check accepted before, as it asked only for some row -- and hides the other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.model import Drilldown
from contentpack.replay import build_engine, replay_pack
from contentpack.replay import lineage as lineage_module
from contentpack.replay.lineage import events_behind
from contentpack.replay.runner import DetectionTestOutcome
from contentpack.spl.events import read_events

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


def _replayed(tmp_path: Path, drilldown: Drilldown, *, all_time: bool = True) -> DetectionTestOutcome:
    data = f.write_events(tmp_path, "declines", EVENTS)
    detection = f.detection(search=SEARCH, tests=[f.unit_test(data, expected=2)], drilldowns=(drilldown,))
    [outcome] = replay_pack(f.pack(tmp_path, detection), all_time=all_time).outcomes
    return outcome


def test_the_events_behind_a_row_are_those_without_which_it_is_not_yielded(tmp_path: Path) -> None:
    """Both refusals of user a are behind a's row (without either, the count is 1: not the same row); b's refusal
    is behind b's row only; the success is matched by no base search, so it is behind nothing."""
    data = f.write_events(tmp_path, "declines", EVENTS)
    pack = f.pack(tmp_path)
    engine = build_engine(pack)
    events = list(read_events(tmp_path / data, sourcetype=f.SOURCETYPE, source="Azure AD", host="", index="main"))
    engine.register_events(events)
    rows = engine.search(SEARCH, now=2e9).rows
    result = events_behind(engine, SEARCH, events, (), rows, 2e9)
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
        "finding for - \"$user$\" and \"$appId$\"' misses 1 of the 2 event(s) behind the finding: "
        "2026-10-13 12:05:00 Sign-in activity")


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
    assert outcome.warnings == ("drilldown lineage not checked: its base search matches 3 events, more than 2",)
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == [
        "2 row(s) drilled down; the events behind each row not checked: its base search matches 3 events, more "
        "than 2"]


def test_a_search_over_the_risk_index_says_its_events_drilldown_is_not_checked(tmp_path: Path) -> None:
    """A correlation reads risk events, not the indexed events its events drilldown returns: nothing to leave
    out. Its events drilldown's check says so; no warning, as no data of the test could change it."""
    data = f.write_events(tmp_path, "declines", EVENTS)
    writer = f.detection(tests=[f.unit_test(data, expected=2)])
    events = Drilldown('Events of "$risk_object$"', '`azure_monitor_aad` | search user="$risk_object$"', None, None)
    correlation = f.detection("Test Correlation", "| from datamodel Risk.All_Risk | stats count by risk_object",
                              kind="Correlation", tests=[f.unit_test(data, expected=3, risk_from=[writer.name])],
                              drilldowns=(events,), with_rba=False)
    outcome = replay_pack(f.pack(tmp_path, writer, correlation), [correlation], all_time=True).outcomes[0]
    assert outcome.failures == [] and outcome.warnings == ()
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == [
        "3 row(s) drilled down; the events behind each row not checked: its search does not start with a base "
        "search matched once over the events (a generating command such as | from, a subsearch or inline time "
        "bounds)"]
