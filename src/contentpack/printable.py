"""Text from the pack, the logs or the command line, made safe to print on a terminal.

File names and content are chosen by whoever wrote the pack, and log values by whoever the logs describe (an
attacker's user agent or application name); printed raw, an escape sequence (``ESC ]``…) would drive the
user's terminal, and a newline would forge a line of output (a fake diagnostic). Every line the commands print
that can hold such text goes through :func:`printable`; every table cell through :func:`cell`, which also keeps
rich from reading the text as markup (a log value ``[/x]`` once ended ``search`` in "internal error:
MarkupError"); every JSON document through :func:`json_text`, which writes the same characters as JSON
escapes; and the tables are as wide as the terminal they are printed on (:func:`output_width`; how text
and a table's columns share that width is :mod:`contentpack.layout`). A leaf module, so the reports below the
command line share it.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.text import Text

# What is never written as itself: the controls (C0 with TAB and LF, since one message is one line; DEL; C1),
# the format characters (Unicode category Cf: the bidirectional overrides, isolates and marks, which make text
# read differently from its bytes; zero-width spaces and joiners, the byte order mark, the soft hyphen, the
# tag characters: all invisible, so two values that differ only by one print alike), the line and paragraph
# separators, and lone surrogates (a JSON string may hold one, "\ud800"; no encoding can write it; U+DC80..U+DCFF
# are written as the byte that is not UTF-8 they stand for, ``_NOT_UTF8_BYTES``).
# Every other character, spaces such as U+3000 included, is text and printed as it is.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

# A table's width when the output is no terminal (a pipe, a file, a CI log): one shape wherever it runs.
TABLE_WIDTH = 160

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# The characters looked at one by one (all but printable ASCII): the regex finds them at C speed, so a long
# ASCII value or JSON document costs no Python loop.
_NOT_ASCII_TEXT = re.compile("[^\x20-\x7e]")
_NOT_JSON_TEXT = re.compile("[^\x20-\x7e\n]")  # an indented document's own line breaks are its layout


# A byte that is not UTF-8, as Python decodes it in a file name (``os.fsdecode``, PEP 383) or a log read with
# ``errors="surrogateescape"``: a lone surrogate U+DC80..U+DCFF, written as the byte, ``\xNN`` (a file named
# ``caf\xe9.log`` in Latin-1 printed as ``caf\udce9.log``, Python's spelling, not the byte the file name holds).
_NOT_UTF8_BYTES = range(0xDC80, 0xDD00)
_NOT_UTF8_BYTE = re.compile("[\udc80-\udcff]")


def _escaped(char: str) -> bool:
    return unicodedata.category(char) in _ESCAPED_CATEGORIES


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code in _NOT_UTF8_BYTES:
        return _byte_escape(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _byte_escape(char: str) -> str:
    return f"\\x{ord(char) - 0xDC00:02x}"


def path_text(path: str) -> str:
    """A file name as text, each byte of it that is not UTF-8 written as ``\\xNN``, as :func:`printable` prints
    it: for a JSON document (``backtest``'s ``summary.json``, every ``--format json`` diagnostic and test
    position), which would otherwise hold the lone surrogate (``"\\udce9"``), unreadable and refused by a strict
    JSON reader."""
    return _NOT_UTF8_BYTE.sub(lambda match: _byte_escape(match[0]), path)


def printable(text: str) -> str:
    """``text`` with every control or invisible format character written as a ``\\xNN``/``\\uNNNN`` escape."""
    if text.isprintable():  # nearly every value: str.isprintable rejects a superset of what is escaped
        return text
    return _NOT_ASCII_TEXT.sub(lambda match: _escape(match[0]) if _escaped(match[0]) else match[0], text)


def json_text(document: object, indent: int | None = None) -> str:
    """``document`` as JSON, with what :func:`printable` escapes written as JSON escapes (``\\u001b``,
    ``\\u202e``, ``\\ud800``; a character beyond U+FFFF as its surrogate pair): the same data for any JSON
    reader, and nothing in it that drives a terminal or reorders a line when a person reads it there. Other
    text stays as it is (``ensure_ascii`` would also escape every letter of a name in another script)."""
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    return _NOT_JSON_TEXT.sub(lambda match: _json_escape(match[0]) if _escaped(match[0]) else match[0], text)


def _json_escape(char: str) -> str:
    """One character as a JSON string escape. JSON structure is ASCII, so anything escaped is inside a string."""
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xd800 + (code >> 10):04x}\\u{0xdc00 + (code & 0x3ff):04x}"


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
