"""Tokenizers for the two token languages of SPL, plus the pipeline splitter.

Why two tokenizers: in the search language (and in most command arguments) ``a-b``, ``user@x.com``,
``1.2.3.4`` and ``properties.*`` are single terms, while in eval/where ``a-b`` is a subtraction and ``.``
concatenates. One tokenizer per language keeps both simple.

Offsets on tokens are positions in the *expanded* text; the parser maps them back to the author's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from contentpack.spl.errors import ACROSS_PIPE, SplSyntaxError, SplUnclosedQuoteError, SplUnsupportedError


class Token(NamedTuple):
    """One token. A named tuple rather than a frozen dataclass: validate builds one per token of every search
    of a pack, and a tuple is several times cheaper to build while just as immutable."""

    kind: str  # WORD PHRASE QFIELD NUMBER OP LPAREN RPAREN COMMA SUBSEARCH EOF
    text: str  # the value: unescaped for PHRASE/QFIELD, the inner text for SUBSEARCH
    offset: int
    end: int


@dataclass(frozen=True)
class Segment:
    """One pipeline command's text: ``text`` starts at ``offset`` in the expanded search."""

    text: str
    offset: int


# A whole quoted string in one regex match: backslash pairs are consumed two characters at a time, so ``\\"``
# inside the quotes does not end the string; a backslash before any other character stays as written.
_QUOTED = {quote: re.compile(rf"{quote}((?:[^{quote}\\]|\\.)*){quote}", re.DOTALL) for quote in "\"'"}
_UNESCAPE = {quote: re.compile(rf"\\([{quote}\\])") for quote in "\"'"}


def _read_quoted(text: str, i: int, quote: str, base: int = 0) -> tuple[str, int]:
    """Read a quoted string starting at text[i] == quote; return (unescaped value, index after it).

    Backslash escapes the quote and the backslash itself; other backslashes stay (regexes keep ``\\d``).
    ``base``: where ``text`` starts in the whole search, for the error's offset.
    """
    match = _QUOTED[quote].match(text, i)
    if match is None:
        if quote == "'":
            raise SplSyntaxError("unterminated quoted field name", offset=base + i)
        raise _unclosed_string(text, i, base)
    return _unescaped(match.group(1), quote), match.end()


# What makes a string suspect: it holds a ``|`` before a word, the start of another command; or it ends with a
# field and its ``=`` (``"bob src="``), the quote after them the opening quote of that field's value.
_PIPE_INSIDE = re.compile(r"(?:^|\s)\|\s*[A-Za-z_]")
_FIELD_AT_END = re.compile(r"[\s,(]([\w.]+\s*!?=)\s*$")
# The ``"`` pairing every tokenizer here does, from the start of a text: outside quotes ``\"`` and ``\\`` are
# characters, not quotes; inside, a backslash escapes whatever follows it.
_PAIRING = re.compile(r'\\["\\]|"((?:[^"\\]|\\.)*)"', re.DOTALL)


def _unclosed_string(text: str, i: int, base: int) -> SplSyntaxError:
    """The error for the ``"`` at text[i] that never closes. Why look back: quotes pair in order, so a quote
    missing earlier leaves the wrong one over, often commands further on, where the author made no mistake. The
    first earlier string running across a ``|`` into another command, or past a field's ``=`` to the quote
    opening its value (a quote missing in the last command, with no ``|`` after it), most likely holds the
    mistake: the error is placed there, naming both other quotes (``SplUnclosedQuoteError``). With no such
    string, at text[i]."""
    for match in _PAIRING.finditer(text, 0, i):
        inside = match.group(1)
        if inside is None:  # an escaped quote outside a string
            continue
        if _PIPE_INSIDE.search(inside):
            runs = ACROSS_PIPE
        elif (field := _FIELD_AT_END.search(inside)) is not None:
            runs = f"past '{field.group(1)}'"
        else:
            continue
        return SplUnclosedQuoteError(base + match.start(), base + match.end() - 1, base + i, runs=runs)
    return SplSyntaxError("unterminated string", offset=base + i)


def _unescaped(value: str, quote: str) -> str:
    """The text between two ``quote`` characters as it reads: ``\\quote`` and ``\\\\`` stand for themselves."""
    return _UNESCAPE[quote].sub(r"\1", value) if "\\" in value else value


_BRACKET_SPECIAL = re.compile(r'[\\"\[\]]')


