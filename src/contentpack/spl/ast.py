"""The syntax tree of a parsed search: frozen dataclasses, every node with its offset in the author's text.

Three small languages meet here, each with its own node family:

* eval/where expressions (``Expr``): literals, field references, operators, function calls;
* the search language (``SearchExpr``): terms matched against ``_raw``, ``field=value`` comparisons, boolean
  structure — a different language with different precedence and case rules (S13, S15);
* pipeline commands (``Command``): one node per command with its parsed arguments.

Offsets are 0-based positions in the text the author wrote (before macro expansion), so errors found after
parsing (an unknown lookup, a bad regex) can still point at the right column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cached_property
from typing import TypeVar, Union

# ---------------------------------------------------------------- eval / where expressions


@dataclass(frozen=True)
class Literal:
    value: str | int | float | None
    offset: int


@dataclass(frozen=True)
class FieldRef:
    name: str
    offset: int


@dataclass(frozen=True)
class Unary:
    op: str  # "NOT" or "-"
    operand: "Expr"
    offset: int


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / % . = == != < > <= >= AND OR XOR LIKE
    left: "Expr"
    right: "Expr"
    offset: int


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple["Expr", ...]
    offset: int


Expr = Union[Literal, FieldRef, Unary, Binary, Call]

# ---------------------------------------------------------------- search language


@dataclass(frozen=True)
class Term:
    """A bare term or quoted phrase matched against ``_raw``. ``case_sensitive`` for CASE(); ``exact`` for TERM()."""

    text: str
    offset: int
    phrase: bool = False
    case_sensitive: bool = False
    exact: bool = False


@dataclass(frozen=True)
class FieldMatch:
    """``field OP value`` in the search language: values are literals, ``*`` is a wildcard for = and !=."""

    field: str
    op: str  # = != < > <= >=
    value: str
    offset: int
    case_sensitive: bool = False


@dataclass(frozen=True)
class FieldIn:
    field: str
    values: tuple[str, ...]
    offset: int


@dataclass(frozen=True)
class SearchNot:
    operand: "SearchExpr"
    offset: int


@dataclass(frozen=True)
class SearchAnd:
    operands: tuple["SearchExpr", ...]
    offset: int


@dataclass(frozen=True)
class SearchOr:
    operands: tuple["SearchExpr", ...]
    offset: int


@dataclass(frozen=True)
class MatchAll:
    """An empty search or ``*``: every event."""

    offset: int


@dataclass(frozen=True)
class Subsearch:
    """``[ ... ]`` inside a search: run first; its ``search`` field (or formatted rows) becomes search text."""

    pipeline: "Pipeline"
    offset: int


SearchExpr = Union[Term, FieldMatch, FieldIn, SearchNot, SearchAnd, SearchOr, MatchAll, Subsearch]


@dataclass(frozen=True)
class TimeBounds:
    """Inline time modifiers of a search (``earliest=-7d@d latest=now starthoursago=168``), as written, and the
    index-time ones (``_index_earliest=-70m@m _index_latest=-10m@m``: bounds on ``_indextime``)."""

    earliest: str | None = None
    latest: str | None = None
    offset: int = 0
    index_earliest: str | None = None
    index_latest: str | None = None
    #: (modifier as written, lower case: ``earliest``, ``_index_latest``...; offset of its value's first character)
    #: for each modifier written with its value as the bound holds it (not the ``*ago`` forms, whose bound is
    #: derived): a check refusing a value reports it at the author's character. Not part of what the bounds are.
    places: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    def place(self, modifier: str) -> int | None:
        """The offset of ``modifier``'s value (``places``), None when it is not known."""
        return next((offset for name, offset in self.places if name == modifier), None)

    @property
    def on_index_time(self) -> bool:
        return self.index_earliest is not None or self.index_latest is not None

    @property
    def bounded(self) -> bool:
        """Whether any time modifier is written (on event or index time): each resolves against the run's time."""
        return self.earliest is not None or self.latest is not None or self.on_index_time


# ---------------------------------------------------------------- pipeline


@dataclass(frozen=True)
class Command:
    """Base of every command node. ``name`` is the command as written (``bucket`` stays ``bucket``)."""

    name: str
    offset: int

    # What is inside a command, walked once per command (a node is immutable): a search is parsed once and its
    # commands asked again at every ``Engine.prepare`` -- each test's simulated runs, each lineage check.

    @cached_property
    def holds_subsearch(self) -> bool:
        """Whether a ``[ ... ]`` subsearch sits anywhere inside the command (``has_subsearch``)."""
        return has_subsearch(self)

    @cached_property
    def functions_called(self) -> frozenset[str]:
        """The names of the functions called anywhere inside the command, subsearches included."""
        return frozenset(call.name for call in nodes_of(self, Call))


@dataclass(frozen=True)
class Pipeline:
    commands: tuple[Command, ...]
    text: str = field(default="", compare=False)


# ---------------------------------------------------------------- walking a tree


def any_node(node: object, test: Callable[[object], bool]) -> bool:
    """Whether ``node`` or anything inside it (nodes, and the lists and tuples that hold them) passes ``test``,
    each tried before what it holds, in order; a node that passes is not looked into. Walked without recursing:
    a chain of one operator (``where a=1 OR b=2 OR ...``) nests as deep as it is long."""
    pending = [node]
    while pending:
        item = pending.pop()
        if test(item):
            return True
        if isinstance(item, (list, tuple)):
            pending.extend(reversed(item))
        elif is_dataclass(item) and not isinstance(item, type):
            pending.extend(getattr(item, f.name) for f in reversed(fields(item)))
    return False


def has_subsearch(node: object) -> bool:
    """Whether a ``[ ... ]`` subsearch sits anywhere inside ``node``."""
    return any_node(node, lambda item: isinstance(item, Subsearch))


_Node = TypeVar("_Node")


def nodes_of(node: object, kind: type[_Node]) -> list[_Node]:
    """Every ``kind`` node in ``node`` or inside it (inside subsearches too), outermost first."""
    found: list[_Node] = []

    def collect(item: object) -> bool:
        if isinstance(item, kind):
            found.append(item)
        return False  # look everywhere

    any_node(node, collect)
    return found
