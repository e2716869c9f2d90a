"""CP080: a detection's search filters on a field that no command before the filter leaves, whatever the logs hold.

After ``stats ... by dest user`` only the fields the ``stats`` makes are left (Search Reference, stats: "the
results contain only the fields" of its aggregations and ``by`` clause); ``rename a as b`` takes ``a`` away. A
``where`` or ``search`` comparing such a field never holds, so Splunk returns nothing, or, behind ``NOT``, excludes
nothing, with no error (``spl.hints.unmade_fields``, the analysis the backtest's field hints give on the user's
logs, needing no event). The newcomer's ways to get there: a threshold macro given a word (``definition: five``
makes ``where user_count >= five``, a comparison with a field named ``five``: the detection never fires) and a
misspelled field in a tuning macro (``search NOT appid="..."`` after the detection's ``stats``: nothing is tuned
out). Both validated silently; the replay's tests or a backtest showed only the effect.

Placed where the field is written (``written_at``): in the definition of the pack's macro whose call brought the
command or the field into the search, else at the command in the detection's ``search``.

Cost: a detection's search is parsed whole (macros expanded) only when a ``where``, or a ``search`` other than
``search *`` (the generated filter), follows its first command: the only commands ``unmade_fields`` can report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from contentpack.content.diagnostics import Diagnostic, Position, error
from contentpack.content.model import Detection, Pack
from contentpack.content.rules import RuleContext
from contentpack.content.rules.spl_checks import Positions
from contentpack.content.rules.spl_text import located_macro_calls
from contentpack.content.spl_macros import pack_macros
from contentpack.spl import SplError
from contentpack.spl.ast import Pipeline
from contentpack.spl.hints import AbsentField, read_fields, unmade_fields, with_meaning_from
from contentpack.spl.macros import MacroDef
from contentpack.spl.parser import parse

RULE = "CP080"
WHERE = " after the commands before it, whatever the logs hold"
ADVICE = ": a typo? a filter on it treats every row alike (NOT {0}=... excludes none, {0}=... keeps none)"
_FILTER = re.compile(r"\s*(where\b|search\b(?!\s*\*?\s*$))", re.IGNORECASE)


def written_at(pack: Pack, positions: Positions, detection: Detection, pipeline: Pipeline,
               field: AbsentField) -> Position:
    """Where ``field`` is written: in the definition of a macro of the pack called where the field's command is
    (the call that brought the command, or one inside the command, `` where n >= `threshold` ``) whose
    definition names the field (its first mention there), else at the command in the detection's ``search``."""
    commands = pipeline.commands
    offset = commands[field.at].offset  # in the search as written: a macro's commands at its call
    end = commands[field.at + 1].offset if field.at + 1 < len(commands) else len(detection.search)
    called = {call.name for at, call in located_macro_calls(detection.search) if offset <= at < max(end, offset + 1)}
    name = re.compile(rf"(?<![\w.{{}}]){re.escape(field.name)}(?![\w.{{}}])")
    for macro in pack.macros:
        found = name.search(macro.definition) if macro.name in called else None
        if found is not None:
            return positions.at(macro.source, ("definition",), macro.definition, found.start())
    return positions.at(detection.source, ("search",), detection.search, offset)


def _may_report(context: RuleContext, search: str) -> bool:
    """Whether a command ``unmade_fields`` reads follows the first (a filter after it), from the pack-expanded
    text's pipeline segments, which CP045 split already."""
    expanded = context.spl.expanded_text(search)
    segments = (context.spl.segments(expanded) if expanded is not None else None) or []
    return any(_FILTER.match(segment.text) for segment in segments[1:])


def _said(pack: Pack, field: AbsentField, at: Position) -> str:
    """The backtest's hint in validate's words; when the field is a macro's whole definition, a number written as
    a word (a threshold ``five``), what to write instead."""
    whole = next((m for m in pack.macros if m.source.path == at.path and m.definition.strip() == field.name), None)
    said = field.said("the search", WHERE)
    if whole is None:
        return f"{said}{ADVICE.format(field.name)}"
    return (f"{said}: the whole definition of macro '{whole.name}', {field.name}, "
            "is read as a field's name; write a number in digits (definition: '5')")


def _findings(context: RuleContext, detection: Detection, macros: dict[str, MacroDef]) -> Iterator[Diagnostic]:
    try:
        pipeline = parse(detection.search, macros)
    except SplError:  # CP060/CP061 report it
        return
    positions = Positions(Path(context.root))
    for field in with_meaning_from(pipeline, read_fields(pipeline), unmade_fields(pipeline)):
        at = written_at(context.pack, positions, detection, pipeline, field)
        yield error(at, RULE, f"detection '{detection.name}': {_said(context.pack, field, at)}")


def unmade_filter_fields(context: RuleContext) -> Iterator[Diagnostic]:
    """CP080 (see the module docstring)."""
    macros: dict[str, MacroDef] | None = None
    for detection in context.pack.detections:
        if _may_report(context, detection.search):
            macros = pack_macros(context.pack) if macros is None else macros
            yield from _findings(context, detection, macros)


RULES = (unmade_filter_fields,)
