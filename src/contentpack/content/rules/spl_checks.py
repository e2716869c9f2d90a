"""SPL, schedules and time modifiers checked at validate time (CP060–CP066, CP068, CP072, CP077), at the YAML line and
column.

* CP060: every detection ``search``, every drilldown ``search`` (``%original_detection_search%`` standing for the
  detection's search, which is checked on its own, and ``$token$`` placeholders filled in) and, through them,
  every macro definition they use is parsed by the SPL engine's parser with the pack's macros expanded
  (``contentpack.spl.parser.check``, which reports every broken command, not only the first). Each distinct
  expansion is parsed once per run: drilldown templates repeat across a pack, and their answers are shared.
  A syntax error is reported at the file position of the offending character (``scalar_positions``); inside
  a macro's expansion, at the macro call.
* CP061: a command, eval function or stats function that is neither a Splunk built-in (the Search Reference
  lists in ``data/splunk_spl_builtins.json``, sources cited there) nor declared in ``contentpack.yml``
  ``custom_commands`` (commands other apps provide) is an error with a did-you-mean.
* CP060/CP061 also hold for each data source's ``search_time.calculated_fields[].expression``, parsed as one
  eval expression by the function the engine registers calculated fields with (``exprparser.parse_eval_text``):
  a broken field made every replay fail at engine set-up, long after ``validate`` said the pack was valid.
* CP064: data sources sharing a sourcetype share one props.conf stanza, so one calculated field defined with
  two different expressions is an error (``content.search_time``, which the engine set-up uses too).
* CP065: a ``lookup`` command (in a detection or drilldown search, through macros and inside subsearches) on
  one of the pack's lookups, named as the engine set-up registers them (``spl.lookups.register_table``: by
  lookup name or the date-stamped CSV file name the built app ships), matches only on columns of that lookup's
  CSV header. Splunk refuses the search otherwise, and so did replay, after ``validate`` had said the pack was
  valid; the check is the engine's (``spl.commands.lookup.missing_columns``), on the commands the syntax check
  parsed. Lookups other apps
  provide are not checked (their columns are unknown here).
* CP068 (warning): an ``OUTPUT``/``OUTPUTNEW`` field of such a ``lookup`` (its ``<lookup-field>``, left of
  ``AS``) that is not a column of the CSV header. The Search Reference does not say what Splunk does with it,
  but the event field is never set from the table, so an enrichment or a filter on it silently does nothing;
  the check is the engine's too (``missing_outputs``: the engine refuses it as unsupported). Found in the same
  pass as CP065, reported the same way.
* Valid SPL the engine does not run (``tstats``, an option it lacks, a built-in function it does not
  implement) is not an error here: ``replay`` names it if a test needs it. The validator must never reject
  content Splunk accepts; tests/content/test_spl_checks.py runs every ESCU detection through these rules.
* CP062: an inline ``deployment.scheduling.cron_schedule`` parses as Splunk cron (``contentpack.cron``); an inline
  ``schedule_window`` of minutes is shorter than the time between two runs (savedsearches.conf.spec).
* CP063: inline ``earliest_time``/``latest_time`` and literal drilldown offsets (not ``$tokens$``) parse as
  time modifiers (``contentpack.spl.timeutil``); real-time (``rt``) modifiers are accepted as written in
  drilldowns, and so is a drilldown offset written as the duration ES documents for it (``2h``: the time before
  or after the triggering event, ``content.naming.offset_seconds``), which is no time modifier; in a schedule
  real-time, absolute and quoted values are refused (``time_modifier_problem``); so are the ``earliest=``/``latest=``
  a detection's search commands write (``_search_time_modifiers``), at the refused character (in the
  definition of the macro that writes one).
* CP066: an inline schedule's runs, sampled as ``content.schedule`` samples them (the windows the simulation
  runs over), each search some time: a run whose window is empty or inverted (latest at or before earliest)
  searches nothing, an error; time between one window's end and the next window's start is never searched,
  a warning (Splunk's Alerting Manual: "When a search time range is shorter than the time range for the
  scheduled alert, an event might never be evaluated"). Overlapping windows are fine. Gaps are judged on time
  and under every constant skew the stanza's ``allow_skew`` allows (``content.schedule.skewed_worst``, exact at
  finitely many skews; a skewed run's window resolved at its skewed start, assumed there), the longest named
  with its skew; a run whose window holds time on time but none under a skew the stanza allows is the empty
  window's error, naming the smallest such skew (``SkewedWorst.empty``). A schedule whose cron or modifiers do
  not parse is CP062's or CP063's; the type defaults (``Deployment.default_for``, contentctl's: hourly over
  ``-70m@m`` to ``-10m@m``) leave no gap and are not judged. Windows that meet in UTC are judged again on a Splunk
  Enterprise search head in a zone with daylight saving, whose scheduler reads the cron on the zone's clock
  (``Schedule.daylight_saving``): a daily run over ``-24h@h`` to ``@h`` then leaves an hour unsearched across the
  night the clocks go back, a warning naming that zone's runs.
* CP072 (warning): a throttled detection (``tags.throttling``) with an inline schedule whose run's window, on time
  or under a skew, is longer than the throttle period: a result still in the window when its throttle expires
  is raised again (the Alerting Manual's *Throttle alerts*: results with the same field values "are suppressed
  during the throttling time period"; ``simulate/throttle.py``). Reported at ``period``, asking for a throttle that
  clears CP077 too (longer than its runs held back, when they reach further than the window). A window is judged as
  much longer as it is on a Splunk Enterprise search head in a zone with daylight saving, where ``-7d`` is 169 hours
  across the night the clocks go back (``Schedule.daylight_saving``, added to the longest window under a skew).
* CP077 (warning): a throttled detection with an inline schedule whose windows overlap: the two runs furthest apart
  that see one instant (``content.schedule.furthest_overlap``, on time and at the skew of CP072's longest window),
  the earlier on time and the later held back the longest its ``schedule_window`` allows (``max_hold_back``; ``auto``
  a minute under the period, assumed, as the sweep reads it), start a throttle period or more apart: the scheduler
  holds each run back by its load at that moment, so a result both see is raised twice. Runs the throttle does not
  cover on time are CP072's. Reported at ``schedule_window``.

In a search that calls a macro the pack does not define (CP024 reports the call), only the commands before the
one holding that call are parsed: without its definition nothing after it can be judged (it may bring several
commands, or a quote or bracket a later command closes), while the text before it parses the same whatever
follows.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from contentpack.content.diagnostics import Diagnostic, Position, error, warning
from contentpack.content.model import Detection, Lookup, Macro, NodePath, Pack, Scheduling, SourceMap
from contentpack.content.naming import offset_seconds
from contentpack.content.rules import RuleContext
from contentpack.content.rules.spl_text import located_macro_calls
from contentpack.content.scalar_positions import locate
from contentpack.content.search_time import pack_search_time
from contentpack.durations import format_duration
from contentpack.spl.suggest import did_you_mean

if TYPE_CHECKING:
    from contentpack.content.schedule import Gap, Schedule, SkewedWorst, Window
    from contentpack.content.rules.spl_analysis import SplAnalysis
    from contentpack.spl import MacroDef, SplError

RULE_SPL_SYNTAX = "CP060"
RULE_UNKNOWN_NAME = "CP061"
RULE_CRON = "CP062"
RULE_TIME_MODIFIER = "CP063"
RULE_LOOKUP_COLUMN = "CP065"
RULE_LOOKUP_OUTPUT = "CP068"
RULE_SCHEDULE_WINDOW = "CP066"
RULE_THROTTLE_OUTLASTED = "CP072"
RULE_HELD_BACK_PAST_THROTTLE = "CP077"

ORIGINAL_SEARCH = "%original_detection_search%"
_SEARCH_STUB = "search *"  # stands in for %original_detection_search% in a drilldown (see _drilldown_text)
_TOKEN = re.compile(r"\$([^$\s]+)\$")


@dataclass(frozen=True)
class Builtins:
    """Names Splunk itself provides (lower case)."""

    commands: frozenset[str]
    eval_functions: frozenset[str]
    stats_functions: frozenset[str]
    stats_patterns: tuple[re.Pattern[str], ...]

    def stats_function(self, name: str) -> bool:
        return name in self.stats_functions or any(p.match(name) for p in self.stats_patterns)


@functools.cache
def builtins() -> Builtins:
    data = json.loads(resources.files("contentpack").joinpath("data", "splunk_spl_builtins.json")
                      .read_text(encoding="utf-8"))
    return Builtins(frozenset(data["commands"]) | frozenset(data["command_aliases"]),
                    frozenset(data["eval_functions"]), frozenset(data["stats_functions"]),
                    tuple(re.compile(p) for p in data["stats_function_patterns"]))


def unknown_name(error: SplError, custom: frozenset[str]) -> str | None:
    """``unknown search command 'stat' (did you mean 'stats'?)`` when the engine refused a command or function
    that is not a Splunk built-in (nor one of ``custom``), else None: a typo, not a feature the engine lacks."""
    feature = getattr(error, "feature", None)
    if feature is None:
        return None
    kind, name = feature
    known = builtins()
    low = name.lower()
    if kind == "command":
        if low in known.commands or low in custom:
            return None
        terms = getattr(error, "terms", None)
        if terms is not None:  # `search` left out after a '|': what to write, not a command name to correct
            return (f"unknown search command '{name}': '{terms}' reads as a search's terms, which follow a '|' only "
                    f"after the search command: 'search {terms}' (a filter macro's definition too: the detection calls "
                    "it after a '|')")
        return f"unknown search command '{name}'{did_you_mean(name, known.commands | custom)}"
    if kind == "function":
        if low in known.eval_functions:
            return None
        return f"unknown eval function '{name}'{did_you_mean(name, known.eval_functions)}"
    if kind == "stats function":
        if known.stats_function(low):
            return None
        return f"unknown stats function '{name}'{did_you_mean(name, known.stats_functions)}"
    return None


def unknown_name_message(error: SplError, custom: frozenset[str]) -> str | None:
    """CP061's message for an unsupported command/function that is not a Splunk built-in, else None."""
    unknown = unknown_name(error, custom)
    feature = getattr(error, "feature", None)
    if (unknown is not None and feature is not None and feature[0] == "command"
            and getattr(error, "terms", None) is None):
        return (f"{unknown}: it is not a Splunk command; a command another app provides must be declared in "
                "contentpack.yml custom_commands")
    return unknown


