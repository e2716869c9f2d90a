"""What every command module provides, and what a running command may ask of the engine.

A command is registered in exactly one place: the ``SPECS`` of its module, one :class:`CommandSpec` per
command naming its parser, its runner, and the planning facts the engine needs (generating? streaming? one
output event per input event?). The parsed command is a frozen AST node (``CommandNode`` subclass) that
answers one planning question itself, because the answer depends on its arguments:

* ``requires(needed)`` — given the fields later commands need (``None`` = every field), which fields must
  arrive at this command. The engine uses it to decode only the JSON paths a search needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from contentpack.spl.ast import Command, Pipeline, SearchExpr
from contentpack.spl.cursor import Cursor, OffsetMap
from contentpack.spl.errors import SplUnsupportedError
from contentpack.spl.evaluator import Evaluator
from contentpack.spl.functions import coerce
from contentpack.spl.lookups import LookupTable
from contentpack.spl.messages import JobMessage
from contentpack.spl.values import Event, Scalar

FieldSet = frozenset[str] | None


@dataclass(frozen=True)
class CommandNode(Command):
    """Base of command nodes; the conservative default needs every field."""

    def requires(self, needed: FieldSet) -> FieldSet:
        return None


def plus(needed: FieldSet, *names: str | set[str] | frozenset[str]) -> FieldSet:
    """``needed`` with more names (``None`` stays "every field")."""
    if needed is None:
        return None
    out = set(needed)
    for name in names:
        if isinstance(name, str):
            out.add(name)
        else:
            out.update(name)
    return frozenset(out)


def has_wildcard(names: Sequence[str]) -> bool:
    return any("*" in name for name in names)


@dataclass(frozen=True)
class CommandInput:
    """The text of one pipeline command as the parser hands it to the command's own argument parser."""

    name: str
    offset: int  # of the command name, in the author's text
    text: str  # the arguments (expanded text)
    base: int  # expanded-text offset where ``text`` starts
    mapper: OffsetMap
    parse_subsearch: Callable[[str, int], Pipeline]

    def cursor(self) -> Cursor:
        return Cursor.search(self.text, self.base, self.mapper, self.name)

    def eval_cursor(self) -> Cursor:
        return Cursor.eval(self.text, self.base, self.mapper, self.name)


def single_input(event: Event, field: str, node: CommandNode, also: str | None = None) -> Scalar | None:
    """The one value of ``field`` that ``node`` reads (``rex``'s and ``regex``'s field, ``spath``'s input,
    ``iplocation``'s address, ``bin``'s field, ``sort``'s keys, ``return``'s fields, ``top``/``rare``'s fields,
    ``join``'s fields ...), ``None`` when it is null.

    A multivalue is refused as unsupported (:func:`multivalue_refused`), naming the command, the field and the
    value count, at the command's column; ``also`` adds a way out that fits the command. Why: the Search
    Reference page of each command that reads through here says nothing of a multivalue input, and the engine
    used to answer anyway (the first value for ``spath``, ``iplocation``, ``fromjson``, ``xmlkv``, ``bin``,
    ``sort``, ``return``; each value for ``rex``, ``replace``, ``convert``, ``top``; any value for ``regex``),
    readings no page states. The one home of that rule for commands, as ``Evaluator.single_operand`` is for
    operators."""
    value = event.get(field)
    if isinstance(value, tuple):
        why = (f"the {node.name} page says nothing of a multivalue input, and no Splunk page says which of its "
               "values the command reads, or what it gives for several")
        raise multivalue_refused(node, value, field, why, also)
    return value


def multivalue_refused(node: CommandNode, value: tuple[Scalar, ...], field: str, why: str,
                       also: str | None = None) -> SplUnsupportedError:
    """The error for a multivalue ``field`` that ``node`` cannot read, at the command's column: the message is
    :func:`coerce.multivalue_refused`'s (kind ``input field``), shared with functions and operators."""
    error = coerce.multivalue_refused(value, why, f"'{field}'", kind=coerce.INPUT_FIELD, field=field, also=also)
    return SplUnsupportedError(f"{node.name}: {error.message}", offset=node.offset, command=node.name)