def matching_bracket(text: str, i: int, base: int = 0) -> int:
    """Index of the ``]`` closing the ``[`` at text[i], skipping quoted text and nested brackets (``base``: where
    ``text`` starts in the whole search, for an error's offset)."""
    depth = 0
    j = i
    while True:
        special = _BRACKET_SPECIAL.search(text, j)  # jump over plain text (a regex scan, not a Python loop)
        if special is None:
            break
        j = special.start()
        ch = text[j]
        if ch == "\\":
            j += 2 if text[j + 1 : j + 2] in ('"', "\\") else 1  # \" and \\ stand for themselves
            continue
        if ch == '"':
            _, j = _read_quoted(text, j, '"', base)
            continue
        if ch == "[":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return j
        j += 1
    raise SplSyntaxError("unterminated subsearch: missing ']'", offset=base + i)


_VISIBLE = re.compile(r"\S")  # the next non-whitespace character (str.isspace's whitespace)
_PIPELINE_SPECIAL = re.compile(r'[\\"\[|]')


def split_pipeline(text: str, base: int = 0) -> list[Segment]:
    """Split on top-level ``|`` (not inside quotes or ``[ ]`` subsearches)."""
    segments: list[Segment] = []
    start = 0
    i = 0
    while True:
        special = _PIPELINE_SPECIAL.search(text, i)  # jump over plain text (a regex scan, not a Python loop)
        if special is None:
            break
        i = special.start()
        ch = text[i]
        if ch == "\\":
            # outside quotes, \" is a quote character and \\ a backslash: neither starts a quoted string
            i += 2 if text[i + 1 : i + 2] in ('"', "\\") else 1
            continue
        if ch == '"':
            _, i = _read_quoted(text, i, '"', base)
            continue
        if ch == "[":
            i = matching_bracket(text, i, base) + 1
            continue
        if ch == "|":
            segments.append(Segment(text[start:i], base + start))
            start = i + 1
        i += 1
    segments.append(Segment(text[start:], base + start))
    return segments


# ----------------------------------------------------------------------------- search-language tokens

# In a word, ``\"`` is a quote and ``\\`` one backslash: "To pass a literal backslash in an argument to a
# Splunk Search Processing Language (SPL) command, you must escape the backslash by using the double-slash
# ( \\ ) string" (Search Manual, "Backslashes"). "The backslash symbol can't be used to escape the
# asterisk", so ``\*`` stays as written.
_WORD_ESCAPE = re.compile(r'\\(["\\])')


# Every search-language token but a subsearch, in one match after the whitespace before it (possessive ``\s*+``:
# what it skips is never part of a word): a WORD, a complete PHRASE, an operator or a punctuation character;
# OTHER is any other visible character (``[``, ``]``, a quote never closed), which goes the slow way.
# A WORD is anything up to a stop character or "!=", escaped quotes and backslashes included; runs of plain
# characters are matched as one piece, not character by character.
_SEARCH_TOKEN = re.compile(
    r"""(\s*+)(?:
        (?P<WORD>(?:[^\ \t\r\n()",=<>\[\]!\\]++|\\["\\]?|!(?!=))+)
      | (?P<PHRASE>"(?:[^"\\]++|\\.)*+")
      | (?P<OP><=|>=|!=|==|[<>=])
      | (?P<PUNCT>[(),])
      | (?P<OTHER>\S)
    )""",
    re.VERBOSE | re.DOTALL,
)
_PUNCTUATION = {"(": "LPAREN", ")": "RPAREN", ",": "COMMA"}
# Builds a Token from one tuple without the Python-level ``__new__`` a NamedTuple call goes through.
_token = tuple.__new__