# ------------------------------------------------------------------------------------------------ positions


class Positions:
    """File positions of characters inside YAML string values (file texts read once, only on a finding)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.texts: dict[str, str | None] = {}

    def at(self, source: SourceMap, node: NodePath, value: str, offset: int | None) -> Position:
        """The position of ``value[offset]``, or of the value's node when it cannot be placed (``offset`` None)."""
        found = self.character(source, node, value, offset)
        return found if found is not None else source.at(*node)

    def in_text(self, text: SearchText, offset: int | None) -> Position:
        """``at`` for a character of a search's or a macro's ``text`` (``offset`` in its value)."""
        return self.at(text.source, text.node, text.value, offset)

    def character(self, source: SourceMap, node: NodePath, value: str, offset: int | None) -> Position | None:
        """The position of ``value[offset]``; None when it cannot be placed (no offset, the node or its file
        unknown), for a caller that then says where the character is another way. The offset just past the
        value's end (an error at the end of a search: "found end of command") is the column after its last
        character."""
        start = source.at(*node)
        if offset is None or start.line <= 0:
            return None
        if value and offset == len(value):
            last = self.character(source, node, value, offset - 1)
            return None if last is None else replace(last, col=last.col + 1)
        if source.path not in self.texts:
            try:
                self.texts[source.path] = (self.root / source.path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self.texts[source.path] = None
        text = self.texts[source.path]
        found = locate(text, start.line, start.col, value, offset) if text is not None else None
        return Position(start.path, *found) if found else None


# ------------------------------------------------------------------------------------------------ searches


@dataclass(frozen=True)
class SearchText:
    """One SPL text to parse: what the YAML value holds, what goes to the parser, and how offsets map back."""

    value: str  # the YAML value
    parsed: str  # the text given to the parser
    source: SourceMap
    node: NodePath
    owner: str
    placeholder: int = -1  # where the parser's text has _SEARCH_STUB for the value's %original_detection_search%

    def to_value(self, offset: int) -> int:
        """Parser offset -> value offset."""
        at = self.placeholder
        if at < 0 or offset < at:
            return offset
        if offset < at + len(_SEARCH_STUB):
            return at  # the placeholder itself
        return offset - (len(_SEARCH_STUB) - len(ORIGINAL_SEARCH))


def _token_free(text: str) -> str:
    """``$name$`` tokens (ES fills them at run time) as same-length field names, so offsets stay put."""
    return _TOKEN.sub(lambda m: "_" + re.sub(r"\W", "_", m.group(1)) + "_", text)


def token_stand_ins(value: str) -> frozenset[str]:
    """The field names the parser reads for the ``$token$`` placeholders of ``value`` (see ``_token_free``):
    a rule reading names from a drilldown's parse knows these were tokens ES fills at run time."""
    return frozenset(_token_free(match.group(0)) for match in _TOKEN.finditer(value))


@functools.lru_cache(maxsize=4096)  # drilldown templates repeat across a pack's detections
def _drilldown_parsed(value: str) -> tuple[str, int]:
    """What the parser reads for a drilldown search, and where the placeholder is in ``value`` (-1: none).

    The detection's own search is checked on its own; here a stub stands in for it (parsing 2,000 searches
    twice would double the rule's cost), so only the drilldown's own text is parsed.
    """
    at = value.find(ORIGINAL_SEARCH)
    if at < 0:
        return _token_free(value), -1
    return _token_free(value[:at]) + _SEARCH_STUB + _token_free(value[at + len(ORIGINAL_SEARCH):]), at


def search_texts(context: RuleContext) -> tuple[SearchText, ...]:
    """Every detection's search and drilldown searches, made once per run (``RuleContext.search_texts``): four
    rules read them all."""
    return context.search_texts


def pack_search_texts(pack: Pack) -> tuple[SearchText, ...]:
    """What ``search_texts`` gives, worked out."""
    texts: list[SearchText] = []
    for detection in pack.detections:
        texts.append(SearchText(detection.search, detection.search, detection.source, ("search",),
                                f"detection '{detection.name}'"))
        for index, drilldown in enumerate(detection.drilldown_searches):
            parsed, at = _drilldown_parsed(drilldown.search)
            texts.append(SearchText(drilldown.search, parsed, detection.source,
                                    ("drilldown_searches", index, "search"),
                                    f"drilldown {index + 1} of detection '{detection.name}'", at))
    return tuple(texts)


def search_and_macro_texts(context: RuleContext) -> Iterator[tuple[SearchText, str]]:
    """``search_texts`` and every macro definition of macros/, each with what its parser's text has before the
    value: a macro's definition is parsed after ``| ``, the place a macro's commands usually take, unless it starts
    with its own ``|`` (``| inputlookup t``, a generating command, as written in a subsearch ``[`m`]``). Read by
    the rules that report a command a macro writes in the macro's own file (CP025, CP085): a macro ships in
    macros.conf whether or not a search of the pack calls it."""
    for text in search_texts(context):
        yield text, ""
    for macro in context.pack.macros:
        lead = "" if macro.definition.lstrip().startswith("|") else "| "
        yield SearchText(macro.definition, lead + macro.definition, macro.source, ("definition",),
                         f"macro '{macro.name}'"), lead


def _unresolvable_call(text: str, macros: Mapping[str, MacroDef]) -> int | None:
    """The offset of the first macro call in ``text`` the pack cannot expand (CP024's), None when there is none."""
    for offset, call in located_macro_calls(text):
        stanza = call.stanza
        if stanza is None or stanza not in macros:
            return offset
    return None


def macro_at(text: str, offset: int) -> str | None:
    """The macro whose call starts at ``offset`` (errors inside an expansion point at its backtick)."""
    if 0 <= offset < len(text) and text[offset] == "`":
        end = text.find("`", offset + 1)
        if end > offset:
            return text[offset + 1 : end].split("(")[0].strip()
    return None


def in_expansion(message: str, text: str, offset: int | None) -> str:
    """``message``, naming the macro when ``offset`` is a macro call's backtick in ``text``: a finding inside a
    macro's expansion is placed at the call (``macro_at``), so the message says whose definition to read. The one
    wording every rule gives it."""
    macro = macro_at(text, offset) if offset is not None else None
    return message if macro is None else f"{message}, inside the expansion of macro `{macro}`"


def parse_problems(parsed: str, analysis: SplAnalysis) -> list[SplError]:
    """What the parser finds in a text (``analysis``: the run's shared expansions and parse answers). In a text
    calling a macro the pack lacks (CP024 reports the call), only the commands before the one holding that call
    are parsed: what the macro brings is unknown (several commands, a quote or bracket the next command closes),
    so no later command can be judged, but text before it is split and parsed the same whatever follows."""
    cut = _unresolvable_call(parsed, analysis.macros)
    if cut is None:
        return analysis.problems(parsed)
    before = _commands_before(parsed[:cut], analysis)
    return analysis.problems(before) if before else []


def _commands_before(prefix: str, analysis: SplAnalysis) -> str:
    """``prefix`` (a text cut at a macro call) without its last command, the one the call is in, nor the pipe
    before that: "" when there is no earlier command, or the prefix cannot be expanded or split."""
    expanded = analysis.expansion(prefix)
    if isinstance(expanded, list):  # why it cannot be expanded: not this text's business
        return ""
    segments = analysis.segments(expanded.text)
    if not segments or len(segments) < 2:
        return ""
    kept = prefix[:expanded.original_offset(segments[-1].offset)].rstrip()
    return kept[:-1] if kept.endswith("|") else ""


def rule_and_message(problem: SplError, owner: str, custom: frozenset[str]) -> tuple[str, str] | None:
    """CP060 for a syntax error, CP061 for a name that is not a Splunk built-in, None for valid SPL the engine
    does not run; ``owner`` says where the SPL is (``detection 'X'``)."""
    from contentpack.spl import SplSyntaxError

    if isinstance(problem, SplSyntaxError):
        return RULE_SPL_SYNTAX, f"SPL syntax error in {owner}: {problem.message}"
    unknown = unknown_name_message(problem, custom)
    return None if unknown is None else (RULE_UNKNOWN_NAME, f"{unknown} (in {owner})")


def placed_in_file(problem: SplError, at: Callable[[int], Position]) -> SplError:
    """``problem`` with the places its message names (the quotes of ``SplUnclosedQuoteError``) at their line and
    column in the file (``at``: a parser offset's place there), as the diagnostic's own place reads, not at a column
    of the search text: one wording for validate, the replay and ``search`` (``SplError.described``)."""

    def place(offset: int) -> str:
        where = at(offset)
        return f"line {where.line} column {where.col}"

    return problem.described(place)


def spl_findings(text: SearchText, problems: list[SplError], custom: frozenset[str],
                 positions: Positions) -> Iterator[Diagnostic]:
    """CP060/CP061 for one text and what the parser found in it."""
    from contentpack.spl import SplMacroError

    seen: set[tuple[str, int | None]] = set()
    for problem in problems:
        if isinstance(problem, SplMacroError):
            continue  # CP024's business
        problem = placed_in_file(problem, lambda at: positions.in_text(text, text.to_value(at)))
        finding = rule_and_message(problem, text.owner, custom)
        if finding is None:
            continue  # valid SPL the engine does not run
        rule, message = finding
        offset = text.to_value(problem.offset) if problem.offset is not None else None
        if offset is not None and _token_command(text, problem, offset):
            continue  # CP085's: the command is the value ES writes there, not the token's stand-in name
        message = in_expansion(message, text.value, offset)
        if (message, offset) in seen:
            continue
        seen.add((message, offset))
        yield error(positions.in_text(text, offset), rule, message)


def _token_command(text: SearchText, problem: SplError, offset: int) -> bool:
    """Whether ``problem`` is a drilldown's ``$field$`` read as a command the parser lacks (its stand-in name,
    ``_token_free``): CP085 refuses a token where a command goes, so "unknown search command '_next_'" would only
    name a command no one wrote, a second finding for the one mistake."""
    feature = getattr(problem, "feature", None)
    return (text.node[0] == "drilldown_searches" and feature is not None and feature[0] == "command"
            and _TOKEN.match(text.value, offset) is not None)


def _custom_commands(context: RuleContext) -> frozenset[str]:
    """The pack's ``custom_commands`` names in lower case (Splunk matches command names without case)."""
    return frozenset(name.lower() for name, _ in context.pack.app.custom_commands)


def has_spl_error(context: RuleContext, text: str, start: int = 0) -> bool:
    """Whether CP060/CP061 report an error in the search ``text`` (a detection's own search), at or after offset
    ``start`` (an error placed nowhere counts): a rule that cannot read such a search leaves what it would say to
    that error rather than say it again elsewhere."""
    from contentpack.spl import SplMacroError

    custom = _custom_commands(context)
    return any(not isinstance(problem, SplMacroError) and (problem.offset is None or problem.offset >= start)
               and rule_and_message(problem, "", custom) is not None for problem in parse_problems(text, context.spl))


def spl_rules(context: RuleContext) -> Iterator[Diagnostic]:
    """CP060, CP061 (see the module docstring)."""
    custom = _custom_commands(context)
    positions = Positions(context.root)
    for text in search_texts(context):
        problems = parse_problems(text.parsed, context.spl)  # the run's analysis parses each expansion once
        if problems:  # nearly every text has none
            yield from spl_findings(text, problems, custom, positions)


# ------------------------------------------------------------------------------------------------- lookups


def pack_tables(pack: Pack) -> dict[str, Lookup]:
    """The pack's lookups by every name a search may use for them (lookup name, shipped CSV file name), as
    the built app has them (``spl.lookups.register_table``); CP025 and CP065 read this one table."""
    from contentpack.spl.lookups import register_table

    tables: dict[str, Lookup] = {}
    for lookup in pack.lookups:
        register_table(tables, lookup.name, lookup.filename, lookup, shipped=True)
    return tables


@dataclass(frozen=True)
class MissingColumn:
    """A field of a ``lookup`` command on one of the pack's tables that its CSV header lacks."""

    offset: int  # of the ``lookup`` command, in the parser's text
    column: str  # the ``<lookup-field>``, left of AS
    lookup: Lookup
    said: str  # the engine's words for it
    consequence: str = ""
    rule: str = RULE_LOOKUP_COLUMN  # a match field; RULE_LOOKUP_OUTPUT: an OUTPUT/OUTPUTNEW field

    def message(self) -> str:
        from contentpack.spl.commands.lookup import columns_hint

        return f"{self.said}{columns_hint(self.column, self.lookup.fields_list, self.consequence)}"


def lookup_column_rules(context: RuleContext) -> Iterator[Diagnostic]:
    """CP065 and CP068 (see the module docstring), from one pass over the searches."""
    tables = pack_tables(context.pack)
    if not tables:
        return
    positions = Positions(context.root)
    for text in search_texts(context):
        for missing in _missing_lookup_columns(text.parsed, tables, context.spl):
            at = text.to_value(missing.offset)
            message = in_expansion(f"{missing.message()} (in {text.owner})", text.value, at)
            report = error if missing.rule == RULE_LOOKUP_COLUMN else warning
            yield report(positions.in_text(text, at), missing.rule, message)


def _missing_lookup_columns(parsed: str, tables: Mapping[str, Lookup],
                            analysis: SplAnalysis) -> Iterator[MissingColumn]:
    """Each match column (CP065), then each output column (CP068), of a lookup on one of the pack's tables that
    its CSV lacks. The commands are the engine's parse of each pipeline segment, shared with the syntax check
    and CP025 (``SplAnalysis.readable_commands``: inside subsearches too, those of valid SPL the engine does not
    run included); a command that does not parse is CP060's or CP061's. A text calling a macro that cannot be
    expanded (another app's, such as CIM's ``drop_dm_object_name``; a wrong call is CP024's) is read with that
    call left as written, as CP025 reads it: its other lookups are still checked."""
    from contentpack.spl.ast import nodes_of
    from contentpack.spl.commands.lookup import (
        LookupCommand,
        missing_column_message,
        missing_columns,
        missing_output_message,
        missing_outputs,
    )
    from contentpack.spl.lookups import find_table

    readable = analysis.readable_text(parsed)
    if readable is None or "lookup" not in readable.lower():
        return
    for base, command in analysis.readable_commands(readable, "lookup"):
        for node in nodes_of(command, LookupCommand):  # a lookup inside a subsearch is checked too
            lookup = find_table(tables, node.table)
            if lookup is None or not lookup.fields_list:  # another app's table; an unreadable CSV is CP014's
                continue
            inputs = missing_columns(node, lookup.fields_list)
            outputs = missing_outputs(node, lookup.fields_list)
            if not inputs and not outputs:
                continue
            # the offsets' origins, worked out only on a finding
            offset = analysis.readable_expansion(parsed).original_offset(base + node.offset)
            for column in inputs:
                yield MissingColumn(offset, column, lookup, missing_column_message(lookup.name, column))
            for column, field in outputs:
                yield MissingColumn(offset, column, lookup, missing_output_message(node, lookup.name, column),
                                    f", so the event field '{field}' is never set from it", RULE_LOOKUP_OUTPUT)


# ---------------------------------------------------------------------------------------- search-time fields


def search_time_rules(context: RuleContext) -> Iterator[Diagnostic]:
    """CP060, CP061 for data sources' calculated fields; CP064 (see the module docstring)."""
    from contentpack.spl import SplError
    from contentpack.spl.exprparser import parse_eval_text

    positions = Positions(context.root)
    for source in context.pack.data_sources:
        for index, calc in enumerate(source.search_time.calculated_fields):
            try:
                parse_eval_text(calc.expression, f"EVAL-{calc.field}")
                continue
            except SplError as exc:
                problem = exc
            finding = rule_and_message(problem, f"data source '{source.name}'", frozenset())
            if finding is not None:  # None: a Splunk function the engine lacks (the engine set-up names it)
                node: NodePath = ("search_time", "calculated_fields", index, "expression")
                yield error(positions.at(source.source_map, node, calc.expression, problem.offset), *finding)
    for merged in pack_search_time(context.pack.data_sources):
        yield from merged.conflicts


# ------------------------------------------------------------------------------------- schedules and times


_ABSOLUTE_DATE = re.compile(r"\d+/|\d{4}-\d\d-\d\dT")  # %m/%d/%Y:%H:%M:%S, or dispatch.time_format's %FT%T.%Q%:z


def time_modifier_problem(text: str, *, dispatch: bool = False) -> tuple[str, int] | None:
    """Why ``text`` is not a time modifier Splunk accepts, with the offset of the bad part; None when it is.

    ``dispatch``: the value is a scheduled search's ``dispatch.earliest_time``/``latest_time``. Three forms valid in a
    search string are refused there. A quoted value (``"-70m@m"``): the build writes it into the conf file verbatim
    and the search language's unquoting (which the replay applies) is not documented for a conf setting
    (savedsearches.conf.spec: ``dispatch.earliest_time = <time-str>``), so Splunk may reject or misread what the
    replay ran (assumed unknowable: refused). A real-time window (``rt-5m``): the simulation runs scheduled searches over
    their windows and cannot replay a real-time one, so it would be a detection no test proves. An absolute date:
    Splunk reads an absolute dispatch time with ``dispatch.time_format`` ("Default: %FT%T.%Q%:z",
    savedsearches.conf.spec), not with the search language's ``%m/%d/%Y:%H:%M:%S``, and every run would search the
    same fixed range anyway."""
    from contentpack.spl.timeutil import parse_time_modifier

    stripped = text.strip()
    if not stripped:
        return None  # empty means "all time"
    start = max(text.find(stripped), 0)
    if stripped.lower().startswith("rt"):
        if dispatch:
            return (f"real-time window {stripped!r} is not supported for a scheduled detection: the replay simulates "
                    "scheduled runs over their dispatch windows; use a relative modifier such as -70m@m", start)
        return None  # real-time drilldown offsets are ES's to open
    if dispatch and stripped[0] in "\"'":
        return (f"quoted time {stripped!r} is not supported in a schedule: the build writes it into savedsearches.conf "
                "as it is, quotes and all, and no Splunk page says the scheduler strips quotes from "
                "dispatch.earliest_time/dispatch.latest_time (the search language does, as the replay would); "
                "write it without quotes", start)
    if dispatch and _ABSOLUTE_DATE.match(stripped.strip('"')):
        return (f"absolute time {stripped!r} is not supported in a schedule: every run would search the same fixed "
                "range, and Splunk reads an absolute dispatch time with dispatch.time_format (default "
                "%FT%T.%Q%:z, savedsearches.conf.spec), not the search language's %m/%d/%Y:%H:%M:%S; use a relative "
                "modifier such as -70m@m", start)
    try:
        parse_time_modifier(text, now=0.0)
    except (ValueError, OverflowError) as exc:
        message = str(exc)
        lead = text.find(stripped.strip('"'))
        at = re.search(r"at character (\d+)", message)
        if at:
            return message, lead + int(at.group(1)) - 1
        for part in reversed(re.findall(r"'([^']+)'", message)):
            if part != text and part in text:
                return message, text.find(part)
        return message, max(lead, 0)
    return None


def schedule_rules(context: RuleContext) -> Iterator[Diagnostic]:
    """CP062, CP063 (see the module docstring)."""
    from contentpack.cron import CronError, parse_cron

    positions = Positions(context.root)
    for detection in context.pack.detections:
        source = detection.source
        if detection.has_inline_deployment:
            scheduling = detection.effective_deployment.scheduling
            node: NodePath = ("deployment", "scheduling", "cron_schedule")
            if node in source.value_positions:
                try:
                    parse_cron(scheduling.cron_schedule)
                except CronError as exc:
                    yield error(positions.at(source, node, scheduling.cron_schedule, exc.column), RULE_CRON,
                                f"cron_schedule {scheduling.cron_schedule!r} {exc.verdict}: {exc.message}")
            if ("deployment", "scheduling", "schedule_window") in source.value_positions:
                yield from _schedule_window_longer_than_period(positions, detection, scheduling)
            for key, value in (("earliest_time", scheduling.earliest_time), ("latest_time", scheduling.latest_time)):
                node = ("deployment", "scheduling", key)
                problem = time_modifier_problem(value, dispatch=True) if node in source.value_positions else None
                if problem is not None:
                    yield error(positions.at(source, node, value, problem[1]), RULE_TIME_MODIFIER,
                                f"{key}: {problem[0]}")
        yield from _search_time_modifiers(context, positions, detection)
        for index, drilldown in enumerate(detection.drilldown_searches):
            for key, offset_value in (("earliest_offset", drilldown.earliest_offset),
                                      ("latest_offset", drilldown.latest_offset)):
                if offset_value is None or "$" in offset_value or offset_seconds(offset_value) is not None:
                    continue  # tokens ES fills in ($info_min_time$), or the duration ES documents (2h)
                problem = time_modifier_problem(offset_value)
                if problem is not None:
                    node = ("drilldown_searches", index, key)
                    yield error(positions.at(source, node, offset_value, problem[1]), RULE_TIME_MODIFIER,
                                f"drilldown {key}: {problem[0]}")


def _search_time_modifiers(context: RuleContext, positions: Positions,
                           detection: Detection) -> Iterator[Diagnostic]:
    """CP063 for ``earliest=``/``latest=`` (and ``_index_earliest``/``_index_latest``) written in a search command of
    the detection's search (the pack's macros expanded): Splunk refuses the search when one is not a time modifier,
    and the engine reads them only when a run reaches the command, so before this the replay was the first to say
    (RP003). Reported at one place (``search_finding``): a macro's is the same finding for every search calling
    it, which validate keeps once."""
    from contentpack.spl.commands.search import SearchCommand

    analysis = context.spl
    expanded = analysis.expanded_text(detection.search)
    if expanded is None or ("earliest" not in expanded.lower() and "latest" not in expanded.lower()):
        return
    seen: set[tuple[str, str]] = set()
    for word in ("earliest", "latest"):
        for base, command in analysis.readable_commands(expanded, word):
            if not isinstance(command, SearchCommand):
                continue
            bounds = command.bounds
            for key, value in (("earliest", bounds.earliest), ("latest", bounds.latest),
                               ("_index_earliest", bounds.index_earliest), ("_index_latest", bounds.index_latest)):
                if value is None or (key, value) in seen:
                    continue
                seen.add((key, value))
                problem = time_modifier_problem(value)
                if problem is None:
                    continue
                place = bounds.place(key)
                yield search_finding(
                    context, positions, detection, error, RULE_TIME_MODIFIER, f"{key}={value}: {problem[0]}",
                    None if place is None else (base + place, problem[1]),
                    re.compile(rf"(?<![\w.]){re.escape(key)}\s*=\s*\"?(?={re.escape(value)})", re.IGNORECASE))


def search_finding(context: RuleContext, positions: Positions, detection: Detection,
                   make: Callable[[Position, str, str], Diagnostic], rule: str, message: str,
                   place: tuple[int, int] | None, writing: re.Pattern[str]) -> Diagnostic:
    """A finding about a character of the detection's search (the pack's macros expanded) at one place, for a
    reader to go to: that character in the search's own text; for one a macro brings, the character in the macro's
    definition (the fix goes there) when the definition writes it itself (``writing`` matches there, ending where
    the place counts from), else the macro call, naming the macro (an argument or a macro it calls brings it).
    ``place``: (offset in the expanded search where ``writing`` ends, offset of the character from there); None:
    unknown, the ``search`` key. CP063's modifiers and CP081's sort commands are placed here."""
    from contentpack.spl.macros import Expanded

    search, source = detection.search, detection.source
    expansion = context.spl.expansion(search)
    if place is None or not isinstance(expansion, Expanded):
        return make(source.at("search"), rule, f"search: {message}")
    value_at, problem_at = place
    at = expansion.original_offset(value_at)
    if macro_at(search, at) is None:
        return make(positions.at(source, ("search",), search, expansion.original_offset(value_at + problem_at)),
                    rule, f"search: {message}")
    called = next((call.stanza for offset, call in located_macro_calls(search) if offset == at), None)
    written = _macro_writing(context.pack.macros, called, writing, set()) if called is not None else None
    if written is None:
        return make(positions.at(source, ("search",), search, at), rule,
                    in_expansion(f"search: {message}", search, at))
    defined, value_at = written
    return make(positions.at(defined.source, ("definition",), defined.definition, value_at + problem_at),
                rule, f"macro '{defined.name}' definition: {message}")


def _macro_writing(macros: Sequence[Macro], stanza: str, writing: re.Pattern[str],
                   visited: set[str]) -> tuple[Macro, int] | None:
    """The macro ``stanza`` or one it calls (at any depth) whose definition ``writing`` matches in, with the offset
    where the match ends; None when none does (an argument brings the text, or a macro of no file)."""
    defined = next((macro for macro in macros if macro.stanza == stanza), None)
    if defined is None or stanza in visited:
        return None
    visited.add(stanza)
    written = writing.search(defined.definition)
    if written is not None:
        return defined, written.end()
    for _, call in located_macro_calls(defined.definition):
        found = _macro_writing(macros, call.stanza, writing, visited) if call.stanza is not None else None
        if found is not None:
            return found
    return None


def _schedule_window_longer_than_period(positions: Positions, detection: Detection,
                                        scheduling: Scheduling) -> Iterator[Diagnostic]:
    """CP062 for a ``schedule_window`` of minutes not shorter than the time between two runs: savedsearches.conf.spec,
    ``schedule_window``: "The 'schedule_window' must be shorter than the period of the search". What Splunk does
    with a longer one no page says (clamp it, ignore it, hold a run past the next?), and the replay's held-back runs
    (``replay --sweep``) would have to guess, so it is refused. The period of a cron whose runs are not evenly
    spaced is taken as its shortest gap (assumed: the spec speaks of one period)."""
    from contentpack.content.schedule import schedule
    from contentpack.cron import CronError

    window = scheduling.schedule_window
    if not window.isdigit() or int(window) == 0:
        return  # auto, or no window; anything else is the schema's
    try:
        gap = schedule(scheduling.cron_schedule, scheduling.earliest_time, scheduling.latest_time, "UTC").shortest_gap
    except (CronError, ValueError, OverflowError):
        return  # CP062 / CP063 report it
    if int(window) * 60 < gap:
        return
    node: NodePath = ("deployment", "scheduling", "schedule_window")
    yield error(positions.at(detection.source, node, window, 0), RULE_CRON,
                f"schedule_window {window} (minutes) is not shorter than the {format_duration(gap)} between runs of "
                f"cron_schedule {scheduling.cron_schedule!r}: savedsearches.conf.spec, schedule_window: \"The "
                f"'schedule_window' must be shorter than the period of the search\"; what the scheduler does with a "
                f"longer one no page says. Use fewer minutes, or auto")


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NEVER_EVALUATED = ('"When a search time range is shorter than the time range for the scheduled alert, an event '
                    'might never be evaluated" (Splunk Alerting Manual, "Alert scheduling tips")')
_SUPPRESSED = ('results with the same field values "are suppressed during the throttling time period" (Splunk '
               'Alerting Manual, "Throttle alerts"), not after it')


def _moment(epoch: float) -> str:
    """``Thursday 00:50`` (seconds only when there are some): runs are named by weekday, as a week samples them."""
    moment = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    return f"{_WEEKDAYS[moment.weekday()]} {moment.strftime('%H:%M:%S' if moment.second else '%H:%M')}"


def _resolved(key: str, modifier: str, epoch: float, run: float) -> str:
    """``earliest_time '-70m@m' resolves to Thursday 22:50 UTC (70m before the run)``."""
    distance = run - epoch
    relation = ("at the run" if distance == 0 else
                f"{format_duration(abs(distance))} {'before' if distance > 0 else 'after'} the run")
    return f"{key} {modifier!r} resolves to {_moment(epoch)} UTC ({relation})"


def _sets_its_own_time_range(analysis: SplAnalysis, search: str) -> bool:
    """Whether the search's first command writes ``earliest=``/``latest=``: they replace the dispatch window
    where the search runs (SPL Search Reference, "Time modifiers": "When you use a time modifier in the SPL
    syntax, that time overrides the time specified in the Time Range Picker", and a missing ``latest`` is then
    ``now``; the simulation does the same), so the schedule's windows say nothing about what it searches. A
    search that cannot be expanded, split or parsed counts as not setting one (CP024/CP060 report it)."""
    from contentpack.spl.commands.search import SearchCommand

    expanded = analysis.expanded_text(search)
    first = analysis.command(expanded, 0) if expanded is not None else None
    return isinstance(first, SearchCommand) and (first.bounds.earliest is not None or first.bounds.latest is not None)


def _skewed(skew: float) -> str:
    """`` when the scheduler's allow_skew starts the runs 30m after their ticks`` ("" on time)."""
    return f" when the scheduler's allow_skew starts the runs {format_duration(skew)} after their ticks" if skew else ""


def _run(window: Window, skew: float) -> str:
    """``the run on Thursday 01:30 UTC`` (`` (its tick Thursday 01:00)`` after it when skewed)."""
    tick = f" (its tick {_moment(window.run - skew)})" if skew else ""
    return f"the run on {_moment(window.run)} UTC{tick}"


def schedule_window_rules(context: RuleContext) -> Iterator[Diagnostic]:
    """CP066, CP072, CP077 (see the module docstring)."""
    from contentpack.content.schedule import max_skew, schedule, skewed_worst
    from contentpack.cron import CronError

    for detection in context.pack.detections:
        if not detection.has_inline_deployment or _sets_its_own_time_range(context.spl, detection.search):
            continue
        scheduling = detection.effective_deployment.scheduling
        try:
            runs = schedule(scheduling.cron_schedule, scheduling.earliest_time, scheduling.latest_time, "UTC")
            windows, empty = runs.windows, runs.empty_windows
            most = max_skew(scheduling.cron_schedule, scheduling.allow_skew)
            worst = skewed_worst(runs, most)
        except (CronError, ValueError, OverflowError):
            continue  # CP062 / CP063 report it
        where = detection.source.at("deployment", "scheduling", "earliest_time")
        earliest, latest = scheduling.earliest_time, scheduling.latest_time
        if empty:
            first = empty[0]
            kind = "empty" if first.latest == first.earliest else "inverted"
            every = len(empty) == len(windows)
            how_many = ("every run of this schedule searches" if every else
                        f"{len(empty)} of its {len(windows)} sampled runs search")
            yield error(where, RULE_SCHEDULE_WINDOW,
                        f"{how_many} nothing: at the run on {_moment(first.run)} UTC, "
                        f"{_resolved('earliest_time', earliest, first.earliest, first.run)} and "
                        f"{_resolved('latest_time', latest, first.latest, first.run)}: an {kind} window "
                        f"(latest_time must resolve after earliest_time)"
                        + ("; the detection can never fire" if every else ""))
            continue
        if worst.empty is not None:
            yield _empty_when_skewed(where, scheduling, most, worst.empty, worst.empty_skew)
            continue
        gap, skew = worst.gap, worst.gap_skew
        if gap is not None:
            yield warning(where, RULE_SCHEDULE_WINDOW,
                          f"consecutive runs' windows leave up to {format_duration(gap.length)} unsearched"
                          f"{_skewed(skew)}: the window of {_run(gap.before, skew)} ends at {_moment(gap.start)} UTC "
                          f"(latest_time {latest!r}) and the next one, of {_run(gap.after, skew)}, "
                          f"starts at {_moment(gap.end)} UTC (earliest_time {earliest!r}); {_NEVER_EVALUATED}. "
                          f"Reach earliest_time further back or run more often")
        elif runs.daylight_saving.gap is not None:
            yield _daylight_saving_gap(where, scheduling, runs.daylight_saving.gap)
        held_back = _furthest_held_back(detection, runs, worst)
        yield from _throttle_outlasted(detection, worst, runs.daylight_saving.longer, held_back)
        yield from _held_back_past_throttle(detection, held_back)


_IN_ITS_ZONE = ("Splunk Enterprise runs the scheduler in the search head's time zone (\"In Splunk Enterprise, the cron "
                "analyzer defaults to the timezone where the search head is configured\": Splunk Alerting Manual, "
                "\"Use cron expressions for alert scheduling\")")


def _local_moment(epoch: float) -> str:
    """``Sunday 5 November 00:00 EDT``: a moment of the search head with daylight saving (``DAYLIGHT_SAVING_ZONE``),
    named by its date, as only the days around its clock changes are judged."""
    from contentpack.content.schedule import DAYLIGHT_SAVING_ZONE
    from contentpack.spl.timeutil import to_datetime

    moment = to_datetime(epoch, DAYLIGHT_SAVING_ZONE)
    return f"{_WEEKDAYS[moment.weekday()]} {moment.day} {moment.strftime('%B %H:%M')} {moment.tzname()}"


def _daylight_saving_gap(where: Position, scheduling: Scheduling, gap: Gap) -> Diagnostic:
    """CP066's warning for windows that meet in UTC and leave time unsearched on a search head in a zone with
    daylight saving (``Schedule.daylight_saving``): Splunk Cloud and the replay are UTC, a Splunk Enterprise
    search head need not be."""
    from contentpack.content.schedule import DAYLIGHT_SAVING_ZONE

    before, after = gap.before, gap.after
    return warning(where, RULE_SCHEDULE_WINDOW,
                   f"on a search head whose time zone has daylight saving, consecutive runs' windows leave up to "
                   f"{format_duration(gap.length)} unsearched: in {DAYLIGHT_SAVING_ZONE} the window of the run on "
                   f"{_local_moment(before.run)} ends at {_local_moment(gap.start)} (latest_time "
                   f"{scheduling.latest_time!r}) and the next one, of the run "
                   f"{format_duration(after.run - before.run)} later on {_local_moment(after.run)}, starts at "
                   f"{_local_moment(gap.end)} (earliest_time {scheduling.earliest_time!r}), as {_IN_ITS_ZONE}: "
                   f"across a change of its clocks a cron's local times are not a whole number of days apart, while "
                   f"hour and minute offsets count elapsed time (assumed: no page says how the scheduler treats the "
                   f"hour the clocks skip or repeat; day offsets and snaps are read in the zone's calendar, as the "
                   f"engine reads them); in UTC (Splunk Cloud, the replay) the windows meet; {_NEVER_EVALUATED}. Snap "
                   f"both edges to days (-1d@d .. @d), which follow the zone's calendar, or reach earliest_time "
                   f"{format_duration(gap.length)} further back")


def _empty_when_skewed(where: Position, scheduling: Scheduling, most: float, window: Window,
                       skew: float) -> Diagnostic:
    """CP066's error for a window that holds time on time but none under a skew the stanza allows: such a run
    searches nothing, as an empty window on time does (reported as a gap before, which understated it)."""
    kind = "empty" if window.latest == window.earliest else "inverted"
    earliest, latest = scheduling.earliest_time, scheduling.latest_time
    return error(where, RULE_SCHEDULE_WINDOW,
                 f"a run of this schedule searches nothing{_skewed(skew)}: at {_run(window, skew)}, "
                 f"{_resolved('earliest_time', earliest, window.earliest, window.run)} and "
                 f"{_resolved('latest_time', latest, window.latest, window.run)}: an {kind} window (latest_time must "
                 f"resolve after earliest_time at every start allow_skew {scheduling.allow_skew!r} allows, up to "
                 f"{format_duration(most)} after the tick)")


def _throttle_outlasted(detection: Detection, worst: SkewedWorst, margin: float,
                        held_back: _HeldBack | None) -> Iterator[Diagnostic]:
    """CP072 (see the module docstring); ``margin``: how much longer the longest window is on a search head with
    daylight saving (``DaylightSaving.longer``). The throttle it asks for also outlasts ``held_back`` (CP077's
    runs) when that reaches further: the window's own length alone led a newcomer from this warning straight
    into CP077's."""
    from contentpack.durations import DurationError, duration_seconds

    throttling = detection.tags.throttling
    if throttling is None:
        return
    try:
        period = duration_seconds(throttling.period)
    except DurationError:
        return  # the schema's pattern reports it
    longest, skew = worst.longest, worst.longest_skew
    length = longest.latest - longest.earliest
    scheduling = detection.effective_deployment.scheduling
    earliest, latest = scheduling.earliest_time, scheduling.latest_time
    if length + margin <= period:
        return
    where = detection.source.at("tags", "throttling", "period")
    resolved = (f"{_resolved('earliest_time', earliest, longest.earliest, longest.run)} and "
                f"{_resolved('latest_time', latest, longest.latest, longest.run)}")
    again = (f"so a result can stay in the window after its throttle expires and be raised again (notable and risk): "
             f"{_SUPPRESSED}")
    if length > period:
        yield warning(where, RULE_THROTTLE_OUTLASTED,
                      f"a run's window can be {format_duration(length)} long, longer than the throttle period "
                      f"{throttling.period!r}{_skewed(skew)}: at {_run(longest, skew)}, {resolved}, {again}. "
                      f"Snap both edges to the same unit, shorten earliest_time, or "
                      + _throttle_for(length + margin, held_back)
                      + (f" ({_longer_there(margin)})" if margin else ""))
        return
    yield warning(where, RULE_THROTTLE_OUTLASTED,
                  f"a run's window can be {format_duration(length + margin)} long on a search head whose time zone "
                  f"has daylight saving, longer than the throttle period {throttling.period!r}: "
                  f"{format_duration(length)} in UTC{_skewed(skew)} (at {_run(longest, skew)}, {resolved}), "
                  f"{_longer_there(margin)}, {again}. {_throttle_for(length + margin, held_back).capitalize()}, or, "
                  f"for runs less than a day apart, count the window in hours rather than days (-168h for -7d)")


@dataclass(frozen=True)
class _HeldBack:
    """The two runs furthest apart that see one record (the earlier on time, the later held back ``hold`` seconds,
    the most its ``schedule_window`` allows, ``window``), at the skew ``skew``: a throttle must outlast ``reach``.
    ``gap``: the time between two runs, which bounds ``schedule_window``."""

    first: Window
    last: Window
    skew: float
    hold: float
    window: str
    gap: float

    @property
    def apart(self) -> float:
        return self.last.run - self.first.run

    @property
    def reach(self) -> float:
        return self.apart + self.hold


def _furthest_held_back(detection: Detection, runs: Schedule, worst: SkewedWorst) -> _HeldBack | None:
    """CP077's runs (``furthest_overlap`` on time and at the skew giving the longest window, ``max_hold_back``);
    None for a detection without throttling or a schedule that holds no run back."""
    from contentpack.content.schedule import furthest_overlap, max_hold_back

    scheduling = detection.effective_deployment.scheduling
    hold = max_hold_back(scheduling.schedule_window, runs.shortest_gap)
    if detection.tags.throttling is None or not hold:
        return None
    pairs = [(pair, skew) for skew in dict.fromkeys((0.0, worst.longest_skew))
             if (pair := furthest_overlap(runs, skew)) is not None]
    if not pairs:
        return None
    (first, last), skew = max(pairs, key=lambda found: found[0][1].run - found[0][0].run)
    return _HeldBack(first, last, skew, hold, scheduling.schedule_window, runs.shortest_gap)


def _throttle_for(longest: float, held_back: _HeldBack | None) -> str:
    """CP072's throttle: at least the ``longest`` window, or longer than CP077's runs when they reach further."""
    if held_back is None or held_back.reach < longest:
        return f"throttle for at least {format_duration(longest)}"
    return (f"throttle for longer than {format_duration(held_back.reach)} (schedule_window "
            f"{held_back.window!r} can hold a later run back {format_duration(held_back.hold)}: CP077)")


def _held_back_past_throttle(detection: Detection, held_back: _HeldBack | None) -> Iterator[Diagnostic]:
    """CP077 (see the module docstring): the two runs furthest apart that see one record (``_furthest_held_back``),
    the later held back the most its ``schedule_window`` allows and the earlier on time, start at least the
    throttle period apart. Not when they do so on time: a window longer than the throttle is CP072's."""
    from contentpack.durations import DurationError, duration_seconds

    throttling = detection.tags.throttling
    if throttling is None or held_back is None:
        return
    try:
        period = duration_seconds(throttling.period)
    except DurationError:
        return  # the schema's pattern reports it
    first, last, skew, apart, reach = held_back.first, held_back.last, held_back.skew, held_back.apart, held_back.reach
    if not apart < period <= reach:
        return
    window = held_back.window
    assumed = (" (auto: a minute under the period, assumed, as no Splunk page gives its size and "
               "savedsearches.conf.spec says \"The 'schedule_window' must be shorter than the period of the search\")"
               if window == "auto" else "")
    minutes = min(math.ceil((period - apart) / 60) - 1, int(held_back.gap // 60) - 1)
    where = ("deployment", "scheduling", "schedule_window")
    yield warning(detection.source.at(*where) if where in detection.source.value_positions
                  else detection.source.at("tags", "throttling", "period"), RULE_HELD_BACK_PAST_THROTTLE,
                  f"two runs that see the same record can start {format_duration(reach)} apart, past the "
                  f"throttle period {throttling.period!r}: the windows of {_run(first, skew)} and {_run(last, skew)}, "
                  f"{format_duration(apart)} apart{_skewed(skew)}, both hold {_moment(last.earliest)} .. "
                  f"{_moment(first.latest)} UTC, and schedule_window {window!r} lets the scheduler hold a run back up "
                  f"to {format_duration(held_back.hold)}{assumed}, the later one as much while the earlier starts on time (it "
                  f"holds each run back by its load at that moment), so a result in both windows is raised again "
                  f"(notable and risk): {_SUPPRESSED}. Set schedule_window to at most {max(minutes, 0)} (minutes), or "
                  f"throttle for longer than {format_duration(reach)}")


def _longer_there(margin: float) -> str:
    """Why a window is ``margin`` longer on a search head with daylight saving."""
    return (f"{format_duration(margin)} more across the night the clocks go back, as {_IN_ITS_ZONE} and a day there "
            f"lasts 25 hours (assumed: day offsets and snaps are read in the zone's calendar, as the engine reads "
            f"them)")

RULES = (spl_rules, search_time_rules, schedule_rules, lookup_column_rules, schedule_window_rules)
