"""Text from the pack, the logs or the command line, made safe to print on a terminal.

File names and content are chosen by whoever wrote the pack, and log values by whoever the logs describe (an
attacker's user agent or application name); printed raw, an escape sequence (``ESC ]``…) would drive the
user's terminal, and a newline would forge a line of output (a fake diagnostic). Every line the commands print
that can hold such text goes through :func:`printable`; every table cell through :func:`cell`, which also keeps
rich from reading the text as markup (a log value ``[/x]`` once ended ``search`` in "internal error:
MarkupError"); and the tables are as wide as the terminal they are printed on (:func:`output_width`). A leaf
module, so the reports below the command line share it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.text import Text

# C0 controls (TAB and LF included: one message is one line), DEL, C1 controls, the Unicode line and paragraph
# separators, the bidirectional overrides/isolates (which can make text read differently from its bytes), and
# lone surrogates (a JSON string may hold one, "\ud800"; no encoding can write it).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# A table's width when the output is no terminal (a pipe, a file, a CI log): one shape wherever it runs.
TABLE_WIDTH = 160

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character written as a ``\\xNN``/``\\uNNNN`` escape."""
    return _UNPRINTABLE.sub(_escape, text)


def cell(text: str) -> Text:
    """``text`` for a rich table cell or header: escaped, and never parsed as rich markup."""
    from rich.text import Text  # here: the commands that print no table (validate, build) need not load rich

    return Text(printable(text))


def lines_cell(values: Iterable[str]) -> Text:
    """A table cell holding several values (a multivalue field), one per line, as Splunk shows them: each value
    escaped on its own, so a newline inside a value never reads as the start of another value."""
    from rich.text import Text

    return Text("\n".join(printable(value) for value in values))


# Where an identifier reads well split, the coarsest first: before an email's "@", then after a "-" (GUIDs), "."
# or "/" (host names, paths).
_SOFT_BREAKS = (re.compile(r"(?=@)"), re.compile(r"(?=@)|(?<=[-./\\])"))


def wrap_identifier(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, split where it reads well (``debra.tanaka`` /
    ``@contoso.example``, a GUID after a ``-``) rather than wherever the width runs out; a piece longer than
    ``width`` is left to the table to fold. One line when ``text`` fits."""
    if len(text) <= width:
        return [text]
    for soft_break in _SOFT_BREAKS:
        pieces = [piece for piece in soft_break.split(text) if piece]
        if all(len(piece) <= width for piece in pieces):
            break
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if current and (len(current) + len(piece) > width or piece.startswith("@")):  # an email: its @ first
            lines.append(current)
            current = ""
        current += piece
    return [*lines, current]


# How far a message's continuation lines stand in on a terminal: clear of its first line's start, which a reader
# scans down for the next message.
HANGING_INDENT = 4


def hanging_lines(text: str, width: int, indent: int = HANGING_INDENT) -> list[str]:
    """One message (``printable`` text) for a terminal ``width`` columns wide: split between words, its
    continuation lines indented by ``indent``, rather than cut by the terminal mid-word at the edge with nothing
    to show that the next line goes on. A word wider than a line is split where it reads well
    (:func:`wrap_identifier`: before an email's ``@``, after a GUID's ``-``), and cut only where it has no such
    place. One line when ``text`` fits; joined back with single spaces (and no space inside a split word) the
    lines are ``text``."""
    if len(text) <= width:
        return [text]
    indent = indent if width > 4 * indent else 0  # a terminal too narrow to spare it
    room = max(1, width - indent)  # a continuation line's text
    lines: list[str] = []
    current: str | None = None  # the line being filled; None before the first word
    for word in text.split(" "):
        pieces = [word] if len(word) <= room else [
            part[at:at + room] for part in wrap_identifier(word, room) for at in range(0, len(part), room)]
        for number, piece in enumerate(pieces):
            joined = piece if current is None else current + ("" if number else " ") + piece
            if current is None or len(joined) <= (room if lines else width):
                current = joined
            else:
                lines.append(current)
                current = piece
    lines.append(current or "")
    return [lines[0], *(" " * indent + line for line in lines[1:])]


def on_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal someone reads (not a pipe, a file or a captured stream)."""
    try:
        return stream.isatty()
    except (OSError, ValueError):  # closed
        return False


def table_width(text_widths: Iterable[int]) -> int:
    """How wide a rich table (its default box and padding) is whose columns hold text this wide: each column
    its text, a space either side and a border, the table one more border. One home for that arithmetic:
    the commands that fit a table to the terminal decide from it what folds and what goes."""
    widths = list(text_widths)
    return sum(widths) + 3 * len(widths) + 1


def output_width(stream: TextIO, default: int = TABLE_WIDTH) -> int:
    """How wide a table printed on ``stream`` may be: ``COLUMNS`` when it is set (the user's word, as for Python
    and rich), else the terminal's width when ``stream`` is one, else ``default`` (a command whose log width was
    fixed before this existed keeps its own). A table laid out wider than the terminal has every line wrapped by
    it, which no one can read; a log keeps the same shape whatever machine wrote it."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isascii() and columns.isdigit() and int(columns) > 0:
        return int(columns)
    if on_terminal(stream):
        try:
            width = os.get_terminal_size(stream.fileno()).columns
            if width > 0:  # a terminal that does not know its size says 0
                return width
        except (OSError, ValueError):  # no file descriptor (a captured stream), or closed
            pass
    return default