def tokenize_search(text: str, base: int = 0) -> list[Token]:
    """Tokens of the search language and of command arguments.

    WORD runs until whitespace, a parenthesis, a quote, a comma or a comparison operator; ``!`` belongs to a
    word unless it starts ``!=``. Quoted text is a PHRASE; ``[ ... ]`` is one SUBSEARCH token.
    Why ``findall``: one call matches every token of a run in C; each match covers the whitespace before its
    token too, so the matches are contiguous and their lengths give the offsets. A run stops at the next ``[``
    (found with ``str.find``), so a search with many subsearches is still read once, never rescanned.
    """
    tokens: list[Token] = []
    append = tokens.append
    i = 0
    n = len(text)
    while True:
        stop = text.find("[", i)
        if stop < 0:
            stop = n
        at = i
        for space, word, phrase, op, punct, other in _SEARCH_TOKEN.findall(text, i, stop):
            at += len(space)
            if word:
                end = at + len(word)
                if "\\" in word:  # an escaped quote is part of the word (Search Manual, "Backslashes")
                    word = _WORD_ESCAPE.sub(r"\1", word)
                append(_token(Token, ("WORD", word, base + at, base + end)))
            elif phrase:
                end = at + len(phrase)
                append(_token(Token, ("PHRASE", _unescaped(phrase[1:-1], '"'), base + at, base + end)))
            elif op:
                end = at + len(op)
                append(_token(Token, ("OP", op, base + at, base + end)))
            elif punct:
                end = at + 1
                append(_token(Token, (_PUNCTUATION[punct], punct, base + at, base + end)))
            else:
                break  # OTHER at ``at``: ']' or a '"' not closed before ``stop`` (perhaps a '[' in quotes)
            at = end
        else:  # only whitespace is left before ``stop``: the end, or a '[' outside quotes
            if stop == n:
                break
            at, other = stop, "["
        i = at
        if other == "[":
            end = matching_bracket(text, i, base)
            append(Token("SUBSEARCH", text[i + 1 : end], base + i + 1, base + end + 1))
            i = end + 1
        elif other == "]":
            raise SplSyntaxError("unexpected ']'", offset=base + i)
        else:  # '"': a string holding a '[' (read here), or one that never closes (_read_quoted says so)
            value, end = _read_quoted(text, i, '"', base)
            append(Token("PHRASE", value, base + i, base + end))
            i = end
    append(Token("EOF", "", base + n, base + n))
    return tokens


# ----------------------------------------------------------------------------- eval-expression tokens

_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# A bare field name: letters, digits, _ and the JSON path pieces ``.`` and ``{}`` when written without spaces
# (``status.errorCode``); ``a . b`` with spaces is concatenation. Assumed (no page says what unquoted ``a.b``
# does; ESCU's own detections read it as the field): docs/spl_engine.md, "Unquoted eval names". Wildcard ``*``
# is allowed for the few commands that take wildcard names through the eval tokenizer.
_IDENT = re.compile(r"[A-Za-z_@][A-Za-z0-9_@]*(?:(?:\.|\{\}\.?|::)[A-Za-z0-9_@]+)*(?:\{\})?")
_EVAL_OPS = ("==", "!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "/", "%", ".", ",", "(", ")", "!")
_WORD_OPERATORS = {"AND", "OR", "XOR", "NOT", "LIKE", "IN"}


def _ends_operand(token: Token) -> bool:
    """Whether a ``.`` after ``token`` concatenates (after a value) rather than starts a number (``.25``)."""
    if token.kind == "WORD":
        return token.text.upper() not in _WORD_OPERATORS
    return token.kind in ("PHRASE", "QFIELD", "RPAREN", "NUMBER")


def tokenize_eval(text: str, base: int = 0) -> list[Token]:
    """Tokens of eval/where expressions: numbers, "strings", 'field names', identifiers, operators."""
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        visible = _VISIBLE.search(text, i)
        if visible is None:
            break
        i = visible.start()
        ch = text[i]
        start = i
        if ch == '"':
            value, i = _read_quoted(text, i, '"', base)
            tokens.append(Token("PHRASE", value, base + start, base + i))
            continue
        if ch == "'":
            value, i = _read_quoted(text, i, "'", base)
            tokens.append(Token("QFIELD", value, base + start, base + i))
            continue
        number = _NUMBER.match(text, i)
        if number and not (ch == "." and tokens and _ends_operand(tokens[-1])):
            i = number.end()
            tokens.append(Token("NUMBER", number.group(), base + start, base + i))
            continue
        ident = _IDENT.match(text, i)
        if ident:
            i = ident.end()
            tokens.append(Token("WORD", ident.group(), base + start, base + i))
            continue
        for op in _EVAL_OPS:
            if text.startswith(op, i):
                kind = {"(": "LPAREN", ")": "RPAREN", ",": "COMMA"}.get(op, "OP")
                tokens.append(Token(kind, op, base + i, base + i + len(op)))
                i += len(op)
                break
        else:
            # Not an error of the author's as far as this engine can tell: Splunk's expression grammar is wider
            # (``$token$``, ``:`` in field names as ESCU writes ``eval cpu:mem = ...``).
            raise SplUnsupportedError(f"the character {ch!r} in an expression is not supported", offset=base + i)
    tokens.append(Token("EOF", "", base + n, base + n))
    return tokens
