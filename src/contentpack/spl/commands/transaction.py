"""``transaction`` (simple forms): group events that share field values into one result per transaction.

transaction (https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/transaction):
``transaction <field-list> [maxspan=] [maxpause=] [maxevents=] [startswith=] [endswith=] [connected=]
[keepevicted=]``. "maxspan: Specifies the maximum length of time in seconds, minutes, hours, or days that the
events can span"; "maxpause: Specifies the maximum length of time ... for the pause between consecutive events in
a transaction"; startswith/endswith (a search expression in parentheses or quotes, or ``eval(...)``) open and
close a transaction; keepevicted "Whether to output evicted transactions" (default false: a transaction that an
endswith= never closed is dropped). Each result has the events' fields merged (a field with several values
becomes multivalue, "ordered alphabetically"), ``_time`` of the first event, ``duration`` (last - first, seconds),
``eventcount``, ``closed_txn`` (keepevicted: 1 when maxevents, maxspan, maxpause or startswith closed it, else 0)
and ``_raw`` joined by newlines; results come newest first. Events with none of the fields are left out. The
page's maxspan example also shows ``field_match_sum`` and ``linecount``: no page defines the first and the second
is 2 there for an empty ``_raw``, so neither is emitted (a listed difference, docs/spl_engine.md).

A negative maxspan/maxpause/maxevents is no limit ("the maxspan constraint is deactivated"). A pause equal to
maxpause stays in the transaction (the page's examples: "do not have a pause of more than 5 seconds", "a pause
between events no greater than 5 seconds"), and a transaction holds up to maxevents events ("The maximum number of
events in a transaction"; "includes no more than 3 events"). A span equal to maxspan is refused: the page says both
"The events in the transaction must span less than the integer specified for maxspan" (it would split) and "Events
that exceed the maxspan limit are treated as part of a separate transaction" (it would not), and its examples' "no
more than thirty seconds apart" sides with the second, so no reading is the page's. Input that is not newest first
is refused ("requires that the incoming events be in descending chronological order": the page shows Splunk then
returning a wrong answer nothing documents). mvlist, keeporphans and mvraw are accepted at false (their default) and
nullstr (it "applies only to fields that are rendered as lists", none with mvlist=false); delim, unifyends,
maxopentxn, maxopenevents, name= and the other values of those options are refused by name.

Without startswith/endswith, events are read newest first ("The transaction command requires that the incoming
events be in descending chronological order"; keepevicted: "the transaction command sees events in reverse
chronological order") and an event holding only some of several listed fields joins through the fields it has
("If there is a transitive relationship between the fields in the fields list and if the related events appear
in the correct sequence, each with a different timestamp, transaction command will try to use it": ``host=a`` /
``host=a cookie=b`` / ``cookie=b`` are one transaction of ``transaction host cookie``); "Events with common field
names and different values will not be grouped" (Knowledge Manager Manual, "Search for transactions"); and
``connected`` decides where an event goes that shares no instantiated field with a transaction: "this opens a
new transaction (connected=true) or adds the event to the transaction (connected=false)". See ``_transitive``
for what is refused. With startswith/endswith the engine reads forward and refuses an event with only some of
the fields: the pages do not say how the two combine.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from contentpack.spl.ast import Expr, SearchExpr
from contentpack.spl.commands.args import as_bool, as_int, at_option, is_digits, is_false, read_field, read_option
from contentpack.spl.commands.base import CommandInput, CommandNode, CommandSpec, FieldSet, RunContext
from contentpack.spl.commands.stats import group_keys
from contentpack.spl.cursor import Cursor
from contentpack.spl.errors import SplUnsupportedError
from contentpack.spl.evaluator import EvalState
from contentpack.spl.exprparser import parse_full_expression
from contentpack.spl.lexer import Token
from contentpack.spl.matching import compile_search
from contentpack.spl.searchparser import parse_search
from contentpack.spl.timeutil import parse_span
from contentpack.spl.values import (Event, Scalar, Value, format_number, lexicographic_key, make_mv, mv_values,
                                   to_str)

@dataclass(frozen=True)
class Condition:
    """startswith=/endswith=: a search expression, or an eval expression written ``eval(...)``."""

    search: SearchExpr | None = None
    expr: Expr | None = None


@dataclass(frozen=True)
class TransactionCommand(CommandNode):
    fields: tuple[str, ...]
    maxspan: float | None = None  # None: no limit (the default -1, or any negative value)
    maxpause: float | None = None
    maxevents: int | None = 1000  # None: a negative value, "This constraint is deactivated if the value is negative"
    startswith: Condition | None = None
    endswith: Condition | None = None
    keepevicted: bool = False
    connected: bool = True

    def requires(self, needed: FieldSet) -> FieldSet:
        return None  # the merged results carry every field of their events


_WHOLE_SPAN = re.compile(r"-?[0-9]+[smhd]?", re.IGNORECASE)


def _seconds(cur: Cursor, value: str, tok: Token, key: str) -> float | None:
    """A fixed span in seconds; a negative one (the default is -1) is ``None``: "If the value is negative, the
    maxspan constraint is deactivated and there is no limit" (the same words for maxpause)."""
    if _WHOLE_SPAN.fullmatch(value) is None:
        # "maxspan=<int>[s | m | h | d]" (the same for maxpause): a fraction (0.2s, whose span 0.3 - 0.1 is
        # 0.19999999999999998 in floating point, so "exactly maxspan" went unseen) or another unit is not the
        # page's syntax, and what Splunk makes of it is not said
        raise cur.unsupported(f"{key}={value} (the page's syntax is {key}=<int>[s | m | h | d])", tok)
    negative = value.startswith("-")
    try:
        span = parse_span(value[1:] if negative else value)
    except ValueError as exc:
        raise cur.error(f"{key}=: {exc}", tok) from None
    if span.seconds is None:
        raise cur.error(f"{key}= must be a fixed span (s, m, h, d)", tok)
    return None if negative else span.seconds


