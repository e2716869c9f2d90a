"""A sourcetype's search-time knowledge (field aliases, calculated fields) merged from its data sources.

Several data sources share one sourcetype (sign-ins and audit records are all ``azure:monitor:aad``), but the
add-on has one props.conf stanza per sourcetype, so their ``search_time`` blocks are one stanza's settings:
aliases add up, and a calculated field is one ``EVAL-<field>`` setting, which cannot hold two different
expressions. Why here, in the content layer: ``validate`` reports such a conflict (CP064) and the replay's
engine set-up (``simulate.engine_setup``) merges the blocks and refuses the same conflicts for callers that
did not validate; both must agree, so the merge has one home that both may import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import DataSource

RULE_CALCULATED_CONFLICT = "CP064"


@dataclass(frozen=True)
class MergedSearchTime:
    """One sourcetype's stanza: aliases ``(source_field, alias)`` and calculated fields ``(field, expression)``
    in file order (the first definition of a field is kept), and every later definition that differs."""

    sourcetype: str
    sources: tuple[DataSource, ...]
    field_aliases: tuple[tuple[str, str], ...]
    calculated_fields: tuple[tuple[str, str], ...]
    conflicts: tuple[Diagnostic, ...]


def merged_search_time(sourcetype: str, sources: Sequence[DataSource]) -> MergedSearchTime:
    """The stanza of ``sourcetype`` from ``sources`` (its data sources, in file order).

    Two definitions of a field are the same when their expressions are equal but for surrounding whitespace
    (how a .conf value is read). A conflict is reported at the later definition's ``field``, naming where the
    first one is.
    """
    aliases: dict[tuple[str, str], None] = {}
    calculated: dict[str, tuple[str, DataSource, int]] = {}
    conflicts: list[Diagnostic] = []
    for source in sources:
        for alias in source.search_time.field_aliases:
            aliases.setdefault((alias.source_field, alias.alias), None)
        for index, calc in enumerate(source.search_time.calculated_fields):
            seen = calculated.get(calc.field)
            if seen is None:
                calculated[calc.field] = (calc.expression, source, index)
                continue
            expression, first, first_index = seen
            if expression.strip() != calc.expression.strip():
                where = first.source_map.at("search_time", "calculated_fields", first_index, "field")
                conflicts.append(error(
                    source.source_map.at("search_time", "calculated_fields", index, "field"),
                    RULE_CALCULATED_CONFLICT,
                    f"calculated field '{calc.field}' of sourcetype '{sourcetype}' differs from the one data "
                    f"source '{first.name}' defines (at {where}); one sourcetype has one EVAL-{calc.field}: "
                    "give both data sources the same expression",
                ))
    return MergedSearchTime(sourcetype, tuple(sources), tuple(aliases),
                            tuple((name, expression) for name, (expression, _, _) in calculated.items()),
                            tuple(conflicts))


def by_sourcetype(data_sources: Iterable[DataSource]) -> dict[str, list[DataSource]]:
    """Data sources grouped by sourcetype, each group in the given (file) order."""
    groups: dict[str, list[DataSource]] = {}
    for source in data_sources:
        groups.setdefault(source.sourcetype, []).append(source)
    return groups


def pack_search_time(data_sources: Iterable[DataSource]) -> list[MergedSearchTime]:
    """Every sourcetype's stanza, in the order its first data source comes."""
    return [merged_search_time(sourcetype, sources) for sourcetype, sources in by_sourcetype(data_sources).items()]
