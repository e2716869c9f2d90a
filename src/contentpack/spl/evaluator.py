"""Evaluating eval/where expressions: expression nodes compiled once into Python closures.

Operator semantics (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eval):
``+`` adds two numbers or concatenates two strings; ``.`` concatenates the text of both sides; ``- * / %``
need numbers; comparisons are numeric when both sides are numbers, else case-sensitive text (where is
case-sensitive, S13). A quoted literal is a String whatever its text (``values.Quoted``): ``"5"+"1"`` is
``51``, ``"5"+1`` and ``"5"*2`` are null, ``"10" < "9"`` compares text; so is a concatenation (``.``, or ``+`` of
two strings) and the result of a function declared ``returns_text`` (``values.Text``). A null operand makes
arithmetic and comparisons null; ``AND``/``OR``/``NOT`` treat null as false.

A multivalue operand of any operator is refused as unsupported (``single_operand``): the eval page says the
comparison operators "accept two numbers or two strings" and arithmetic "two numbers", the where page nothing
more, and no page (Comparison and Conditional, Multivalue eval functions, the Search Manual's multivalue
topic) says what an operator does with several values. The engine used to answer anyway (``mv == "q"`` true
when any value matched, the right side and ``.``/arithmetic reading the first value): guesses that can turn a
detection's ``where``. ``IN`` and ``LIKE`` are the ``in`` and ``like`` functions, refused as functions are.

Why closures: the same expression runs once per event (a million times in the benchmark); resolving the
operator and the function once at compile time removes most interpretation overhead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from contentpack.spl.ast import Binary, Call, Expr, FieldRef, Literal, Unary
from contentpack.spl.errors import SplError, SplRuntimeError, SplUnsupportedError
from contentpack.spl.functions import FunctionSpec, coerce, get_function
from contentpack.spl.values import (
    Quoted,
    Text,
    Value,
    as_number,
    as_text,
    compare,
    format_number,
    to_str,
    within_double,
)

Compiled = Callable[["EvalState"], Value]
SearchMatcher = Callable[[str, Mapping[str, Value]], bool]


class EvalState:
    """The per-event context eval functions see (it satisfies ``values.EvalContext``)."""

    __slots__ = ("event", "now", "tz", "evaluator", "bindings", "exact")

    def __init__(self, evaluator: "Evaluator", event: Mapping[str, Value]) -> None:
        self.evaluator = evaluator
        self.event = event
        self.now = evaluator.now
        self.tz = evaluator.tz
        self.bindings: dict[str, Value] | None = None
        self.exact = False

    def evaluate(self, node: object, bindings: Mapping[str, Value] | None = None) -> Value:
        compiled = self.evaluator.compile(node)  # type: ignore[arg-type]
        if not bindings:
            return compiled(self)
        saved = self.bindings
        self.bindings = {**(saved or {}), **bindings}
        try:
            return compiled(self)
        finally:
            self.bindings = saved

    def searchmatch(self, text: str) -> bool:
        return self.evaluator.searchmatch(text, self.event)


def _truth(value: Value, where: str, offset: int) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise SplRuntimeError(f"{where} needs a Boolean operand, got {to_str(value)!r}", offset=offset)


def _arith(op: str, a: Value, b: Value, exact: bool, offset: int) -> Value:
    """``a op b``; ``offset``: the operator's, where a refused product or remainder is placed."""
    if a is None or b is None:
        return None
    na, nb = as_number(a), as_number(b)
    if isinstance(na, int) and isinstance(nb, int) and op in "+-*":  # past a double, as the next use reads it
        return within_double(na + nb if op == "+" else na - nb if op == "-" else na * nb)
    if op == "+":
        if na is not None and nb is not None:
            return na + nb
        if isinstance(a, str) and isinstance(b, str):
            return Text(a + b)
        return None
    if na is None or nb is None:
        return None
    if op == "-":
        return na - nb
    if op == "*":
        return na * nb if exact else product(a, b, na, nb, offset)
    if nb == 0:
        return None
    if op == "/":
        if isinstance(na, int) and isinstance(nb, int) and na % nb == 0:
            return na // nb
        return na / nb
    return _remainder(na, nb, offset)


# Why a product with a fractional operand can be refused (``product``).
PRODUCT_ROUNDING_UNSAID = (
    "Splunk rounds a product with a fractional operand to significant figures (Splunk's community wiki, "
    "https://wiki.splunk.com/Community:BadMath, shows 3 * 0.5 as 2 and exact(3 * 0.5) as 1.5), by rules no Splunk "
    "page states; wrap the calculation in exact() for the full-precision product")


