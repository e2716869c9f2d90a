"""``top`` and ``rare``: the most and least common value combinations of fields.

top (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/top) and rare
(…/search-commands/rare): ``top|rare [<options>] <field-list> [BY <field-list>]``; options ``limit``
(default 10; 0 = no limit), ``countfield`` (default "count"), ``percentfield`` (default "percent"),
``showcount``/``showperc`` (default true). Each row holds the field values, the count and the percentage
of events (with all the fields) that have that combination; ``top`` lists the most common first, ``rare``
the least common. With BY, the counting and the limit apply within each group. Ties keep the order in
which the combinations were first seen (assumed). Neither 10.0 page says what a multivalue field, counted or
BY, gives (each value counted? the event once?; the top page's own example runs ``mvexpand`` first), so one is
refused (``base.single_input``); the engine used to count each distinct value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.commands.args import as_bool, as_int, at_option, is_digits, read_field_list, read_option
from contentpack.spl.commands.base import (FieldUse, uses, CommandInput, CommandNode, CommandSpec, FieldSet, RunContext,
                                           single_input)
from contentpack.spl.values import Event, Scalar, to_str


@dataclass(frozen=True)
class TopCommand(CommandNode):
    fields: tuple[str, ...]
    by: tuple[str, ...] = ()
    limit: int = 10
    countfield: str = "count"
    percentfield: str = "percent"
    showcount: bool = True
    showperc: bool = True

    def requires(self, needed: FieldSet) -> FieldSet:
        return frozenset(self.fields + self.by)


def parse_top(cmd: CommandInput) -> TopCommand:
    cur = cmd.cursor()
    options: dict[str, object] = {"limit": 10, "countfield": "count", "percentfield": "percent",
                                  "showcount": True, "showperc": True}
    fields: list[str] = []
    by: list[str] = []
    if cmd.name == "top" and cur.at("WORD") and is_digits(cur.peek().text):  # "top [<N>] ...": N is the limit
        options["limit"] = as_int(cur, cur.peek().text, cur.next(), "N")
    while not cur.at_end():
        if at_option(cur):
            key, value, tok = read_option(cur, ("limit", "countfield", "percentfield", "showcount", "showperc",
                                                "useother", "otherstr"))
            if key == "limit":
                options[key] = as_int(cur, value, tok, key)
            elif key in ("showcount", "showperc"):
                options[key] = as_bool(cur, value, tok, key)
            elif key in ("countfield", "percentfield"):
                options[key] = value
            elif key == "useother" and not as_bool(cur, value, tok, key):
                continue  # the default: no OTHER row
            else:
                raise cur.unsupported(f"option '{key}'", tok)
            continue
        if cur.accept_keyword("by"):
            by = read_field_list(cur, allow_options=True)
            continue
        fields.extend(read_field_list(cur, ("by",), allow_options=True))
    if not fields:
        raise cur.error("expected at least one field")
    return TopCommand(cmd.name, cmd.offset, tuple(fields), tuple(by), int(options["limit"]),  # type: ignore[call-overload]
                      str(options["countfield"]), str(options["percentfield"]), bool(options["showcount"]),
                      bool(options["showperc"]))


def run_top(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, TopCommand)
    groups: dict[tuple[Scalar, ...], dict[tuple[Scalar, ...], int]] = {}
    for event in events:
        group = _combination(event, node.by, node)
        combination = _combination(event, node.fields, node)
        if group is None or combination is None:
            continue
        counts = groups.setdefault(group, {})
        counts[combination] = counts.get(combination, 0) + 1
    least_first = node.name == "rare"
    for group, counts in groups.items():
        total = sum(counts.values())
        ordered = list(counts.items())
        if not least_first:  # top page: among equal counts "only the last lexicographical value ... is returned"
            ordered.sort(key=lambda item: tuple(to_str(v) or "" for v in item[0]), reverse=True)
        ordered.sort(key=lambda item: item[1] if least_first else -item[1])
        if node.limit:
            ordered = ordered[: node.limit]
        for combination, count in ordered:
            row: Event = dict(zip(node.by, group))
            row.update(zip(node.fields, combination))
            if node.showcount:
                row[node.countfield] = count
            if node.showperc:
                row[node.percentfield] = round(count * 100 / total, 6) if total else 0
            yield row


def _combination(event: Event, fields: tuple[str, ...], node: TopCommand) -> tuple[Scalar, ...] | None:
    """The values of ``fields`` in ``event``, ``None`` when one is null (the event is not counted)."""
    values = [single_input(event, name, node) for name in fields]
    scalars = tuple(value for value in values if value is not None)
    return scalars if len(scalars) == len(values) else None


def _top_fields(node: CommandNode) -> FieldUse:
    assert isinstance(node, TopCommand)
    return uses(node.fields + node.by, [node.countfield, node.percentfield])


SPECS = (
    CommandSpec(("top",), parse_top, run_top, fields=_top_fields),
    CommandSpec(("rare",), parse_top, run_top, fields=_top_fields),
)
