"""Parser for the search language (the ``search`` command and its implicit first use).

Grammar (https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.3/expressions-and-predicates):
"The search command evaluates OR before AND operators", "The NOT operator only applies to the term
immediately following NOT", operators are uppercase, and AND is implied between terms::

    and    := or (["AND"] or)*
    or     := not ("OR" not)*
    not    := "NOT" not | primary
    primary:= "(" and ")" | field op value | field "IN" "(" values ")" | CASE(term) | TERM(term) | term

Inline time modifiers (``earliest=``, ``latest=``, ``starthoursago=`` ...) at the top level are pulled out
into :class:`TimeBounds`; anywhere else they are rejected rather than misread as field comparisons.
"""

from __future__ import annotations

from contentpack.spl.ast import (
    FieldIn,
    FieldMatch,
    MatchAll,
    SearchAnd,
    SearchExpr,
    SearchNot,
    SearchOr,
    Subsearch,
    Term,
    TimeBounds,
)
from contentpack.spl.cursor import Cursor

# Search time modifiers: https://help.splunk.com/en/splunk-enterprise/search/spl-search-reference/10.0/
# time-format-variables-and-modifiers/time-modifiers (earliest/latest; the *ago forms are its "Other time modifiers").
_AGO_UNITS = {"startdaysago": "d", "starthoursago": "h", "startminutesago": "m",
              "enddaysago": "d", "endhoursago": "h", "endminutesago": "m"}
# _index_earliest / _index_latest bound _indextime the same way (SPL2 *Time modifiers*: "Specify the earliest
# _indextime for the time range of your search"), https://help.splunk.com/splunk-enterprise/search/
# spl2-search-manual/dates-and-time/time-modifiers.
TIME_MODIFIERS = {"earliest", "latest", "_index_earliest", "_index_latest", *(_AGO_UNITS)}
# The rest of the Time modifiers page's "Other time modifiers" (10.0: "still valid, but might be removed") are refused:
# read as a field comparison (``daysago=1``), one would silently match no event.
_UNSUPPORTED_MODIFIERS = {"starttime", "endtime", "timeformat", "searchtimespandays", "searchtimespanhours",
                          "searchtimespanminutes", "searchtimespanmonths", "startmonthsago", "endmonthsago",
                          "daysago", "hoursago", "minutesago", "monthsago", "starttimeu", "endtimeu"}


def parse_search(cur: Cursor) -> tuple[SearchExpr, TimeBounds]:
    """Parse the whole remaining argument text as a search expression plus its inline time bounds."""
    start = cur.off()
    operands: list[SearchExpr] = []
    earliest: str | None = None
    latest: str | None = None
    index_bounds: dict[str, str] = {}
    places: dict[str, int] = {}
    while not cur.at_end():
        tok = cur.peek()
        if tok.kind == "WORD" and tok.text == "AND":
            cur.next()
            continue
        if tok.kind == "WORD" and tok.text.lower() in TIME_MODIFIERS and cur.at("OP", "=", 1):
            name = cur.next().text.lower()
            cur.next()
            value_tok = cur.next()
            if value_tok.kind not in ("WORD", "PHRASE"):
                raise cur.error(f"expected a time after {name}=", value_tok)
            if name in _AGO_UNITS:
                if not value_tok.text.isdigit():
                    raise cur.error(f"{name}= takes a whole number", value_tok)
                modifier = f"-{value_tok.text}{_AGO_UNITS[name]}"
                if name.startswith("start"):
                    earliest = modifier
                else:
                    latest = modifier
                places.pop("earliest" if name.startswith("start") else "latest", None)  # no longer that value
                continue
            places[name] = value_tok.offset + (1 if value_tok.kind == "PHRASE" else 0)  # past the opening quote
            if name == "earliest":
                earliest = value_tok.text
            elif name == "latest":
                latest = value_tok.text
            else:
                index_bounds[name[1:]] = value_tok.text
            continue
        operands.append(_parse_or(cur))
    if not operands:
        expr: SearchExpr = MatchAll(start)
    elif len(operands) == 1:
        expr = operands[0]
    else:
        expr = SearchAnd(tuple(operands), operands[0].offset)
    return expr, TimeBounds(earliest, latest, start, **index_bounds, places=tuple(places.items()))


def _parse_and(cur: Cursor) -> SearchExpr:
    operands: list[SearchExpr] = []
    start = cur.off()
    while not cur.at_end() and not cur.at("RPAREN"):
        if cur.at("WORD", "AND"):
            cur.next()
            continue
        operands.append(_parse_or(cur))
    if not operands:
        return MatchAll(start)
    return operands[0] if len(operands) == 1 else SearchAnd(tuple(operands), operands[0].offset)


def _parse_or(cur: Cursor) -> SearchExpr:
    operands = [_parse_not(cur)]
    while cur.at("WORD", "OR"):
        tok = cur.next()
        if cur.at_end() or cur.at("RPAREN"):
            raise cur.error("expected a term after OR", tok)
        operands.append(_parse_not(cur))
    return operands[0] if len(operands) == 1 else SearchOr(tuple(operands), operands[0].offset)


