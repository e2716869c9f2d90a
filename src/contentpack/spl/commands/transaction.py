"""``transaction`` (simple forms): group events that share field values into one result per transaction.

transaction (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/transaction):
``transaction <field-list> [maxspan=] [maxpause=] [maxevents=] [startswith=] [endswith=] [connected=]
[keepevicted=]``. Implemented: events with every listed field, grouped by those values and taken in time
order; "maxspan: Specifies the maximum length of time in seconds, minutes, hours, or days that the events
can span"; "maxpause: Specifies the maximum length of time ... for the pause between consecutive events in a
transaction"; startswith/endswith (a search expression in parentheses or quotes, or ``eval(...)``) open and
close a transaction; keepevicted "Whether to output evicted transactions" (default false: a transaction
that an endswith= never closed is dropped). Each result has the events' fields merged (a field with several
values becomes multivalue), ``_time`` of the first event, ``duration`` (last - first, seconds) and
``eventcount``, and ``_raw`` joined by newlines; results come newest first. Events with none of the fields
are left out; one with some of several listed fields but not all is refused as unsupported when it
comes: Splunk groups it through the fields it has (Splunk Answers "what does connected mean in transaction":
``event1 mid=1``, ``event3 mid=1, foo_id=abc``, ``event4 foo_id=abc`` form one transaction of ``transaction mid,
foo_id``), which is not implemented. ``connected`` decides where such an event goes: "Relevant only if fields is not
empty. Controls whether an event that is not inconsistent and not consistent with the fields of a transaction
opens a new transaction (connected=true) or is added to the transaction" (transactiontypes.conf, Knowledge
Manager Manual "Configure transaction types"; default true), and "An event can be not inconsistent and not
consistent if it contains fields required by the transaction but none of these fields has been instantiated in
the transaction" (4.0.1 transaction page). Every event the engine groups holds every listed field (the others
are refused above), so the first event instantiates them all and each later one is consistent or inconsistent:
``connected`` never acts on what the engine answers, and both values are accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from contentpack.spl.ast import Expr, SearchExpr
from contentpack.spl.commands.args import as_bool, as_int, at_option, read_field, read_option
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
from contentpack.spl.values import Event, Scalar, Value, make_mv, mv_values, to_str

@dataclass(frozen=True)
class Condition:
    """startswith=/endswith=: a search expression, or an eval expression written ``eval(...)``."""

    search: SearchExpr | None = None
    expr: Expr | None = None


@dataclass(frozen=True)
class TransactionCommand(CommandNode):
    fields: tuple[str, ...]
    maxspan: float | None = None
    maxpause: float | None = None
    maxevents: int = 1000
    startswith: Condition | None = None
    endswith: Condition | None = None
    keepevicted: bool = False

    def requires(self, needed: FieldSet) -> FieldSet:
        return None  # the merged results carry every field of their events


def _seconds(cur: Cursor, value: str, tok: Token, key: str) -> float:
    try:
        span = parse_span(value)
    except ValueError as exc:
        raise cur.error(f"{key}=: {exc}", tok) from None
    if span.seconds is None:
        raise cur.error(f"{key}= must be a fixed span (s, m, h, d)", tok)
    return span.seconds


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
                found[key] = as_int(cur, value, tok, key, 1)
            elif key in ("connected", "keepevicted"):
                found[key] = as_bool(cur, value, tok, key)
            else:
                raise cur.unsupported(f"option '{key}'", tok)
            continue
        name, _ = read_field(cur)
        fields.append(name)
    if not fields:
        raise cur.unsupported("transaction without a field list")
    return TransactionCommand(
        cmd.name, cmd.offset, tuple(fields), found.get("maxspan"), found.get("maxpause"),  # type: ignore[arg-type]
        int(found.get("maxevents", 1000)),  # type: ignore[call-overload]
        found.get("startswith"), found.get("endswith"), bool(found.get("keepevicted", False)))  # type: ignore[arg-type]


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


def _merge(events: list[Event]) -> Event:
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
        combined: Value = make_mv(values)
        if combined is not None:
            out[name] = combined
    first, last = _time(events[0]), _time(events[-1])
    out["_time"] = events[0].get("_time")
    raws = [to_str(e.get("_raw")) for e in events if e.get("_raw") is not None]
    if raws:
        out["_raw"] = "\n".join(r or "" for r in raws)
    duration = last - first
    out["duration"] = int(duration) if float(duration).is_integer() else duration
    out["eventcount"] = len(events)
    return out


def _refuse_partial(node: TransactionCommand, event: Event) -> None:
    """An event with only some of the fields would join by transitive grouping in Splunk: never drop it silently."""
    present = [name for name in node.fields if event.get(name) is not None]
    if present:
        missing = [name for name in node.fields if name not in present]
        raise SplUnsupportedError(
            f"transaction: an event with {', '.join(present)} but not {', '.join(missing)} (grouping events that "
            "hold only some of the fields) is not supported", offset=node.offset, command=node.name)


def run_transaction(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, TransactionCommand)
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
            continue
        key = keys[0]
        current = open_.get(key)
        if current is not None:
            too_long = node.maxspan is not None and _time(event) - _time(current[0]) > node.maxspan
            too_late = node.maxpause is not None and _time(event) - _time(current[-1]) > node.maxpause
            restarted = starts is not None and starts(event)
            if too_long or too_late or restarted or len(current) >= node.maxevents:
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
    kept = [group for group, closed in done if closed or ends is None or node.keepevicted]
    results = [_merge(group) for group in kept]
    results.sort(key=lambda row: -_time(row))
    yield from results


SPECS = (CommandSpec(("transaction",), parse_transaction, run_transaction),)
