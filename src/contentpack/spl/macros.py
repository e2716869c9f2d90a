"""Search-macro expansion with a source map back to the text the author wrote.

Splunk expands macros textually before parsing: `` `name` `` or `` `name(a, b)` `` is replaced by the
definition of the stanza ``name`` (or ``name(N)`` for N arguments), with ``$arg$`` replaced by the argument
text; arguments may be positional or ``arg=value``; nested macros are expanded too; "Macros inside of quoted
values are not expanded" (macros.conf spec and Knowledge Manager Manual, "Search macro examples"). Triple-
backtick comments (```` ```comment``` ````) are removed first.

Why a source map: after expansion every character of the expanded text remembers the offset of the
character the author typed; characters that came from a macro map to the backtick that opened the call, so a
syntax error inside a macro body points at the macro call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from contentpack.spl.errors import SplMacroError, SplSyntaxError

MAX_DEPTH = 20
MAX_EXPANDED_CHARS = 1_000_000  # bounds time and memory (macros calling macros many times)


@dataclass(frozen=True)
class MacroDef:
    """One macro: ``name`` without the ``(N)`` suffix, its argument names, its definition text."""

    name: str
    args: tuple[str, ...]
    definition: str

    @property
    def key(self) -> str:
        return f"{self.name}({len(self.args)})" if self.args else self.name


@dataclass(frozen=True)
class Expanded:
    """Expanded text and, for each character, the offset in the original text it came from."""

    text: str
    origin: tuple[int, ...]
    original: str

    def original_offset(self, offset: int) -> int:
        if not self.origin:
            return 0
        if offset >= len(self.origin):
            last = self.origin[-1]
            if self.text[-1:] != self.original[last:last + 1]:
                return last  # the text ends inside a macro body: point at the call, not one character into it
            return min(last + 1, len(self.original))
        return self.origin[max(offset, 0)]


class MacroTable(dict[str, MacroDef]):
    """Macros keyed by ``name`` / ``name(N)``: what ``macro_table`` returns, and takes back as it is (a
    validator expanding thousands of searches with one pack's macros indexes them once)."""


def macro_table(macros: Mapping[str, MacroDef] | None) -> MacroTable:
    """Index macros by ``name`` / ``name(N)`` whatever keys the caller used."""
    if isinstance(macros, MacroTable):
        return macros
    table = MacroTable()
    for macro in (macros or {}).values():
        table[macro.key] = macro
    return table


def _strip_comments(text: str) -> tuple[str, list[int]]:
    if "```" not in text:
        return text, list(range(len(text)))
    return _strip_comment_blocks(text)


def _strip_comment_blocks(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    origin: list[int] = []
    i = 0
    quote = False
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):  # an escaped character (``\"``, ``\\``) never opens or closes a quote
            out.extend(text[i : i + 2])
            origin.extend((i, i + 1))
            i += 2
            continue
        if ch == '"':
            quote = not quote
        if not quote and text.startswith("```", i):
            end = text.find("```", i + 3)
            if end < 0:
                raise SplSyntaxError("unterminated ``` comment", offset=i)
            out.append(" ")  # "The search processor replaces comments with a space when the search is run."
            origin.append(i)
            i = end + 3
            continue
        out.append(ch)
        origin.append(i)
        i += 1
    return "".join(out), origin


def _split_args(body: str) -> list[str]:
    """Split macro call arguments on top-level commas (quotes and parentheses protect commas)."""
    args: list[str] = []
    depth = 0
    quote = False
    current: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            current.append(body[i : i + 2])
            i += 2
            continue
        if ch == '"':
            quote = not quote
        elif not quote and ch == "(":
            depth += 1
        elif not quote and ch == ")":
            depth -= 1
        if ch == "," and not quote and depth == 0:
            args.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    args.append("".join(current).strip())
    return args


def _bind(macro: MacroDef, raw_args: list[str], offset: int) -> dict[str, str]:
    if len(raw_args) != len(macro.args):
        raise SplMacroError(
            f"macro '{macro.name}' takes {len(macro.args)} argument(s), got {len(raw_args)}", offset=offset
        )
    named: dict[str, str] = {}
    positional: list[str] = []
    for arg in raw_args:
        name, eq, value = arg.partition("=")
        if eq and name.strip() in macro.args:
            named[name.strip()] = value.strip()
        else:
            positional.append(arg)
    bound: dict[str, str] = {}
    rest = iter(positional)
    for name in macro.args:
        if name in named:
            bound[name] = named[name]
        else:
            bound[name] = next(rest)
    return bound


def _substitute(definition: str, bound: Mapping[str, str]) -> str:
    for name, value in bound.items():
        definition = definition.replace(f"${name}$", value)
    return definition


_EXPAND_SPECIAL = re.compile(r'[\\"`]')


def _expand(
    text: str, origin: list[int], table: Mapping[str, MacroDef], depth: int, outer: int | None
) -> tuple[list[str], list[int]]:
    if "`" not in text:
        return list(text), origin
    out: list[str] = []
    out_origin: list[int] = []
    i = 0
    quote = False
    while i < len(text):
        special = _EXPAND_SPECIAL.search(text, i)  # copy plain text in one step
        stop = special.start() if special else len(text)
        if stop > i:
            out.extend(text[i:stop])
            out_origin.extend(origin[i:stop])
            i = stop
            if special is None:
                break
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.extend(text[i : i + 2])
            out_origin.extend(origin[i : i + 2])
            i += 2
            continue
        if ch == '"':
            quote = not quote
        if ch != "`" or quote:
            out.append(ch)
            out_origin.append(origin[i])
            i += 1
            continue
        call_offset = origin[i] if outer is None else outer
        end = text.find("`", i + 1)
        if end < 0:
            raise SplMacroError("unterminated macro call (missing closing backtick)", offset=call_offset)
        call = text[i + 1 : end].strip()
        if "(" in call and call.endswith(")"):
            name = call[: call.index("(")].strip()
            raw_args = _split_args(call[call.index("(") + 1 : -1])
            if raw_args == [""]:
                raw_args = []
        else:
            name, raw_args = call, []
        if not name:
            raise SplMacroError("empty macro call ``", offset=call_offset)
        key = f"{name}({len(raw_args)})" if raw_args else name
        macro = table.get(key)
        if macro is None:
            known = sorted(k for k in table if k.split("(")[0] == name)
            hint = f" (defined: {', '.join(known)})" if known else ""
            raise SplMacroError(f"unknown macro '{key}'{hint}", offset=call_offset)
        if depth >= MAX_DEPTH:
            raise SplMacroError(f"macro '{name}' expands deeper than {MAX_DEPTH} levels", offset=call_offset)
        body = _substitute(macro.definition, _bind(macro, raw_args, call_offset))
        inner, inner_origin = _expand(body, [call_offset] * len(body), table, depth + 1, call_offset)
        out.extend(inner)
        out_origin.extend(inner_origin)
        if len(out) > MAX_EXPANDED_CHARS:
            raise SplMacroError(f"macro '{name}' makes the expanded search longer than {MAX_EXPANDED_CHARS:,} "
                                "characters", offset=call_offset)
        i = end + 1
    return out, out_origin


def expand(text: str, macros: Mapping[str, MacroDef] | None = None) -> Expanded:
    """Remove comments and expand every macro call; raise :class:`SplMacroError` with the call's offset."""
    stripped, origin = _strip_comments(text)
    chars, out_origin = _expand(stripped, origin, macro_table(macros), 0, None)
    return Expanded("".join(chars), tuple(out_origin), text)
