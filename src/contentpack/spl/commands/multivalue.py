"""``mvexpand`` and ``makemv``.

mvexpand (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/mvexpand): one
copy of the event per value of the field (``limit=`` caps the copies); events without the field pass
unchanged. "The mvexpand command can't be applied to internal fields": one (a name starting with ``_``) is
refused, as the page does not say whether that is an error or the events pass unexpanded. makemv
(…/search-commands/makemv): split a field's text on ``delim`` (default a single space) or with ``tokenizer``
(a regex whose first group, or whole match, is each value); ``allowempty`` keeps empty values. The makemv page
says it "Converts a single valued field into a multivalue field" and nothing of a field that already holds
several: one is refused (``base.single_input``; the engine used to leave it as it was).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.commands.args import as_bool, as_int, at_option, read_field, read_option
from contentpack.spl.commands.base import (CommandInput, CommandNode, CommandSpec, FieldSet, Multivalued, RunContext,
                                           plus, single_input)
from contentpack.spl.regex import compile_literal, compile_pcre
from contentpack.spl.values import Event, make_mv, mv_values, to_str


@dataclass(frozen=True)
class MvexpandCommand(CommandNode):
    field: str
    limit: int = 0

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, self.field)


def parse_mvexpand(cmd: CommandInput) -> MvexpandCommand:
    cur = cmd.cursor()
    field: str | None = None
    limit = 0
    while not cur.at_end():
        if at_option(cur):
            _, value, tok = read_option(cur, ("limit",))
            limit = as_int(cur, value, tok, "limit")
            continue
        if field is not None:
            raise cur.error("mvexpand takes one field")
        field, tok = read_field(cur)
        if field.startswith("_"):
            raise cur.unsupported(f"the internal field '{field}' (the mvexpand page: \"mvexpand command can't be "
                                  "applied to internal fields\", and it does not say what Splunk does instead)", tok)
    if field is None:
        raise cur.error("expected the field to expand")
    return MvexpandCommand(cmd.name, cmd.offset, field, limit)


def run_mvexpand(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, MvexpandCommand)
    for event in events:
        values = mv_values(event.get(node.field))
        if len(values) <= 1:
            yield event
            continue
        if node.limit:
            values = values[: node.limit]
        for value in values:
            copy = dict(event)
            copy[node.field] = value
            yield copy


@dataclass(frozen=True)
class MakemvCommand(CommandNode):
    field: str
    delim: str = " "
    tokenizer: str | None = None
    allowempty: bool = False

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, self.field)


def parse_makemv(cmd: CommandInput) -> MakemvCommand:
    cur = cmd.cursor()
    field: str | None = None
    delim, tokenizer, allowempty = " ", None, False
    while not cur.at_end():
        if at_option(cur):
            key, value, tok = read_option(cur, ("delim", "tokenizer", "allowempty", "setsv"))
            if key == "delim":
                delim = value
            elif key == "tokenizer":
                compile_literal(value, offset=cur.off(tok), command=cmd.name)
                tokenizer = value
            elif key == "allowempty":
                allowempty = as_bool(cur, value, tok, key)
            else:
                raise cur.unsupported(f"option '{key}'", tok)
            continue
        if field is not None:
            raise cur.error("makemv takes one field")
        field, _ = read_field(cur)
    if field is None:
        raise cur.error("expected the field to split")
    return MakemvCommand(cmd.name, cmd.offset, field, delim, tokenizer, allowempty)


def run_makemv(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, MakemvCommand)
    regex = compile_pcre(node.tokenizer, offset=node.offset, command=node.name) if node.tokenizer else None
    for event in events:
        value = single_input(event, node.field, node)
        if value is not None:
            text = to_str(value) or ""
            if regex is not None:
                parts = [m.group(1) if regex.groups else m.group(0) for m in regex.finditer(text)]
            else:
                parts = text.split(node.delim) if node.delim else [text]
            if not node.allowempty:
                parts = [p for p in parts if p != ""]
            new = make_mv(parts)
            if new is None:
                event.pop(node.field, None)
            else:
                event[node.field] = new
        yield event


def _one_field_assigned(node: CommandNode, multivalued: Multivalued) -> dict[str, str]:
    """After ``mvexpand f`` each result holds one value of f ("Expands the values of a multivalue field into
    separate events, one event for each value", the mvexpand page); after ``makemv f`` f holds the pieces of its
    text, several or one as the text has delimiters, and what makemv does with a multivalue no page says: no
    claim for f either way. The other fields keep what they hold."""
    assert isinstance(node, (MvexpandCommand, MakemvCommand))
    return {name: why for name, why in multivalued.items() if name != node.field}


SPECS = (
    CommandSpec(("mvexpand",), parse_mvexpand, run_mvexpand, streaming=True, multivalue=_one_field_assigned),
    CommandSpec(("makemv",), parse_makemv, run_makemv, streaming=True, one_to_one=True,
                multivalue=_one_field_assigned),
)