@dataclass
class RunContext:
    """What commands may ask of the engine while running: time, lookups, other searches."""

    now: float
    tz: str
    evaluator: Evaluator
    earliest: float | None = None
    latest: float | None = None
    lookups: Mapping[str, LookupTable] = field(default_factory=dict)
    risk_events: Sequence[Event] = ()
    eventtypes: Mapping[str, SearchExpr] = field(default_factory=dict)
    geoip: LookupTable | None = None
    #: run a subsearch; only its first ``maxout`` results come back, as Splunk truncates them (each command's
    #: documented default: ``SUBSEARCH_MAXOUT``, ``append``'s and ``join``'s own), and a cut adds its message
    run_subsearch: Callable[[Pipeline, int], list[Event]] = lambda pipeline, maxout: []
    #: run a pipeline's commands over given results in a run's context (appendpipe's subpipeline); the context
    #: is passed, not held, so a context and its callables make no reference cycle (``_run_pipe``)
    run_pipe: Callable[[Pipeline, list[Event], RunContext], list[Event]] = lambda pipeline, rows, ctx: []
    #: the search job's messages (``spl.messages``), shared by the search and its subsearches
    messages: list[JobMessage] = field(default_factory=list)


@dataclass(frozen=True)
class FieldUse:
    """Field names a command reads and writes (wildcard patterns left out: they name no field)."""

    reads: frozenset[str] = frozenset()
    produces: frozenset[str] = frozenset()


def uses(reads: Iterable[str] = (), produces: Iterable[str] = ()) -> FieldUse:
    return FieldUse(frozenset(n for n in reads if "*" not in n), frozenset(n for n in produces if "*" not in n))


#: result fields that certainly can hold several values, each with what made it so (the validator's multivalue
#: reading: CP029's drilldown tokens, CP075's throttle keys, ``content.rules.throttle_keys``)
Multivalued = Mapping[str, str]
#: ``Multivalued`` after a command, given it before (None: the command is not followed, the search unjudged)
MultivalueFn = Callable[[CommandNode, Multivalued], dict[str, str] | None]


def assigns_nothing(node: CommandNode, multivalued: Multivalued) -> dict[str, str]:
    """The multivalue reading of a command that assigns no field (it filters, orders, picks or drops results,
    ``where``, ``sort``, ``head``...): every field keeps what it holds."""
    return dict(multivalued)


def rewrites(fields: Callable[[CommandNode], FieldUse]) -> MultivalueFn:
    """The multivalue reading of a command that may rewrite in place each field it reads or writes (``convert``,
    ``spath``, ``bin``; ``replace``, whose field list takes wildcards, which ``FieldUse`` leaves out, has its own):
    no page read says what such a command does with a multivalue, so those fields are no longer certainly
    multivalue (never a false warning); the rest keep what they hold."""

    def after(node: CommandNode, multivalued: Multivalued) -> dict[str, str]:
        use = fields(node)
        return {name: why for name, why in multivalued.items() if name not in use.reads | use.produces}

    return after


#: the result fields after a command, given those before it (None: unknown)
ResultFieldsFn = Callable[[CommandNode, frozenset[str]], frozenset[str] | None]
RunFn = Callable[[CommandNode, Iterator[Event], RunContext], Iterator[Event]]
ParseFn = Callable[[CommandInput], CommandNode]


@dataclass(frozen=True)
class CommandSpec:
    """Everything the engine knows about one command (names such as ``bin``/``bucket``).

    * ``generating``: produces events itself, so it must come first (unless its node ``appends``);
    * ``streaming``: handles each event on its own, in any order, yielding an event's outputs before it takes
      the next, so it may run in a parallel scan worker, before an order-free ``stats``, and on a file's events
      before they are sorted newest first (a function of the node when it depends on the arguments);
    * ``one_to_one``: exactly one output event per input event, so ``head N`` after it needs only the N
      newest inputs.
    """

    names: tuple[str, ...]
    parse: ParseFn
    run: RunFn
    generating: bool = False
    streaming: bool | Callable[[CommandNode], bool] = False
    one_to_one: bool = False
    #: the fields a node reads and the fields it writes, for field-provenance analysis (the validator's CP045
    #: taint rule): None when the command only filters or reorders events
    fields: Callable[[CommandNode], FieldUse] | None = None
    #: which result fields certainly can hold several values after the node, given those before it, as the
    #: command's page says (the one home of that fact, per command: ``rex``'s ``max_match``, ``lookup``'s
    #: OUTPUT/OUTPUTNEW, ``eval``'s functions...); None: the command is not followed, and a search with it after
    #: its final ``stats`` is left unjudged by CP029/CP075 (never a guess)
    multivalue: MultivalueFn | None = None
    #: the result fields after the node, given those before it, each one the node certainly makes or keeps (the
    #: validator's reading of a search's result fields: CP029, CP047, ``spl_text.output_fields``); the function
    #: gives None when the arguments leave it unknown (a wildcard, a lookup without an output clause, an input
    #: not among the fields); the spec's None: the command is not followed, and the search's fields stay unknown
    result_fields: ResultFieldsFn | None = None

    def streams(self, node: CommandNode) -> bool:
        return self.streaming(node) if callable(self.streaming) else self.streaming