def _maxevents(cur: Cursor, value: str, tok: Token) -> int | None:
    """maxevents: "This constraint is deactivated if the value is negative" (``None``); zero is refused as an
    error, a transaction of no events being meaningless."""
    if value.startswith("-") and is_digits(value[1:]):
        return None
    return as_int(cur, value, tok, "maxevents", 1)


# Options accepted only at a value that changes nothing here: mvlist=false, keeporphans=false and mvraw=false are
# the page's defaults; nullstr "applies only to fields that are rendered as lists", and none is (mvlist=false).
_DEFAULT_OFF = ("mvlist", "keeporphans", "mvraw")


def _condition(cur: Cursor, key: str) -> Condition:
    """``(<search>)``, ``"<search>"`` or ``eval(<expression>)`` after startswith=/endswith=."""
    if cur.at("LPAREN"):
        inner = cur.parenthesised(Cursor.search)
        return Condition(search=parse_search(inner)[0])
    tok = cur.next()
    if tok.kind == "WORD" and tok.text.lower() == "eval" and cur.at("LPAREN"):
        return Condition(expr=parse_full_expression(cur.parenthesised_eval()))
    if tok.kind in ("PHRASE", "WORD"):
        text = Cursor.search(tok.text, tok.offset, lambda offset: cur.mapper(tok.offset), cur.command)
        return Condition(search=parse_search(text)[0])
    raise cur.error(f"expected (<search>), \"<search>\" or eval(...) after {key}=", tok)


def parse_transaction(cmd: CommandInput) -> TransactionCommand:
    cur = cmd.cursor()
    fields: list[str] = []
    found: dict[str, object] = {}
    while not cur.at_end():
        if cur.accept("COMMA"):
            continue
        if cur.at("WORD") and cur.at("OP", "=", 1) and cur.peek().text.lower() in ("startswith", "endswith"):
            key = cur.next().text.lower()
            cur.next()
            found[key] = _condition(cur, key)
            continue
        if at_option(cur):
            key, value, tok = read_option(cur, ("maxspan", "maxpause", "maxevents", "connected", "keepevicted",
                                                "mvlist", "delim", "unifyends", "keeporphans", "maxopentxn",
                                                "maxopenevents", "name", "nullstr", "mvraw"))
            if key in ("maxspan", "maxpause"):
                found[key] = _seconds(cur, value, tok, key)
            elif key == "maxevents":
                found[key] = _maxevents(cur, value, tok)
            elif key in ("connected", "keepevicted"):
                found[key] = as_bool(cur, value, tok, key)
            elif key == "nullstr":
                pass
            elif key in _DEFAULT_OFF and is_false(value):
                pass
            else:
                raise cur.unsupported(f"option '{key}'" + (" other than false" if key in _DEFAULT_OFF else ""), tok)
            continue
        name, _ = read_field(cur)
        fields.append(name)
    if not fields:
        raise cur.unsupported("transaction without a field list")
    return TransactionCommand(
        cmd.name, cmd.offset, tuple(fields), found.get("maxspan"), found.get("maxpause"),  # type: ignore[arg-type]
        found.get("maxevents", 1000),  # type: ignore[arg-type]
        found.get("startswith"), found.get("endswith"), bool(found.get("keepevicted", False)),  # type: ignore[arg-type]
        bool(found.get("connected", True)))


