"""Pratt parser for eval/where expressions.

Precedence, lowest first: ``OR``/``XOR``, ``AND``, ``NOT``, comparisons (``= == != < > <= >= LIKE IN``),
``+ - .``, ``* / %``, unary minus. AND binds tighter than OR in eval and where, the opposite of the search
language ("The eval and where commands evaluate AND before OR operators",
https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.3/expressions-and-predicates).

Quoting (S12): ``"text"`` is a string literal, ``'name'`` a field name, a bare word a field name. Function
names are checked at parse time: an unknown function is an :class:`SplUnsupportedError` with its column, a
wrong argument count an :class:`SplSyntaxError`, and so is a string-literal pattern argument (``match(x, "(a")``)
PCRE cannot compile (the function's ``patterns``, checked by ``regex.check_literal``).
"""

from __future__ import annotations

from contentpack.spl.ast import Binary, Call, Expr, FieldRef, Literal, Unary
from contentpack.spl.cursor import Cursor
from contentpack.spl.errors import SplSyntaxError, SplUnsupportedError
from contentpack.spl.functions import get_function
from contentpack.spl.regex import check_literal
from contentpack.spl.values import as_number

_BINARY: dict[str, int] = {
    "OR": 1,
    "XOR": 1,
    "AND": 2,
    "=": 4,
    "==": 4,
    "!=": 4,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "LIKE": 4,
    "IN": 4,
    "+": 5,
    "-": 5,
    ".": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
_NOT_PRECEDENCE = 3
_UNARY_MINUS = 7
_WORD_OPERATORS = {"AND", "OR", "XOR", "NOT", "LIKE", "IN"}


def _binary_op(cur: Cursor, stop_at_assign: bool) -> str | None:
    tok = cur.peek()
    if tok.kind == "OP":
        if stop_at_assign and tok.text == "=":
            return None
        return tok.text
    if tok.kind == "WORD" and tok.text.upper() in _WORD_OPERATORS and tok.text.upper() != "NOT":
        return tok.text.upper()
    return None


def parse_expression(cur: Cursor, min_precedence: int = 0, *, stop_at_assign: bool = False) -> Expr:
    """Parse one expression from ``cur``; stops before a token that cannot continue it (``,``, ``)``...)."""
    left = _prefix(cur, stop_at_assign)
    while True:
        op = _binary_op(cur, stop_at_assign)
        if op is None:
            return left
        precedence = _BINARY[op]
        if precedence <= min_precedence:
            return left
        tok = cur.next()
        if op == "IN":
            left = _in_list(cur, left, cur.off(tok))
            continue
        right = parse_expression(cur, precedence, stop_at_assign=stop_at_assign)
        left = Binary("==" if op == "=" else op, left, right, cur.off(tok))


def _in_list(cur: Cursor, subject: Expr, offset: int) -> Expr:
    cur.expect("LPAREN", "'(' after IN")
    items: list[Expr] = [subject]
    if not cur.at("RPAREN"):
        items.append(parse_expression(cur))
        while cur.accept("COMMA"):
            items.append(parse_expression(cur))
    cur.expect("RPAREN", "')' closing the IN list")
    return _checked_call(cur, "in", tuple(items), offset)


def _prefix(cur: Cursor, stop_at_assign: bool) -> Expr:
    tok = cur.peek()
    if tok.kind == "NUMBER":
        cur.next()
        text = tok.text
        number = as_number(text)  # a literal past the largest double reads as an infinity, as text does
        assert number is not None, text
        return Literal(number, cur.off(tok))
    if tok.kind == "PHRASE":
        cur.next()
        return Literal(tok.text, cur.off(tok))
    if tok.kind == "QFIELD":
        cur.next()
        return FieldRef(tok.text, cur.off(tok))
    if tok.kind == "LPAREN":
        cur.next()
        inner = parse_expression(cur)
        cur.expect("RPAREN", "')'")
        return inner
    if tok.kind == "OP" and tok.text == "-":
        cur.next()
        return Unary("-", parse_expression(cur, _UNARY_MINUS - 1, stop_at_assign=stop_at_assign), cur.off(tok))
    if tok.kind == "OP" and tok.text == "+":
        cur.next()
        return parse_expression(cur, _UNARY_MINUS - 1, stop_at_assign=stop_at_assign)
    if (tok.kind == "WORD" and tok.text.upper() == "NOT") or (tok.kind == "OP" and tok.text == "!"):
        cur.next()
        operand = parse_expression(cur, _NOT_PRECEDENCE - 1, stop_at_assign=stop_at_assign)
        return Unary("NOT", operand, cur.off(tok))
    if tok.kind == "WORD":
        cur.next()
        if cur.at("LPAREN"):
            return _call(cur, tok.text, cur.off(tok))
        return FieldRef(tok.text, cur.off(tok))
    raise cur.error("expected an expression")


def _call(cur: Cursor, name: str, offset: int) -> Expr:
    cur.expect("LPAREN", "'('")
    args: list[Expr] = []
    if not cur.at("RPAREN"):
        args.append(parse_expression(cur))
        while cur.accept("COMMA"):
            args.append(parse_expression(cur))
    cur.expect("RPAREN", f"')' closing {name}(")
    return _checked_call(cur, name, tuple(args), offset)


def _checked_call(cur: Cursor, name: str, args: tuple[Expr, ...], offset: int) -> Call:
    spec = get_function(name.lower())
    if spec is None:
        raise SplUnsupportedError(
            f"{cur.command}: eval function '{name}' is not supported", offset=offset, command=cur.command,
            feature=("function", name),
        )
    if not spec.accepts(len(args)):
        raise SplSyntaxError(
            f"{cur.command}: function '{name}' takes {spec.arity_text()} argument(s), got {len(args)}",
            offset=offset,
            command=cur.command,
        )
    for index in spec.patterns:
        pattern = args[index] if index < len(args) else None
        if isinstance(pattern, Literal) and isinstance(pattern.value, str):
            check_literal(pattern.value, offset=pattern.offset, command=cur.command)
    return Call(spec.name, args, offset)


def parse_full_expression(cur: Cursor) -> Expr:
    """An expression that must use every remaining token."""
    expr = parse_expression(cur)
    if not cur.at_end():
        raise cur.error("unexpected token after the expression")
    return expr


def parse_eval_text(text: str, command: str) -> Expr:
    """A whole text as one eval expression (a calculated field's ``EVAL-<name>`` value), offsets into ``text``.

    Why one function: the engine registers calculated fields with it and the validator checks them with it,
    so both accept and refuse the same texts. ``command`` prefixes the messages (``EVAL-<name>``). The parser
    recurses once per level of parentheses or calls: a text nesting too deeply is a syntax error, not a
    ``RecursionError``.
    """
    try:
        return parse_full_expression(Cursor.eval(text, 0, _same_offset, command))
    except RecursionError:
        raise SplSyntaxError(f"{command}: the expression nests parentheses or calls too deeply", offset=0,
                             command=command) from None


def _same_offset(offset: int) -> int:
    return offset


def expression_fields(expr: Expr) -> set[str]:
    """Names of the fields an expression reads (for field-usage analysis)."""
    found: set[str] = set()
    stack: list[object] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, FieldRef):
            found.add(node.name)
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Binary):
            stack.extend((node.left, node.right))
        elif isinstance(node, Call):
            stack.extend(node.args)
    return found
