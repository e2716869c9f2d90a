"""The command table: every supported command name mapped to its :class:`CommandSpec`."""

from __future__ import annotations

from contentpack.spl.commands import (
    chart,
    convert,
    eval,
    extract,
    fieldops,
    iplocation,
    lookup,
    multivalue,
    ordering,
    replace,
    rex,
    search,
    sources,
    spath,
    stats,
    subsearch,
    timebins,
    topn,
    transaction,
)
from contentpack.spl.commands.base import CommandNode, CommandSpec, FieldUse, Multivalued

COMMANDS: dict[str, CommandSpec] = {
    name: spec
    for module in (search, eval, fieldops, stats, timebins, chart, rex, spath, multivalue, ordering, convert, lookup,
                   sources, subsearch, extract, replace, topn, transaction, iplocation)
    for spec in module.SPECS
    for name in spec.names
}


def get_command(name: str) -> CommandSpec | None:
    """The spec of a command (names are case-insensitive in SPL), or None."""
    return COMMANDS.get(name.lower())


def field_use(node: CommandNode) -> FieldUse:
    """The fields a parsed command reads and writes, as its registration says (empty when it says nothing)."""
    spec = get_command(node.name)
    if spec is None or spec.fields is None:
        return FieldUse()
    return spec.fields(node)


def result_fields_after(node: CommandNode, fields: frozenset[str]) -> frozenset[str] | None:
    """The result fields after ``node``, given those before it, as its registration says
    (``CommandSpec.result_fields``); None when the command is not followed or its arguments leave them unknown."""
    spec = get_command(node.name)
    if spec is None or spec.result_fields is None:
        return None
    return spec.result_fields(node, fields)


def multivalues_after(node: CommandNode, multivalued: Multivalued) -> dict[str, str] | None:
    """The result fields certainly able to hold several values after ``node``, given those before it, as its
    registration says (``CommandSpec.multivalue``); None when the command is not followed (unjudged)."""
    spec = get_command(node.name)
    if spec is None or spec.multivalue is None:
        return None
    return spec.multivalue(node, multivalued)
