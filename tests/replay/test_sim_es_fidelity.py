"""The simulation against the savedsearches.conf the build writes: each setting the app ships that decides when a
search runs, over what, and which of its results raise actions, read beside what the simulation does with it.

Why a module of its own: ``test_sim_mechanics.py`` pins each mechanism on hand-made schedules; these tests take
the setting from the built stanza (``detection_stanza``), so a build that changed ``realtime_schedule``,
``alert.digest_mode``, the throttling keys or the ``_risk`` entries without the simulation following fails here.

Sources:
* savedsearches.conf.spec (9.0.3, as shipped in ``etc/system/README``): ``realtime_schedule`` "When set to
  'false', the scheduler determines the next scheduled search run time based on the last run time for the search.
  This is called continuous scheduling. ... the scheduler never skips scheduled execution periods";
  ``alert.digest_mode`` "Specifies whether Splunk applies the alert actions to the entire result set or to each
  individual result"; ``alert.suppress.fields`` "List of fields to use when suppressing per-result alerts".
* ES 7.3 *Correlation search tutorial, Part 4: Schedule the correlation search* (help.splunk.com/
  splunk-enterprise-security-7/tutorials-and-use-cases/7.3/correlation-search-tutorial/
  part-4-schedule-the-correlation-search): "By default, each result returned by the correlation search generates
  an alert"; with a Window Duration of 1 day and "app and src as Fields to group by ... no matter how many ...
  matches there are in one day that contain the same app and source field values, only one alert is created."
* Alerting Manual, *Throttle alerts* (docs.splunk.com/Documentation/Splunk/9.4.0/Alert/ThrottleAlerts), per-result:
  "After an alert on one event where both the product_category field AND the best_sellers have value arcade,
  subsequent events with the arcade value in the product_category and the best_sellers field are suppressed during
  the throttling time period."
* splunk.es Ansible collection (ansible-collections/splunk.es, plugins/action/splunk_correlation_searches.py): the
  correlation-search editor's "Trigger alert" maps to ``alert.digest_mode`` (true: "once"), "Window duration" to
  ``alert.suppress.period`` and "Fields to group by" to ``alert.suppress.fields``: the group-by throttling above
  is the one ES correlation searches carry beside ``alert.digest_mode = 1``.
"""

from __future__ import annotations

import json
from pathlib import Path

from contentpack.content.model import IngestionDelay, Rba, RiskObject, ThreatObject
from contentpack.esapp.savedsearches import detection_stanza
from contentpack.simulate import schedule_of

from . import factory as f
from .simfactory import clock, decline, scheduled, simulate_file, ts, ttp

COUNT_SEARCH = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
                "| stats count by user")


def _conf(detection: object) -> dict[str, str]:
    return dict(detection_stanza(f.APP, detection, "compact").entries)  # type: ignore[arg-type]


def test_continuous_scheduling_runs_every_period_each_over_its_own_window(tmp_path: Path) -> None:
    """``realtime_schedule = 0`` (continuous): "never skips scheduled execution periods" -- every cron tick of the
    timeline is a run, and each run's window is resolved from its own scheduled time, not from the run before or
    after it (a late run of a continuous search still covers its own period)."""
    detection = ttp("Counter", COUNT_SEARCH)
    conf = _conf(detection)
    assert conf["realtime_schedule"] == "0" and conf["cron_schedule"] == "0 * * * *"
    data = f.write_events(tmp_path, "one", [decline("a@contoso.example", "2026-10-13 09:15")])
    result = simulate_file(tmp_path, f.pack(tmp_path, detection), data, IngestionDelay(fixed="0s"))
    runs = result.runs_of("Counter")
    schedule = schedule_of(detection)
    assert [r.run_time for r in runs] == list(schedule.cron.ticks(result.start, result.end))
    assert all((r.earliest, r.latest) == schedule.window(r.run_time) for r in runs)
    assert [(clock(r.earliest), clock(r.latest)) for r in runs if r.rows] == [("2026-10-13 08:50", "2026-10-13 09:50")]
    assert [clock(r.run_time) for r in runs if r.rows] == ["2026-10-13 10:00"]


