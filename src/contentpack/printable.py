"""Text from the pack, the logs or the command line, made safe to print on a terminal.

File names and content are chosen by whoever wrote the pack, and log values by whoever the logs describe (an
attacker's user agent or application name); printed raw, an escape sequence (``ESC ]``…) would drive the
user's terminal, and a newline would forge a line of output (a fake diagnostic). Every line the commands print
that can hold such text goes through :func:`printable`; every table cell through :func:`cell`, which also keeps
rich from reading the text as markup (a log value ``[/x]`` once ended ``search`` in "internal error:
MarkupError"). A leaf module, so the reports below the command line share it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

# C0 controls (TAB and LF included: one message is one line), DEL, C1 controls, the Unicode line and paragraph
# separators, the bidirectional overrides/isolates (which can make text read differently from its bytes), and
# lone surrogates (a JSON string may hold one, "\ud800"; no encoding can write it).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


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
