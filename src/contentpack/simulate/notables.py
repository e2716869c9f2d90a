"""The notable event Enterprise Security's notable action writes for one result of a correlation search.

What it carries: the result's fields (the notable is a copy of the result), ``search_name`` (the saved
search's stanza), ``rule_title`` and ``rule_description`` as the build writes them with their ``$field$``
tokens filled from the result (ES fills notable title tokens from result fields: ES 7.3 Admin, *Create a
correlation search*, "Title ... supports variable substitution from fields in the matching event"),
``security_domain`` and ``severity``, ``info_min_time``/``info_max_time`` (the run's dispatch window, as
``addinfo`` writes it), and the run time.

The risk objects it names: its detection's rba risk objects, read from the result. A detection without any
(a Correlation over the risk index) names the one its result returns: the result's ``risk_object``, typed by
its ``risk_object_type`` - the fields ES requires of a risk incident rule's results to make a risk notable (ES 7.1,
*Risk notables in Splunk Enterprise Security*, "Fields in a risk notable": risk object and risk object type both
required, https://docs.splunk.com/Documentation/ES/7.1.0/RBA/Risknotables) - or, when the result has no type, the
one its search pins, which the build writes into the notable's ``_entities`` (``naming.returned_risk_object``;
assumed: no page says which type ES shows when the result lacks it). Without a type from either, none.

``_time``: the result's ``_time`` when it has one, else the time the search ran — the same rule as for risk
events (``risk.result_time``, which cites the Common Action Model's ``result2stash`` for it). Assumed: no ES page
we found states which time a notable gets; the simulation reports the run time next to it, and detection latency
is always measured on the run time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from contentpack.content.model import AppConfig, Detection
from contentpack.content.naming import (
    RISK_OBJECT,
    RISK_OBJECT_TYPE,
    expand_percent_tokens,
    notable_title,
    returned_risk_object,
    severity,
    stanza_name,
)
from contentpack.simulate.risk import result_time
from contentpack.simulate.tokens import fill_tokens, token_text
from contentpack.spl.values import Value

__all__ = ["Notable", "notable_for"]


@dataclass(frozen=True)
class Notable:
    detection: str
    search_name: str
    run_time: float
    time: float  # the notable's _time
    rule_title: str
    rule_description: str
    security_domain: str
    severity: str
    earliest: float  # info_min_time: the run's dispatch window
    latest: float  # info_max_time
    fields: Mapping[str, Value]
    risk_objects: tuple[tuple[str, str], ...]  # (value, type): see the module's docstring
    threat_objects: tuple[tuple[str, str], ...]


def _objects(row: Mapping[str, Value], pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for name, kind in pairs:
        text = token_text(row.get(name))
        if text:
            out.append((text, kind))
    return tuple(out)


def _risk_objects(detection: Detection, row: Mapping[str, Value]) -> tuple[tuple[str, str], ...]:
    """The (value, type) pairs of the risk objects the notable names (the module's docstring says which)."""
    if detection.rba is not None and detection.rba.risk_objects:
        return _objects(row, tuple((r.field, r.type) for r in detection.rba.risk_objects))
    returned = returned_risk_object(detection)
    kind = token_text(row.get(RISK_OBJECT_TYPE)) or (returned[1] if returned else None)
    return _objects(row, ((RISK_OBJECT, kind),)) if kind else ()


def notable_for(app: AppConfig, detection: Detection, row: Mapping[str, Value], run_time: float,
                window: tuple[float, float]) -> Notable:
    action = detection.effective_deployment.notable
    title = notable_title(detection, action) if action else detection.name
    description = expand_percent_tokens(action.rule_description, detection) if action else detection.description
    rba = detection.rba
    return Notable(
        detection=detection.name,
        search_name=stanza_name(app, detection),
        run_time=run_time,
        time=result_time(row, run_time),
        rule_title=fill_tokens(title, row),
        rule_description=fill_tokens(description, row),
        security_domain=detection.tags.security_domain,
        severity=severity(detection),
        earliest=window[0],
        latest=window[1],
        fields=dict(row),
        risk_objects=_risk_objects(detection, row),
        threat_objects=_objects(row, tuple((t.field, t.type) for t in rba.threat_objects)) if rba else (),
    )
