"""savedsearches.conf: one correlation search per detection, keys and order as contentctl 5.x writes them.

Key order and derived values follow ESCU's build (shared/reference/escu_format.md §3.5, §8). Where we write
something different on purpose it is listed in ``INTENDED_DIFFERENCES`` (the compatibility check accepts only
those): real ``_entities`` from the risk objects, compact JSON by default, our own status wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import NamedTuple

from contentpack.esapp.conf import ConfFile, Stanza
from contentpack.esapp.jsonvalues import JsonStyle, dump_json, dump_strings
from contentpack.content.model import AppConfig, DataSource, Detection
from contentpack.content.naming import (
    DRILLDOWN_PLACEHOLDER,
    correlation_annotations,
    expand_percent_tokens,
    mappings,
    notable_title,
    returned_risk_object,
    severity,
    stanza_name,
)

# CIM data model names contentctl looks for as plain substrings of the search (escu_format.md §3.5).
DATA_MODELS = ("Endpoint", "Network_Traffic", "Authentication", "Change", "Change_Analysis", "Email",
               "Network_Resolution", "Network_Sessions", "UEBA", "Updates", "Vulnerabilities", "Web", "Risk",
               "Splunk_Audit")

# Substring of the search -> providing technologies (contentctl 5.6.2's mapping, as facts).
_GOOGLE = ("Google Cloud Platform", "Google Workspace")
_ENDPOINT = ("Carbon Black Response", "CrowdStrike Falcon", "Microsoft Sysmon", "Microsoft Windows",
             "Symantec Endpoint Protection")
PROVIDING_TECHNOLOGIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("`amazon_security_lake`", ("Amazon Security Lake",)),
    ("audit_searches", ("Splunk Internal Logs",)),
    ("`azure_monitor_aad`", ("Azure AD", "Entra ID")),
    ("`cloudtrail`", ("Amazon Web Services - Cloudtrail",)),
    ("Endpoint", _ENDPOINT),
    ("`google_", _GOOGLE), ("`gsuite", _GOOGLE), ("`gws_", _GOOGLE),
    ("`kube", ("Kubernetes",)),
    ("`ms_defender`", ("Microsoft Defender",)),
    ("`o365_", ("Microsoft Office 365",)),
    ("`okta", ("Okta",)),
    ("`pingid`", ("Ping ID",)),
    ("`powershell`", ("Microsoft Windows",)),
    ("`splunkd_", ("Splunk Internal Logs",)),
    ("`sysmon`", ("Microsoft Sysmon",)),
    ("`wineventlog_security`", ("Microsoft Windows",)),
    ("`zeek_", ("Zeek",)),
)

# Sourcetype of a detection's data sources -> providing technologies: the technologies contentctl names for ESCU's
# macro of that sourcetype (``azure_monitor_aad``, defined as ``sourcetype=azure:monitor:aad``), for a pack that reads
# the sourcetype through a macro of its own name (CP074: the app exports no name another app exports), so its
# searches hold no text contentctl's table knows.
SOURCETYPE_TECHNOLOGIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("azure:monitor:aad", ("Azure AD", "Entra ID")),
)

# ES notable placeholder entity contentctl writes for every detection; we keep it only when a detection has
# no risk objects (Correlation searches), where there is nothing better to name.
PLACEHOLDER_ENTITIES = [{"risk_object_field": "N/A", "risk_object_type": "N/A", "risk_score": 0}]

STATUS_NOTES = {
    "experimental": "NOTE: this detection is experimental: it has been tested by hand but ships without "
                    "attack data for automated tests.",
    "deprecated": "NOTE: this detection is deprecated and no longer maintained.",
}


def status_aware_description(detection: Detection) -> str:
    note = STATUS_NOTES.get(detection.status)
    return f"{note} {detection.description}" if note else detection.description


def metadata(detection: Detection) -> dict[str, object]:
    midnight = dt.datetime(detection.date.year, detection.date.month, detection.date.day, tzinfo=dt.timezone.utc)
    return {
        "detection_id": detection.id,
        "deprecated": "1" if detection.status == "deprecated" else "0",
        "detection_version": str(detection.version),
        "publish_time": midnight.timestamp(),
    }


def data_models(search: str) -> tuple[str, ...]:
    return tuple(dm for dm in DATA_MODELS if dm in search)


def providing_technologies(search: str, sourcetypes: Collection[str] = ()) -> tuple[str, ...]:
    """contentctl's technologies for the search's text, and those of its data sources' ``sourcetypes``."""
    found: set[str] = set()
    for needle, techs in PROVIDING_TECHNOLOGIES:
        if needle in search:
            found.update(techs)
    for sourcetype, techs in SOURCETYPE_TECHNOLOGIES:
        if sourcetype in sourcetypes:
            found.update(techs)
    return tuple(sorted(found))