def _tester(condition: Condition | None, ctx: RunContext) -> Callable[[Event], bool] | None:
    if condition is None:
        return None
    if condition.search is not None:
        return compile_search(condition.search)
    assert condition.expr is not None
    compiled = ctx.evaluator.compile(condition.expr)
    return lambda event: compiled(EvalState(ctx.evaluator, event)) is True


def _time(event: Event) -> float:
    when = event.get("_time")
    return float(when) if isinstance(when, (int, float)) and not isinstance(when, bool) else 0.0


def _merge(events: list[Event], closed: bool) -> Event:
    """One result per transaction (events oldest first), ``closed_txn`` 1 when a limit or startswith closed it.
    mvlist defaults to false: "the multivalued fields in the transaction are a set of unique field values ordered
    alphabetically" (the page's maxspan example shows ``count`` as ``10 9`` and ``1 10 2 3 ...``)."""
    merged: dict[str, list[Scalar]] = {}
    for event in events:
        for name, value in event.items():
            if name in ("_time", "_raw"):
                continue
            bucket = merged.setdefault(name, [])
            for item in mv_values(value):
                if item not in bucket:
                    bucket.append(item)
    out: Event = {}
    for name, values in merged.items():
        combined: Value = make_mv(sorted(values, key=lexicographic_key))  # mvlist=false: "ordered alphabetically"
        if combined is not None:
            out[name] = combined
    first, last = _time(events[0]), _time(events[-1])
    if events[0].get("_time") is not None:  # results without a time (after stats) give one without a time,
        out["_time"] = events[0]["_time"]  # not a None value, which no event holds (``spl.values``)
    raws = [to_str(e.get("_raw")) for e in events if e.get("_raw") is not None]
    if raws:
        out["_raw"] = "\n".join(r or "" for r in raws)
    # to the microsecond (assumed: the finest _time the engine reads from text): 0.3 - 0.1 is 0.19999999999999998
    duration = round(last - first, 6)
    out["duration"] = int(duration) if float(duration).is_integer() else duration
    out["eventcount"] = len(events)
    out["closed_txn"] = int(closed)
    return out


def _refuse_partial(node: TransactionCommand, event: Event) -> None:
    """With startswith=/endswith= the page does not say how an event with only some of the fields joins: refuse."""
    present = [name for name in node.fields if event.get(name) is not None]
    if present:
        missing = [name for name in node.fields if name not in present]
        raise SplUnsupportedError(
            f"transaction: an event with {', '.join(present)} but not {', '.join(missing)} (grouping events that "
            "hold only some of the fields) together with startswith=/endswith= is not supported",
            offset=node.offset, command=node.name)


def _bounded(node: TransactionCommand, events: list[Event], ctx: RunContext) -> list[tuple[list[Event], bool]]:
    """startswith=/endswith=: transactions read forward in time, each event holding every listed field.

    Reading forward, a limit would cut a chain where the page's newest-first reading does not, so a transaction
    that maxspan=, maxpause= or maxevents= would cut is refused; while none is reached both readings agree.
    closed_txn: keepevicted's "The 'closed_txn' field is set to '1' if one of the following conditions is met:
    maxevents, maxspan, maxpause, startswith" (endswith is not among them): with startswith= every transaction
    here opens on a start event, which, read newest first, is the event that closes it."""
    starts, ends = _tester(node.startswith, ctx), _tester(node.endswith, ctx)
    ordered = sorted(events, key=_time)  # oldest first: transactions read forward in time
    open_: dict[tuple[Scalar, ...], list[Event]] = {}
    done: list[tuple[list[Event], bool]] = []  # (events, closed by endswith)

    def close(key: tuple[Scalar, ...], closed: bool) -> None:
        done.append((open_.pop(key), closed))

    for event in ordered:
        keys = group_keys(event, node.fields)
        if not keys:
            _refuse_partial(node, event)
            if not node.connected and ((starts is not None and starts(event)) or (ends is not None and ends(event))):
                raise SplUnsupportedError(
                    "transaction connected=false: a startswith=/endswith= event holding none of the fields (unifyends "
                    "follows connected, and no page says which transaction such an event joins) is not supported",
                    offset=node.offset, command=node.name)
            continue
        key = keys[0]
        current = open_.get(key)
        if current is not None:
            too_late = node.maxpause is not None and _time(event) - _time(current[-1]) > node.maxpause
            too_many = node.maxevents is not None and len(current) >= node.maxevents
            too_long = _past_maxspan(node, _time(event) - _time(current[0]), too_late or too_many)
            restarted = starts is not None and starts(event)
            if too_long or too_late or too_many:
                raise SplUnsupportedError(
                    "transaction: maxspan=, maxpause= or maxevents= cutting a startswith=/endswith= transaction is not "
                    "supported (such transactions are read oldest first here; the page cuts them newest first)",
                    offset=node.offset, command=node.name)
            if restarted:
                close(key, False)
                current = None
        if current is None:
            if starts is not None and not starts(event):
                continue  # before a start event nothing belongs to a transaction
            current = open_[key] = []
        current.append(event)
        if ends is not None and ends(event):
            close(key, True)
    for key in list(open_):
        close(key, False)
    return [(group, starts is not None) for group, closed in done if closed or ends is None or node.keepevicted]


