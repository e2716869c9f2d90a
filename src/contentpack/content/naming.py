"""Names and labels the Splunk app gives a detection, which replay must reproduce to behave like ES.

One home below both the app builder (``esapp``) and the replay of detections (``replay``): the correlation
search's stanza name (which ES also writes into each notable and risk event as ``search_name``), the
``action.escu`` annotations (copied into risk events as ``annotations.*``) and the drilldown placeholder for
the detection's own search. The ``<stem>_filter`` macro's name is the model's ``Detection.filter_macro``.
Layouts follow contentctl 5.x (escu_format.md §3.5, §8).
"""

from __future__ import annotations

from contentpack.content.model import AppConfig, Detection

DRILLDOWN_PLACEHOLDER = "%original_detection_search%"  # replaced by the detection's search text


def stanza_name(app: AppConfig, detection: Detection) -> str:
    return f"{app.label} - {detection.name} - Rule"


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