def product(a: Value, b: Value, na: int | float, nb: int | float, offset: int | None = None) -> int | float:
    """``a * b`` (read as ``na``, ``nb``; not both integers), refused as unsupported when Splunk would print
    another number (at ``offset``, the operator's: ``eval pct=count/total*100`` names that ``*``, not the eval).

    Why: Splunk's default multiplication keeps only the significant figures of its least precise fractional
    operand. The Mathematical functions page says exact() "renders the result of a numeric expression with a
    larger amount of precision in the formatted output" (https://help.splunk.com/splunk-enterprise/
    spl-search-reference/9.4/evaluation-functions/mathematical-functions); Splunk's community wiki shows
    ``3 * 0.5`` as ``2`` and ``exact(3 * 0.5)`` as ``1.5`` (https://wiki.splunk.com/Community:BadMath); a blog
    with the output shows ``0.014 * 0.23`` as ``0.0032`` (https://idelta.co.uk/getting-it-right-with-splunk/);
    a community thread's score ``100*(0.08*a + ...)`` came out 101, so the integer 100 did not cut it to one
    figure, until wrapped in exact() (https://community.splunk.com/t5/Splunk-Search/eval-inconsistent-math-result/
    td-p/91888). No page gives the rules (how a figure is rounded, how a computed value keeps its precision), so
    the engine answers only a product they cannot change: one with no more significant figures than each
    fractional operand has. ``100 * 0.08`` is 8 and ``4 * 0.25`` is 1 under any rounding; ``3 * 0.5``,
    ``0.5 * 0.5`` (one figure: not 0.25) and ``0.1 * 3`` (0.30000000000000004 in full) are refused, naming
    exact(). Assumed: an integer (field text without a point, or an integral computed number such as ``_time``)
    limits nothing, as the thread's 100; a fractional number without its own text (a literal, a computed value)
    counts the figures of its shortest text, so a literal ``0.50`` counts as ``0.5``, which can only refuse more;
    an integral product used again counts as an integer (``(0.5 * 4) * 7`` is 14), no page saying whether Splunk
    carries the first product's single figure into the second."""
    result = na * nb
    if not math.isfinite(result) or result == 0:
        return result
    limits = [figures for figures in (_figures(a), _figures(b)) if figures is not None]
    if limits and _digits(format_number(result)) > min(limits):
        raise SplUnsupportedError(f"the '*' operator on {to_str(a)} and {to_str(b)}: {PRODUCT_ROUNDING_UNSAID}",
                                  offset=offset)
    return result


def _figures(value: Value) -> int | None:
    """The significant figures a product operand holds: None (no limit) for an integer; for field text written
    with a point or an exponent, its figures as written (``1.00`` has 3); for a fractional computed number, those
    of its shortest text."""
    if isinstance(value, str):
        if not any(mark in value for mark in ".eE"):
            return None
        mantissa = value.lstrip("+-").split("e")[0].split("E")[0]
        return max(len(mantissa.replace(".", "").lstrip("0")), 1)
    number = as_number(value)
    if number is None or isinstance(number, int) or number.is_integer():
        return None
    return _digits(format_number(number))


def _digits(text: str) -> int:
    """The significant figures of a number's shortest text: its digits without leading or trailing zeros."""
    mantissa = text.lstrip("+-").split("e")[0]
    return max(len(mantissa.replace(".", "").strip("0")), 1)


# Why ``%`` refuses operands of opposite signs (``_remainder``).
REMAINDER_SIGN_UNSAID = ("no Splunk page says which sign the remainder of operands of opposite signs takes (-7 % 3 "
                         "is -1 with the dividend's sign, as C computes it, and 2 with the divisor's, as Python does)")


def _remainder(a: int | float, b: int | float, offset: int) -> int | float:
    """``a % b``, refused as unsupported when the operands' signs differ and the remainder is not 0: the eval
    page says only that ``%`` (modulo) takes two numbers, and the two conventions give different answers there
    (the engine used to answer Python's, ``-10 % 3`` = 2). Operands of one sign give the same remainder under
    both."""
    result = a % b
    if result and (a < 0) != (b < 0):
        raise SplUnsupportedError(f"the '%' operator on {to_str(a)} and {to_str(b)}: {REMAINDER_SIGN_UNSAID}",
                                  offset=offset)
    return result


def _compare(op: str, a: Value, b: Value) -> Value:
    if a is None or b is None:
        return None
    result = compare(a, b)  # type: ignore[arg-type]  # one value each: the operands are guarded (single_operand)
    return (
        (op == "==" and result == 0)
        or (op == "!=" and result != 0)
        or (op == "<" and result < 0)
        or (op == ">" and result > 0)
        or (op == "<=" and result <= 0)
        or (op == ">=" and result >= 0)
    )


_FOLDABLE = {"+", "-", "*", "/", "%", "."}

# Why an operator refuses a multivalue operand (``Evaluator.single_operand``).
OPERATOR_UNSAID = ("no Splunk page says which of its values an eval or where operator reads, or what it gives for "
                   "several")


