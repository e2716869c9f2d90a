"""Schema-valid YAML data → the model's frozen dataclasses.

Runs only on data that passed the JSON Schema, so it trusts types and required keys and does no checking of
its own (every check lives in the schema or in a rule, each with its id). Its one piece of logic is the
deployment: the type's default (ESCU §1.9) overlaid with the detection's inline ``deployment`` block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from contentpack.content.model import (
    AppConfig,
    AttackData,
    CalculatedField,
    DataSource,
    Deployment,
    Detection,
    DetectionTags,
    DetectionType,
    Drilldown,
    FieldAlias,
    IngestionDelay,
    Lookup,
    Macro,
    NotableAction,
    Rba,
    RiskObject,
    SearchTime,
    SourceMap,
    Story,
    StoryTags,
    SupportedTA,
    ThreatObject,
    Throttling,
    UnitTest,
)

Data = Mapping[str, Any]


class FrozenMapping(Mapping[str, Any]):
    """A read-only mapping for the frozen model. Unlike ``MappingProxyType`` it owns its copy of the data (no
    one can change it through the dict it was made from), and it can be copied (``copy.deepcopy``) and
    pickled like the frozen dataclasses around it."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._data!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __reduce__(self) -> tuple[object, tuple[dict[str, Any]]]:
        return (FrozenMapping, (self._data,))


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _strings(data: Data, key: str) -> tuple[str, ...]:
    return tuple(data.get(key, ()))


def _cell(value: object) -> str:
    """An expected-row value as Splunk would print it (results are strings; booleans are lower case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def deployment_for(kind: DetectionType, block: Data | None) -> Deployment:
    """The effective deployment: the type's default, overridden by an inline ``deployment`` block.

    Scheduling keys override one by one. A present ``alert_action`` replaces the default actions as a whole,
    like an ESCU deployment file does (the Anomaly deployment lists only ``rba``, so it has no notable);
    unspecified notable keys take the type's (or ESCU's) default values.
    """
    default = Deployment.default_for(kind)
    if block is None:
        return default
    scheduling = replace(default.scheduling, **block.get("scheduling", {}))
    if "alert_action" not in block:
        return Deployment(scheduling, default.rba_enabled, default.notable)
    actions: Data = block["alert_action"]
    notable = None
    if "notable" in actions:
        base = default.notable or NotableAction()
        given: Data = actions["notable"]
        notable = NotableAction(
            rule_title=given.get("rule_title", base.rule_title),
            rule_description=given.get("rule_description", base.rule_description),
            nes_fields=tuple(given.get("nes_fields", base.nes_fields)),
        )
    rba_enabled = bool(actions.get("rba", {}).get("enabled", False))
    return Deployment(scheduling, rba_enabled, notable)


def _tags(data: Data) -> DetectionTags:
    throttling = data.get("throttling")
    return DetectionTags(
        analytic_story=_strings(data, "analytic_story"),
        asset_type=data["asset_type"],
        product=_strings(data, "product"),
        security_domain=data["security_domain"],
        mitre_attack_id=_strings(data, "mitre_attack_id"),
        cve=_strings(data, "cve"),
        atomic_guid=_strings(data, "atomic_guid"),
        throttling=Throttling(tuple(throttling["fields"]), throttling["period"]) if throttling else None,
        manual_test=data.get("manual_test"),
        group=_strings(data, "group"),
    )


def _rba(data: Data | None) -> Rba | None:
    if data is None:
        return None
    return Rba(
        message=data["message"],
        risk_objects=tuple(RiskObject(r["field"], r["type"], r["score"]) for r in data["risk_objects"]),
        threat_objects=tuple(ThreatObject(t["field"], t["type"]) for t in data["threat_objects"]),
    )


def _test(data: Data) -> UnitTest:
    return UnitTest(
        name=data["name"],
        attack_data=tuple(
            AttackData(a["data"], a["source"], a["sourcetype"], a.get("custom_index"), a.get("host"))
            for a in data["attack_data"]
        ),
        earliest_time=data.get("earliest_time"),
        latest_time=data.get("latest_time"),
        expected_results=data.get("expected_results"),
        expected_rows=_subsets(data, "expected_rows"),
        risk_from=_strings(data, "risk_from"),
        expected_notables=data.get("expected_notables"),
        max_notables=data.get("max_notables"),
        detect_within=data.get("detect_within"),
        expected_risk=FrozenMapping(dict(data.get("expected_risk", {}))),
        expected_risk_events=data.get("expected_risk_events"),
        ingestion_delay=ingestion_delay(data.get("ingestion_delay")),
        expected_notable_rows=_subsets(data, "expected_notable_rows"),
    )


def _subsets(data: Data, key: str) -> tuple[Mapping[str, str], ...]:
    """A test's list of field -> value subsets (``expected_rows``, ``expected_notable_rows``), values as text."""
    return tuple(FrozenMapping({k: _cell(v) for k, v in row.items()}) for row in data.get(key, ()))


