"""Evaluating the search language against an event (the ``search`` command's semantics).

Rules pinned by the tests (sources in the tests' docstrings):

* Case: "By default, searches are case-insensitive" for terms and field values; ``CASE()`` makes a term
  or value case-sensitive. Field *names* are case-sensitive.
* Terms match whole tokens of ``_raw``: Splunk indexes ``_raw`` split at breakers, so ``650`` does not match
  ``65004`` but ``splunkresearch`` matches inside ``user15@splunkresearch.onmicrosoft.com`` (``@`` and ``.``
  are minor breakers). Here a term matches when it occurs with a non-alphanumeric character (or the edge of
  the text) on both sides; ``*`` matches any run of characters that are not major breakers. When an event
  has no ``_raw`` (after ``stats``) the term is tried against every field value.
* ``field=value`` / ``field!=value``: the search command page (https://help.splunk.com/splunk-enterprise/search/
  spl-search-reference/10.0/search-commands/search): "Comparison expressions with the equal ( = ) or not
  equal ( != ) operator compare string values. For example, "1" does not match "1.0". Comparison
  expressions with greater than or less than operators < > <= >= numerically compare two numbers and
  lexicographically compare other values." So ``errorCode=65004`` matches the number 65004 and the text
  "65004" (same string, S29) but not "65004.0"; ``*`` wildcards match the whole value. A multivalue field
  matches when any value does. (``where``/``eval`` compare numbers numerically, see evaluator.py.)
* ``field!=value`` needs the field to exist; ``NOT field=value`` also keeps events without it (S16).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

from contentpack.spl.ast import (
    FieldIn,
    FieldMatch,
    MatchAll,
    SearchAnd,
    SearchExpr,
    SearchNot,
    SearchOr,
    Term,
)
from contentpack.spl.errors import SplUnsupportedError
from contentpack.spl.regex import Pcre, compile_plain, glob_fullmatch
from contentpack.spl.values import Event, Scalar, Value, as_number, compare, mv_values, to_str

Predicate = Callable[[Event], bool]

_MAJOR_BREAKERS = r"\s\[\]<>(){}|!;,'\"&"


@lru_cache(maxsize=1024)
def term_regex(text: str, case_sensitive: bool, phrase: bool, exact: bool = False) -> Pcre:
    """The pattern that finds a term (or phrase) in raw text with token boundaries.

    ``exact`` (``TERM()``): the term must be a whole token bounded by major breakers, so ``TERM(1.2.3.4)``
    does not match inside ``11.2.3.45`` and ``TERM(bob)`` does not match ``bob@example.com``.
    """
    parts = [re.escape(part) for part in text.split("*")]
    body = f"[^{_MAJOR_BREAKERS}]*".join(parts)
    if phrase:
        body = re.sub(r"(\\ )+", r"\\s+", body)
    if exact:
        start, end = f"(?<![^{_MAJOR_BREAKERS}])", f"(?![^{_MAJOR_BREAKERS}])"
    else:
        start = "" if text.startswith("*") or not text[:1].isalnum() else r"(?<![A-Za-z0-9])"
        end = "" if text.endswith("*") or not text[-1:].isalnum() else r"(?![A-Za-z0-9])"
    return compile_plain(start + body + end, 0 if case_sensitive else re.IGNORECASE, text)


def value_matches(candidate: Scalar, value: str, case_sensitive: bool = False) -> bool:
    """Does one field value equal a search-language value (wildcards, numbers, case rules)?"""
    return value_matcher(value, case_sensitive)(candidate)


def value_matcher(value: str, case_sensitive: bool = False) -> Callable[[Scalar], bool]:
    """``value_matches`` for one search-language value, its wildcards and case read once (a base search tries
    the same value on every event)."""
    if "*" in value:
        parts = tuple((value if case_sensitive else value.lower()).split("*"))
        if case_sensitive:
            return lambda candidate: glob_fullmatch(parts, to_str(candidate) or "")
        return lambda candidate: glob_fullmatch(parts, (to_str(candidate) or "").lower())
    if case_sensitive:
        return lambda candidate: (to_str(candidate) or "") == value
    lowered = value.lower()
    return lambda candidate: (to_str(candidate) or "").lower() == lowered


def _any_value(name: str, matches: Callable[[Scalar], bool]) -> Predicate:
    """Whether some value of the event's field ``name`` (none when null, each of a multivalue's) ``matches``."""
    def check(event: Event) -> bool:
        value = event.get(name)
        if isinstance(value, tuple):
            for item in value:
                if matches(item):
                    return True
            return False
        return value is not None and matches(value)

    return check


def _ordered(candidate: Scalar, op: str, value: str) -> bool:
    """``< > <= >=``: "numerically compare two numbers and lexicographically compare other values"."""
    result = compare(candidate, value)
    return {"<": result < 0, ">": result > 0, "<=": result <= 0, ">=": result >= 0}[op]


def _term_predicate(node: Term) -> Predicate:
    pattern = term_regex(node.text, node.case_sensitive, node.phrase, node.exact)

    def check(event: Event) -> bool:
        raw = event.get("_raw")
        if raw is not None:
            return pattern.search(to_str(raw) or "") is not None
        for value in event.values():
            for item in mv_values(value):
                if pattern.search(to_str(item) or ""):
                    return True
        return False

    return check


def _field_predicate(node: FieldMatch) -> Predicate:
    name, value, op, cs = node.field, node.value, node.op, node.case_sensitive
    if op == "=":
        if value == "*":
            return lambda event: event.get(name) is not None
        return _any_value(name, value_matcher(value, cs))
    if op == "!=":
        matches = value_matcher(value, cs)

        def differs(event: Event) -> bool:
            values = mv_values(event.get(name))
            return bool(values) and not any(matches(v) for v in values)

        return differs
    return lambda event: any(_ordered(v, op, value) for v in mv_values(event.get(name)))


def is_knowledge_field(name: str) -> bool:
    """``eventtype`` / ``tag`` / ``tag::<field>``: fields that eventtypes.conf and tags.conf define, not the
    events (field names are case-sensitive, so ``EventType`` is an ordinary field)."""
    return name in ("eventtype", "tag") or name.startswith("tag::")


def compile_search(node: SearchExpr) -> Predicate:
    """A function ``event -> bool`` for a parsed search expression.

    ``eventtype=`` must have been resolved against the registered event types first
    (``commands.search.resolve_subsearches``); one that reaches here, and any ``tag``, is refused by name:
    answering from events that carry no such field would silently match nothing."""
    if isinstance(node, (FieldMatch, FieldIn)) and is_knowledge_field(node.field):
        what = "event types" if node.field == "eventtype" else "tags"
        raise SplUnsupportedError(
            f"search: searching on '{node.field}' needs {what} (eventtypes.conf/tags.conf), which are "
            + ("not registered here (Engine.register_eventtype)" if node.field == "eventtype" else "not emulated"),
            offset=node.offset, command="search")
    if isinstance(node, MatchAll):
        return lambda event: True
    if isinstance(node, Term):
        if node.text == "*" and not node.phrase:
            return lambda event: True
        return _term_predicate(node)
    if isinstance(node, FieldMatch):
        return _field_predicate(node)
    if isinstance(node, FieldIn):
        matchers = [value_matcher(value) for value in node.values]
        return _any_value(node.field, lambda candidate: any(matches(candidate) for matches in matchers))
    if isinstance(node, SearchNot):
        inner = compile_search(node.operand)
        return lambda event: not inner(event)
    if isinstance(node, SearchAnd):
        return _all_of([compile_search(op) for op in node.operands])
    if isinstance(node, SearchOr):
        return _any_of(node.operands)
    raise TypeError(f"not a search node (resolve subsearches first): {node!r}")


def _any_of(operands: tuple[SearchExpr, ...]) -> Predicate:
    """An OR. Plain ``field=value`` operands (no wildcard, case-insensitive: what a subsearch's results become,
    up to 10,000 of them) are one set lookup per field instead of one test each: ``value_matches`` compares
    them as lowered text, which is what membership in the set of lowered values asks."""
    plain: dict[str, set[str]] = {}
    rest: list[SearchExpr] = []
    for operand in operands:
        if (isinstance(operand, FieldMatch) and operand.op == "=" and not operand.case_sensitive
                and "*" not in operand.value and not is_knowledge_field(operand.field)):
            plain.setdefault(operand.field, set()).add(operand.value.lower())
        else:
            rest.append(operand)
    parts = [_one_of(name, values) for name, values in plain.items()] + [compile_search(op) for op in rest]

    def either(event: Event) -> bool:
        for part in parts:  # a loop, not any() over a generator: a base search asks this of every event
            if part(event):
                return True
        return False

    return either


def _all_of(parts: list[Predicate]) -> Predicate:
    def every(event: Event) -> bool:
        for part in parts:
            if not part(event):
                return False
        return True

    return every


def _one_of(name: str, values: set[str]) -> Predicate:
    return _any_value(name, lambda candidate: (to_str(candidate) or "").lower() in values)


@lru_cache(maxsize=256)
def compile_search_text(text: str) -> Predicate:
    """A predicate for search-language text (``searchmatch("...")``), parsed once per distinct text."""
    from contentpack.spl.cursor import Cursor
    from contentpack.spl.searchparser import parse_search

    expr, _ = parse_search(Cursor.search(text, 0, lambda offset: offset, "searchmatch"))
    return compile_search(expr)


def searchmatch(text: str, event: Mapping[str, Value]) -> bool:
    """``searchmatch()``: does the event match search-language text?"""
    return compile_search_text(text)(dict(event))


def required_tokens(node: SearchExpr, derived: frozenset[str] = frozenset()) -> list[str]:
    """Literal text every matching event's ``_raw`` must contain (lower-cased), for the raw-bytes prefilter.

    Only conjunctions contribute; a term gives its longest wildcard-free piece, ``field=value`` its value when
    the value is plain ASCII (JSON would escape anything else) and not a wildcard. Metadata fields (``index``,
    ``sourcetype``...) and ``derived`` fields (search-time aliases/evals) are not in ``_raw`` and give nothing. Numbers are taken as written: a field holding
    65004 written as ``6.5004e4`` would be missed, which JSON producers do not do for integers.
    """
    tokens: list[str] = []
    if isinstance(node, SearchAnd):
        for operand in node.operands:
            tokens.extend(required_tokens(operand, derived))
    elif isinstance(node, Term) and not node.exact:
        pieces = [p for p in node.text.split("*") if p]
        if pieces:
            tokens.append(max(pieces, key=len))
    elif isinstance(node, FieldMatch) and node.op == "=" and node.field not in _METADATA | derived:
        number = as_number(node.value)
        if number is not None:
            if float(number).is_integer() and abs(number) < 1e15:
                tokens.append(str(abs(int(number))))
        elif "*" not in node.value:
            tokens.append(node.value)
    return [t.lower() for t in tokens if t and t.isascii() and all(c.isalnum() or c in "-_.:@" for c in t)]


_METADATA = {"index", "sourcetype", "source", "host", "_time", "splunk_server", "eventtype", "tag"}

# A raw-text alternative: tokens that must all occur in ``_raw`` (lower-cased); () means "any event".
Alternative = tuple[str, ...]
_MAX_ALTERNATIVES = 64


def _raw_safe(token: str, spaces: bool) -> bool:
    """Text that appears verbatim in a JSON ``_raw`` when a value holds it (no character JSON may escape)."""
    return bool(token) and token.isascii() and all(c.isalnum() or c in "-_.:@" or (spaces and c == " ")
                                                   for c in token)


def _value_token(field: str, value: str, derived: frozenset[str]) -> str | None:
    if field in _METADATA or field in derived:
        return None
    number = as_number(value)
    if number is not None:
        return str(abs(int(number))) if float(number).is_integer() and abs(number) < 1e15 else None
    pieces = [p for p in value.split("*") if p]
    piece = max(pieces, key=len) if pieces else ""
    # a whole value is matched as a whole, so its spaces are in _raw; a wildcard piece keeps them too
    return piece.lower() if _raw_safe(piece, spaces=True) else None


def raw_alternatives(node: SearchExpr, derived: frozenset[str] = frozenset()) -> list[Alternative]:
    """Every event the search can match has, in its ``_raw``, all tokens of at least one alternative.

    Unlike :func:`required_tokens` (conjunctions only), ``OR`` and ``IN`` give several alternatives, so
    ``errorCode IN (90094, 90095)`` still filters. Used to read a file once for many searches: a line is kept
    when it satisfies an alternative of some search. ``[()]`` means no filtering is possible.
    """
    if isinstance(node, SearchAnd):
        combined: list[Alternative] = [()]
        for operand in node.operands:
            options = raw_alternatives(operand, derived)
            if options == [()]:
                continue
            product = [a + b for a in combined for b in options]
            if len(product) > _MAX_ALTERNATIVES:
                continue  # too many combinations: this operand is left to the search itself
            combined = product
        return _distinct(combined)
    if isinstance(node, SearchOr):
        out: list[Alternative] = []
        for operand in node.operands:
            options = raw_alternatives(operand, derived)
            if () in options:
                return [()]
            out.extend(options)
        return _distinct(out)
    if isinstance(node, Term) and not node.exact:
        pieces = [p for p in node.text.split("*") if p]
        piece = max(pieces, key=len).lower() if pieces else ""
        return [(piece,)] if _raw_safe(piece, spaces=False) else [()]
    if isinstance(node, FieldMatch) and node.op == "=":
        token = _value_token(node.field, node.value, derived)
        return [(token,)] if token else [()]
    if isinstance(node, FieldIn):
        tokens = [_value_token(node.field, value, derived) for value in node.values]
        return [()] if not tokens or None in tokens else _distinct([(t,) for t in tokens if t])
    return [()]


def _distinct(alternatives: list[Alternative]) -> list[Alternative]:
    if () in alternatives:
        return [()]
    return list(dict.fromkeys(tuple(dict.fromkeys(a)) for a in alternatives))


FILE_METADATA = frozenset({"index", "sourcetype", "source", "host"})


def split_metadata(node: SearchExpr) -> tuple[SearchExpr, SearchExpr]:
    """Split a search into (the part about file metadata only, the rest), joined by AND.

    Why: ``sourcetype=azure:monitor:aad`` is the same for every event of a registered file, so it is decided
    once per file instead of once per event. Only top-level AND operands are moved.
    """
    from contentpack.spl.searchparser import search_fields

    operands = list(node.operands) if isinstance(node, SearchAnd) else [node]
    meta: list[SearchExpr] = [op for op in operands if not isinstance(op, MatchAll) and search_fields(op) <= FILE_METADATA]
    rest: list[SearchExpr] = [op for op in operands if op not in meta]

    def join(parts: list[SearchExpr]) -> SearchExpr:
        if not parts:
            return MatchAll(node.offset)
        return parts[0] if len(parts) == 1 else SearchAnd(tuple(parts), parts[0].offset)

    return join(meta), join(rest)
