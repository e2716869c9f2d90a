"""The risk drilldowns of Risk Across Detections, opened from each of its findings on the replay's scheduled
timelines, return every risk event the finding added up, and none of another application or tenant.

ESCU's "View risk events for the last 7 days" keyed on the finding's ``risk_object`` is the first ranked user's
risk, and hides the other users' risk, the application's campaign score (risk on the application id), a guest's
refusal on their home address and a service principal's risk, which the finding added up too (until version 25 that
was the only risk drilldown). Since 2026-12-07 the replay's own drilldown check asks the same of the risk drilldowns
(``replay.lineage.risk_behind``), from the all-time search's rows; this test asks it of the findings the scheduled
runs raise, each with its run's window (the drilldowns' ``$info_min_time$``/``$info_max_time$``) and the risk index
as it stood at that run, and asks the other half the replay does not: that nothing of another application or tenant
comes back. Which risk events a finding added up is found as ``replay.lineage`` finds them: left out of the risk
index, the correlation's run no longer yields an identical row. Only the risk events no risk drilldown returns are
left out (an event returned cannot be missed), so with drilldowns that return them all no search runs again.

A risk event returned is one row of a drilldown with a ``_time``, matched to the risk index by its time, source, risk
object and score; a ``stats`` row of a risk object's events (ESCU's risk drilldown: ``count`` by
``normalized_risk_object``) is taken to return that many of its events, whichever they are."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from contentpack.content.model import Detection
from contentpack.replay.drilldowns import fill_drilldown, run_drilldown
from contentpack.simulate import build_engine
from contentpack.simulate.notables import Notable
from contentpack.spl import Results
from contentpack.spl.values import Event, Value, mv_values, to_str

from real_pack_runs import real_pack, scheduled_replay

CORRELATION = "Entra ID OAuth Consent Abuse Risk Across Detections"
RISK_DATAMODEL = "| from datamodel Risk.All_Risk"
# Replay tests whose findings add up risk the first user's drilldown does not show: other users', the campaign
# score on the application, a guest's home address, a service principal's, the user unknown's.
SHOWN_TESTS = {"Campaign Victims Ranked Above Decliners", "Thinly Split Campaign Names Each Granter",
               "Guest Who Declined Then Granted Tops The Finding",
               "Application Granting A Role Counts Toward The Granter's Finding",
               "Grant By An Initiator Named By Neither Name Nor Id Counts Toward The Granter's Finding",
               "One Application's Campaign In Two Tenants Raises Two Findings"}

Key = tuple[str, ...]


def _text(value: Value) -> str:
    return ",".join(str(to_str(v)) for v in mv_values(value))


def _key(event: Mapping[str, Value]) -> Key:
    """A risk event as a drilldown row shows it: its time, the search that wrote it, its object and score."""
    return (f"{float(str(to_str(event.get('_time')))):.3f}", _text(event.get("source")),
            _text(event.get("risk_object")), _text(event.get("risk_score")))


def _service_object(event: Mapping[str, Value]) -> str:
    """The application a risk event names, as the correlation reads it: its first threat object of type service."""
    objects = [str(to_str(v)) for v in mv_values(event.get("threat_object"))]
    types = [str(to_str(v)) for v in mv_values(event.get("threat_object_type"))]
    return next((obj.lower() for obj, kind in zip(objects, types) if kind == "service"), "")


def _correlation_row(detection: Detection, notable: Notable, risk: Sequence[Event]) -> Mapping[str, Value] | None:
    """The finding's row (its tenant and application) of the correlation's run over ``risk``."""
    engine = build_engine(real_pack())
    engine.register_risk_index(risk)
    results = engine.search(detection.search, earliest=notable.earliest, latest=notable.latest, now=notable.run_time)
    return next((row for row in results.rows if all(_text(row.get(f)) == _text(notable.fields.get(f))
                                                     for f in ("dest", "app_id"))), None)


def _drilled(detection: Detection, notable: Notable, risk: Sequence[Event]) -> list[Results]:
    """Every risk drilldown of the correlation filled from the notable, run over the risk index."""
    engine = build_engine(real_pack())
    engine.register_risk_index(risk)
    out = []
    for drilldown in detection.drilldown_searches:
        if not drilldown.search.lstrip().startswith(RISK_DATAMODEL):
            continue
        filled = fill_drilldown(detection, drilldown, notable.fields, (notable.earliest, notable.latest), notable.time)
        assert not filled.unfilled and not filled.multivalued and not filled.injected, drilldown.name
        out.append(run_drilldown(engine, filled, notable.run_time))
    return out


def test_risk_drilldowns_return_every_risk_event_behind_each_finding_and_no_other() -> None:
    """From every finding of every test of the correlation, its risk drilldowns together return each risk event whose
    absence changes the finding's row (its users, scores, sources, times), and each risk event they return is of
    the finding's tenant and application. On version 24 the campaign's finding missed every user's risk but the
    first's and the application's campaign score, and each finding of the thin split campaign its application's
    campaign score."""
    [detection] = [d for d in real_pack().detections if d.name == CORRELATION]
    findings = 0
    shown_tests: set[str] = set()
    other_kept_out = 0
    for (name, test), timeline in scheduled_replay().timelines.items():
        if name != CORRELATION:
            continue
        for notable in (n for n in timeline.notables if n.detection == CORRELATION):
            risk = [e for e in timeline.risk if float(str(to_str(e["_indextime"]))) <= notable.run_time]
            row = _correlation_row(detection, notable, risk)
            assert row is not None and _text(row.get("risk_object")) == _text(notable.fields.get("risk_object")), (
                test, notable.fields.get("risk_object"))
            dest, app_id = _text(notable.fields["dest"]), _text(notable.fields["app_id"])
            returned: Counter[Key] = Counter()
            counted: Counter[str] = Counter()  # a risk object's events a stats row counts
            for results in _drilled(detection, notable, risk):
                for got in results.rows:
                    if got.get("_time") is None:
                        counted[_text(got.get("normalized_risk_object"))] += int(_text(got.get("count")) or 0)
                        continue
                    assert (_text(got.get("dest")), _service_object(got)) == (dest, app_id), (test, got)
                    returned[_key(got)] += 1
            in_window = [e for e in risk if notable.earliest <= float(str(to_str(e["_time"]))) < notable.latest]
            other_kept_out += sum((_text(e.get("dest")), _service_object(e)) != (dest, app_id) for e in in_window)
            left = returned.copy()
            missed = []
            for event in in_window:
                if left[_key(event)] > 0:
                    left[_key(event)] -= 1
                    continue
                if counted[_text(event.get("normalized_risk_object"))] > 0:
                    counted[_text(event.get("normalized_risk_object"))] -= 1
                    continue
                without = [e for e in risk if e is not event]
                if _correlation_row(detection, notable, without) != row:
                    missed.append(_key(event))
            assert not missed, (test, _text(notable.fields.get("risk_object")), len(missed), missed[:3])
            findings += 1
            shown_tests.add(test)
    assert findings > 30 and shown_tests >= SHOWN_TESTS, (findings, shown_tests)
    assert other_kept_out > 0  # some finding's window held risk of another application or tenant