def data_source_sourcetypes(detection: Detection, data_sources: Sequence[DataSource]) -> frozenset[str]:
    """The sourcetypes of the data sources the detection names (those the pack defines)."""
    names = set(detection.data_source)
    return frozenset(source.sourcetype for source in data_sources if source.name in names)


def risk_entries(detection: Detection) -> list[dict[str, object]]:
    """``action.risk.param._risk``: risk objects then threat objects, each group sorted as contentctl does."""
    if detection.rba is None:
        return []
    risks = sorted(detection.rba.risk_objects, key=lambda r: f"{r.field}{r.type}{r.score}")
    threats = sorted(detection.rba.threat_objects, key=lambda t: f"{t.field}{t.type}")
    return ([{"risk_object_field": r.field, "risk_object_type": r.type, "risk_score": r.score} for r in risks]
            + [{"threat_object_field": t.field, "threat_object_type": t.type} for t in threats])


def entities(detection: Detection) -> list[dict[str, object]]:
    """The notable's entities: the keys ES reads, one per risk object (improvement over the N/A placeholder).

    A detection without rba risk objects (Correlation) names the risk object its search returns
    (``naming.returned_risk_object``, which the simulated notable follows too); only when that cannot be told
    does it keep contentctl's placeholder. Its ``risk_score`` is 0: the notable's score is the search's own sum,
    not a fixed value per entity (the form splunk/security_content issue 3915 proposes for findings).
    """
    if detection.rba is None or not detection.rba.risk_objects:
        returned = returned_risk_object(detection)
        if returned is None:
            return PLACEHOLDER_ENTITIES
        field, kind = returned
        return [{"risk_object_field": field, "risk_object_type": kind, "risk_score": 0}]
    return [e for e in risk_entries(detection) if "risk_object_field" in e]


def drilldowns(detection: Detection) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for drill in detection.drilldown_searches:
        item = {"name": drill.name, "search": drill.search.replace(DRILLDOWN_PLACEHOLDER, detection.search)}
        if drill.earliest_offset is not None:
            item["earliest_offset"] = drill.earliest_offset
        if drill.latest_offset is not None:
            item["latest_offset"] = drill.latest_offset
        out.append(item)
    return out


class SharedValues(NamedTuple):
    """What savedsearches.conf and analyticstories.conf both write for one detection.

    Why: working these out (a JSON encoding, a scan of the search) is a visible share of a big pack's build;
    the builder works them out once per detection (:func:`shared_table`) and hands them to both files.
    """

    description: str  # status_aware_description
    mappings: str  # naming.mappings as JSON
    providing_technologies: str  # JSON list, or ``null`` when the search names none


def shared_values(detection: Detection, style: JsonStyle, data_sources: Sequence[DataSource] = ()) -> SharedValues:
    """``data_sources``: the pack's, whose sourcetypes add providing technologies (SOURCETYPE_TECHNOLOGIES)."""
    techs = providing_technologies(detection.search, data_source_sourcetypes(detection, data_sources))
    return SharedValues(status_aware_description(detection), dump_json(mappings(detection), style),
                        dump_strings(techs, style) if techs else "null")


def shared_table(detections: Sequence[Detection], style: JsonStyle,
                 data_sources: Sequence[DataSource] = ()) -> tuple[SharedValues, ...]:
    """:func:`shared_values` of each detection, in the same order."""
    return tuple(shared_values(d, style, data_sources) for d in detections)