@dataclass(eq=False)
class _Open:
    """A transaction being built newest first: its events and the value each listed field has in it (mutable:
    it grows as events join; identity, not value, tells two apart)."""

    events: list[Event]
    values: dict[str, Scalar]


def _field_values(node: TransactionCommand, event: Event) -> dict[str, Scalar]:
    """The listed fields the event holds; a multivalue one is refused (how it unifies is not documented)."""
    found: dict[str, Scalar] = {}
    for name in node.fields:
        values = mv_values(event.get(name))
        if len(values) > 1:
            raise SplUnsupportedError(f"transaction: an event whose {name} holds several values (grouping by a "
                                      "multivalue field) is not supported", offset=node.offset, command=node.name)
        if values:
            found[name] = values[0]
    return found


def _refuse_shared_times(node: TransactionCommand, held: list[tuple[Event, dict[str, Scalar]]]) -> None:
    """The page joins events through shared fields only "if the related events appear in the correct sequence,
    each with a different timestamp": an event with some of the fields sharing its time with another event
    that holds any of them has no documented place, so it is refused, not guessed."""
    times = Counter(_time(event) for event, _ in held)
    for event, values in held:
        if len(values) < len(node.fields) and times[_time(event)] > 1:
            raise SplUnsupportedError(
                f"transaction: an event with {', '.join(values)} but not every listed field shares its _time with "
                "another event (the page joins such events only when each has a different timestamp)",
                offset=node.offset, command=node.name)


def _transitive(node: TransactionCommand, events: list[Event]) -> list[tuple[list[Event], bool]]:
    """Group newest first, as Splunk reads events, joining an event to the open transaction it shares a field
    value with and no field value conflicts with; the groups come back with their events oldest first.

    The 10.0 page's "Specifying multiple fields": "If there is a transitive relationship between the fields in
    the fields list and if the related events appear in the correct sequence, each with a different timestamp,
    transaction command will try to use it" (``host=a`` / ``host=a cookie=b`` / ``cookie=b`` make one); the
    Knowledge Manager Manual's "Search for transactions": "Events with common field names and different values
    will not be grouped"; connected: "If an event contains fields required by the transaction, but none of these
    fields have been instantiated in the transaction (added with a previous event), this opens a new transaction
    (connected=true) or adds the event to the transaction (connected=false)". Refused where no page says:
    an event that shares values with two open transactions (Splunk Answers "what does connected mean in
    transaction" shows one of them taking it, then: "In 4.1 we do the right thing even when the transitive
    relationship is seen later"), and with connected=false an event that has none of an open
    transaction's fields (which open transaction it is added to).

    closed_txn (keepevicted): "set to '1' if one of the following conditions is met: maxevents, maxspan,
    maxpause, startswith"; a transaction still open when the events run out keeps 0 (the page's maxspan example:
    the oldest of its five transactions has closed_txn 0, the others 1)."""
    held = [(event, values) for event in events if (values := _field_values(node, event))]
    _refuse_shared_times(node, held)
    held.sort(key=lambda pair: -_time(pair[0]))  # newest first: "Events must be sorted in descending ... order"
    open_: dict[_Open, None] = {}  # in opening order
    index: dict[tuple[str, Scalar], dict[_Open, None]] = {}  # a field's value -> the open transactions holding it
    done: list[tuple[list[Event], bool]] = []
    for event, values in held:
        found = {txn: None for key in values.items() for txn in index.get(key, ())}
        linked = [txn for txn in found if _joins(txn, values)]
        if len(linked) > 1:
            raise SplUnsupportedError(
                "transaction: an event whose field values link two open transactions (the page does not say "
                "whether they merge or which one takes it) is not supported", offset=node.offset,
                command=node.name)
        partial = len(values) < len(node.fields)
        if not node.connected and not linked and partial and any(not values.keys() & t.values.keys() for t in open_):
            raise SplUnsupportedError(
                "transaction connected=false: an event holding none of an open transaction's fields (which "
                "transaction it is added to) is not supported", offset=node.offset, command=node.name)
        current = linked[0] if linked else None
        if current is not None and _over_limits(node, current, event):
            del open_[current]
            for key in current.values.items():
                del index[key][current]
            done.append((current.events, True))
            current = None
        if current is None:
            current = _Open([], {})
            open_[current] = None
        current.events.append(event)
        for name, value in values.items():
            if name not in current.values:  # the others hold this very value: the event joined through them
                current.values[name] = value
                index.setdefault((name, value), {})[current] = None
    done.extend((txn.events, False) for txn in open_)
    return [(list(reversed(group)), closed) for group, closed in done]


