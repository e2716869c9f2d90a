"""A token cursor shared by every argument parser, mapping token offsets back to the author's text."""

from __future__ import annotations

import functools
from collections.abc import Callable

from contentpack.spl.errors import SplError, SplSyntaxError, SplUnsupportedError
from contentpack.spl.lexer import Token, tokenize_eval, tokenize_search

OffsetMap = Callable[[int], int]


def remap(error: SplError, mapper: OffsetMap, command: str | None) -> SplError:
    """The same error with its expanded-text offset mapped to the author's text."""
    return error.remapped(mapper, error.command or command)


@functools.lru_cache(maxsize=256)  # keyword sets are the parser's constants: a few dozen distinct ones
def _lowered(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(word.lower() for word in words)


class Cursor:
    """Tokens of one command's arguments with look-ahead, keyword tests and positioned errors."""

    def __init__(self, tokens: list[Token], mapper: OffsetMap, command: str, text: str = "", base: int = 0) -> None:
        self.tokens = tokens
        self.last = len(tokens) - 1  # the EOF token: tokens always end with one
        self.i = 0
        self.mapper = mapper
        self.command = command
        self.text = text  # the (expanded) argument text the tokens come from, starting at offset ``base``
        self.base = base
        #: parses ``[ ... ]`` text into a Pipeline (set by commands that accept subsearches)
        self.subsearch_parser: Callable[[str, int], object] | None = None

    @classmethod
    def search(cls, text: str, base: int, mapper: OffsetMap, command: str) -> "Cursor":
        try:
            return cls(tokenize_search(text, base), mapper, command, text, base)
        except SplError as exc:
            raise remap(exc, mapper, command) from None

    @classmethod
    def eval(cls, text: str, base: int, mapper: OffsetMap, command: str) -> "Cursor":
        try:
            return cls(tokenize_eval(text, base), mapper, command, text, base)
        except SplError as exc:
            raise remap(exc, mapper, command) from None

    def parenthesised_eval(self) -> "Cursor":
        """At a ``(`` of search-language tokens: an eval cursor over the text up to its matching ``)``, which
        this cursor skips. Why: ``head (<expr>)`` and ``count(eval(<expr>))`` embed an eval expression in a
        command whose other arguments use the search tokenizer."""
        return self.parenthesised(Cursor.eval)

    def parenthesised(self, make: Callable[[str, int, OffsetMap, str], "Cursor"]) -> "Cursor":
        """The text inside the ``(`` here and its matching ``)`` as a new cursor built by ``make``."""
        open_tok = self.expect("LPAREN", "'('")
        depth = 1
        while not self.at_end():
            tok = self.next()
            if tok.kind == "LPAREN":
                depth += 1
            elif tok.kind == "RPAREN":
                depth -= 1
                if depth == 0:
                    inner = self.text[open_tok.end - self.base: tok.offset - self.base]
                    return make(inner, open_tok.end, self.mapper, self.command)
        raise self.error("expected ')' closing the '('", open_tok)

    # ----------------------------------------------------------------- looking
    # The parser's hottest calls (validate parses every search of a pack): plain index arithmetic, no helpers.
    def peek(self, k: int = 0) -> Token:
        j = self.i + k
        return self.tokens[j if j < self.last else self.last]

    def next(self) -> Token:
        i = self.i
        if i < self.last:
            self.i = i + 1
            return self.tokens[i]
        return self.tokens[self.last]

    def at_end(self) -> bool:
        return self.i >= self.last

    def at(self, kind: str, text: str | None = None, k: int = 0) -> bool:
        j = self.i + k
        tok = self.tokens[j if j < self.last else self.last]
        return tok.kind == kind and (text is None or tok.text == text)

    def at_keyword(self, *words: str, k: int = 0) -> bool:
        """A WORD equal to one of ``words`` ignoring case (SPL keywords like AS/BY are case-insensitive)."""
        tok = self.peek(k)
        return tok.kind == "WORD" and tok.text.lower() in _lowered(words)

    def accept(self, kind: str) -> Token | None:
        if self.at(kind):
            return self.next()
        return None

    def accept_keyword(self, *words: str) -> Token | None:
        if self.at_keyword(*words):
            return self.next()
        return None

    def expect(self, kind: str, what: str, text: str | None = None) -> Token:
        if not self.at(kind, text):
            raise self.error(f"expected {what}")
        return self.next()

    def adjacent(self, k: int = 0) -> bool:
        """True when token k+1 starts exactly where token k ends (``count(x)`` vs ``count (x)``)."""
        return self.peek(k).end == self.peek(k + 1).offset

    # ----------------------------------------------------------------- positions and errors
    def off(self, tok: Token | None = None) -> int:
        return self.mapper((tok or self.peek()).offset)

    def error(self, message: str, tok: Token | None = None) -> SplSyntaxError:
        tok = tok or self.peek()
        found = "end of command" if tok.kind == "EOF" else repr(tok.text)
        return SplSyntaxError(f"{self.command}: {message}, found {found}", offset=self.off(tok), command=self.command)

    def unsupported(self, message: str, tok: Token | None = None) -> SplUnsupportedError:
        return SplUnsupportedError(
            f"{self.command}: {message} is not supported", offset=self.off(tok), command=self.command
        )

    def expect_end(self) -> None:
        if not self.at_end():
            raise self.error("unexpected argument")
