"""Text from the pack, the logs or the command line, made safe to print on a terminal.

File names and content are chosen by whoever wrote the pack, and log values by whoever the logs describe (an
attacker's user agent or application name); printed raw, an escape sequence (``ESC ]``…) would drive the
user's terminal, and a newline would forge a line of output (a fake diagnostic). Every line the commands print
that can hold such text goes through :func:`printable`; every table cell through :func:`cell`, which also keeps
rich from reading the text as markup (a log value ``[/x]`` once ended ``search`` in "internal error:
MarkupError"); and the tables are as wide as the terminal they are printed on (:func:`output_width`; how text
and a table's columns share that width is :mod:`contentpack.layout`). A leaf module, so the reports below the
command line share it.
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


def on_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal someone reads (not a pipe, a file or a captured stream)."""
    try:
        return stream.isatty()
    except (OSError, ValueError):  # closed
        return False


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
