"""The pack's SPL as the engine reads it, worked out once per validate run and shared by every rule that needs
it (CP060/CP061 parse problems, CP045 field provenance, CP025/CP065 lookup commands, the multivalue result
fields CP029, CP075 and CP087 read): one home, so no rule expands, parses or reads a search again.

Each search text is macro-expanded once (with the pack's macros and the filter macros the build generates),
and each distinct expansion is parsed once: packs repeat them (drilldown templates, detections written from
one pattern), and the parser's answer depends on the expanded text only (``spl.parser.check_expanded``); its
offsets are mapped back to each search's own text (``spl.parser.located``), which needs the origin of every
character of the expansion, worked out only for the few texts with a problem. The parser's answers are also
kept between runs (``spl_answers``), so an unchanged search is not parsed again. Built on first use
(``RuleContext.spl``), so a run whose rules need no SPL never imports the engine: this module is imported only
then, and imports the engine once at its top (not in the methods, which run for every search).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from contentpack.content.model import Pack
from contentpack.content.spl_macros import pack_macros
from contentpack.spl import SplError, SplUnsupportedError
from contentpack.spl.ast import Command
from contentpack.spl.lexer import Segment, split_pipeline
from contentpack.spl.macros import Expanded, MacroTable, expand, expand_text, macro_table
from contentpack.spl.parser import check_expanded, command_alone, expand_for_check, located, subsearch_commands

if TYPE_CHECKING:
    from contentpack.content.rules.spl_answers import StoredAnswers


class SplAnalysis:
    """Expansions and parse problems of the pack's search texts, memoised by text."""

    def __init__(self, pack: Pack, answers: StoredAnswers | None = None) -> None:
        self._answers = answers  # parse answers kept between runs (``spl_answers``); None: parse every text
        self.macros: MacroTable = macro_table(pack_macros(pack))  # indexed once for every search
        self._texts: dict[str, str | None] = {}
        self._readable: dict[str, str | None] = {}
        self._expanded: dict[str, Expanded | list[SplError]] = {}
        self._checked: dict[str, tuple[list[SplError], bool]] = {}
        self._segments: dict[str, list[Segment] | None] = {}
        # ``throttle_keys.multivalue_results`` by search text, worked out once for CP029, CP075 and CP087, which
        # each read a detection's (its callers must not change an answer)
        self.multivalued: dict[str, dict[str, str]] = {}

    def expansion(self, text: str) -> Expanded | list[SplError]:
        """``text`` with the pack's macros expanded, or why it cannot be (as ``spl.parser.check`` says it)."""
        found = self._expanded.get(text)
        if found is None:
            found = self._expanded[text] = expand_for_check(text, self.macros)
        return found

    def expanded_text(self, text: str) -> str | None:
        """The expanded text, or None when the macros cannot be expanded (``expansion`` says why)."""
        if text not in self._texts:
            try:
                self._texts[text] = expand_text(text, self.macros)
            except (SplError, RecursionError):  # what ``expand_for_check`` turns into its answer
                self._texts[text] = None
        return self._texts[text]

    def readable_text(self, text: str) -> str | None:
        """The expanded text, or, when some macro cannot be expanded (another app's, such as CIM's
        ``drop_dm_object_name``, or a wrong call, CP024's), the text with every other macro expanded and those
        calls left as written (``spl.macros.expand_text(lenient=True)``): a rule reading what a search names
        reads the rest of it. None only when not even that can be done (an unterminated comment)."""
        expanded = self.expanded_text(text)
        if expanded is not None:
            return expanded
        if text not in self._readable:
            try:
                self._readable[text] = expand_text(text, self.macros, lenient=True)
            except (SplError, RecursionError):
                self._readable[text] = None
        return self._readable[text]

    def readable_expansion(self, text: str) -> Expanded:
        """``readable_text`` with the origin of each character (worked out only for a finding, which must come
        from a ``readable_text`` that is not None)."""
        expanded = self.expansion(text)
        return expanded if isinstance(expanded, Expanded) else expand(text, self.macros, lenient=True)

    def segments(self, expanded_text: str) -> list[Segment] | None:
        """The engine's ``split_pipeline`` of an expanded text, None when it cannot be split (an unclosed quote
        or bracket; the parse check says where). CP045 reads every search's segments and the parse check reuses
        them, so each expansion is split once. Callers must not change the list."""
        if expanded_text not in self._segments:
            try:
                self._segments[expanded_text] = split_pipeline(expanded_text)
            except SplError:
                self._segments[expanded_text] = None
        return self._segments[expanded_text]

    def command(self, expanded_text: str, index: int) -> Command | None:
        """The ``index``-th command of an expanded text, parsed on its own as the syntax check keys it
        (``spl.parser.command_alone``: its text, its place, whether the pipeline starts with ``|``), so a rule
        reading commands shares that parse; None when the text cannot be split or the command does not parse
        (CP060's finding)."""
        segments = self.segments(expanded_text)
        if segments is None or index >= len(segments):
            return None
        leading_pipe = expanded_text.lstrip().startswith("|")
        return command_alone(segments[index].text, min(index, 2), leading_pipe).command

    def readable_commands(self, expanded_text: str, word: str) -> Iterator[tuple[int, Command]]:
        """(offset in the text its offsets count from, command) of each command that parses as ``command``
        parses it, among the pipeline segments whose text holds ``word`` (any case; a cheap filter: most
        segments name no lookup). A segment the engine refuses as a whole but whose SPL is valid (``tstats
        ... where [| inputlookup t]``, a subsearch holding ``outputlookup``) gives the commands of its
        subsearches (``spl.parser.subsearch_commands``); one with a syntax error gives nothing (CP060's)."""
        segments = self.segments(expanded_text)
        leading_pipe = expanded_text.lstrip().startswith("|")
        for index, segment in enumerate(segments or ()):
            if word not in segment.text.lower():
                continue
            alone = command_alone(segment.text, min(index, 2), leading_pipe)
            if alone.command is not None:
                yield segment.offset, alone.command
            elif isinstance(alone.problem, SplUnsupportedError) and "[" in segment.text:
                yield from ((segment.offset, command) for command in subsearch_commands(segment.text))

    def problems(self, text: str) -> list[SplError]:
        """``spl.parser.check(text, pack macros)``: every problem the parser finds, at offsets in ``text``."""
        expanded_text = self.expanded_text(text)
        if expanded_text is not None and self._checked_expansion(expanded_text) == ([], False):
            return []  # nearly every text: nothing to locate
        expanded = self.expansion(text)
        if isinstance(expanded, list):
            return expanded
        return located(self._checked_expansion(expanded.text), expanded)

    def _checked_expansion(self, expanded_text: str) -> tuple[list[SplError], bool]:
        found = self._checked.get(expanded_text)
        if found is None:
            segments = self._segments.get(expanded_text)  # split already when CP045 read it (no split here)
            if self._answers is not None:
                found = self._answers.checked(expanded_text, segments)
            else:
                found = check_expanded(expanded_text, segments)
            self._checked[expanded_text] = found
        return found
