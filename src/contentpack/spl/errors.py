"""Errors the SPL engine raises. Every error carries the position in the text the author wrote.

``offset`` is a 0-based character offset into the original (pre-macro-expansion) search text; ``column``
is the 1-based column users see. ``command`` names the pipeline command the error belongs to, when known.
"""

from __future__ import annotations

import copy
from collections.abc import Callable


def count_text(number: int) -> str:
    """A count as the engine's messages write it, with thousands separators (``16,777,216 bytes``): the wording of
    ``contentpack.cut_lists.count_text``, every other layer's, which the engine may not import (it imports nothing
    else of contentpack). ``tostring``'s ``"commas"`` is Splunk's output, not a message, and is not written here."""
    return f"{number:,}"


class SplError(Exception):
    """Base class: anything the engine raises on purpose is an ``SplError``."""

    def __init__(self, message: str, *, offset: int | None = None, command: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.command = command

    def moved(self, offset: int | None, command: str | None) -> SplError:
        """The same error at another offset (e.g. mapped back to the author's text), other details kept."""
        moved = copy.copy(self)
        moved.offset, moved.command = offset, command
        return moved

    def remapped(self, mapper: Callable[[int], int], command: str | None) -> SplError:
        """The same error with every offset it holds mapped by ``mapper`` (expanded text -> the author's)."""
        return self.moved(None if self.offset is None else mapper(self.offset), command)

    def described(self, place: Callable[[int], str]) -> SplError:
        """The same error, its message naming the other places it names (offsets) with ``place``, as its reader
        finds them (a line and column of a file); an error naming no other place is as it is."""
        return self

    @property
    def column(self) -> int | None:
        return None if self.offset is None else self.offset + 1

    def __str__(self) -> str:
        where = []
        if self.command:
            where.append(f"command '{self.command}'")
        if self.offset is not None:
            where.append(f"column {self.offset + 1}")
        return f"{self.message} ({', '.join(where)})" if where else self.message


class SplEventsError(SplError):
    """An events file cannot be read, or holds malformed lines: the message names the file (and its lines), never a
    place in the search text, so the engine gives it no column (``search`` once ended such a message, which already
    listed the file's line numbers, with a stray "(column 1)": the search's first command, which read the file).

    ``path``, ``line`` (None: the whole file) and ``file_column`` (1-based; None when unknown; ``column`` is the
    search text's, which it has none of) are its place, and
    ``problem`` what is wrong there, for a caller that prints it as a positioned diagnostic (``search``); the
    message is ``path:line: problem``, or ``path:line:column: problem`` when the column is known."""

    def __init__(self, path: str, problem: str, line: int | None = None, column: int | None = None) -> None:
        place = path if line is None else f"{path}:{line}" if column is None else f"{path}:{line}:{column}"
        super().__init__(f"{place}: {problem}")
        self.args = (path, problem, line, column)  # what pickling rebuilds: a scan worker's error reaches the parent
        self.path, self.problem, self.line, self.file_column = path, problem, line, column


class SplSyntaxError(SplError):
    """The text is not valid SPL."""


def _column_place(offset: int) -> str:
    """A place in the search text as the engine's own messages name it (``column 12``)."""
    return f"column {offset + 1}"


ACROSS_PIPE = "across a '|'"  # what a string runs over that ends in the next command (``SplUnclosedQuoteError``)


class SplUnclosedQuoteError(SplSyntaxError):
    """A ``"`` never closed, told from the earlier string that most likely holds the mistake: one that runs across a
    ``|`` into the next command, or, in one command, past a field's ``=`` whose value's opening quote closed it
    (``user="bob src="x"``: the string is ``"bob src="``). The lexer pairs quotes in order, so a quote missing
    early is noticed only at a later quote left over, often commands further on (Splunk itself answers "Unbalanced
    quotes.", assumed: no page read gives the wording). ``offset`` is that string's opening quote; ``closed_at``
    the quote that closes it and ``left_open`` the one left unclosed, both named in the message, as the mistake
    may be there instead; ``runs`` what the string runs over (``across a '|'``, ``past 'src='``).

    ``described`` words the message with another way of naming a place (a file's line and column)."""

    def __init__(self, offset: int, closed_at: int, left_open: int, command: str | None = None,
                 runs: str = ACROSS_PIPE) -> None:
        self.closed_at, self.left_open, self.runs = closed_at, left_open, runs
        super().__init__(self._message(_column_place), offset=offset, command=command)
        self.args = (offset, closed_at, left_open, command, runs)  # what pickling rebuilds

    def _message(self, place: Callable[[int], str]) -> str:
        return (f"unterminated string: the quote here opens a string that runs {self.runs} to the quote at "
                f"{place(self.closed_at)}, so the quote at {place(self.left_open)} is never closed (is a quote "
                f"missing here?)")

    def described(self, place: Callable[[int], str]) -> SplUnclosedQuoteError:
        """The same error, its message naming the two other quotes with ``place`` (given an offset)."""
        described = copy.copy(self)
        described.message = self._message(place)
        return described

    def remapped(self, mapper: Callable[[int], int], command: str | None) -> SplError:
        """All three quotes mapped (the message names two of them)."""
        opening = self.left_open if self.offset is None else self.offset  # never None: set by the lexer
        return SplUnclosedQuoteError(mapper(opening), mapper(self.closed_at), mapper(self.left_open), command,
                                     self.runs)


class SplUnsupportedError(SplError):
    """Valid SPL this engine does not implement (a command, option or function). Never answered silently.

    ``feature`` names what is missing when it is a whole command or function: ``("command", "tstats")``,
    ``("function", "mvmap")`` (eval) or ``("stats function", "estdc")``, so a validator can tell a Splunk
    built-in the engine lacks from a misspelt name. ``terms`` is an unknown command's text when it reads as a
    search's terms (``NOT user IN ("a")``, ``user!="a"``): terms after a ``|`` with no ``search`` before them, as a
    filter macro's definition written without it is where the detection calls it, which Splunk too answers as an
    unknown command; its reader is told to write ``search`` before them, not to declare a custom command. Set on the
    instance only when there are terms: validate's stored parser answers (``content.rules.spl_answers``) keep an
    error of message, offset, command and feature alone, so such a rare error is parsed again, not stored.
    """

    terms: str | None = None

    def __init__(self, message: str, *, offset: int | None = None, command: str | None = None,
                 feature: tuple[str, str] | None = None, terms: str | None = None) -> None:
        super().__init__(message, offset=offset, command=command)
        self.feature = feature
        if terms is not None:
            self.terms = terms


class SplMacroError(SplError):
    """A macro is unknown, called with the wrong number of arguments, or expands too deeply."""


class SplRuntimeError(SplError):
    """A search that parsed fails while running (a bad regex in ``rex``, a missing lookup file...)."""
