"""Text laid out for a terminal's width: where a value splits, and how a table's columns share the width.

Folded wherever the width runs out, a value reads as something else (``4be11163-0a03-45fb-87e5-5c8de005a18`` /
``6``, ``christie.wilk`` / ``ins@contoso.e`` / ``xample``). So a value splits between words, then after a list's
``;`` or ``,``, then before an email's ``@``, then after a ``-``, ``.`` or ``/`` (GUIDs, host names, paths), and
is cut anywhere only where none of these leaves pieces narrow enough (:func:`fold`). :func:`fit_columns` plans a
table's widths so that only the coarsest of those splits that lets the whole table fit is used, the widest columns
giving way first, and :func:`readable_width` is how narrow a column can be with nothing cut mid-word (what a command
adds up to choose how many columns to show); messages wrap the same way (:func:`hanging_lines`). One home for the
reports and commands that print tables or messages (search, backtest, replay, the diagnostics).

Every width here is in terminal cells, not characters (:func:`text_width`): a wide character (CJK, many emoji,
as an Entra app's display name may hold) takes two cells and a combining mark none, so a layout that counted
characters overflowed its table with the one and left it ragged with the other; and a cut never splits a
character from its combining marks nor a wide character over a column's edge (:func:`_cut`). A leaf module
(rich's cell tables aside); give it text already made ``printable``, as a control character has no width.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, chop_cells

# Where a word reads well split, the coarsest first, each set holding the coarser ones: after a list's ";" or ",",
# before an email's "@", then after a "-" (GUIDs), "." or "/" (host names, paths).
_SOFT_BREAKS = (re.compile(r"(?<=[;,])"), re.compile(r"(?<=[;,])|(?=@)"),
                re.compile(r"(?<=[;,])|(?=@)|(?<=[-./\\])"))

# fit_columns' levels: whole words (0), each set of _SOFT_BREAKS (1..3), then anywhere
_ANYWHERE = len(_SOFT_BREAKS) + 1


def text_width(text: str) -> int:
    """How many terminal cells ``text`` takes: the one home of that measure for every layout here and for the
    commands that plan a table's columns. rich's own measure, so a plan agrees with the table rich then draws."""
    return cell_len(text)


def _cut(text: str, width: int) -> list[str]:
    """``text`` cut anywhere into pieces of at most ``width`` cells, each character kept with its combining marks
    and a wide character never split over the edge (one wider than ``width`` stands alone on its piece)."""
    return [piece for piece in chop_cells(text, width) if piece] or [text]


def wrap_identifier(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, split where it reads well (``debra.tanaka`` /
    ``@contoso.example``, a GUID after a ``-``) rather than wherever the width runs out; a piece longer than
    ``width`` is left to the caller (a table folds it, :func:`fold` cuts it). One line when ``text`` fits."""
    if text_width(text) <= width:
        return [text]
    for soft_break in _SOFT_BREAKS:
        pieces = [piece for piece in soft_break.split(text) if piece]
        if all(text_width(piece) <= width for piece in pieces):
            break
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if current and (text_width(current) + text_width(piece) > width or piece.startswith("@")):  # an email: its @ first
            lines.append(current)
            current = ""
        current += piece
    return [*lines, current]


def _fill(text: str, first: int, room: int) -> list[str]:
    """``text`` in lines between words, the first at most ``first`` wide, the others ``room``; a word wider than
    ``room`` split by :func:`wrap_identifier`, and cut only where it has no such place."""
    lines: list[str] = []
    current: str | None = None  # the line being filled; None before the first word
    for word in text.split(" "):
        pieces = [word] if text_width(word) <= room else [
            piece for part in wrap_identifier(word, room) for piece in _cut(part, room)]
        for number, piece in enumerate(pieces):
            joined = piece if current is None else current + ("" if number else " ") + piece
            if current is None or text_width(joined) <= (room if lines else first):
                current = joined
            else:
                lines.append(current)
                current = piece
    lines.append(current or "")
    return lines


# How far a message's continuation lines stand in on a terminal: clear of its first line's start, which a reader
# scans down for the next message.
HANGING_INDENT = 4

# How far a value's continuation lines stand in inside a table's cell that holds several values (a multivalue
# field, one value a line): a line at the cell's left edge starts a value, so a value folded over two lines is
# not read as two values.
VALUE_INDENT = 2


def fold(text: str, width: int, indent: int = 0) -> list[str]:
    """``text`` in lines of at most ``width`` cells for a table's cell, split where it reads well (words, then
    the soft breaks of :func:`wrap_identifier`), cut only where a piece has no such place; its continuation
    lines indented by ``indent`` (:data:`VALUE_INDENT` in a cell of several values) where the cell can spare it.
    One line when ``text`` fits."""
    return hanging_lines(text, max(1, width), indent)