def detection_stanza(app: AppConfig, detection: Detection, style: JsonStyle,
                     shared: SharedValues | None = None) -> Stanza:
    """The detection's stanza; ``shared``: its :func:`shared_values` when already worked out."""
    name = stanza_name(app, detection)
    deployment = detection.effective_deployment
    sched = deployment.scheduling
    if shared is None:
        shared = shared_values(detection, style)
    description = shared.description
    e: list[tuple[str, str]] = [
        ("action.escu", "0"),
        ("action.escu.enabled", "1"),
        ("description", description),
        ("action.escu.mappings", shared.mappings),
        ("action.escu.data_models", dump_strings(data_models(detection.search), style)),
        ("action.escu.eli5", description),
        ("action.escu.how_to_implement", detection.how_to_implement),
        ("action.escu.known_false_positives", detection.known_false_positives),
        ("action.escu.creation_date", detection.date.isoformat()),
        ("action.escu.modification_date", detection.date.isoformat()),
        ("action.escu.confidence", "high"),
        ("action.escu.search_type", "detection"),
        ("action.escu.product", dump_strings(detection.tags.product, style)),
    ]
    if detection.tags.atomic_guid:
        e.append(("action.escu.atomic_red_team_guids", dump_json(list(detection.tags.atomic_guid), style)))
    e.append(("action.escu.providing_technologies", shared.providing_technologies))
    e.append(("action.escu.analytic_story", dump_strings(detection.tags.analytic_story, style)))
    if deployment.rba_enabled and detection.rba is not None:
        e += [
            ("action.risk", "1"),
            ("action.risk.param._risk_message", detection.rba.message),
            ("action.risk.param._risk", dump_json(risk_entries(detection), style)),
            ("action.risk.param._risk_score", "0"),
            ("action.risk.param.verbose", "0"),
        ]
    e += [
        ("cron_schedule", sched.cron_schedule),
        ("dispatch.earliest_time", sched.earliest_time),
        ("dispatch.latest_time", sched.latest_time),
        ("action.correlationsearch.enabled", "1"),
        ("action.correlationsearch.detection_type", "ebd"),
        ("action.correlationsearch.label", name),
        ("action.correlationsearch.annotations", dump_json(correlation_annotations(detection), style)),
        ("action.correlationsearch.metadata", dump_json(metadata(detection), style)),
        ("schedule_window", sched.schedule_window),
    ]
    notable = deployment.notable
    if notable is not None:
        title = notable_title(detection, notable)
        e += [
            ("action.notable", "1"),
            ("action.notable.param._entities", dump_json(entities(detection), style)),
            ("action.notable.param.nes_fields", ",".join(notable.nes_fields)),
            ("action.notable.param.rule_description", expand_percent_tokens(notable.rule_description, detection)),
            ("action.notable.param.rule_title", title),
            ("action.notable.param.security_domain", detection.tags.security_domain),
            ("action.notable.param.severity", severity(detection)),
        ]
    e += [
        ("alert.digest_mode", "1"),
        ("disabled", "false" if detection.enabled_by_default else "true"),
        ("enableSched", "1"),
        ("allow_skew", sched.allow_skew),
        ("counttype", "number of events"),
        ("relation", "greater than"),
        ("quantity", "0"),
        ("realtime_schedule", "0"),
        ("is_visible", "false"),
    ]
    throttling = detection.tags.throttling
    if throttling is not None:
        e += [
            ("alert.suppress", "true"),
            ("alert.suppress.fields", ",".join(throttling.fields)),
            ("alert.suppress.period", throttling.period),
        ]
    e += [
        ("search", detection.search),
        ("action.notable.param.drilldown_searches", dump_json(drilldowns(detection), style)),
    ]
    return Stanza(name, tuple(e))


DEFAULT_STANZA = Stanza("default", (
    ("disabled", "1"),
    ("description", '"This search is no longer shipped by this app."'),
    ("search", '| makeresults | eval text = "This search is no longer shipped by this app."'),
))


def savedsearches_conf(app: AppConfig, detections: tuple[Detection, ...], style: JsonStyle,
                       shared: Sequence[SharedValues] | None = None) -> ConfFile:
    """The file: a ``[default]`` stanza for searches removed from the app, then one stanza per detection.

    ``shared``: the detections' :func:`shared_table`, when the caller already has it."""
    header = (f"{app.appid} {app.version}: correlation searches generated by contentpack build.",
              "Edit copies under local/, never this file.",
              "The [default] stanza below is safe only with [savedsearches/default] export = none in",
              "metadata/default.meta: do not copy it into another app without that guard.")
    if shared is None:
        shared = shared_table(detections, style)
    stanzas = (DEFAULT_STANZA,) + tuple(
        detection_stanza(app, d, style, values) for d, values in zip(detections, shared, strict=True))
    return ConfFile(stanzas, header)
