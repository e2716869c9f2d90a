"""The split into series shared by ``timechart`` (one row per time bin) and ``chart`` (one row per row-split
value): which split values become columns, what the NULL and OTHER columns hold, how columns are named.

One home because the two pages describe the same options in the same words (the 10.0 timechart page, "tc
options"; the chart page's "tc options", and mstats' ``chart.limit`` "is identical to the limit argument of the
chart and timechart commands"):

* ``limit=(top | bottom)<int>`` (default top 10, ``0`` keeps all): "the top or bottom N values are retained, based
  on the sum of each series" (chart page); with several aggregates "the score is based on the frequency of each
  value" of the split field, and "Ties in scoring are broken lexicographically" (timechart page). The rest fold
  into the ``otherstr`` column (default ``OTHER``) unless ``useother=false``.
* ``usenull`` (default true): events without the split field form the ``nullstr`` column (default ``NULL``).
* ``dedup_splitvals``: a multivalue split field puts the event in one series per value, a value held twice
  counting twice unless true (both pages: "Default: false"), as stats groups (``stats.group_keys``).

``assumed`` (no page says): named columns come sorted by value (numbers first, numerically; the pages' examples
are all in that order; texts of one number by bytes), then NULL, then OTHER; a column that would overwrite a field
the command writes itself, an empty or ``_`` label, and NULL and OTHER under one name are refused; several
aggregates name their columns ``<output>: <value>``; an
empty cell is what its function gives over no value, as ``stats`` gives it: 0 for ``count`` and ``dc`` (the chart
page's examples show 0 for both; its ``cont`` option: bins with no values "display with a count of 0 or null
values"), null for ``sum`` and the rest, so a cell no event reached and a cell whose events all lack the field
read alike; OTHER adds up ``count`` and ``sum`` cells (null when none of them holds a number, as ``sum`` is) and
refuses other functions (is the OTHER cell of ``avg`` the mean of the folded events or of their cells? no page
says).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from contentpack.spl.aggregates import Aggregator, Count, Sum
from contentpack.spl.commands.args import as_bool, as_int
from contentpack.spl.commands.base import CommandNode
from contentpack.spl.commands.stats import AggTerm, feed_aggregates, group_keys, sort_key
from contentpack.spl.cursor import Cursor
from contentpack.spl.errors import SplRuntimeError, SplUnsupportedError
from contentpack.spl.evaluator import Evaluator
from contentpack.spl.lexer import Token
from contentpack.spl.values import Event, Scalar, Value, as_number, lexicographic_key

#: the options both commands take for their split field
SPLIT_OPTIONS = ("limit", "useother", "usenull", "otherstr", "nullstr", "dedup_splitvals")

#: a row's key: timechart's bin start, chart's row-split value
Row = TypeVar("Row", bound=Hashable)

_LIMIT = re.compile(r"(?P<side>top|bottom)?(?P<n>[0-9]+)\Z", re.IGNORECASE)  # ASCII digits: \d takes ٣


@dataclass(frozen=True)
class SplitOptions:
    limit: int = 10
    bottom: bool = False
    useother: bool = True
    usenull: bool = True
    otherstr: str = "OTHER"
    nullstr: str = "NULL"
    dedup_splitvals: bool = False


def read_split_options(cur: Cursor, found: Mapping[str, tuple[str, object]]) -> SplitOptions:
    """The split options among a command's parsed ``key=value`` options (the others are the command's own)."""
    values: dict[str, object] = {}
    for key, (text, tok) in found.items():
        assert isinstance(tok, Token)
        if key == "limit":
            match = _LIMIT.match(text)
            if match is None:
                raise cur.error("limit= expects a whole number >= 0, optionally after top or bottom (limit=bottom5)",
                                tok)
            values["limit"] = as_int(cur, match["n"], tok, key)
            values["bottom"] = (match["side"] or "top").lower() == "bottom"
        elif key in ("useother", "usenull", "dedup_splitvals"):
            values[key] = as_bool(cur, text, tok, key)
        elif key in ("otherstr", "nullstr"):
            values[key] = text
    return SplitOptions(**values)  # type: ignore[arg-type]


def series_label(value: Scalar) -> str:
    """A split value as a column name."""
    return value if isinstance(value, str) else str(value)


class SeriesTable(Generic[Row]):
    """Aggregators per (row, series) cell; ``field`` None is no split (one series, columns named by the terms)."""

    def __init__(self, node: CommandNode, terms: Sequence[AggTerm], field: str | None,
                 options: SplitOptions) -> None:
        self.node, self.terms, self.field, self.options = node, terms, field, options
        #: row -> series -> aggregators, both in first-seen order (the order ties keep, as stats' groups do);
        #: by row so that writing one row reads only its own cells, not every cell of the table
        self.cells: dict[Row, dict[str | None, list[Aggregator]]] = {}
        self.frequency: dict[str | None, int] = {}

    def series(self, event: Event) -> list[str | None]:
        """The series an event adds to: one per value of the split field, None when it has none."""
        if self.field is None:
            return [None]
        keys = group_keys(event, [self.field], dedup=self.options.dedup_splitvals)
        if keys:
            return [series_label(value) for (value,) in keys]
        return [None] if self.options.usenull else []

    def cell(self, row: Row, name: str | None) -> list[Aggregator]:
        """The aggregators of one cell, made empty on first use."""
        series = self.cells.get(row)
        if series is None:
            series = self.cells[row] = {}
        aggs = series.get(name)
        if aggs is None:
            aggs = series[name] = [term.spec().create() for term in self.terms]
        return aggs

    def add(self, row: Row, names: Iterable[str | None], event: Event, evaluator: Evaluator | None) -> None:
        for name in names:
            feed_aggregates(self.cell(row, name), self.terms, event, evaluator)
            self.frequency[name] = self.frequency.get(name, 0) + 1

    # ------------------------------------------------------------------ which series become which columns

    def kept(self) -> set[str]:
        """The named series the limit keeps (all of them when there are no more than ``limit``)."""
        names = [name for name in self.frequency if name is not None]
        limit = self.options.limit
        if self.field is None or limit == 0 or len(names) <= limit:
            return set(names)
        scores = self._scores()
        sign = 1 if self.options.bottom else -1
        ranked = sorted(names, key=lambda name: (sign * scores[name], lexicographic_key(name)))
        return set(ranked[:limit])

    def _scores(self) -> dict[str | None, float]:
        """Every series' score, in one pass over the cells."""
        if len(self.terms) > 1:
            return {name: float(count) for name, count in self.frequency.items()}
        totals: dict[str | None, float] = {}
        for series in self.cells.values():
            for name, aggs in series.items():
                value = aggs[0].result()
                number = as_number(value)
                if number is None and value is not None and name is not None:
                    raise SplUnsupportedError(
                        f"{self.node.name}: limit= ranks series by the sum of their values, and the series "
                        f"'{name}' holds a value that is not a number ({value!r}); no page says how it scores "
                        "(set limit=0, or useother=false with fewer series)",
                        offset=self.node.offset, command=self.node.name)
                totals[name] = totals.get(name, 0.0) + float(number or 0)
        return totals

    def label(self, name: str | None, kept: set[str]) -> str | None:
        """The column a series' cells go to, None when they are dropped (useother=false)."""
        if self.field is None:
            return None
        if name is None:
            return self.options.nullstr
        if name in kept:
            return name
        return self.options.otherstr if self.options.useother else None

    def columns(self, kept: set[str], taken: Collection[str] = ()) -> list[str]:
        """The split's columns in output order (none without a split field). ``taken`` are the fields the command
        writes into every row itself (chart's row-split field, timechart's ``_time`` and ``_span``): a column so
        named would overwrite them, so it is refused, as is any column the engine cannot name faithfully."""
        if self.field is None:
            self._refuse_taken([term.output for term in self.terms], taken)
            return []
        # sorted by value as stats sorts its groups (``stats.sort_key``: texts of one number, "1.0" and "01", by bytes)
        named = sorted((name for name in self.frequency if name in kept), key=sort_key)
        extra: list[str] = []
        if None in self.frequency:
            extra.append(self.options.nullstr)
        if self.options.useother and any(name not in kept for name in self.frequency if name is not None):
            extra.append(self.options.otherstr)
        for special in extra:  # only a NULL/OTHER column that is made can clash (limit=0 makes no OTHER)
            if special in kept:
                raise self._refused(
                    f"the split value '{special}' is also the name of the "
                    f"{'NULL' if special == self.options.nullstr else 'OTHER'} column; no page says whether they "
                    "merge (set nullstr=/otherstr= to another name)")
        if len(extra) == 2 and extra[0] == extra[1]:
            raise self._refused(f"nullstr= and otherstr= both name the column '{extra[0]}'; no page says whether "
                                "the NULL and OTHER series merge (give them different names)")
        for label in named + extra:
            what = "split value" if label in kept else "nullstr=/otherstr= label"
            if label.startswith("_"):
                raise self._refused(
                    f"the {what} '{label}' starts with '_', and a column so named would be an internal field; the "
                    "engine does not rename such columns (the timechart page's VALUE_ prefix is not implemented)")
            if not label:
                raise self._refused(f"the {what} is empty, and no page says what a column with no name is")
        self._refuse_taken([self._column(term, label) for label in named + extra for term in self.terms], taken)
        return named + extra

    def _refuse_taken(self, columns: Iterable[str], taken: Collection[str]) -> None:
        for column in columns:
            if column in taken:
                raise self._refused(f"the column '{column}' would overwrite the field '{column}' the command "
                                    "writes into every row (rename it with AS, or set nullstr=/otherstr=)")

    def _refused(self, message: str) -> SplUnsupportedError:
        return SplUnsupportedError(f"{self.node.name}: {message}", offset=self.node.offset, command=self.node.name)

    def _column(self, term: AggTerm, label: str | None) -> str:
        """``<value>`` with one aggregate, ``<output>: <value>`` with several, the output without a split."""
        if label is None:
            return term.output
        return label if len(self.terms) == 1 else f"{term.output}: {label}"

    # ------------------------------------------------------------------ one output row

    def row_cells(self, row: Row, kept: set[str], columns: Sequence[str]) -> Event:
        """The cells of one row, by output column name (absent where the value is null)."""
        merged: dict[str | None, list[list[Aggregator]]] = {}
        for name, aggs in self.cells.get(row, {}).items():
            label = self.label(name, kept)
            if label is not None or self.field is None:
                merged.setdefault(label, []).append(aggs)
        out: Event = {}
        for label in columns if self.field is not None else [None]:
            for index, term in enumerate(self.terms):
                value = self._cell_value(term, [aggs[index] for aggs in merged.get(label, [])])
                if value is not None:
                    out[self._column(term, label)] = value
        return out

    def _cell_value(self, term: AggTerm, parts: list[Aggregator]) -> Value:
        """A cell from the aggregators of the series it gathers: an empty cell is what the function gives over no
        value, as stats gives it (``count``/``dc`` 0, ``sum`` and the rest null), so a cell with no event and a
        cell whose events all lack the field read alike; OTHER adds up ``count`` and ``sum`` cells."""
        if len(parts) == 1:
            return parts[0].result()
        if not parts:
            return term.spec().create().result()
        if isinstance(parts[0], Count):
            return sum(part.count for part in parts if isinstance(part, Count))
        if isinstance(parts[0], Sum):
            total = Sum()
            for part in parts:
                total.add(part.result(), None)
            return total.result()
        raise SplRuntimeError(f"{self.node.name}: cannot combine '{term.function}' into the "
                              f"{self.options.otherstr} series; use useother=f",
                              offset=self.node.offset, command=self.node.name)
