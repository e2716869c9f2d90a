"""The risk events Enterprise Security's risk action writes for an RBA detection's results.

ES's risk action turns each result of a search with ``action.risk = 1`` into one risk event per risk
object value and stores it in the risk index, where ``| from datamodel Risk.All_Risk`` reads it (Splunk ES
7.x Admin, *How risk scores work* / *Risk analysis framework*; escu_format.md §3.5 for the
``action.risk.param._risk`` entries the build writes). Each event carries:

* the result's own fields (a risk event is a stash copy of the result), then on top of them
* ``risk_object`` (one value of the risk-object field; a multivalue field gives one event per value),
  ``risk_object_type``, ``risk_score``, ``normalized_risk_object``;
* ``risk_message`` — ``rba.message`` with its ``$field$`` tokens filled from the result (``tokens``);
* ``search_name`` and ``source`` — the saved search's stanza name ``<label> - <name> - Rule``;
* ``analyticstories`` and ``annotations.*`` from the detection's tags (the ``action.escu`` annotations the
  build writes), with tactic names looked up in the shipped ATT&CK data;
* ``threat_object`` / ``threat_object_type`` — the threat-object values present in the result;
* ``_time`` — the result's ``_time`` when it has one, else the time the search ran. This is the Common Action
  Model's rule for the stash events its modular actions write (Splunk_SA_CIM ``cim_actions.py``,
  ``ModularAction.result2stash``: ``_raw = '%s' % result.get('_time', mktimegm(time.gmtime()))``, the event's
  timestamp first, the wall clock when the action runs otherwise -- here the run time). Assumed: that ES's risk
  and notable actions stamp their events through it (their own code is not public).

Assumed (no Splunk page states it): ``normalized_risk_object`` is the lower-cased value, which is what ES's
identity normalisation yields for an account absent from the identity lookup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from contentpack import attack
from contentpack.content.naming import correlation_annotations, stanza_name
from contentpack.content.model import AppConfig, Detection
from contentpack.simulate.tokens import fill_tokens
from contentpack.spl.values import Event, Scalar, Value, make_mv, mv_values, to_str


def _texts(value: Value) -> list[str]:
    """The values a risk or threat object field gives a result: none for a null or empty field, so that object
    gets no risk event (``assumed``: implied by the ES RBA manual's *Assign risk through a search*, which scores
    ``risk_object=if(isnotnull(dest),dest,null())``; no page states it)."""
    return [text for text in (to_str(v) for v in mv_values(value)) if text not in (None, "")]


def _annotation_fields(detection: Detection) -> dict[str, Value]:
    """``annotations.<key>`` fields, ``annotations.mitre_attack.mitre_tactic`` and ``annotations._all``."""
    fields: dict[str, Value] = {}
    everything: list[Scalar] = []
    for key, value in correlation_annotations(detection).items():
        items = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        fields[f"annotations.{key}"] = make_mv(items)
        everything.extend(items)
    catalog = attack.load()
    tactics: list[Scalar] = []
    for technique_id in detection.tags.mitre_attack_id:
        technique = catalog.technique(technique_id)
        for tactic in technique.tactics if technique is not None else ():
            if tactic.shortname not in tactics:
                tactics.append(tactic.shortname)
    if tactics:
        fields["annotations.mitre_attack.mitre_tactic"] = make_mv(tactics)
    fields["annotations._all"] = make_mv(dict.fromkeys(everything))
    return fields


def result_time(row: Mapping[str, Value], now: float) -> float:
    """The time ES stamps on the risk event or notable of a result: its ``_time``, else the search's time."""
    value = row.get("_time")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return now


def risk_events(app: AppConfig, detection: Detection, rows: Iterable[Mapping[str, Value]], now: float) -> list[Event]:
    """The risk events for ``rows`` (the detection's results); [] when the detection has no ``rba``."""
    if detection.rba is None:
        return []
    name = stanza_name(app, detection)
    tags = _annotation_fields(detection)
    stories = make_mv(detection.tags.analytic_story)
    events: list[Event] = []
    for row in rows:
        message = fill_tokens(detection.rba.message, row)
        threats: list[tuple[str, str]] = [
            (value, threat.type) for threat in detection.rba.threat_objects for value in _texts(row.get(threat.field))
        ]
        for risk in detection.rba.risk_objects:
            for value in _texts(row.get(risk.field)):
                event: Event = dict(row)
                event.update(tags)
                event.update({
                    "_time": result_time(row, now),
                    "risk_object": value,
                    "normalized_risk_object": value.lower(),
                    "risk_object_type": risk.type,
                    "risk_score": risk.score,
                    "risk_message": message,
                    "search_name": name,
                    "source": name,
                    "analyticstories": stories,
                })
                if threats:
                    event["threat_object"] = make_mv(t[0] for t in threats)
                    event["threat_object_type"] = make_mv(t[1] for t in threats)
                events.append(event)
    return events