class CompileCache(dict[int, tuple[Expr, Compiled]]):
    """Compiled expressions by the identity of their node (each entry keeps its node alive, so an id is never
    reused while cached). Bounded: a long-lived engine that parses ever new searches starts afresh past
    ``LIMIT`` nodes instead of growing without end."""

    LIMIT = 200_000

    def put(self, node: Expr, compiled: Compiled) -> None:
        if len(self) >= self.LIMIT:
            self.clear()
        self[id(node)] = (node, compiled)


class Evaluator:
    """Compiles and runs expressions with a fixed ``now``/``tz`` and a search-language matcher."""

    def __init__(self, now: float, tz: str, searchmatch: SearchMatcher,
                 compiled: CompileCache | None = None) -> None:
        self.now = now
        self.tz = tz
        self.searchmatch = searchmatch
        # A compiled expression reads ``now`` and ``tz`` from the state it is called with, never from the
        # evaluator, so an engine shares one cache between the evaluators of its runs (a scheduled search is
        # run thousands of times with a different ``now``, and would otherwise be compiled again each time).
        self._cache = compiled if compiled is not None else CompileCache()

    def compile(self, node: Expr) -> Compiled:
        cached = self._cache.get(id(node))
        if cached is not None and cached[0] is node:
            return cached[1]
        compiled = self._compile(node)
        self._cache.put(node, compiled)
        return compiled

    def evaluate(self, node: Expr, event: Mapping[str, Value]) -> Value:
        return self.compile(node)(EvalState(self, event))

    def _compile(self, node: Expr) -> Compiled:
        if isinstance(node, Literal):
            value: Value = Quoted(node.value) if isinstance(node.value, str) else node.value
            return lambda s: value
        if isinstance(node, FieldRef):
            name = node.name

            def field(s: EvalState) -> Value:
                if s.bindings is not None and name in s.bindings:
                    return s.bindings[name]
                return s.event.get(name)

            return field
        if isinstance(node, Unary):
            offset = node.offset
            operand = self.single_operand(node.operand, node.op, "operand", offset)
            if node.op == "NOT":
                return lambda s: not _truth(operand(s), "NOT", offset)

            def negate(s: EvalState) -> Value:
                number = as_number(operand(s))
                return None if number is None else -number

            return negate
        if isinstance(node, Binary):
            return self._binary(node)
        if isinstance(node, Call):
            return self._call(node)
        raise TypeError(f"not an expression node: {node!r}")

    def _binary(self, node: Binary) -> Compiled:
        op, offset = node.op, node.offset
        if op in ("AND", "OR"):
            return self._logical_chain(node)
        if op in _FOLDABLE and isinstance(node.left, Binary) and node.left.op in _FOLDABLE:
            return self._arith_chain(node)
        if op == "LIKE":
            return self._like(node)
        left = self.single_operand(node.left, op, "left operand", offset)
        right = self.single_operand(node.right, op, "right operand", offset)
        if op == "XOR":
            return lambda s: _truth(left(s), "XOR", offset) != _truth(right(s), "XOR", offset)
        if op in ("==", "!=", "<", ">", "<=", ">="):
            return lambda s: _compare(op, left(s), right(s))
        if op == ".":
            def concat(s: EvalState) -> Value:
                a, b = to_str(left(s)), to_str(right(s))
                return None if a is None or b is None else Text(a + b)

            return concat
        return lambda s: _arith(op, left(s), right(s), s.exact, offset)

    def _like(self, node: Binary) -> Compiled:
        """``<str> LIKE <pattern>``: the ``like`` function's other spelling (Comparison and Conditional
        functions, like), so its arguments are checked as the function's are."""
        offset = node.offset
        spec = get_function("like")
        if spec is None:
            raise SplRuntimeError("the LIKE operator needs the 'like' function", offset=offset)
        args = [self.compile(node.left), self.compile(node.right)]
        impl, values = spec.impl, _single_value_guard(spec, (node.left, node.right), args)

        def like_operator(s: EvalState) -> Value:
            try:
                return impl(s, values(s))
            except SplUnsupportedError as exc:
                raise SplUnsupportedError(f"LIKE: {exc.message}", offset=offset) from None

        return like_operator

    def single_operand(self, node: Expr, op: str, side: str, offset: int) -> Compiled:
        """``node`` compiled as an operand of ``op``: a multivalue refused as unsupported, naming the operator,
        the operand and, when written as a field, the field, at the operator's column.

        The one home of the operators' multivalue rule (module docstring): every operator reads its operands
        through it. A literal, an operator's result (never a multivalue: each operator makes one value) need no
        check, so only fields and function calls pay for it."""
        compiled = self.compile(node)
        if isinstance(node, (Literal, Binary, Unary)):
            return compiled
        label = f"{side}, '{node.name}'" if isinstance(node, FieldRef) else side
        shown = "=" if op == "==" else op

        def single(s: EvalState) -> Value:
            value = compiled(s)
            if type(value) is tuple:
                error = coerce.multivalue_refused(value, OPERATOR_UNSAID, label, kind="operand")
                raise SplUnsupportedError(f"the '{shown}' operator: {error.message}", offset=offset)
            return value

        return single

    def _logical_chain(self, node: Binary) -> Compiled:
        """``a AND b AND c ...`` as one loop: a long flat chain must not nest one closure per operand (a
        where with hundreds of terms would exceed Python's recursion limit)."""
        op = node.op
        operands: list[Expr] = []
        pending: list[Expr] = [node]
        while pending:  # in-order walk of the same-operator subtree, without recursion
            current = pending.pop()
            if isinstance(current, Binary) and current.op == op:
                pending.append(current.right)
                pending.append(current.left)
            else:
                operands.append(current)
        offset = node.offset
        parts = [self.single_operand(operand, op, "operand", offset) for operand in operands]
        if op == "AND":
            return lambda s: all(_truth(part(s), "AND", offset) for part in parts)
        return lambda s: any(_truth(part(s), "OR", offset) for part in parts)

    def _arith_chain(self, node: Binary) -> Compiled:
        """``1 + 2 - x . y ...``: the left spine of same-precedence-level operators folded in a loop (the
        parser builds it left-deep, so this is the order Splunk evaluates it in)."""
        steps: list[tuple[str, Expr, int]] = []
        current: Expr = node
        while isinstance(current, Binary) and current.op in _FOLDABLE:
            steps.append((current.op, current.right, current.offset))
            current = current.left
        steps.reverse()
        first = self.single_operand(current, steps[0][0], "left operand", steps[0][2])
        rest = [(op, self.single_operand(right, op, "right operand", offset), offset) for op, right, offset in steps]

        def fold(s: EvalState) -> Value:
            value = first(s)
            for op, right, at in rest:
                if op == ".":
                    a, b = to_str(value), to_str(right(s))
                    value = None if a is None or b is None else Text(a + b)
                else:
                    value = _arith(op, value, right(s), s.exact, at)
            return value

        return fold

    def _call(self, node: Call) -> Compiled:
        spec = get_function(node.name)
        if spec is None:
            raise SplRuntimeError(f"eval function '{node.name}' is not supported", offset=node.offset)
        impl, offset, name = spec.impl, node.offset, node.name
        if spec.lazy:
            nodes = list(node.args)

            def lazy_call(s: EvalState) -> Value:
                try:
                    return impl(s, nodes)
                except (SplRuntimeError, SplUnsupportedError) as exc:
                    raise _locate(exc, offset, name) from None

            return lazy_call
        args = [self.compile(arg) for arg in node.args]
        values = _single_value_guard(spec, node.args, args)
        if spec.returns_text:  # a separate closure: the other functions pay nothing for it
            def text_call(s: EvalState) -> Value:
                try:
                    return as_text(impl(s, values(s)))
                except (SplRuntimeError, SplUnsupportedError) as exc:
                    raise _locate(exc, offset, name) from None

            return text_call

        def eager_call(s: EvalState) -> Value:
            try:
                return impl(s, values(s))
            except (SplRuntimeError, SplUnsupportedError) as exc:
                raise _locate(exc, offset, name) from None

        return eager_call


