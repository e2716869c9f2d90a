"""Argument pieces most commands share: ``key=value`` options, field lists, booleans, integers.

Why a shared home: Splunk's commands agree on these spellings (options before or among fields, field names
separated by spaces or commas, ``"quoted names"`` for names with spaces, booleans as true/false/t/f/1/0), and
every command must reject an option it does not know rather than ignore it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable

from contentpack.spl.cursor import Cursor
from contentpack.spl.errors import SplSyntaxError, count_text
from contentpack.spl.lexer import Token

_TRUE = {"true", "t", "1", "yes"}
_FALSE = {"false", "f", "0", "no"}
_WHOLE = re.compile(r"-?[0-9]+")


def at_option(cur: Cursor) -> bool:
    """``WORD=`` where the next token is the value (``span=5m``, ``field="x"``)."""
    key, sign = cur.peek(), cur.peek(1)
    return key.kind == "WORD" and sign.kind == "OP" and sign.text == "=" and key.end == sign.offset


def read_option(cur: Cursor, allowed: Iterable[str]) -> tuple[str, str, Token]:
    """Read ``key=value``; an unknown key is an SplUnsupportedError naming it."""
    key_tok = cur.next()
    key = key_tok.text.lower()
    if key not in set(allowed):
        raise cur.unsupported(f"option '{key_tok.text}'", key_tok)
    cur.next()
    value_tok = cur.peek()
    if value_tok.kind not in ("WORD", "PHRASE"):
        raise cur.error(f"expected a value for {key}=")
    cur.next()
    return key, value_tok.text, value_tok


def as_bool(cur: Cursor, value: str, tok: Token, key: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise cur.error(f"{key}= expects true or false", tok)


def is_false(value: str) -> bool:
    """Whether an option's text is one of the spellings of false (an option accepted only at that default)."""
    return value.lower() in _FALSE


def is_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also passes ``²`` (which ``int`` refuses) and ``٣`` (read as 3), neither
    of which is a number in a search."""
    return text.isascii() and text.isdigit()


def as_int(cur: Cursor, value: str, tok: Token, key: str, minimum: int = 0) -> int:
    """A whole number written in ASCII digits, optionally after one ``-`` (``str.isdigit`` also passes ``²`` and
    ``٣``, which ``int`` refuses or reads as 3, and ``lstrip`` passed ``--5``)."""
    if _WHOLE.fullmatch(value) is None:
        raise cur.error(f"{key}= expects a whole number >= {minimum}", tok)
    number = whole_number(value, cur.off(tok), cur.command)
    if number < minimum:
        raise cur.error(f"{key}= expects a whole number >= {minimum}", tok)
    return number


def whole_number(text: str, offset: int | None, command: str) -> int:
    """``int(text)`` of ASCII digits after an optional ``-`` (the caller checked them). Python reads at most
    ``sys.get_int_max_str_digits()`` digits (4,300: longer conversions take quadratic time), and its ValueError
    for ``head 999...`` of 5,000 digits reached the user as "internal error"; here it is an error at the number
    (not repeating it: ``cur.error`` would print all 5,000 digits)."""
    try:
        return int(text)
    except ValueError:
        raise SplSyntaxError(f"{command}: a number of {count_text(len(text))} digits, more than the "
                             f"{count_text(sys.get_int_max_str_digits())} this engine reads", offset=offset,
                             command=command) from None


def read_field(cur: Cursor, what: str = "a field name") -> tuple[str, Token]:
    """A field name; ``avg(bytes)`` written without spaces is one name (the default stats output names)."""
    tok = cur.peek()
    if tok.kind not in ("WORD", "PHRASE"):
        raise cur.error(f"expected {what}")
    cur.next()
    # One look at each following token (read for every field of every search a pack validates).
    after = cur.peek()
    if tok.kind == "WORD" and after.kind == "LPAREN" and after.offset == tok.end:
        inner, close = cur.peek(1), cur.peek(2)
        if inner.kind == "WORD" and close.kind == "RPAREN" and inner.offset == after.end and close.offset == inner.end:
            cur.next()
            cur.next()
            cur.next()
            return f"{tok.text}({inner.text})", tok
    text = tok.text
    # Quoted and unquoted pieces written together are one name: ``"properties".*`` (what CIM's
    # drop_dm_object_name expands to) is the pattern properties.*
    previous = tok
    while after.kind in ("WORD", "PHRASE") and after.offset == previous.end:
        text += after.text
        cur.next()
        previous, after = after, cur.peek()
    return text, tok


def read_field_list(cur: Cursor, stop: Iterable[str] = (), *, allow_options: bool = False) -> list[str]:
    """Field names up to the end or a stop keyword (case-insensitive); commas are optional separators.

    Why the token list is read here with an index: field lists are the longest part of most commands (every BY
    clause of a pack), and a word with a space after it is a whole field name: not an option (``key=`` has no
    space), not ``avg(x)``, not pieces written together. Anything else goes through ``read_field``."""
    stops = {s.lower() for s in stop}
    names: list[str] = []
    tokens, last = cur.tokens, cur.last
    i = cur.i
    while i < last:
        tok = tokens[i]
        if tok.kind == "COMMA":
            i += 1
            continue
        if tok.kind == "WORD":
            if stops and tok.text.lower() in stops:
                break
            if tokens[i + 1].offset != tok.end:  # i < last: the EOF token follows at worst
                names.append(tok.text)
                i += 1
                continue
        cur.i = i
        if allow_options and at_option(cur):
            break
        name, _ = read_field(cur)
        names.append(name)
        i = cur.i
    cur.i = i
    return names
