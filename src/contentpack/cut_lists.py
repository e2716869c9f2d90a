"""Long lists cut for a message: the first few items, then how many more there are, in one wording.

A failure's detail, a usage error or a report's notes name a few of what went wrong and count the rest, so a
message stays a line a reader takes in, and a cut list never reads as the whole one. Every such cut says
`` (+N more)`` after the items it shows (:func:`cut_list`), or, for a list printed a line per item,
``(+N more WHAT)`` on a line of its own (:func:`more_text`). A leaf module, so every layer shares it (before,
fifteen places cut lists, in eight wordings: ``; and 4 more``, ``a, b and 11 more``, ``..., 9 more fields``...).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def count_text(number: int) -> str:
    """A count as every report writes it for a person, with thousands separators (``2,174``): the terminal's
    tables and lines, report.html, a replay's and a sweep's tables and messages, the simulation's job-message
    tallies. One wording in every layer (here, a leaf): the backtest's page once wrote ``2174`` beside the
    terminal's ``2,174``, and a job message reached the backtest as ``(1512 of 1512 runs, ...)``. JSON and JUnit
    keep the number."""
    return f"{number:,}"


def counted(number: int, noun: str) -> str:
    """``1 problem``, ``2 problems``, ``2 stories``: summaries are read by people (here, a leaf: the
    validator's messages count too)."""
    if number == 1:
        return f"1 {noun}"
    return f"{count_text(number)} {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"


def more_text(total: int, shown: int, what: str = "") -> str:
    """``(+N more)``, or ``(+N more WHAT)``, for the ``total - shown`` items past the first ``shown`` of a list;
    empty when none was cut."""
    if total <= shown:
        return ""
    return f"(+{total - shown:,} more{' ' + what if what else ''})"


def cut_list(items: Sequence[T], shown: int, show: Callable[[T], str] = str, separator: str = "; ",
             what: str = "", in_full: int = 0) -> str:
    """The first ``shown`` of ``items``, each as ``show`` writes it (only those are written), joined by
    ``separator``, then `` (+N more)`` (:func:`more_text`) when there were more. A list of up to ``in_full`` items
    is written whole: a cut hiding one or two of a few names says less than the names would."""
    if len(items) <= in_full:
        shown = len(items)
    text = separator.join(show(item) for item in items[:shown])
    more = more_text(len(items), shown, what)
    return f"{text} {more}" if more and text else text or more