def ingestion_delay(data: Data | None) -> IngestionDelay | None:
    """The ``ingestion_delay`` block of a data source or a test (schema-valid) as the model's value."""
    if data is None:
        return None
    uniform = data.get("uniform")
    points = sorted((float(key[1:]), value) for key, value in data.get("percentiles", {}).items())
    return IngestionDelay(
        fixed=data.get("fixed"),
        uniform=(uniform["min"], uniform["max"]) if uniform else None,
        percentiles=tuple(points),
        seed=data.get("seed", 0),
    )


def build_detection(data: Data, source: SourceMap) -> Detection:
    kind: DetectionType = data["type"]
    block = data.get("deployment")
    return Detection(
        name=data["name"],
        id=data["id"],
        version=data["version"],
        date=_date(data["date"]),
        author=data["author"],
        status=data["status"],
        type=kind,
        description=data["description"],
        search=data["search"],
        how_to_implement=data["how_to_implement"],
        known_false_positives=data["known_false_positives"],
        tags=_tags(data["tags"]),
        data_source=_strings(data, "data_source"),
        references=_strings(data, "references"),
        drilldown_searches=tuple(
            Drilldown(d["name"], d["search"], d["earliest_offset"], d["latest_offset"])
            for d in data.get("drilldown_searches", ())
        ),
        rba=_rba(data.get("rba")),
        tests=tuple(_test(t) for t in data.get("tests", ())),
        enabled_by_default=data.get("enabled_by_default", False),
        deployment=deployment_for(kind, block),
        has_inline_deployment=block is not None,
        explanation=data.get("explanation"),
        source=source,
    )


def build_macro(data: Data, source: SourceMap) -> Macro:
    return Macro(data["name"], data["definition"], data["description"], _strings(data, "arguments"), source)


def build_story(data: Data, source: SourceMap) -> Story:
    tags: Data = data["tags"]
    return Story(
        name=data["name"],
        id=data["id"],
        version=data["version"],
        date=_date(data["date"]),
        author=data["author"],
        status=data["status"],
        description=data["description"],
        narrative=data["narrative"],
        tags=StoryTags(
            category=_strings(tags, "category"),
            product=_strings(tags, "product"),
            usecase=tags["usecase"],
            cve=_strings(tags, "cve"),
            group=_strings(tags, "group"),
        ),
        references=_strings(data, "references"),
        source=source,
    )


def build_data_source(data: Data, source: SourceMap) -> DataSource:
    search_time: Data = data.get("search_time", {})
    return DataSource(
        name=data["name"],
        id=data["id"],
        version=data["version"],
        date=_date(data["date"]),
        author=data["author"],
        description=data["description"],
        source=data["source"],
        sourcetype=data["sourcetype"],
        separator=data.get("separator"),
        separator_value=data.get("separator_value"),
        configuration=data.get("configuration"),
        supported_TA=tuple(
            SupportedTA(t["name"], t.get("url"), t.get("version")) for t in data.get("supported_TA", ())
        ),
        fields=_strings(data, "fields"),
        field_mappings=tuple(FrozenMapping(m) for m in data.get("field_mappings", ())),
        mitre_components=_strings(data, "mitre_components"),
        convert_to_log_source=tuple(FrozenMapping(m) for m in data.get("convert_to_log_source", ())),
        example_log=data.get("example_log"),
        output_fields=_strings(data, "output_fields"),
        search_time=SearchTime(
            field_aliases=tuple(
                FieldAlias(a["source_field"], a["alias"]) for a in search_time.get("field_aliases", ())
            ),
            calculated_fields=tuple(
                CalculatedField(c["field"], c["expression"]) for c in search_time.get("calculated_fields", ())
            ),
        ),
        attacker_controlled_fields=_strings(data, "attacker_controlled_fields"),
        ingestion_delay=ingestion_delay(data.get("ingestion_delay")),
        source_map=source,
    )


def build_lookup(data: Data, source: SourceMap, filename: str, header: tuple[str, ...]) -> Lookup:
    return Lookup(
        name=data["name"],
        id=data["id"],
        version=data["version"],
        date=_date(data["date"]),
        author=data["author"],
        description=data["description"],
        filename=filename,
        default_match=data.get("default_match"),
        match_type=_strings(data, "match_type"),
        min_matches=data.get("min_matches"),
        max_matches=data.get("max_matches"),
        case_sensitive_match=data.get("case_sensitive_match"),
        fields_list=header,
        source=source,
    )


def build_app(data: Data, source: SourceMap) -> AppConfig:
    app: Data = data["app"]
    return AppConfig(
        appid=app["appid"],
        label=app["label"],
        title=app["title"],
        version=app["version"],
        description=app["description"],
        author_name=app["author_name"],
        author_email=app["author_email"],
        author_company=app["author_company"],
        uid=app.get("uid"),
        visible=app.get("visible", True),
        namespace=app.get("namespace"),
        custom_commands=tuple((item["name"], item["app"]) for item in data.get("custom_commands") or ()),
        source=source,
    )
