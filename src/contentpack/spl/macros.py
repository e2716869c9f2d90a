"""Search-macro expansion with a source map back to the text the author wrote.

Splunk expands macros textually before parsing: `` `name` `` or `` `name(a, b)` `` is replaced by the
definition of the stanza ``name`` (or ``name(N)`` for N arguments), with ``$arg$`` replaced by the argument
text; arguments may be positional or ``arg=value``; nested macros are expanded too; "Macros inside of quoted
values are not expanded" (macros.conf spec and Knowledge Manager Manual, "Search macro examples"). Triple-
backtick comments (```` ```comment``` ````) are removed first.

Why a source map: after expansion every character of the expanded text remembers the offset of the
character the author typed; characters that came from a macro map to the backtick that opened the call, so a
syntax error inside a macro body points at the macro call.

Why a lenient expansion (``lenient=True``): a validator reading what a search names (the lookup tables of
CP025) must still read the rest of a search that calls a macro it cannot expand (one another app defines,
such as CIM's ``drop_dm_object_name``, or one whose call is wrong, which CP024 reports): such a call is
left as written, and everything else is expanded as Splunk would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from contentpack.spl.errors import SplMacroError, SplSyntaxError, count_text
from contentpack.spl.suggest import did_you_mean

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


class MacroTable(Mapping[str, MacroDef]):
    """Macros keyed by ``name`` / ``name(N)``: what ``macro_table`` returns, and takes back as it is (a
    validator expanding thousands of searches with one pack's macros indexes them once).

    Fixed once built, so it also remembers what each distinct macro call expanded to: searches written from
    one pattern make the same calls (`` `security_content_ctime(firstTime)` ``), and each is worked out once
    per table. A table never changes, so a remembered expansion cannot go stale; what it remembers is one
    entry per distinct call it expanded, and goes with the table (a validate run keeps one).
    """

    def __init__(self, macros: Iterable[MacroDef] = ()) -> None:
        self._by_key = {macro.key: macro for macro in macros}
        # (call text between the backticks, nesting depth, lenient) -> (macro name, expanded body); successes only
        self._calls: dict[tuple[str, int, bool], tuple[str, str]] = {}
        # For a call the table cannot expand, worked out at the first such call: macro name -> its keys, and
        # unknown name -> its did-you-mean hint (searches written from one pattern call another app's macro, such
        # as ESCU's `drop_dm_object_name`, hundreds of times: the name is compared with every macro's once).
        self._keys_by_name: dict[str, list[str]] | None = None
        self._suggestions: dict[str, str] = {}

    def keys_named(self, name: str) -> list[str]:
        """The keys of the macros called ``name`` (``name``, ``name(N)``...), sorted."""
        return self._names().get(name, [])

    def suggestion(self, name: str) -> str:
        """`` (did you mean 'X'?)`` for a macro ``name`` the table does not define ("" when none is close)."""
        found = self._suggestions.get(name)
        if found is None:
            found = self._suggestions[name] = did_you_mean(name, self._names())
        return found

    def _names(self) -> dict[str, list[str]]:
        if self._keys_by_name is None:
            self._keys_by_name = {}
            for key in sorted(self._by_key):
                self._keys_by_name.setdefault(key.split("(")[0], []).append(key)
        return self._keys_by_name

    def __getitem__(self, key: str) -> MacroDef:
        return self._by_key[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_key)

    def __len__(self) -> int:
        return len(self._by_key)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key


def macro_table(macros: Mapping[str, MacroDef] | None) -> MacroTable:
    """Index macros by ``name`` / ``name(N)`` whatever keys the caller used."""
    if isinstance(macros, MacroTable):
        return macros
    return MacroTable((macros or {}).values())


def _strip_comments(text: str) -> tuple[str, Sequence[int]]:
    if "```" not in text:
        return text, range(len(text))
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


def _call_spans(text: str) -> Iterator[tuple[int, int]]:
    """(opening backtick, closing backtick or -1) of each macro call in ``text``, in order: backticks inside
    quotes do not open a call, and an escaped character (``\\"``, ``\\```) is skipped."""
    i = 0
    quote = False
    while True:
        special = _EXPAND_SPECIAL.search(text, i)
        if special is None:
            return
        i = special.start()
        ch = text[i]
        if ch == "\\":
            i += 2
        elif ch == '"':
            quote = not quote
            i += 1
        elif quote:
            i += 1
        else:
            end = text.find("`", i + 1)
            yield i, end
            if end < 0:
                return
            i = end + 1


def _call_body(call: str, table: MacroTable, depth: int, call_offset: int, lenient: bool) -> tuple[str, str]:
    """The macro name and its definition with the arguments substituted, for the text between the backticks.
    ``lenient``: the caller drops the error of an unknown macro, so it is raised without its did-you-mean hint
    (comparing the name with every macro's is most of a lenient expansion's time on a large pack)."""
    call = call.strip()
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
        known = table.keys_named(name)
        hint = f" (defined: {', '.join(known)})" if known else "" if lenient else table.suggestion(name)
        raise SplMacroError(f"unknown macro '{key}'{hint}", offset=call_offset)
    if depth >= MAX_DEPTH:
        raise SplMacroError(f"macro '{name}' expands deeper than {MAX_DEPTH} levels", offset=call_offset)
    return name, _substitute(macro.definition, _bind(macro, raw_args, call_offset))


def _expand_call(call: str, table: MacroTable, depth: int, call_offset: int, lenient: bool) -> tuple[str, str]:
    """The macro name and the full expansion of one call (the text between its backticks) at this depth."""
    known = table._calls.get((call, depth, lenient))
    if known is None:
        name, body = _call_body(call, table, depth, call_offset, lenient)
        known = (name, "".join(_expand(body, call_offset, table, depth + 1, lenient=lenient)))
        table._calls[call, depth, lenient] = known
    return known


def _expand(
    text: str, origin: Sequence[int] | int, table: MacroTable, depth: int, out_origin: list[int] | None = None,
    *, lenient: bool = False,
) -> list[str]:
    """``text`` with its macro calls expanded, as pieces to join.

    ``origin``: at the top level, the offset in the author's text of each character of ``text``; inside a
    macro body, the one offset all its characters map to (the call that brought it in). ``out_origin``, when
    given, receives the origin of each character of the result. Plain text between calls is copied as one
    slice. ``lenient``: a call that cannot be expanded (an unknown macro, a wrong argument count, too deep) is
    left as written instead of raising; an unterminated call leaves the rest of the text as written.
    """
    pieces: list[str] = []
    size = 0
    done = 0  # text[:done] is copied or expanded
    for start, end in _call_spans(text):
        call_offset = origin if isinstance(origin, int) else origin[start]
        if end < 0:
            if lenient:
                break
            raise SplMacroError("unterminated macro call (missing closing backtick)", offset=call_offset)
        try:
            name, inner = _expand_call(text[start + 1 : end], table, depth, call_offset, lenient)
        except SplMacroError:
            if not lenient:
                raise
            continue  # left as written: copied with the plain text after it
        pieces += (text[done:start], inner)
        if out_origin is not None and not isinstance(origin, int):
            out_origin += origin[done:start]
            out_origin += [call_offset] * len(inner)
        size += start - done + len(inner)
        if size > MAX_EXPANDED_CHARS:
            raise SplMacroError(f"macro '{name}' makes the expanded search longer than "
                                f"{count_text(MAX_EXPANDED_CHARS)} characters", offset=call_offset)
        done = end + 1
    pieces.append(text[done:])
    if out_origin is not None and not isinstance(origin, int):
        out_origin += origin[done:]
    return pieces


def expand(text: str, macros: Mapping[str, MacroDef] | None = None, *, lenient: bool = False) -> Expanded:
    """Remove comments and expand every macro call; raise :class:`SplMacroError` with the call's offset
    (``lenient``: leave a call that cannot be expanded as written instead; an unterminated comment still
    raises :class:`SplSyntaxError`)."""
    stripped, origin = _strip_comments(text)
    out_origin: list[int] = []
    pieces = _expand(stripped, origin, macro_table(macros), 0, out_origin, lenient=lenient)
    return Expanded("".join(pieces), tuple(out_origin), text)


def expand_text(text: str, macros: Mapping[str, MacroDef] | None = None, *, lenient: bool = False) -> str:
    """``expand(text, macros, lenient=lenient).text`` (the same errors too), without the origin of each
    character, which only locates problems: a validator reads the expansion of every search and locates
    problems in a few."""
    stripped, origin = _strip_comments(text)
    return "".join(_expand(stripped, origin, macro_table(macros), 0, lenient=lenient))