def _joins(txn: _Open, values: dict[str, Scalar]) -> bool:
    """Consistent (a shared value) and not inconsistent (no listed field with another value)."""
    shared = [name for name in values if name in txn.values]
    return bool(shared) and all(txn.values[name] == values[name] for name in shared)


def _over_limits(node: TransactionCommand, txn: _Open, event: Event) -> bool:
    """maxspan from the transaction's newest event, maxpause from its oldest so far, maxevents: "Events that
    exceed the maxspan limit are treated as part of a separate transaction"; a pause equal to maxpause is no
    pause "of more than" it (the page's basic example 1); maxevents is "The maximum number of events in a
    transaction", so the transaction is full at that number."""
    newest, oldest = _time(txn.events[0]), _time(txn.events[-1])
    too_late = node.maxpause is not None and oldest - _time(event) > node.maxpause
    too_many = node.maxevents is not None and len(txn.events) >= node.maxevents
    return _past_maxspan(node, newest - _time(event), too_late or too_many) or too_late or too_many


def _past_maxspan(node: TransactionCommand, span: float, closed_anyway: bool) -> bool:
    """Whether a transaction spanning ``span`` seconds with the next event is past maxspan. Exactly maxspan is
    refused unless another limit closes the transaction anyway: the page's "must span less than the integer
    specified for maxspan" splits it, its "Events that exceed the maxspan limit are treated as part of a separate
    transaction" and its examples ("should be no more than thirty seconds apart") keep it."""
    if node.maxspan is None:
        return False
    if span == node.maxspan and not closed_anyway:
        raise SplUnsupportedError(
            f"transaction: events spanning exactly maxspan={format_number(node.maxspan)}s are not supported (the "
            "page says both that they \"must span less than\" maxspan and that only \"Events that exceed the "
            "maxspan limit\" start another transaction); set maxspan a second above or below",
            offset=node.offset, command=node.name)
    return span > node.maxspan


def _refuse_ascending(node: TransactionCommand, events: list[Event]) -> None:
    """"The transaction command requires that the incoming events be in descending chronological order"; the
    page's last example feeds it events oldest first and shows what Splunk then returns ("doesn't generate the
    correct results": one transaction of 10 of the 20 events), which nothing documents how to reproduce. So input
    that is not newest first is refused rather than sorted into an answer Splunk would not give."""
    times = [_time(event) for event in events]
    if any(newer < older for newer, older in zip(times, times[1:])):
        raise SplUnsupportedError(
            "transaction: incoming events that are not in descending _time order are not supported (the page: "
            "\"The transaction command requires that the incoming events be in descending chronological order\"; "
            "add | sort -_time before it)", offset=node.offset, command=node.name)


def run_transaction(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, TransactionCommand)
    incoming = list(events)
    _refuse_ascending(node, incoming)
    bounded = node.startswith is not None or node.endswith is not None
    groups = _bounded(node, incoming, ctx) if bounded else _transitive(node, incoming)
    results = [_merge(group, closed) for group, closed in groups]
    results.sort(key=lambda row: -_time(row))
    yield from results


SPECS = (CommandSpec(("transaction",), parse_transaction, run_transaction),)
