"""Commands about order and count: ``dedup``, ``sort``, ``head``, ``tail``.

dedup (https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/dedup):
keeps the first N (default 1) events per value combination in search order; ``keepempty`` "Default: false.
All events where any of the selected fields are null are removed"; ``consecutive=true`` only removes
duplicates that follow each other; ``sortby``: "You can sort the fields, which determines which event is
retained" (the events are sorted first, then deduplicated); each sort field needs its sign, "( - | + )
<sort-field>" in the page's syntax (no page says what a field without one does, so it is refused). Multivalue
fields: "To use the dedup command on multivalue fields, the fields must match all values to be deduplicated"
(10.0 page, Usage): the same values in the same order are duplicates, other values are not; the same values in
another order or held another number of times are refused, the page not saying whether they "match all values".
sort (…/search-commands/sort): ``-``/``+`` per field, ``num()``/``str()``/``auto()``, a count (``sort 0`` = no
limit; default 10,000 results), ``desc`` reverses; auto order puts numbers (numerically) before text, and so
does ``num()`` (assumed: its page says only "Interpret the values of the field as numbers"; comparing a number
with a text by text made the order hang on the input order, 10 before 9). The 10.0
page says nothing of a multivalue sort field (it speaks of "the values of the field" pair by pair), so one is
refused (``base.single_input``), in ``sort`` and in ``dedup``'s sortby; the engine used to sort by its first value.
head/tail (…/search-commands/head, tail): default 10; tail returns the last N in reverse order.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from contentpack.spl.commands.args import as_bool, as_int, at_option, is_digits, read_option, whole_number
from contentpack.spl.commands.base import (CommandInput, CommandNode, CommandSpec, FieldSet, RunContext,
                                           assigns_nothing, multivalue_refused, plus, single_input)
from contentpack.spl.ast import Expr
from contentpack.spl.cursor import Cursor
from contentpack.spl.evaluator import EvalState
from contentpack.spl.exprparser import expression_fields, parse_full_expression
from contentpack.spl.values import Event, Scalar, lexicographic_key, mv_values, ordered_number, to_str

DEFAULT_SORT_LIMIT = 10000


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool
    mode: str  # auto num str
    carried: bool = False  # ordered by a sign written apart before an earlier field (validate's CP076 reports it)


def _read_sort_keys(cur: Cursor, signed: bool = False) -> list[SortKey]:
    """``sort``'s keys. A sign written apart from its field (``- count``) orders every later field written
    without a sign of its own, as searchbnf.conf's sort description says: "If white space follows "+/-", the sort
    order is applied to all following fields without a different explicit sort order" (the 10.0 sort page's syntax,
    ``[ - | + ] <sort-field>, ( - | + ) <sort-field>``, gives every later field its own sign and says nothing of
    one without); so ``sort - a - b c`` orders ``c`` descending too. With no such sign a field without one is
    ascending ("the sort is ascending (default)"). ``signed`` (dedup's sortby, whose documented syntax is
    ``( - | + ) <sort-field>``) refuses a key without a sign of its own rather than guess its order."""
    keys: list[SortKey] = []
    pending_sign: str | None = None
    carried_sign: str | None = None  # the last sign written apart from its field
    while not cur.at_end():
        if cur.accept("COMMA"):
            continue
        tok = cur.peek()
        if tok.kind == "WORD" and tok.text in ("-", "+"):
            cur.next()
            pending_sign = carried_sign = tok.text
            continue
        if tok.kind == "WORD" and tok.text.lower() in ("d", "desc") and keys and cur.peek(1).kind == "EOF":
            cur.next()
            keys = [SortKey(k.field, not k.descending, k.mode, k.carried) for k in keys]
            break
        if tok.kind not in ("WORD", "PHRASE"):
            raise cur.error("expected a field to sort by")
        cur.next()
        text = tok.text
        sign = pending_sign
        pending_sign = None
        if tok.kind == "WORD" and text[:1] in ("-", "+") and len(text) > 1:
            sign, text = text[0], text[1:]
        mode = "auto"
        if tok.kind == "WORD" and cur.at("LPAREN") and cur.adjacent(-1):
            lowered = text.lower()
            if lowered not in ("num", "str", "auto", "ip"):
                raise cur.unsupported(f"sort function '{text}'", tok)
            if lowered == "ip":
                raise cur.unsupported("sort ip()", tok)
            cur.next()
            inner = cur.next()
            if inner.kind not in ("WORD", "PHRASE"):
                raise cur.error("expected a field name", inner)
            cur.expect("RPAREN", "')'")
            text, mode = inner.text, lowered
        if signed and sign is None:
            raise cur.unsupported(f"sortby {text} without + or - (the syntax is ( - | + ) <sort-field>)", tok)
        keys.append(SortKey(text, (sign or carried_sign) == "-", mode, sign is None and carried_sign is not None
                            and bool(keys)))
    if not keys:
        raise cur.error("expected a field to sort by")
    return keys


def _compare_values(a: Scalar | None, b: Scalar | None, mode: str) -> int:
    if a is None or b is None:
        return (a is None) - (b is None)  # missing values last
    if mode != "str":
        na, nb = ordered_number(a), ordered_number(b)
        if na is not None and nb is not None:
            return (na > nb) - (na < nb)
        if (na is None) != (nb is None):  # num() as auto: a pairwise text order would not be transitive
            return -1 if na is not None else 1
    ka, kb = lexicographic_key(a), lexicographic_key(b)
    return (ka > kb) - (ka < kb)


def sort_events(events: list[Event], keys: Sequence[SortKey], node: CommandNode) -> list[Event]:
    """``events`` in the order ``keys`` give (``sort``, and ``dedup``'s sortby); a multivalue key is refused
    at ``node`` (module docstring), before any event is compared."""
    rows = [(tuple(single_input(event, key.field, node, _SMALLEST.format(f=key.field)) for key in keys), event)
            for event in events]

    def compare(x: tuple[tuple[Scalar | None, ...], Event], y: tuple[tuple[Scalar | None, ...], Event]) -> int:
        for key, a, b in zip(keys, x[0], y[0]):
            result = _compare_values(a, b, key.mode)
            if result:
                missing = a is None or b is None
                return -result if key.descending and not missing else result
        return 0

    return [event for _, event in sorted(rows, key=functools.cmp_to_key(compare))]


_SMALLEST = "eval {f}=mvindex(mvsort({f}), 0) for its lexicographically smallest value"


@dataclass(frozen=True)
class SortCommand(CommandNode):
    keys: tuple[SortKey, ...]
    limit: int | None = None  # None: no count written, so Splunk's default (a caller may warn of it); 0: every result

    def _input_fields(self) -> set[str]:
        return {k.field for k in self.keys}

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, self._input_fields())


def _count(cur: Cursor) -> int:
    """The bare ``<N>`` of sort, head and tail, whose ASCII digits the caller checked."""
    tok = cur.next()
    return whole_number(tok.text, cur.off(tok), cur.command)


def parse_sort(cmd: CommandInput) -> SortCommand:
    cur = cmd.cursor()
    limit: int | None = None
    if at_option(cur):
        _, value, tok = read_option(cur, ("limit",))
        limit = as_int(cur, value, tok, "limit")
    elif cur.at("WORD") and is_digits(cur.peek().text):
        limit = _count(cur)
    return SortCommand(cmd.name, cmd.offset, tuple(_read_sort_keys(cur)), limit)


def run_sort(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, SortCommand)
    ordered = sort_events(list(events), node.keys, node)
    limit = DEFAULT_SORT_LIMIT if node.limit is None else node.limit
    yield from ordered[:limit] if limit else ordered


# ------------------------------------------------------------------------------------------------ dedup


@dataclass(frozen=True)
class DedupCommand(CommandNode):
    fields: tuple[str, ...]
    count: int = 1
    keepempty: bool = False
    consecutive: bool = False
    keepevents: bool = False
    sortby: tuple[SortKey, ...] = ()

    def _input_fields(self) -> set[str]:
        return set(self.fields) | {k.field for k in self.sortby}

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, self._input_fields())


def parse_dedup(cmd: CommandInput) -> DedupCommand:
    cur = cmd.cursor()
    count, keepempty, consecutive, keepevents = 1, False, False, False
    fields: list[str] = []
    sortby: list[SortKey] = []
    if cur.at("WORD") and is_digits(cur.peek().text):
        count = as_int(cur, cur.peek().text, cur.next(), "count", 1)
    while not cur.at_end():
        if cur.accept("COMMA"):
            continue
        if at_option(cur):
            key, value, tok = read_option(cur, ("keepempty", "consecutive", "keepevents"))
            flag = as_bool(cur, value, tok, key)
            if key == "keepempty":
                keepempty = flag
            elif key == "consecutive":
                consecutive = flag
            else:
                keepevents = flag
                if flag:
                    raise cur.unsupported("keepevents=true", tok)
            continue
        if cur.accept_keyword("sortby"):
            sortby = _read_sort_keys(cur, signed=True)
            break
        tok = cur.next()
        if tok.kind not in ("WORD", "PHRASE"):
            raise cur.error("expected a field name", tok)
        fields.append(tok.text)
    if not fields:
        raise cur.error("expected at least one field")
    return DedupCommand(cmd.name, cmd.offset, tuple(fields), count, keepempty, consecutive, keepevents,
                        tuple(sortby))


DedupKey = tuple[tuple[str, ...], ...]


def _dedup_key(event: Event, fields: Sequence[str]) -> DedupKey | None:
    """Each field's values in order (a multivalue's "all values"), ``None`` when a field is null."""
    key: list[tuple[str, ...]] = []
    for name in fields:
        value = event.get(name)
        if value is None:
            return None
        key.append(tuple(to_str(v) or "" for v in mv_values(value)))
    return tuple(key)


def _value_sets(key: DedupKey) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(values) for values in key)


def _refuse_reordered(node: DedupCommand, key: DedupKey, other: DedupKey) -> None:
    """Refuse ``key`` when it holds the values ``other`` holds but in another order or number (module
    docstring): whether those "match all values" no page says."""
    if key == other or _value_sets(key) != _value_sets(other):
        return
    for name, mine, theirs in zip(node.fields, key, other):
        if mine != theirs:
            several = mine if len(mine) > 1 else theirs  # the multivalue of the two, for its count
            why = ("the dedup page says \"the fields must match all values to be deduplicated\" and not whether the "
                   f"same values in another order, or held another number of times, match: {list(mine)} against "
                   f"{list(theirs)}")
            also = f"eval {name}=mvdedup(mvsort({name})) to compare the sets of values"
            raise multivalue_refused(node, several, name, why, also)


def run_dedup(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, DedupCommand)
    if node.sortby:  # "You can sort the fields, which determines which event is retained."
        events = iter(sort_events(list(events), node.sortby, node))

    def kept() -> Iterator[Event]:
        seen: dict[DedupKey, int] = {}
        first_form: dict[tuple[frozenset[str], ...], DedupKey] = {}
        previous: DedupKey | None = None
        run = 0
        for event in events:
            key = _dedup_key(event, node.fields)
            if key is None:
                if node.keepempty:
                    yield event
                continue
            if node.consecutive:
                if previous is not None:
                    _refuse_reordered(node, key, previous)
                run = run + 1 if key == previous else 1
                previous = key
                if run <= node.count:
                    yield event
                continue
            _refuse_reordered(node, key, first_form.setdefault(_value_sets(key), key))
            seen[key] = seen.get(key, 0) + 1
            if seen[key] <= node.count:
                yield event

    yield from kept()


# ------------------------------------------------------------------------------------------------ head / tail


@dataclass(frozen=True)
class HeadCommand(CommandNode):
    """head (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.3/search-commands/head):
    ``head [<N> | (<eval-expression>)] [limit=<int>] [null=<bool>] [keeplast=<bool>]``. With an expression
    "The search returns results until this expression evaluates to false"; keeplast: "Controls whether the
    last result in the result set is retained. The last result returned is the result that caused the
    eval-expression to evaluate to false or NULL"; null decides whether NULL counts as true (default false).
    ``count`` is None when only an expression limits the results."""

    count: int | None = 10
    expr: Expr | None = None
    keeplast: bool = False
    null: bool = False

    def requires(self, needed: FieldSet) -> FieldSet:
        return needed if self.expr is None else plus(needed, expression_fields(self.expr))


_HEAD_OPTIONS = ("limit", "null", "keeplast")


def parse_head(cmd: CommandInput) -> HeadCommand:
    cur = cmd.cursor()
    count: int | None = None
    expr: Expr | None = None
    keeplast = null = False
    given: set[str] = set()
    while not cur.at_end():
        if at_option(cur) and cur.peek().text.lower() in _HEAD_OPTIONS:
            key, value, tok = read_option(cur, _HEAD_OPTIONS)
            if key == "limit":
                count = as_int(cur, value, tok, key)
            elif key == "null":
                null = as_bool(cur, value, tok, key)
            else:
                keeplast = as_bool(cur, value, tok, key)
            given.add(key)
        elif cur.at("WORD") and is_digits(cur.peek().text) and count is None:
            count = _count(cur)
            given.add("<N>")
        elif cur.at("LPAREN") and expr is None:
            expr = _head_expression(cmd, cur)
        elif expr is None and not is_digits(cur.peek().text):  # the page's own example: head count<5 keeplast=true null=true
            expr = _bare_head_expression(cur)
        else:
            raise cur.error("expected <N>, (<eval-expression>), limit=, null= or keeplast=")
    if {"<N>", "limit"} <= given:  # "Using both the numeric limit and limit=<int> results in an error."
        raise cur.error("give the number of results as <N> or as limit=, not both")
    for key in ("null", "keeplast"):
        if key in given and expr is None:
            raise cur.error(f"{key}= needs an (<eval-expression>) to apply to")  # "You must specify a eval-expression"
    if count is None and expr is None:
        count = 10
    return HeadCommand(cmd.name, cmd.offset, count, expr, keeplast, null)


def _head_expression(cmd: CommandInput, cur: Cursor) -> Expr:
    """The parenthesised eval expression of ``head (<expr>)``."""
    inner = cur.parenthesised_eval()
    if inner.at_end():
        raise cur.error("expected an expression inside ( )")
    return parse_full_expression(inner)


def _bare_head_expression(cur: Cursor) -> Expr:
    """An eval expression written without parentheses: the text up to the end or to an option of head's own
    (``limit=``, ``null=``, ``keeplast=``; any other ``name=`` is part of the expression)."""
    first = cur.peek()
    last = first
    while not cur.at_end() and not (at_option(cur) and cur.peek().text.lower() in _HEAD_OPTIONS):
        last = cur.next()
    inner = cur.text[first.offset - cur.base: last.end - cur.base]
    return parse_full_expression(Cursor.eval(inner, first.offset, cur.mapper, cur.command))


def run_head(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, HeadCommand)
    if node.count is not None and node.count <= 0:
        return
    test = ctx.evaluator.compile(node.expr) if node.expr is not None else None
    for index, event in enumerate(events, start=1):
        if test is not None:
            result = test(EvalState(ctx.evaluator, event))
            if result is None:
                result = node.null
            if result is not True:
                if node.keeplast:
                    yield event
                return
        yield event
        if node.count is not None and index >= node.count:
            return


@dataclass(frozen=True)
class TailCommand(CommandNode):
    count: int = 10

    def requires(self, needed: FieldSet) -> FieldSet:
        return needed


def parse_tail(cmd: CommandInput) -> TailCommand:
    """tail (…/search-commands/tail): ``tail [<N>]``, default 10."""
    cur = cmd.cursor()
    count = 10
    if cur.at("WORD") and is_digits(cur.peek().text):
        count = _count(cur)
    cur.expect_end()
    return TailCommand(cmd.name, cmd.offset, count)


def run_tail(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, TailCommand)
    rows = list(events)
    last = rows[-node.count:] if node.count > 0 else []
    yield from reversed(last)


SPECS = (
    CommandSpec(("sort",), parse_sort, run_sort, multivalue=assigns_nothing),
    CommandSpec(("dedup",), parse_dedup, run_dedup, multivalue=assigns_nothing),
    CommandSpec(("head",), parse_head, run_head, multivalue=assigns_nothing),
    CommandSpec(("tail",), parse_tail, run_tail, multivalue=assigns_nothing),
)
