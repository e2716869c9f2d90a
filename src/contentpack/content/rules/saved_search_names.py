"""CP073: a search that names one of the app's saved searches names one the app builds.

The app names each detection's saved search ``<label> - <detection name> - Rule`` (``content.naming.stanza_name``),
and that name is what ES writes into each risk event's ``source`` and each notable's ``search_name``. A
correlation may single out some detections' risk by it (``like(source, "% - X - Rule")``). When X is renamed, or
the label written is not the app's, the search still runs and the text matches nothing: the risk it meant to
single out silently counts like any other, a wrong answer no other check sees. The name is a plain string to
the engine, so only this rule can tie it to the detections of the pack.

What counts as naming a saved search: a double-quoted string of a detection or drilldown search, with the
pack's macros expanded (``RuleContext.spl``, the expansion every SPL rule shares), whose value ends in
`` - Rule``. The strings are the engine's search tokens (``spl.lexer.tokenize_search``) of each pipeline
segment and subsearch: the same quoted strings in an ``eval``/``where`` literal, a ``field="value"``, an ``IN``
list or a phrase, and in commands the engine's parser does not take (``tstats ... where source="..."``), at the
string's own offset. It names a saved search of the app when it matches one of the app's names, ``%`` and
``*`` read as wildcards wherever they stand (``like``'s and the search command's; assumed: the rule does not
tell which command the string is in) and the rest compared with case, as the engine's ``like`` compares
(``spl.functions.conditional.like``; the search command compares field values without case, so there a string
differing only in case is reported though it matches: write the name as the app does). Otherwise it is reported when it is shaped like one: ``<label> - <name> -
Rule`` (the label is the app's when the text starts with it, else what comes before the first `` - ``), or
``<name> - Rule`` for a name of the pack (no label). The finding says which part is wrong: under the app's
label or a wildcard matching it, a name that is no detection of the pack (with a did-you-mean); for a detection
of the pack, a label that is neither the app's (``contentpack.yml`` ``app.label``) nor such a wildcard. Another
app's saved search (``"ESCU - <an ESCU detection> - Rule"``: a label not the app's, a name not the pack's) is
not the pack's to judge and is left alone. A name that may be a detection whose file has errors reported
already (``RuleContext.may_be_broken``: its ``name`` was read but the file not modelled, or a detection file could
not be read at all) is not reported either: the author fixes that file, not the string (a file stopped at a typo
in its ``type`` made this rule send the author to rename a right string, with a did-you-mean to another
detection). Text in descriptions is not searched and is not read. A string a
macro brings is reported at the macro call (the expansion is not in the file), as CP025 and CP065 do; a
drilldown string holding a ``$token$`` is ES's to fill and is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.rules import RuleContext
from contentpack.content.rules.spl_checks import Positions, in_expansion, search_texts, token_stand_ins
from contentpack.spl import SplError
from contentpack.spl.lexer import Token, tokenize_search
from contentpack.spl.regex import glob_fullmatch
from contentpack.spl.suggest import did_you_mean

if TYPE_CHECKING:
    from contentpack.content.rules.spl_analysis import SplAnalysis

RULE_SAVED_SEARCH_NAME = "CP073"
SUFFIX = " - Rule"  # the end of every saved search name the app gives (content.naming.stanza_name)
_SEPARATOR = " - "
_WILDCARD = re.compile(r"[%*]")


def _matches(pattern: str, text: str) -> bool:
    """Whether ``pattern``, ``%`` and ``*`` standing for any run of characters, matches the whole of ``text``."""
    parts = tuple(_WILDCARD.split(pattern))
    return pattern == text if len(parts) == 1 else glob_fullmatch(parts, text)


@dataclass(frozen=True)
class AppNames:
    """The names the app gives: its label and the detections whose saved searches it builds."""

    label: str
    detections: Sequence[str]
    # Names of objects whose files have errors reported already, and whether a detection file could not be read at
    # all (its name unknown): a name of no detection above may be one of these (``RuleContext.may_be_broken``).
    unmodelled: Sequence[str] = ()
    detection_unread: bool = False

    def problem(self, value: str) -> str | None:
        """Why the string ``value`` names no saved search of the app; None when it names one, or is not shaped
        like a saved search name at all (see the module docstring)."""
        if not value.endswith(SUFFIX):
            return None
        label, names = self.label, self.detections
        if any(_matches(value, f"{label}{_SEPARATOR}{name}{SUFFIX}") for name in names):
            return None
        rest = value[: -len(SUFFIX)]
        if rest.startswith(label + _SEPARATOR):
            prefix, name = label, rest[len(label) + len(_SEPARATOR):]
        elif _SEPARATOR in rest:
            prefix, _, name = rest.partition(_SEPARATOR)
        else:
            prefix, name = "", rest
        known = any(_matches(name, detection) for detection in names)
        if not known and not _matches(prefix, label):
            return None  # no detection under no label of the app: another app's saved search, or not a name
        if not known and (self.detection_unread or any(_matches(name, other) for other in self.unmodelled)):
            return None  # a detection whose file's own errors are reported: no cascade (the module docstring)
        own = f"this app's label is '{label}' (contentpack.yml app.label)"
        if known:
            how = "without a label" if not prefix else f"with the label '{prefix}'"
            return (f"names detection '{name}' {how}, but {own}: its saved search is "
                    f"'{label}{_SEPARATOR}{name}{SUFFIX}', so this text matches no saved search of the app; "
                    f"write the label '{label}' or a wildcard in front")
        return (f"names the saved search of detection '{name}', which is not a detection of this pack"
                f"{did_you_mean(name, names)}, so this text matches no saved search of the app (the app names "
                f"them '{label}{_SEPARATOR}<detection name>{SUFFIX}')")


def _strings(tokens: list[Token]) -> Iterator[Token]:
    """The double-quoted strings among ``tokens``, those of ``[ ... ]`` subsearches included."""
    for token in tokens:
        if token.kind == "PHRASE":
            yield token
        elif token.kind == "SUBSEARCH":
            yield from _quoted_strings(token.text, token.offset)


def _quoted_strings(text: str, base: int = 0) -> Iterator[Token]:
    """The double-quoted strings of one command's text (offsets from ``base``); none when the engine's
    tokenizer refuses the text (CP060 reports what is wrong with it)."""
    try:
        tokens = tokenize_search(text, base)
    except SplError:
        return
    yield from _strings(tokens)


def _search_strings(analysis: SplAnalysis, expanded: str) -> Iterator[Token]:
    """The double-quoted strings of an expanded search, command by command (the run's shared split)."""
    for segment in analysis.segments(expanded) or ():
        if SUFFIX in segment.text:  # most commands name no saved search
            yield from _quoted_strings(segment.text, segment.offset)


def saved_search_names(context: RuleContext) -> Iterator[Diagnostic]:
    """CP073 (see the module docstring), at the string's first character (at the macro call that brings it)."""
    pack = context.pack
    names = AppNames(pack.app.label, tuple(detection.name for detection in pack.detections),
                     tuple(sorted(context.unmodelled_names)), "detection" in context.unread_kinds)
    analysis = context.spl
    positions = Positions(context.root)
    for text in search_texts(context):
        readable = analysis.readable_text(text.parsed)
        if readable is None or SUFFIX not in readable:  # nearly every search
            continue
        tokens = token_stand_ins(text.value) if text.node[0] == "drilldown_searches" else frozenset()
        for string in _search_strings(analysis, readable):
            if any(token in string.text for token in tokens):
                continue  # ES fills the $token$ at run time
            problem = names.problem(string.text)
            if problem is None:
                continue
            at = text.to_value(analysis.readable_expansion(text.parsed).original_offset(string.offset))
            message = in_expansion(f'"{string.text}" in {text.owner} {problem}', text.value, at)
            yield error(positions.in_text(text, at), RULE_SAVED_SEARCH_NAME, message)


RULES = (saved_search_names,)