def hanging_lines(text: str, width: int, indent: int = HANGING_INDENT) -> list[str]:
    """One message (``printable`` text) for a terminal ``width`` columns wide: split between words, its
    continuation lines indented by ``indent``, rather than cut by the terminal mid-word at the edge with nothing
    to show that the next line goes on. A word wider than a line is split where it reads well
    (:func:`wrap_identifier`: before an email's ``@``, after a GUID's ``-``), and cut only where it has no such
    place. One line when ``text`` fits; joined back with single spaces (and no space inside a split word) the
    lines are ``text``."""
    if text_width(text) <= width:
        return [text]
    indent = indent if width > 4 * indent else 0  # a terminal or a cell too narrow to spare it
    lines = _fill(text, width, max(1, width - indent))
    return [lines[0], *(" " * indent + line for line in lines[1:])]


def table_width(text_widths: Iterable[int]) -> int:
    """How wide a rich table (its default box and padding) is whose columns hold text this wide: each column
    its text, a space either side and a border, the table one more border. One home for that arithmetic:
    the commands that fit a table to the terminal decide from it what folds and what goes."""
    widths = list(text_widths)
    return sum(widths) + 3 * len(widths) + 1


@dataclass(frozen=True)
class Column:
    """A table's column to fit: its header and every value as printed (each value of a multivalue field on its
    own). ``splits`` False: a count, never split. ``least``: while a coarser split elsewhere can fit the table,
    the column keeps this many cells (a list of names, a few words a line, before an email is split).
    ``indent``: its values' continuation lines stand in this far (:func:`fold`), so a piece needs that much
    more room to stay whole."""

    texts: tuple[str, ...]
    splits: bool = True
    least: int = 0
    indent: int = 0


def _longest_piece(texts: Sequence[str], level: int) -> int:
    """The widest piece the column's texts hold once split at ``level`` (0: words; 1..3: ``_SOFT_BREAKS``)."""
    words = [word for text in texts for word in text.split(" ")]
    if level:
        words = [piece for word in words for piece in _SOFT_BREAKS[level - 1].split(word)]
    return max((text_width(word) for word in words), default=0)


def _needed(column: Column, width: int) -> int:
    """How wide ``column`` folded at ``width`` is: its widest line, ``width`` or less."""
    return max((text_width(line) for text in column.texts for line in fold(text, width, column.indent)), default=0)


def _shrunk(columns: Sequence[Column], natural: list[int], floors: list[int], width: int) -> list[int]:
    """The widths, from ``natural``, once the widest column above its floor gave way, again and again, until the
    table fits ``width`` or every column is at its floor. A column that gives way folds its texts and takes the
    width of its widest line (``debra.tanaka@contoso.example`` split before its ``@`` frees 12 columns at once)."""
    widths = list(natural)
    while (excess := table_width(widths) - width) > 0:
        movable = [at for at in range(len(widths)) if widths[at] > floors[at]]
        if not movable:
            break
        at = max(reversed(movable), key=lambda index: widths[index])  # the widest; of equals, the rightmost
        second = max((widths[index] for index in movable if index != at), default=0)
        target = max(floors[at], widths[at] - excess, min(second, widths[at] - 1))
        widths[at] = _needed(columns[at], target)
    return widths


def _floor(column: Column, natural: int, level: int) -> int:
    """How narrow ``column`` (whose widest text is ``natural``) may give way at ``level``: a count not at all; at
    a readable level its widest piece once split there, or ``least`` if more; cut anywhere, down to one cell."""
    if not column.splits:
        return natural
    if level == _ANYWHERE:
        return min(natural, 1)
    return min(natural, max(column.least, _longest_piece(column.texts, level) + column.indent))


def _natural(column: Column) -> int:
    """The column's width with nothing folded: its widest text."""
    return max((text_width(text) for text in column.texts), default=0)


def readable_width(column: Column) -> int:
    """The narrowest ``column`` can be with none of its texts cut mid-word: each split at the finest place
    :func:`fit_columns` splits a text where it reads well (after a ``-``, ``.`` or ``/``), and ``least`` if
    more. A table whose columns together are this narrow fits without cutting anything, so a command choosing
    which columns to show adds them up (with :func:`table_width`) rather than guessing a width per column."""
    return _floor(column, _natural(column), _ANYWHERE - 1)


def fit_columns(columns: Sequence[Column], width: int) -> list[int]:
    """Each column's width (its texts folded to it with :func:`fold`) for a table at most ``width`` wide: the
    widths its texts need when that fits; else the columns split between words only, if that can fit the table,
    else also after a list's ``;``/``,``, then before an email's ``@``, then after ``-``, ``.``, ``/``, the widest
    columns giving way first, so that a value never splits mid-word while the table can hold its pieces. On a
    terminal too narrow even for those pieces, the widest columns are cut anywhere too (:func:`fold` still
    splits each at the soft breaks first, and cuts only a piece wider than its column); a count never splits,
    so a table of counts alone may stay wider than ``width``."""
    natural = [_natural(column) for column in columns]
    widths = natural
    for level in range(_ANYWHERE + 1):
        floors = [_floor(column, size, level) for column, size in zip(columns, natural)]
        widths = _shrunk(columns, natural, floors, width)
        if table_width(widths) <= width:
            break
    return widths
