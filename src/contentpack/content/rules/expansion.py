"""CP052: what a search becomes once its macros are expanded must stay small, shallow and finite.

Splunk (and the replay engine) expand macros textually, recursively, before parsing. Thirty calls of a macro
that makes thirty calls, five levels down, is a 24-million-character search from a few hundred bytes of
YAML: validate and build would pass it and replay would spend minutes and gigabytes on it. Here the size is
bounded *without expanding*: for each macro, an upper bound on its expansion that is linear in the length of
its arguments' text, ``a + b * len(args)`` (``b`` counts how often the arguments end up in the result),
computed once per macro from its definition. Cycles (a macro reaching itself) and nesting deeper than the
engine's limit are reported too. The report points at the detection's search (or drilldown) and names the
call and its character offset there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import Macro
from contentpack.content.rules import RuleContext
from contentpack.content.rules.search import ORIGINAL_SEARCH, searches
from contentpack.content.rules.spl_text import MacroCall, macro_calls, strip_comments
from contentpack.cut_lists import count_text

MAX_EXPANDED_CHARS = 1_000_000  # an expanded search this long is an attack or a mistake (real ones: a few KB)
MAX_MACRO_DEPTH = 20  # the replay engine's limit (contentpack.spl.macros.MAX_DEPTH)


@dataclass(frozen=True)
class Bound:
    """Expanded length <= ``fixed + per_arg_char * len(argument text)``; ``depth`` levels of nested calls."""

    fixed: int
    per_arg_char: int
    depth: int


class _Cycle(Exception):
    def __init__(self, chain: tuple[str, ...]) -> None:
        super().__init__(" -> ".join(chain))
        self.chain = chain


class _Bounds:
    def __init__(self, macros: Mapping[str, Macro]) -> None:
        self.macros = macros
        self.memo: dict[str, Bound] = {}

    def of_text(self, text: str, arguments: tuple[str, ...], stack: tuple[str, ...]) -> Bound:
        """Bound of ``text`` (comments stripped) whose ``$arg$`` placeholders take argument text."""
        fixed, per_arg, depth = len(text), sum(text.count(f"${name}$") for name in arguments), 0
        for call in macro_calls(text):
            key = call.stanza
            if key is None or key not in self.macros:
                continue  # CP024 reports it
            inner = self.of_macro(key, stack)
            call_args = sum(call.text.count(f"${name}$") for name in arguments)
            fixed += inner.fixed + inner.per_arg_char * len(call.text)
            per_arg += inner.per_arg_char * call_args
            depth = max(depth, inner.depth + 1)
        return Bound(fixed, per_arg, depth)

    def of_macro(self, key: str, stack: tuple[str, ...]) -> Bound:
        known = self.memo.get(key)
        if known is not None:
            return known
        if key in stack:
            raise _Cycle((*stack[stack.index(key):], key))
        macro = self.macros[key]
        bound = self.of_text(strip_comments(macro.definition), macro.arguments, (*stack, key))
        self.memo[key] = bound
        return bound


def _offset(stripped: str, call: MacroCall) -> int:
    """The 1-based character offset of the call's first occurrence (worked out only for a report)."""
    return stripped.find(f"`{call.text}`") + 1


def bounded_expansion(context: RuleContext) -> Iterator[Diagnostic]:
    """CP052: each search's expansion is bounded in size and depth, and no macro reaches itself."""
    macros = {macro.stanza: macro for macro in context.pack.macros}
    bounds = _Bounds(macros)
    for text, source, node, owner in searches(context.pack):
        if "`" not in text:
            continue
        stripped = strip_comments(text.replace(ORIGINAL_SEARCH, " "))  # the detection's search is bounded on its own
        total = len(stripped)
        for call in macro_calls(stripped):
            key = call.stanza
            if key is None or key not in macros:
                continue
            try:
                bound = bounds.of_macro(key, ())
            except _Cycle as cycle:
                yield error(source.at(*node), "CP052",
                            f"macro call `{call.text}` at character {_offset(stripped, call)} of {owner} never ends: "
                            f"{' -> '.join(cycle.chain)}")
                break
            if bound.depth + 1 > MAX_MACRO_DEPTH:
                yield error(source.at(*node), "CP052",
                            f"macro call `{call.text}` at character {_offset(stripped, call)} of {owner} nests macros "
                            f"{bound.depth + 1} levels deep (Splunk and the replay engine stop at {MAX_MACRO_DEPTH})")
                break
            total += bound.fixed + bound.per_arg_char * len(call.text)
            if total > MAX_EXPANDED_CHARS:
                yield error(source.at(*node), "CP052",
                            f"macro call `{call.text}` at character {_offset(stripped, call)} of {owner} makes the "
                            f"expanded search longer than {count_text(MAX_EXPANDED_CHARS)} characters (macros calling "
                            "macros many times)")
                break


RULES = (bounded_expansion,)
