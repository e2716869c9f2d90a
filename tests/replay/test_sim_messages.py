"""The simulated runs' job messages (``spl.messages``): a subsearch cut at its maxout, said by the runs that cut it.

Search Manual, "About subsearches": a subsearch returns at most 10,000 results (limits.conf ``[subsearch]
maxout``), the rest are dropped, and the job says so beside the results ("[subsearch]: Subsearch produced N
results, truncating to maxout M.", wording ``assumed``). A scheduled search is a job at every run, so each run
that cuts its subsearch says it; the simulation keeps each distinct message once per detection, with how many
runs said it and the first of them, and the replay turns them into the test's warnings. The tests lower the
maxout (``SUBSEARCH_MAXOUT``) so that a few events exceed it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contentpack.content.model import IngestionDelay
from contentpack.replay.runner import replay_pack
from contentpack.replay.report import render_table, report_json, summary
from contentpack.simulate import RunMessage
from contentpack.spl.commands import search as search_command
from contentpack.spl.messages import subsearch_truncated

from . import factory as f
from .simfactory import decline, simulate_file, ts, ttp

# every sign-in of the run's window, as a subsearch: its results grow with the window's events
CUT_SEARCH = ('`azure_monitor_aad` operationName="Sign-in activity" '
              'NOT [search `azure_monitor_aad` operationName="Sign-in activity" | eval user="nobody" | fields user] '
              "| stats count by user")
PLAIN_SEARCH = '`azure_monitor_aad` operationName="Sign-in activity" | stats count by user'


@pytest.fixture
def maxout_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_command, "SUBSEARCH_MAXOUT", 1)


def _declines(tmp_path: Path, *minutes: str) -> str:
    return f.write_events(tmp_path, "declines", [decline(f"u{n}@contoso.example", f"2026-10-13 {at}")
                                                 for n, at in enumerate(minutes)])


def test_each_distinct_message_is_kept_once_with_its_runs_and_first_run(tmp_path: Path, maxout_1: None) -> None:
    """Runs every 5 minutes over the 10 minutes before: the 10:05 run's subsearch finds 2 sign-ins (10:00,
    10:04), the 10:10 run's 3, the 10:15 run's 1 (not cut), the 11:05 and 11:10 runs' 2 again (11:00, 11:04).
    Each distinct message is one record: how many runs said it, and the first."""
    data = _declines(tmp_path, "10:00", "10:04", "10:06", "11:00", "11:04")
    detection = ttp("Counter", CUT_SEARCH, cron="*/5 * * * *", earliest="-10m@m", latest="@m")
    result = simulate_file(tmp_path, f.pack(tmp_path, detection), data, IngestionDelay(fixed="30s"))
    assert result.messages == (RunMessage("Counter", subsearch_truncated(2, 1), 3, ts("2026-10-13 10:05")),
                               RunMessage("Counter", subsearch_truncated(3, 1), 1, ts("2026-10-13 10:10")))
    assert result.messages_of("Counter") == list(result.messages) and result.messages_of("Other") == []
    total = len(result.runs_of("Counter"))
    assert result.messages[0].tally(total) == f"(3 of {total} runs, first at 2026-10-13T10:05:00.000Z)"


def test_runs_with_no_input_still_say_what_their_subsearch_said(tmp_path: Path, maxout_1: None) -> None:
    """A subsearch of ``| makeresults count=2`` runs at every run, whatever the run's events (Splunk runs the
    subsearch first and puts its results into the search): a run with nothing to read is not skipped when the
    first such run said something, so every run counts."""
    data = _declines(tmp_path, "10:00")
    search = PLAIN_SEARCH.replace("| stats", '| search NOT [| makeresults count=2 | eval user="nobody" '
                                            "| fields user] | stats", 1)
    result = simulate_file(tmp_path, f.pack(tmp_path, ttp("Counter", search)), data)
    runs = result.runs_of("Counter")
    assert len(runs) > 2 and sum(1 for r in runs if r.events_read) == 1
    assert result.messages == (RunMessage("Counter", subsearch_truncated(2, 1), len(runs), runs[0].run_time),)


def test_a_search_without_a_cut_keeps_no_message(tmp_path: Path, maxout_1: None) -> None:
    data = _declines(tmp_path, "10:00", "10:04")
    pack = f.pack(tmp_path, ttp("Counter", PLAIN_SEARCH, cron="*/5 * * * *", earliest="-10m@m", latest="@m"))
    assert simulate_file(tmp_path, pack, data, IngestionDelay(fixed="30s")).messages == ()


def test_scheduled_runs_messages_are_warnings_of_the_test(tmp_path: Path, maxout_1: None) -> None:
    """The replay's scheduled mode: the runs' messages are the test's warnings beside the all-time search's,
    with how many of the detection's runs said them and the first (the hourly run at 13:00 over [11:50, 12:50)
    holds both sign-ins; no other run does) -- in the table, the JSON and the summary's count. A risk_from
    detection's are named after it; a test naming its own detection in risk_from tells them once."""
    data = f.write_events(tmp_path, "declines", [f.sign_in("a@contoso.example", 65004),
                                                 f.sign_in("b@contoso.example", 65004, minute=5)])
    search = f.DECLINED_SEARCH.replace(
        "errorCode=65004 ", 'errorCode=65004 NOT [search operationName="Sign-in activity" | eval user="nobody" '
                            "| fields user] ", 1)
    tests = [f.unit_test(data, expected=2), f.unit_test(data, name="Own Risk", expected=2,
                                                        risk_from=["Test Declined"])]
    other = f.detection("Other Declined", tests=[f.unit_test(data, name="From Cut", expected=2,
                                                             risk_from=["Test Declined"])])
    pack = f.pack(tmp_path, f.detection(search=search, tests=tests), other)
    report = replay_pack(pack)
    cut = "[subsearch]: Subsearch produced 2 results, truncating to maxout 1."
    own, with_self, with_cut = report.outcomes
    runs = own.scheduled.runs if own.scheduled is not None else 0
    scheduled = f"scheduled runs (warn): {cut} (1 of {runs} runs, first at 2026-10-13T13:00:00.000Z)"
    # the drilldown on the original search is cut too, opened from either row: said once
    drilldown = f"""drilldown 'View the detection results for - "$user$" and "$appId$"' (warn): {cut}"""
    assert own.ok and own.warnings == (f"search (warn): {cut}", drilldown, scheduled)
    assert with_self.warnings == (f"risk_from detection 'Test Declined': search (warn): {cut}",
                                  f"search (warn): {cut}", drilldown, scheduled)
    assert with_cut.ok and with_cut.warnings == (f"risk_from detection 'Test Declined': search (warn): {cut}",
                                                 f"risk_from detection 'Test Declined': {scheduled}")
    text = render_table(report)
    assert f"Test Declined / True Positive Test: warning: {scheduled}" in text
    assert summary(report).endswith(", scheduled, 3 with warnings)")
    assert report_json(report)["tests"][0]["warnings"] == [f"search (warn): {cut}", drilldown, scheduled]
    json.dumps(report_json(report))


def test_no_cut_no_scheduled_warning(tmp_path: Path) -> None:
    """The same search with the documented maxout (10,000): nothing is cut, nothing is said."""
    data = f.write_events(tmp_path, "declines", [f.sign_in("a@contoso.example", 65004),
                                                 f.sign_in("b@contoso.example", 65004, minute=5)])
    search = f.DECLINED_SEARCH.replace(
        "errorCode=65004 ", 'errorCode=65004 NOT [search operationName="Sign-in activity" | eval user="nobody" '
                            "| fields user] ", 1)
    pack = f.pack(tmp_path, f.detection(search=search, tests=[f.unit_test(data, expected=2)]))
    [outcome] = replay_pack(pack).outcomes
    assert outcome.ok and outcome.scheduled is not None and outcome.warnings == ()