def _single_value_guard(spec: FunctionSpec, nodes: Sequence[Expr], args: list[Compiled],
                        ) -> Callable[[EvalState], list[Value]]:
    """The argument values of a call, a multivalue in an argument its page does not say takes one refused
    (``FunctionSpec.single_value_args``) before the function sees it, the argument named by its position and,
    when written as a field, the field (``argument 1, 'scope'``)."""
    guarded = spec.single_value_args(len(nodes))
    if not guarded:
        return lambda s: [arg(s) for arg in args]
    labels = [_argument_label(index, nodes[index]) for index in guarded]
    note = spec.multivalue_note

    def checked(s: EvalState) -> list[Value]:
        values = [arg(s) for arg in args]
        coerce.refuse_multivalues(values, guarded, note, labels)
        return values

    return checked


def _argument_label(index: int, node: Expr) -> str:
    return f"argument {index + 1}, '{node.name}'" if isinstance(node, FieldRef) else f"argument {index + 1}"


def _locate(exc: SplRuntimeError | SplUnsupportedError, offset: int, function: str) -> SplError:
    """The function's failure at the call's column (same class: "unsupported" stays unsupported)."""
    if exc.offset is not None:
        return exc
    if isinstance(exc, SplUnsupportedError):
        return SplUnsupportedError(f"{function}(): {exc.message}", offset=offset, command=exc.command,
                                   feature=exc.feature)
    return SplRuntimeError(f"{function}(): {exc.message}", offset=offset, command=exc.command)
