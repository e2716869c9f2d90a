"""The one representation of the pack's content that every consumer (rules, build, replay) reads.

Objects are frozen dataclasses built from YAML that has already passed the JSON Schema, so the model does
not re-check types. Each object keeps its ``SourceMap`` so later layers (semantic rules, build checks) can
point at the line and column of the value they complain about without re-parsing YAML.

Field names follow Splunk's ESCU 5.x YAML format (contentctl 5.x) key for key; our documented extensions
are marked "extension" below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, Union

from contentpack.content.diagnostics import Position

# A path into a YAML document: mapping keys and sequence indexes, e.g. ("rba", "risk_objects", 0, "field").
NodePath = tuple[Union[str, int], ...]

DetectionType = Literal["TTP", "Anomaly", "Hunting", "Correlation"]
DetectionStatus = Literal["production", "experimental", "deprecated"]


@dataclass(frozen=True)
class SourceMap:
    """Where each node of one YAML document sits in its file.

    ``key_positions`` holds where a mapping key is written, ``value_positions`` where its value starts
    (for sequence items: where the item starts). ``at`` falls back to the nearest ancestor so a rule can
    always report *some* position inside the right file.
    """

    path: str
    value_positions: Mapping[NodePath, Position] = field(default_factory=lambda: MappingProxyType({}))
    key_positions: Mapping[NodePath, Position] = field(default_factory=lambda: MappingProxyType({}))

    def at(self, *node: str | int) -> Position:
        """Position of the value at ``node`` (or of its nearest known ancestor)."""
        path: NodePath = tuple(node)
        while path:
            pos = self.value_positions.get(path)
            if pos is not None:
                return pos
            path = path[:-1]
        return self.value_positions.get((), Position(self.path, 1, 1))

    def key(self, *node: str | int) -> Position:
        """Position of the key naming ``node`` (falls back to the value, then to ancestors)."""
        path: NodePath = tuple(node)
        pos = self.key_positions.get(path)
        return pos if pos is not None else self.at(*node)


# --------------------------------------------------------------------------------------------- detection


@dataclass(frozen=True)
class RiskObject:
    field: str
    type: Literal["user", "system", "other"]
    score: int  # 1..100


@dataclass(frozen=True)
class ThreatObject:
    field: str
    type: str  # one of ESCU's 26 ThreatObjectType values


@dataclass(frozen=True)
class Rba:
    message: str
    risk_objects: tuple[RiskObject, ...]
    threat_objects: tuple[ThreatObject, ...]

    @property
    def risk_score(self) -> int:
        """ESCU's derived score: the highest risk-object score."""
        return max((r.score for r in self.risk_objects), default=0)


@dataclass(frozen=True)
class Drilldown:
    name: str
    search: str  # as the author wrote it; may contain %original_detection_search%
    earliest_offset: str | None  # key required in ESCU (nullable)
    latest_offset: str | None


@dataclass(frozen=True)
class Throttling:
    fields: tuple[str, ...]
    period: str  # ^[0-9]+[smh]$


@dataclass(frozen=True)
class DetectionTags:
    analytic_story: tuple[str, ...]
    asset_type: str
    product: tuple[str, ...]
    security_domain: str
    mitre_attack_id: tuple[str, ...] = ()
    cve: tuple[str, ...] = ()
    atomic_guid: tuple[str, ...] = ()
    throttling: Throttling | None = None
    manual_test: str | None = None
    group: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttackData:
    data: str  # URL or a path relative to the pack root
    source: str
    sourcetype: str
    custom_index: str | None = None
    host: str | None = None


@dataclass(frozen=True)
class IngestionDelay:
    """extension: how long after ``_time`` a data source's events reach the index (``_indextime - _time``).

    Exactly one of ``fixed``, ``uniform`` or ``percentiles`` is set (the schema says so); durations are
    written like ``90s``, ``2m``, ``1h``. A distribution draws each event's delay from a hash of ``seed``
    and the event's raw text, so a replay is reproducible.
    """

    fixed: str | None = None
    uniform: tuple[str, str] | None = None  # (min, max)
    percentiles: tuple[tuple[float, str], ...] = ()  # (percentile 0..100, delay), ascending percentile
    seed: int = 0


