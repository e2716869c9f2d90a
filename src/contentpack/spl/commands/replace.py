"""``replace``: change field values that match a wildcard pattern.

replace (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/replace):
``replace (<wc-string> WITH <wc-string>)... [IN <field-list>]``: "Replaces field values in your search
results with the values that you specify"; "Without an IN clause, the replacement applies to all fields"
(assumed here: every field not starting with ``_``); the match is of the whole value and the wildcards of
the replacement take what the wildcards of the pattern matched (``replace *localhost WITH localhost``).
The first pair that matches a value decides it (assumed). Matching is case-sensitive (assumed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.commands.args import read_field, read_field_list
from contentpack.spl.commands.base import uses, CommandInput, CommandNode, CommandSpec, FieldSet, RunContext
from contentpack.spl.commands.fieldops import matching_fields, renamed
from contentpack.spl.values import Event, Scalar, Value, make_mv, mv_values, to_str


@dataclass(frozen=True)
class ReplaceCommand(CommandNode):
    pairs: tuple[tuple[str, str], ...]
    fields: tuple[str, ...]  # empty: every non-internal field

    def requires(self, needed: FieldSet) -> FieldSet:
        return needed


def parse_replace(cmd: CommandInput) -> ReplaceCommand:
    cur = cmd.cursor()
    pairs: list[tuple[str, str]] = []
    fields: list[str] = []
    while not cur.at_end():
        if cur.accept("COMMA"):
            continue
        if cur.accept_keyword("in"):
            fields = read_field_list(cur)
            if not fields:
                raise cur.error("expected field names after IN")
            break
        source, source_tok = read_field(cur, "a value to replace")
        cur.accept("COMMA")  # ESCU writes `"delete", with "deleted"`
        if not cur.accept_keyword("with"):
            raise cur.error("expected WITH after the value")
        target, _ = read_field(cur, "the replacement value")
        if target.count("*") not in (0, source.count("*")):
            raise cur.error("the replacement must have no wildcards or as many as the value", source_tok)
        pairs.append((source, target))
    if not pairs:
        raise cur.error("expected <value> WITH <replacement>")
    cur.expect_end()
    return ReplaceCommand(cmd.name, cmd.offset, tuple(pairs), tuple(fields))


def _replaced(value: Scalar, pairs: tuple[tuple[str, str], ...]) -> Scalar:
    text = to_str(value) or ""
    for source, target in pairs:
        new = renamed(source, target, text) if "*" in target or "*" in source else (target if text == source else None)
        if new is not None:
            return new
    return value


def run_replace(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, ReplaceCommand)
    for event in events:
        names = matching_fields(node.fields, list(event)) if node.fields else [n for n in event if not n.startswith("_")]
        for name in names:
            value: Value = event.get(name)
            if value is not None:
                new = make_mv([_replaced(v, node.pairs) for v in mv_values(value)])
                if new is not None:
                    event[name] = new
        yield event


SPECS = (CommandSpec(("replace",), parse_replace, run_replace, streaming=True, one_to_one=True,
                     fields=lambda node: uses(getattr(node, "fields", ()), getattr(node, "fields", ()))),)