def test_digest_mode_with_group_by_fields_throttles_each_result_by_its_values(tmp_path: Path) -> None:
    """The build writes ``alert.digest_mode = 1`` with ``alert.suppress.fields``; ES raises one alert per result
    and throttles per combination of the group-by values ("only one alert is created" per app and src a day): two
    users in one run give two notables; the same users again inside the period give none; a third user fires."""
    detection = ttp("Counter", COUNT_SEARCH, earliest="-1450m@m", throttle=(["user"], "24h"))
    conf = _conf(detection)
    assert (conf["alert.digest_mode"], conf["alert.suppress"], conf["alert.suppress.fields"],
            conf["alert.suppress.period"]) == ("1", "true", "user", "24h")
    data = f.write_events(tmp_path, "three", [decline("a@contoso.example", "2026-10-13 09:15"),
                                              decline("b@contoso.example", "2026-10-13 09:20"),
                                              decline("c@contoso.example", "2026-10-13 12:15")])
    result = simulate_file(tmp_path, f.pack(tmp_path, detection), data, IngestionDelay(fixed="0s"))
    fired = [(clock(n.run_time), n.fields["user"]) for n in result.notables_of("Counter")]
    assert fired == [("2026-10-13 10:00", "a@contoso.example"), ("2026-10-13 10:00", "b@contoso.example"),
                     ("2026-10-13 13:00", "c@contoso.example")]
    # a and b are returned by every hourly run for a day; no run inside their 24h raises them again
    returned = sum(len(r.rows) for r in result.runs_of("Counter"))
    assert returned > 3 and len(result.risk) == 3


def test_each_risk_event_carries_the_score_of_its_own_risk_entry(tmp_path: Path) -> None:
    """``action.risk.param._risk`` holds one entry per risk object with its own ``risk_score``, and the threat
    objects beside them (escu_format.md §3.5): the simulated risk events take the score of the entry for their
    risk-object field, and every risk event of a result carries that result's threat objects."""
    search = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
              "| rename properties.appId as appId | stats count by user dest appId")
    rba = Rba("$user$ declined $appId$", (RiskObject("user", "user", 30), RiskObject("dest", "system", 10)),
              (ThreatObject("appId", "url"),))
    detection = scheduled(f.detection("Scored", search, rba=rba, drilldowns=()))
    entries = json.loads(_conf(detection)["action.risk.param._risk"])
    scores = {e["risk_object_field"]: e["risk_score"] for e in entries if "risk_object_field" in e}
    threats = [(e["threat_object_field"], e["threat_object_type"]) for e in entries if "threat_object_field" in e]
    assert scores == {"user": 30, "dest": 10} and threats == [("appId", "url")]
    data = f.write_events(tmp_path, "one", [decline("a@contoso.example", "2026-10-13 09:15")])
    result = simulate_file(tmp_path, f.pack(tmp_path, detection), data, IngestionDelay(fixed="0s"))
    [row] = [row for run in result.runs_of("Scored") for row in run.rows]
    got = [(e["risk_object"], e["risk_object_type"], e["risk_score"], e["threat_object"]) for e in result.risk]
    assert got == [(row["user"], "user", scores["user"], row["appId"]),
                   (row["dest"], "system", scores["dest"], row["appId"])]
    assert result.risk_scores() == {row["user"]: 30, row["dest"]: 10}
    assert all(e["_indextime"] == ts("2026-10-13 10:00") for e in result.risk)


def test_the_alert_condition_the_build_writes_is_any_result(tmp_path: Path) -> None:
    """The build writes ``counttype = number of events``, ``relation = greater than``, ``quantity = 0``
    (savedsearches.conf.spec: the alert triggers when the number of results is greater than the quantity): every
    run that returns a row raises its actions, a run returning none raises nothing. The simulation has no alert
    condition of its own, so a build writing another would leave it wrong: this pins the two together."""
    detection = ttp("Counter", COUNT_SEARCH)
    conf = _conf(detection)
    assert (conf["counttype"], conf["relation"], conf["quantity"]) == ("number of events", "greater than", "0")
    data = f.write_events(tmp_path, "one", [decline("a@contoso.example", "2026-10-13 09:15")])
    result = simulate_file(tmp_path, f.pack(tmp_path, detection), data, IngestionDelay(fixed="0s"))
    raising = [clock(r.run_time) for r in result.runs_of("Counter") if r.rows]
    assert raising == ["2026-10-13 10:00"] and len(result.runs_of("Counter")) > 1
    assert [clock(n.run_time) for n in result.notables_of("Counter")] == raising
    assert [clock(float(e["_indextime"])) for e in result.risk] == raising  # type: ignore[arg-type]