@dataclass(frozen=True)
class UnitTest:
    name: str
    attack_data: tuple[AttackData, ...]
    earliest_time: str | None = None
    latest_time: str | None = None
    # extension: number of result rows the detection must return over this test's data (0 = must-miss)
    expected_results: int | None = None
    # extension: field -> value subsets that must each match at least one result row
    expected_rows: tuple[Mapping[str, str], ...] = ()
    # extension (Correlation detections): detections whose results over this test's attack data become
    # the risk index the correlation search reads
    risk_from: tuple[str, ...] = ()
    # extensions for the scheduled replay (docs/replay.md): notables after throttling, an upper bound on
    # them (benign data), the longest time from the first event to the first notable or risk event, the
    # exact total risk score per risk object (exact, so risk counted twice fails as missing risk does; 0: none
    # for that object), the exact number of risk events the detection itself writes (0: a risk-only
    # detection's must-not-fire test, which no notable count can fail), and an ingestion delay for every
    # event of this test
    expected_notables: int | None = None
    max_notables: int | None = None
    detect_within: str | None = None
    expected_risk: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    expected_risk_events: int | None = None
    ingestion_delay: IngestionDelay | None = None
    # extension (scheduled replay): field -> value subsets that must each match at least one of the detection's
    # notables after throttling, compared as expected_rows compares result rows (who a notable names)
    expected_notable_rows: tuple[Mapping[str, str], ...] = ()

    @property
    def has_scheduled_expectations(self) -> bool:
        return (self.expected_notables is not None or self.max_notables is not None
                or self.detect_within is not None or bool(self.expected_risk)
                or self.expected_risk_events is not None or bool(self.expected_notable_rows))


@dataclass(frozen=True)
class Scheduling:
    cron_schedule: str = "0 * * * *"
    earliest_time: str = "-70m@m"
    latest_time: str = "-10m@m"
    schedule_window: str = "auto"
    # Not a content setting (the schema has no such key): the build writes it for every search, as ESCU does, and
    # the simulation bounds a run's skew by it (``content.schedule.max_skew``).
    allow_skew: str = "100%"


@dataclass(frozen=True)
class NotableAction:
    rule_title: str = "%name%"
    rule_description: str = "%description%"
    nes_fields: tuple[str, ...] = ("user", "dest")


@dataclass(frozen=True)
class Deployment:
    """Scheduling and alert actions. Defaults come from the detection type (ESCU §1.9); a detection's
    inline ``deployment`` block overrides them."""

    scheduling: Scheduling
    rba_enabled: bool
    notable: NotableAction | None

    @staticmethod
    def default_for(kind: DetectionType) -> "Deployment":
        if kind == "TTP":
            return Deployment(Scheduling(), True, NotableAction())
        if kind == "Anomaly":
            return Deployment(Scheduling(), True, None)
        if kind == "Correlation":
            return Deployment(Scheduling(), False, NotableAction(rule_title="RBA: %name%"))
        return Deployment(Scheduling(), False, None)


@dataclass(frozen=True)
class Detection:
    name: str
    id: str
    version: int
    date: dt.date
    author: str
    status: DetectionStatus
    type: DetectionType
    description: str
    search: str
    how_to_implement: str
    known_false_positives: str
    tags: DetectionTags
    data_source: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    drilldown_searches: tuple[Drilldown, ...] = ()
    rba: Rba | None = None
    tests: tuple[UnitTest, ...] = ()
    enabled_by_default: bool = False
    deployment: Deployment | None = None  # the effective deployment (type default or inline override)
    has_inline_deployment: bool = False
    explanation: str | None = None
    source: SourceMap = field(default_factory=lambda: SourceMap(""))

    @property
    def file_stem(self) -> str:
        """The stem contentctl derives from the name; also the ``<stem>_filter`` macro's prefix."""
        return detection_file_stem(self.name)

    @property
    def filter_macro(self) -> str:
        return filter_macro_name(self.name)

    @property
    def effective_deployment(self) -> Deployment:
        return self.deployment or Deployment.default_for(self.type)

    @property
    def actions_origin(self) -> str:
        """What sets its alert actions (notable, risk), as a message names it: its inline ``alert_action``, or its
        type's default, which an inline deployment without ``alert_action`` keeps (``build_model.deployment_for``):
        a new user's Anomaly with an inline schedule was told its inline deployment had no notable action. It
        resolves the file's positions: read it only for a finding."""
        if ("deployment", "alert_action") in self.source.key_positions:
            return "its inline deployment's alert_action"
        return f"type {self.type}"

    @property
    def raises_notables(self) -> bool:
        """Whether its results raise notables: its deployment has the notable action (by default TTP and
        Correlation; an ESCU 5.x Anomaly writes risk only), so a notable count can fail on its tests."""
        return self.effective_deployment.notable is not None

    @property
    def writes_risk(self) -> bool:
        """Whether its results write risk events: the risk action is on and there is an ``rba`` block to
        write (the build writes ``action.risk`` only then)."""
        return self.effective_deployment.rba_enabled and self.rba is not None


def detection_file_stem(name: str) -> str:
    """contentctl's file-name rule: spaces, ``-``, ``.`` and ``/`` become ``_``; lower case."""
    return name.replace(" ", "_").replace("-", "_").replace(".", "_").replace("/", "_").lower()


def filter_macro_name(name: str) -> str:
    """The tuning macro ESCU names after a detection's file stem (``<stem>_filter``), the one its search ends with;
    also known for a detection whose file did not model (CP082 must not call its macro unowned)."""
    return f"{detection_file_stem(name)}_filter"


# ------------------------------------------------------------------------------------------ other objects


