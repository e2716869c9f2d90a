"""``rex`` (extract with named groups, or edit with ``mode=sed``) and ``regex`` (filter by a pattern).

rex (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rex): ``field=``
default ``_raw``; ``max_match`` default 1, 0 means unlimited, more than one match makes multivalue fields;
``mode=sed`` takes ``s/regex/replacement/flags`` (``g`` or an occurrence number) or ``y/from/to/``.
regex (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/regex):
``field=regex`` keeps matching events, ``field!=regex`` the others; unanchored (PCRE, S26).
Patterns run through :mod:`contentpack.spl.regex` (PCRE spellings translated for Python); a pattern PCRE
certainly cannot compile is a syntax error when the search is parsed (``regex.compile_literal``).
A multivalue field is refused (``base.single_input``): neither page says what either command does with one (the
rex page's "Extract from multi-valued fields using max_match" example makes a multivalue from one value).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.commands.args import as_int, at_option, is_digits, read_option, whole_number
from contentpack.spl.commands.base import (FieldUse, Multivalued, assigns_nothing, uses, CommandInput, CommandNode,
                                           CommandSpec, FieldSet, RunContext, plus, single_input)
from contentpack.spl.errors import SplSyntaxError
from contentpack.spl.regex import compile_literal, compile_pcre, substitute
from contentpack.spl.values import Event, make_mv, to_str


@dataclass(frozen=True)
class RexCommand(CommandNode):
    field: str
    pattern: str
    max_match: int = 1
    sed: bool = False

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, self.field)


def parse_rex(cmd: CommandInput) -> RexCommand:
    cur = cmd.cursor()
    field, max_match, sed = "_raw", 1, False
    pattern: str | None = None
    pattern_offset = cmd.offset
    while not cur.at_end():
        if at_option(cur):
            key, value, tok = read_option(cur, ("field", "max_match", "mode", "offset_field"))
            if key == "field":
                field = value
            elif key == "max_match":
                max_match = as_int(cur, value, tok, key)
            elif key == "mode":
                if value != "sed":
                    raise cur.error("mode= must be sed", tok)
                sed = True
            else:
                raise cur.unsupported(f"option '{key}'", tok)
            continue
        tok = cur.next()
        if tok.kind != "PHRASE" or pattern is not None:
            raise cur.error('expected one quoted regular expression, e.g. "(?<user>\\w+)"', tok)
        pattern, pattern_offset = tok.text, cur.off(tok)
    if pattern is None:
        raise cur.error("expected a quoted regular expression")
    if sed:
        _parse_sed(pattern, pattern_offset, cmd.name)
    else:
        compiled = compile_literal(pattern, offset=pattern_offset, command=cmd.name)
        if not compiled.groupindex:
            raise SplSyntaxError("rex: the regular expression has no named group (?<name>...)",
                                 offset=pattern_offset, command=cmd.name)
    return RexCommand(cmd.name, cmd.offset, field, pattern, max_match, sed)


@dataclass(frozen=True)
class SedScript:
    kind: str  # "s" or "y"
    pattern: str
    replacement: str
    count: int  # 0: all (flag g); N: the Nth occurrence only


def _parse_sed(script: str, offset: int, command: str) -> SedScript:
    if len(script) < 2 or script[0] not in "sy":
        raise SplSyntaxError("rex mode=sed expects s/regex/replacement/flags or y/from/to/", offset=offset,
                             command=command)
    delim = script[1]
    parts: list[str] = []
    current: list[str] = []
    i = 2
    while i < len(script):
        ch = script[i]
        if ch == "\\" and i + 1 < len(script) and script[i + 1] == delim:
            current.append(delim)
            i += 2
            continue
        if ch == delim:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    if len(parts) != 3:
        raise SplSyntaxError("rex mode=sed: expected three parts separated by the delimiter", offset=offset,
                             command=command)
    pattern, replacement, flags = parts
    if script[0] == "y":
        if len(pattern) != len(replacement):
            raise SplSyntaxError("rex mode=sed y/// needs equally long character lists", offset=offset,
                                 command=command)
        return SedScript("y", pattern, replacement, 0)
    if flags in ("", "g"):
        count = 0 if flags == "g" else 1
    elif is_digits(flags):
        count = -whole_number(flags, offset, command)
    else:
        raise SplSyntaxError(f"rex mode=sed: unsupported flags {flags!r}", offset=offset, command=command)
    compile_literal(pattern, offset=offset, command=command)
    return SedScript("s", pattern, replacement, count)


def _sed(text: str, script: SedScript, node: RexCommand) -> str:
    if script.kind == "y":
        return text.translate(str.maketrans(script.pattern, script.replacement))
    regex = compile_pcre(script.pattern, offset=node.offset, command=node.name)
    if script.count >= 0:
        return substitute(regex, script.replacement, text, count=script.count)
    wanted = -script.count
    matches = list(regex.finditer(text))
    if len(matches) < wanted:
        return text
    target = matches[wanted - 1]
    return text[: target.start()] + substitute(regex, script.replacement, target.group(0), 1) + text[target.end():]


def run_rex(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, RexCommand)
    if node.sed:
        script = _parse_sed(node.pattern, node.offset, node.name)
        for event in events:
            value = single_input(event, node.field, node)
            if value is not None:
                event[node.field] = _sed(to_str(value) or "", script, node)
            yield event
        return
    regex = compile_pcre(node.pattern, offset=node.offset, command=node.name)
    names = list(regex.groupindex)
    for event in events:
        found: dict[str, list[str]] = {}
        text = to_str(single_input(event, node.field, node))
        for count, match in enumerate(regex.finditer(text) if text is not None else (), start=1):
            for name in names:
                value = match.group(name)
                if value is not None:
                    found.setdefault(name, []).append(value)
            if node.max_match and count >= node.max_match:
                break
        for name, values in found.items():
            event[name] = make_mv(values)
        yield event


# ------------------------------------------------------------------------------------------------ regex


@dataclass(frozen=True)
class RegexCommand(CommandNode):
    field: str
    negate: bool
    pattern: str

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, self.field)


def parse_regex(cmd: CommandInput) -> RegexCommand:
    cur = cmd.cursor()
    field, negate = "_raw", False
    if cur.at("WORD") and cur.at("OP", k=1):
        field = cur.next().text
        op = cur.next()
        if op.text not in ("=", "!="):
            raise cur.error("expected = or != after the field name", op)
        negate = op.text == "!="
    tok = cur.next()
    if tok.kind not in ("PHRASE", "WORD"):
        raise cur.error("expected a regular expression", tok)
    cur.expect_end()
    compile_literal(tok.text, offset=cur.off(tok), command=cmd.name)
    return RegexCommand(cmd.name, cmd.offset, field, negate, tok.text)


def run_regex(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, RegexCommand)
    regex = compile_pcre(node.pattern, offset=node.offset, command=node.name)
    for event in events:
        text = to_str(single_input(event, node.field, node))
        matched = text is not None and regex.search(text) is not None
        if matched != node.negate and (text is not None or node.negate):
            yield event


def _rex_fields(node: CommandNode) -> FieldUse:
    """rex writes its named groups (sed mode edits the field it reads)."""
    assert isinstance(node, RexCommand)
    if node.sed:
        return uses([node.field], [node.field])
    return uses([node.field], compile_pcre(node.pattern, offset=node.offset, command=node.name).groupindex)


def _rex_result_fields(node: CommandNode, fields: frozenset[str]) -> frozenset[str]:
    """The named groups, when the field rex reads is among the fields (a missing one matches nothing); sed mode
    edits that field in place."""
    use = _rex_fields(node)
    return fields | use.produces if use.reads <= fields else fields


def _rex_multivalue(node: CommandNode, multivalued: Multivalued) -> dict[str, str]:
    """rex's named groups after it: with ``max_match`` other than 1 (0: unlimited) each "can hold several
    values" ("If greater than 1, the resulting fields are multivalued fields", the rex page); with the default 1
    a group is one match's text, but what rex gives when the field it reads holds several values, or whether a
    group keeps its earlier value when the regex does not match, no page says, so no claim. The field read keeps
    what it holds (extraction reads it); ``mode=sed`` rewrites it: no claim, the page says nothing of a
    multivalue there."""
    assert isinstance(node, RexCommand)
    out = dict(multivalued)
    if node.sed:
        out.pop(node.field, None)
        return out
    for name in _rex_fields(node).produces:
        out.pop(name, None)
        if node.max_match != 1:
            out[name] = f"the search's rex makes it with max_match={node.max_match}"
    return out


SPECS = (
    CommandSpec(("rex",), parse_rex, run_rex, streaming=True, one_to_one=True, fields=_rex_fields,
                multivalue=_rex_multivalue, result_fields=_rex_result_fields),
    CommandSpec(("regex",), parse_regex, run_regex, streaming=True, multivalue=assigns_nothing),
)
