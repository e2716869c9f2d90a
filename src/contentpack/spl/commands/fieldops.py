"""Commands that shape the field set: ``rename``, ``table``, ``fields``, ``fillnull``.

rename (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/rename): wildcards
map by position (``EU* AS EMEA*``); "Both the original and renamed fields must include the same number of
wildcards, otherwise a wildcard mismatch error is returned"; renames apply left to right. A renamed field
replaces a field that already has the new name; renaming a field that does not exist removes the target
("If fieldB does exist, the result of the rename is that the data in fieldB is removed").
fillnull (https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/fillnull):
default value 0; with no field list, every field seen in some result is filled (so it must see all results
first); with a field list, missing fields are created.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from contentpack.spl.commands.args import at_option, read_field, read_field_list, read_option
from contentpack.spl.commands.base import (
    CommandInput,
    CommandNode,
    CommandSpec,
    FieldSet,
    Multivalued,
    RunContext,
    assigns_nothing,
    has_wildcard,
    plus,
    uses,
)
from contentpack.spl.errors import SplSyntaxError
from contentpack.spl.regex import Pcre, compile_plain
from contentpack.spl.values import Event


@lru_cache(maxsize=512)
def wildcard_regex(pattern: str) -> Pcre:
    """A field-name pattern: ``*`` matches any run of characters; names are case-sensitive."""
    return compile_plain("(.*)".join(re.escape(part) for part in pattern.split("*")) + r"\Z", re.DOTALL, pattern)


def matching_fields(patterns: Sequence[str], names: Sequence[str]) -> list[str]:
    """Names matched by any pattern, in pattern order then name order, without repeats."""
    out: list[str] = []
    seen: set[str] = set()
    for pattern in patterns:
        if "*" in pattern:
            regex = wildcard_regex(pattern)
            hits = [name for name in names if regex.match(name)]
        else:
            hits = [pattern] if pattern in names else []
        for name in hits:
            if name not in seen:
                seen.add(name)
                out.append(name)
    return out


@lru_cache(maxsize=65_536)  # pure; a wildcard rename meets the same few field names in every event
def renamed(source: str, target: str, name: str) -> str | None:
    """The new name of ``name`` under ``rename source AS target`` (None when the rule does not apply)."""
    if "*" not in source:
        return target if name == source else None
    match = wildcard_regex(source).match(name)
    if match is None:
        return None
    pieces = target.split("*")
    out = [pieces[0]]
    for group, piece in zip(match.groups(), pieces[1:]):
        out.append(group)
        out.append(piece)
    return "".join(out)


# ------------------------------------------------------------------------------------------------ rename


@dataclass(frozen=True)
class RenameCommand(CommandNode):
    pairs: tuple[tuple[str, str], ...]

    def requires(self, needed: FieldSet) -> FieldSet:
        if needed is None:
            return None
        out = set(needed)
        for source, target in reversed(self.pairs):
            for name in list(out):
                back = renamed(target, source, name)
                if back is not None:
                    out.add(back)
        return frozenset(out)


def parse_rename(cmd: CommandInput) -> RenameCommand:
    cur = cmd.cursor()
    pairs: list[tuple[str, str]] = []
    while not cur.at_end():
        if cur.accept("COMMA"):
            continue
        source, source_tok = read_field(cur)
        if not cur.accept_keyword("as"):
            raise cur.error("expected AS after the field name")
        target, _ = read_field(cur, "the new field name")
        if source.count("*") != target.count("*"):
            raise SplSyntaxError(
                f"rename: wildcard mismatch: '{source}' and '{target}' must have the same number of wildcards",
                offset=cur.off(source_tok),
                command=cmd.name,
            )
        if any(source == earlier for earlier, _ in pairs):  # "You can't rename one field with multiple names"
            raise cur.error(f"'{source}' is renamed more than once (a field can't be renamed with multiple names)",
                            source_tok)
        pairs.append((source, target))
    if not pairs:
        raise cur.error("expected <field> AS <new name>")
    return RenameCommand(cmd.name, cmd.offset, tuple(pairs))


def rename_event(event: Event, pairs: Sequence[tuple[str, str]]) -> Event:
    """``event`` after the ``pairs`` in turn, each renamed field keeping its place among the fields.

    Why in place: the order of an event's fields is the order of the columns ``contentpack search`` prints, and
    a rename only changes a name (``stats count by X | rename X as code`` gives ``code,count``, as ``stats``
    put ``X`` first). Assumed: no Splunk page states a renamed column's position; OpenSearch's PPL field-order
    RFC, written to replicate Splunk, says rename "replace[s] fields in field order"
    (https://github.com/opensearch-project/sql/issues/5045). A rename onto a name that already exists puts the
    renamed value at the source's place and drops the old field (assumed, the same RFC: the field is replaced
    where the renamed one stood)."""
    for source, target in pairs:
        if "*" in source:
            moves = {name: new for name in event if (new := renamed(source, target, name)) is not None and new != name}
        elif source == target:
            continue
        elif source in event:
            moves = {source: target}
        else:  # "If fieldB does exist, ... the data in fieldB is removed" (a rename of a missing field)
            event.pop(target, None)
            continue
        if moves:
            event = _with_names(event, moves)
    return event


def _with_names(event: Event, moves: Mapping[str, str]) -> Event:
    """``event`` with each field of ``moves`` under its new name at its old place; a field the new names
    replace is dropped."""
    replaced = set(moves.values())
    out: Event = {}
    for name, value in event.items():
        if name in moves:
            out[moves[name]] = value
        elif name not in replaced:
            out[name] = value
    return out


def run_rename(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, RenameCommand)
    pairs = node.pairs
    for event in events:
        yield rename_event(event, pairs)


# ------------------------------------------------------------------------------------------------ table / fields


@dataclass(frozen=True)
class TableCommand(CommandNode):
    columns: tuple[str, ...]

    def requires(self, needed: FieldSet) -> FieldSet:
        return None if has_wildcard(self.columns) else frozenset(self.columns)


def parse_table(cmd: CommandInput) -> TableCommand:
    cur = cmd.cursor()
    columns = read_field_list(cur)
    if not columns:
        raise cur.error("expected at least one field name")
    return TableCommand(cmd.name, cmd.offset, tuple(columns))


def run_table(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, TableCommand)
    for event in events:
        names = matching_fields(node.columns, list(event))
        yield {name: event[name] for name in names}


@dataclass(frozen=True)
class FieldsCommand(CommandNode):
    remove: bool
    names: tuple[str, ...]

    def requires(self, needed: FieldSet) -> FieldSet:
        if self.remove:
            # what comes after reads _raw (a search term) and this removes it: a term is then tried against every
            # field value (spl.matching), so every field is read; asked for _raw alone, the events were read
            # without their other fields and the term found nothing (`fields - _raw | search x | stats count`)
            if needed is not None and "_raw" in needed and matching_fields(self.names, ["_raw"]):
                return None
            return needed
        if has_wildcard(self.names):
            return None
        return plus(frozenset(self.names), "_time", "_raw")


def parse_fields(cmd: CommandInput) -> FieldsCommand:
    cur = cmd.cursor()
    remove = False
    tok = cur.peek()
    if tok.kind == "WORD" and tok.text in ("-", "+"):
        remove = tok.text == "-"
        cur.next()
    elif tok.kind == "WORD" and tok.text[:1] in ("-", "+") and len(tok.text) > 1:
        raise cur.error("put a space after the +/- of fields", tok)
    names = read_field_list(cur)
    if not names:
        raise cur.error("expected at least one field name")
    return FieldsCommand(cmd.name, cmd.offset, remove, tuple(names))


def run_fields(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    """``fields +`` keeps the listed fields and every internal ``_`` field, named or not: the fields page says the
    command "does not remove these internal fields unless you explicitly specify that the fields should not appear"
    (``fields - _*``); naming ``_raw`` in a kept list used to drop ``_time``.

    The kept fields come in the order the list names them (a wildcard's matches in the event's order), then the
    internal fields it did not name: the order of the columns ``contentpack search`` prints, which a ``fields``
    list sets as a ``table`` does (assumed: the fields page says nothing of order; it once kept the event's
    order, which after a scan that decoded only the needed fields was their sorted order)."""
    assert isinstance(node, FieldsCommand)
    for event in events:
        names = matching_fields(node.names, list(event))
        if node.remove:
            for name in names:
                del event[name]
            yield event
        else:
            kept = {name: event[name] for name in names}
            yield kept | {k: v for k, v in event.items() if k.startswith("_") and k not in kept}


# ------------------------------------------------------------------------------------------------ fillnull


@dataclass(frozen=True)
class FillnullCommand(CommandNode):
    value: str
    names: tuple[str, ...]

    def requires(self, needed: FieldSet) -> FieldSet:
        return needed


def parse_fillnull(cmd: CommandInput) -> FillnullCommand:
    cur = cmd.cursor()
    value = "0"
    names: list[str] = []
    while not cur.at_end():
        if at_option(cur):
            _, value, _ = read_option(cur, ("value",))
            continue
        names.extend(read_field_list(cur, allow_options=True))
    return FillnullCommand(cmd.name, cmd.offset, value, tuple(names))


def run_fillnull(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, FillnullCommand)
    if node.names:
        for event in events:
            for name in node.names:
                if event.get(name) is None:
                    event[name] = node.value
            yield event
        return
    rows = list(events)
    seen: dict[str, None] = {}
    for event in rows:
        for name in event:
            if not name.startswith("_"):
                seen.setdefault(name, None)
    for event in rows:
        for name in seen:
            if event.get(name) is None:
                event[name] = node.value
        yield event


def _fillnull_streams(node: CommandNode) -> bool:
    """With a field list each event is filled on its own; without one fillnull must see every result first."""
    assert isinstance(node, FillnullCommand)
    return bool(node.names)


def _rename_multivalue(node: CommandNode, multivalued: Multivalued) -> dict[str, str]:
    """A renamed field takes what it holds to its new name; ``rename x AS f`` leaves f holding x's value (or
    none), so f is no longer certainly multivalue unless x was. A wildcard target (``rename x* AS s*``) may land
    any field the data holds on a name it matches (``xrc`` on ``src``): none of those names stays certain but
    the ones a certain field moves to."""
    assert isinstance(node, RenameCommand)
    out = dict(multivalued)
    for source, target in node.pairs:
        moved = {new: out.pop(name) for name in list(out) if (new := renamed(source, target, name)) is not None}
        for name in matching_fields([target], list(out)):
            del out[name]
        out.update(moved)
    return out


def _kept_multivalue(node: CommandNode, multivalued: Multivalued) -> dict[str, str]:
    """The fields after ``table``/``fields``: the ones it keeps hold what they held; a field it drops holds
    nothing, so a later command that writes that name (``fillnull value=none f``, ``lookup ... OUTPUTNEW f``, one
    rex match) writes it afresh and it is no longer certainly multivalue (a dropped token field is CP029's other
    finding, not a multivalue)."""
    assert isinstance(node, (TableCommand, FieldsCommand))
    names = list(multivalued)
    if isinstance(node, TableCommand):
        kept = set(matching_fields(node.columns, names))
    elif node.remove:
        kept = set(names) - set(matching_fields(node.names, names))
    else:
        kept = set(matching_fields(node.names, names)) | {name for name in names if name.startswith("_")}
    return {name: why for name, why in multivalued.items() if name in kept}


def _rename_result_fields(node: CommandNode, fields: frozenset[str]) -> frozenset[str] | None:
    """The names a result with each of the fields has after the rename, as ``rename_event`` renames one (one home:
    a wildcard's matches move, a rename of a missing field removes its target). Unknown when it renames an
    internal field (``_time``) the fields do not name: ``fields a b`` keeps those without naming them, so a
    missing name does not say the field is missing."""
    assert isinstance(node, RenameCommand)
    if any(source.startswith("_") and source not in fields for source, _ in node.pairs):
        return None
    event: Event = dict.fromkeys(fields)
    return frozenset(rename_event(event, node.pairs))


SPECS = (
    CommandSpec(("rename",), parse_rename, run_rename, streaming=True, one_to_one=True,
                multivalue=_rename_multivalue, result_fields=_rename_result_fields),
    CommandSpec(("table",), parse_table, run_table, streaming=True, one_to_one=True, multivalue=_kept_multivalue),
    CommandSpec(("fields",), parse_fields, run_fields, streaming=True, one_to_one=True, multivalue=_kept_multivalue),
    # fillnull fills only null fields: a field holding values keeps them
    CommandSpec(("fillnull",), parse_fillnull, run_fillnull, streaming=_fillnull_streams,
                fields=lambda node: uses(produces=getattr(node, "names", ())), multivalue=assigns_nothing),
)