@dataclass(frozen=True)
class Macro:
    name: str
    definition: str
    description: str
    arguments: tuple[str, ...] = ()
    source: SourceMap = field(default_factory=lambda: SourceMap(""))

    @property
    def stanza(self) -> str:
        """macros.conf stanza: ``name`` or ``name(N)`` for a macro with N arguments."""
        return f"{self.name}({len(self.arguments)})" if self.arguments else self.name


@dataclass(frozen=True)
class StoryTags:
    category: tuple[str, ...]
    product: tuple[str, ...]
    usecase: str
    cve: tuple[str, ...] = ()
    group: tuple[str, ...] = ()


@dataclass(frozen=True)
class Story:
    name: str
    id: str
    version: int
    date: dt.date
    author: str
    status: Literal["production", "deprecated"]
    description: str
    narrative: str
    tags: StoryTags
    references: tuple[str, ...] = ()
    source: SourceMap = field(default_factory=lambda: SourceMap(""))


@dataclass(frozen=True)
class SupportedTA:
    name: str
    url: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class FieldAlias:
    """extension: a search-time FIELDALIAS (``source_field AS alias``) the add-on defines."""

    source_field: str
    alias: str


@dataclass(frozen=True)
class CalculatedField:
    """extension: a search-time EVAL-<field> = <SPL eval expression> the add-on defines."""

    field: str
    expression: str


@dataclass(frozen=True)
class SearchTime:
    """extension: the add-on's search-time knowledge the replay engine reproduces.

    Splunk applies field aliases before calculated fields, and evaluates every calculated field against
    the event as it was before any calculated field ran (one cannot see another's result).
    """

    field_aliases: tuple[FieldAlias, ...] = ()
    calculated_fields: tuple[CalculatedField, ...] = ()


@dataclass(frozen=True)
class DataSource:
    name: str
    id: str
    version: int
    date: dt.date
    author: str
    description: str
    source: str
    sourcetype: str
    separator: str | None = None
    separator_value: str | None = None
    configuration: str | None = None
    supported_TA: tuple[SupportedTA, ...] = ()
    fields: tuple[str, ...] = ()
    field_mappings: tuple[Mapping[str, object], ...] = ()
    mitre_components: tuple[str, ...] = ()
    convert_to_log_source: tuple[Mapping[str, object], ...] = ()
    example_log: str | None = None
    output_fields: tuple[str, ...] = ()
    search_time: SearchTime = SearchTime()  # extension
    attacker_controlled_fields: tuple[str, ...] = ()  # extension: values an attacker chooses freely
    ingestion_delay: IngestionDelay | None = None  # extension: _indextime - _time of its events
    source_map: SourceMap = field(default_factory=lambda: SourceMap(""))


@dataclass(frozen=True)
class Lookup:
    """A CSV lookup: ``lookups/<stem>.yml`` describing ``lookups/<filename>`` (default ``<stem>.csv``).

    YAML keys: ``name, id, version, date, author, description, lookup_type`` (only ``csv``) and the optional
    ``filename, default_match, match_type, min_matches, max_matches, case_sensitive_match``.
    """

    name: str
    id: str
    version: int
    date: dt.date
    author: str
    description: str
    filename: str  # resolved: the CSV file name inside lookups/
    default_match: str | None = None
    match_type: tuple[str, ...] = ()
    min_matches: int | None = None
    max_matches: int | None = None
    case_sensitive_match: bool | None = None
    fields_list: tuple[str, ...] = ()  # the CSV header, read from the file at load time
    source: SourceMap = field(default_factory=lambda: SourceMap(""))


@dataclass(frozen=True)
class AppConfig:
    """``contentpack.yml`` → ``app:`` (the role of contentctl.yml's ``app`` block)."""

    appid: str
    label: str
    title: str
    version: str
    description: str
    author_name: str
    author_email: str
    author_company: str
    uid: int | None = None
    visible: bool = True
    # the prefix every macro and lookup of the pack must carry (CP074); None: not checked
    namespace: str | None = None
    # contentpack.yml ``custom_commands``: (command name, app providing it) for commands from other apps
    custom_commands: tuple[tuple[str, str], ...] = ()
    source: SourceMap = field(default_factory=lambda: SourceMap(""))  # positions in contentpack.yml


@dataclass(frozen=True)
class Pack:
    """Everything under one pack root, in file-path order (the order contentctl writes stanzas)."""

    root: str
    app: AppConfig
    detections: tuple[Detection, ...] = ()
    macros: tuple[Macro, ...] = ()
    stories: tuple[Story, ...] = ()
    data_sources: tuple[DataSource, ...] = ()
    lookups: tuple[Lookup, ...] = ()

    def story(self, name: str) -> Story | None:
        return next((s for s in self.stories if s.name == name), None)

    def data_source(self, name: str) -> DataSource | None:
        return next((d for d in self.data_sources if d.name == name), None)

    def macro(self, name: str, arity: int = 0) -> Macro | None:
        return next((m for m in self.macros if m.name == name and len(m.arguments) == arity), None)

    def detections_for_story(self, name: str) -> tuple[Detection, ...]:
        return tuple(d for d in self.detections if name in d.tags.analytic_story)
