"""Names and labels the Splunk app gives a detection, which replay must reproduce to behave like ES.

One home below the app builder (``esapp``), the simulation of ES (``simulate``) and the replay of detections
(``replay``): the correlation search's stanza name (which ES also writes into each notable and risk event as
``search_name``), the ``action.escu`` annotations (copied into risk events as ``annotations.*``), the
notable's title and severity, the risk object a Correlation's notable names (``returned_risk_object``), the
drilldown placeholder for the detection's own search and the duration form of a
drilldown's time offsets. The ``<stem>_filter`` macro's name is the model's ``Detection.filter_macro``.
Layouts follow contentctl 5.x (escu_format.md §3.5, §8).
"""

from __future__ import annotations

import re

from contentpack.content.model import AppConfig, Detection, NotableAction
from contentpack.content.rules.spl_text import output_fields

DRILLDOWN_PLACEHOLDER = "%original_detection_search%"  # replaced by the detection's search text
_OFFSET_DURATION = re.compile(r"^\+?(\d+)([smhdw])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def offset_seconds(offset: str) -> int | None:
    """The seconds of a drilldown offset written as a duration (``2h``, ``7d``; surrounding blanks ignored): "the
    amount of time before [earliest] / after [latest] the triggering event" (ES's notable setting *Drill-down
    earliest/latest offset*, "For example, 2h", as the splunk.es Ansible collection documents it:
    https://docs.ansible.com/ansible/latest/collections/splunk/es/splunk_adaptive_response_notable_events_module.html).
    None for anything else (``$info_min_time$``, ``2hx``). A leading ``+`` is read as none (assumed)."""
    match = _OFFSET_DURATION.match(offset.strip())
    return None if match is None else int(match.group(1)) * _SECONDS[match.group(2)]


def stanza_name(app: AppConfig, detection: Detection) -> str:
    return f"{app.label} - {detection.name} - Rule"


def detection_name_of(app: AppConfig, stanza: str) -> str | None:
    """The detection name inside a stanza name of ``app`` (a risk event's or notable's ``search_name``): the
    inverse of :func:`stanza_name`; None for a name the app did not give."""
    prefix, suffix = f"{app.label} - ", " - Rule"
    if stanza.startswith(prefix) and stanza.endswith(suffix) and len(stanza) > len(prefix) + len(suffix):
        return stanza[len(prefix):-len(suffix)]
    return None


def mappings(detection: Detection) -> dict[str, list[str]]:
    """``{cis20, mitre_attack?, nist}``: CIS 13 for the network domain else CIS 10; NIST DE.CM for TTP."""
    out: dict[str, list[str]] = {"cis20": ["CIS 13" if detection.tags.security_domain == "network" else "CIS 10"]}
    if detection.tags.mitre_attack_id:
        out["mitre_attack"] = list(detection.tags.mitre_attack_id)
    out["nist"] = ["DE.CM" if detection.type == "TTP" else "DE.AE"]
    return out


def correlation_annotations(detection: Detection) -> dict[str, object]:
    out: dict[str, object] = {"analytic_story": list(detection.tags.analytic_story)}
    if detection.tags.cve:
        out["cve"] = list(detection.tags.cve)
    out["type"] = detection.type
    out["type_list"] = [detection.type]
    out["data_source"] = list(detection.data_source)
    out.update(mappings(detection))
    return out


def severity(detection: Detection) -> str:
    """ES notable severity from the highest risk score; ``high`` when the detection has no risk objects."""
    if detection.rba is None or not detection.rba.risk_objects:
        return "high"
    score = detection.rba.risk_score
    for limit, name in ((20, "informational"), (40, "low"), (60, "medium"), (80, "high")):
        if score <= limit:
            return name
    return "critical"


# The fields a search over the risk index returns its entity in, as ES names them in every risk event.
RISK_OBJECT, RISK_OBJECT_TYPE = "risk_object", "risk_object_type"
# A search that pins the risk object type it returns: ``risk_object_type="user"`` (quoted or not).
_RISK_OBJECT_TYPE = re.compile(r"""\brisk_object_type\s*=\s*"?(user|system|other)"?(?![\w*])""", re.IGNORECASE)


def returned_risk_object(detection: Detection) -> tuple[str, str] | None:
    """``(field, type)`` of the entity a search over the risk index (a Correlation) returns: its results carry
    ``risk_object`` and the search filters on one ``risk_object_type``. None when either cannot be read from
    the search text. The build's ``_entities`` name it (``esapp.savedsearches.entities``) and the simulated
    notable types its ``risk_object`` by it when the result has no ``risk_object_type`` (``simulate.notables``).
    """
    fields = output_fields(detection.search)
    if fields is None or RISK_OBJECT not in fields:
        return None
    types = {match.group(1).lower() for match in _RISK_OBJECT_TYPE.finditer(detection.search)}
    return (RISK_OBJECT, types.pop()) if len(types) == 1 else None


_PERCENT_TOKEN = re.compile(r"%([^%]*)%")


def notable_title(detection: Detection, notable: NotableAction) -> str:
    """``rule_title`` as written: ``%name%`` tokens expanded, and ``RBA: `` in front for a Correlation search."""
    title = expand_percent_tokens(notable.rule_title, detection)
    if detection.type == "Correlation" and not title.startswith("RBA: "):
        title = f"RBA: {title}"
    return title


def expand_percent_tokens(template: str, detection: Detection) -> str:
    """``%name%``-style substitution of the notable title/description, from detection or tag attributes."""

    def value(match: re.Match[str]) -> str:
        attr = match.group(1)
        for owner in (detection, detection.tags):
            found = getattr(owner, attr, None) if attr and not attr.startswith("_") else None
            if isinstance(found, (str, int)) and not isinstance(found, bool):
                return str(found)
        return match.group(0)

    return _PERCENT_TOKEN.sub(value, template)