def _parse_not(cur: Cursor) -> SearchExpr:
    if cur.at("WORD", "NOT"):
        tok = cur.next()
        if cur.at_end() or cur.at("RPAREN"):
            raise cur.error("expected a term after NOT", tok)
        return SearchNot(_parse_not(cur), cur.off(tok))
    return _parse_primary(cur)


def _parse_primary(cur: Cursor) -> SearchExpr:
    tok = cur.peek()
    if tok.kind == "LPAREN":
        cur.next()
        inner = _parse_and(cur)
        cur.expect("RPAREN", "')'")
        return inner
    if tok.kind == "SUBSEARCH":
        if cur.subsearch_parser is None:
            raise cur.unsupported("a subsearch here", tok)
        cur.next()
        return Subsearch(cur.subsearch_parser(tok.text, tok.offset), cur.off(tok))  # type: ignore[arg-type]
    if tok.kind in ("WORD", "PHRASE") and cur.at("OP", k=1):
        return _parse_comparison(cur)
    if tok.kind in ("WORD", "PHRASE") and cur.at("WORD", "IN", 1):
        return _parse_in(cur)
    if tok.kind == "WORD" and tok.text in ("CASE", "TERM") and cur.at("LPAREN", k=1) and cur.adjacent():
        return _parse_directive(cur)
    if tok.kind == "WORD":
        cur.next()
        if tok.text.lower() in _UNSUPPORTED_MODIFIERS:
            raise cur.unsupported(f"time modifier '{tok.text}'", tok)
        return Term(tok.text, cur.off(tok))
    if tok.kind == "PHRASE":
        cur.next()
        return Term(tok.text, cur.off(tok), phrase=True)
    raise cur.error("expected a search term")


def _parse_value(cur: Cursor, what: str) -> str:
    tok = cur.peek()
    if tok.kind in ("WORD", "PHRASE"):
        cur.next()
        return tok.text
    raise cur.error(f"expected {what}")


def _parse_comparison(cur: Cursor) -> SearchExpr:
    field_tok = cur.next()
    op_tok = cur.next()
    if op_tok.text == "==":
        raise cur.error("'==' is not a search operator (use '=')", op_tok)
    name = field_tok.text
    if name.lower() in TIME_MODIFIERS or name.lower() in _UNSUPPORTED_MODIFIERS:
        raise cur.unsupported(f"time modifier '{name}' inside a boolean expression", field_tok)
    value_tok = cur.peek()
    if value_tok.kind == "WORD" and value_tok.text in ("CASE", "TERM") and cur.at("LPAREN", k=1):
        cur.next()
        cur.next()
        value = _parse_value(cur, "a value")
        cur.expect("RPAREN", "')'")
        return FieldMatch(name, op_tok.text, value, cur.off(field_tok), case_sensitive=value_tok.text == "CASE")
    value = _parse_value(cur, f"a value after {name}{op_tok.text}")
    return FieldMatch(name, op_tok.text, value, cur.off(field_tok))


def _parse_in(cur: Cursor) -> SearchExpr:
    field_tok = cur.next()
    cur.next()  # IN
    cur.expect("LPAREN", "'(' after IN")
    values: list[str] = []
    while not cur.at("RPAREN"):
        if cur.accept("COMMA"):
            continue
        values.append(_parse_value(cur, "a value in the IN list"))
    cur.expect("RPAREN", "')' closing the IN list")
    return FieldIn(field_tok.text, tuple(values), cur.off(field_tok))


def _parse_directive(cur: Cursor) -> SearchExpr:
    directive = cur.next()
    cur.next()
    tok = cur.peek()
    if tok.kind not in ("WORD", "PHRASE"):
        raise cur.error(f"expected a term inside {directive.text}()")
    cur.next()
    text = tok.text
    if directive.text == "TERM" and tok.kind == "WORD":
        # `=` is a minor breaker, so TERM(action=blocked) is one indexed term; the lexer split it at the operator.
        while cur.adjacent(-1) and cur.peek().kind in ("WORD", "OP"):
            text += cur.next().text
    cur.expect("RPAREN", f"')' closing {directive.text}(")
    if directive.text == "CASE":
        return Term(text, cur.off(tok), phrase=tok.kind == "PHRASE", case_sensitive=True)
    return Term(text, cur.off(tok), phrase=tok.kind == "PHRASE", exact=True)


def search_fields(expr: SearchExpr) -> set[str]:
    """Field names a search expression compares (terms read ``_raw``; ``*`` when a subsearch decides)."""
    found: set[str] = set()
    stack: list[SearchExpr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (FieldMatch, FieldIn)):
            found.add(node.field)
        elif isinstance(node, Term):
            found.add("_raw")
        elif isinstance(node, Subsearch):
            found.add("*")
        elif isinstance(node, SearchNot):
            stack.append(node.operand)
        elif isinstance(node, (SearchAnd, SearchOr)):
            stack.extend(node.operands)
    return found
