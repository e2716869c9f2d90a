"""Node positions of one loaded YAML document, kept in the loader's walk order until something asks for one.

The loader records where every node and every mapping key starts, in the order it visits them, as a flat
list of numbers. Looking a position up by node path needs a table keyed by paths, but building one for
every file would cost a sizeable part of loading a pack (a path tuple and a table entry per node), and the
parse cache would have to store it, while most files never need a position: rules ask for one when they
report a finding. So the table is built on the first question, from the data itself, whose mappings and
lists hold their children in file order, the order the loader visited them.

The walk order, which ``walk_order`` and the loader's walker must both follow: a node, then (for a mapping)
each key followed by the subtree of its value, or (for a list) the subtree of each item.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from contentpack.content.diagnostics import Position
from contentpack.content.model import NodePath

# For each node and each key in walk order: its 0-based line, then its 0-based column.
FlatPositions = list[int]
Table = dict[NodePath, tuple[int, int]]  # node path -> (line, col), 1-based


def walk_order(data: object, flat: FlatPositions) -> tuple[Table, Table]:
    """The value and key positions by node path, from ``data`` and its walk-order positions ``flat``."""
    values: Table = {}
    keys: Table = {}
    numbers = iter(flat)

    def visit(value: object, path: NodePath) -> None:
        values[path] = (next(numbers) + 1, next(numbers) + 1)
        if value.__class__ is dict:
            for key, child in value.items():
                child_path = (*path, key)
                keys[child_path] = (next(numbers) + 1, next(numbers) + 1)
                visit(child, child_path)
        elif value.__class__ is list:
            for index, child in enumerate(value):
                visit(child, (*path, index))

    try:
        visit(data, ())
    except StopIteration:
        pass
    else:
        if next(numbers, None) is None:
            return values, keys
    raise ValueError("positions do not match the document")  # a loader bug: never guess


class DocumentPositions:
    """The positions of one document: its data and walk-order record, resolved once, on first use."""

    __slots__ = ("path", "data", "flat", "_tables")

    def __init__(self, path: str, data: object, flat: FlatPositions) -> None:
        self.path = path  # as shown in diagnostics
        self.data = data  # the loaded document, which nothing changes (the model copies what it keeps)
        self.flat = flat
        self._tables: tuple[Table, Table] | None = None

    def tables(self) -> tuple[Table, Table]:
        if self._tables is None:
            self._tables = walk_order(self.data, self.flat)
        return self._tables

    def __reduce__(self) -> tuple[object, tuple[str, object, FlatPositions]]:
        return (DocumentPositions, (self.path, self.data, self.flat))


class PositionTable(Mapping[NodePath, Position]):
    """The value positions (``keys=False``) or key positions of one document, as ``Position`` values."""

    __slots__ = ("_positions", "_keys")

    def __init__(self, positions: DocumentPositions, keys: bool) -> None:
        self._positions = positions
        self._keys = keys

    def _table(self) -> Table:
        return self._positions.tables()[self._keys]

    def __getitem__(self, node: NodePath) -> Position:
        line, col = self._table()[node]
        return Position(self._positions.path, line, col)

    def __iter__(self) -> Iterator[NodePath]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())

    def __reduce__(self) -> tuple[object, tuple[DocumentPositions, bool]]:
        return (PositionTable, (self._positions, self._keys))
