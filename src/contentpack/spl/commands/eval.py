"""``eval``: comma-separated assignments evaluated left to right, each seeing the earlier ones.

"If the field name that you specify matches a field name that already exists, the values are overwritten";
"The result of an eval expression cannot be a Boolean"
(https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eval). A null result
removes the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.ast import Call, Expr, FieldRef, Literal, Unary
from contentpack.spl.commands.base import CommandInput, CommandNode, CommandSpec, FieldSet, Multivalued, RunContext
from contentpack.spl import limits
from contentpack.spl.errors import SplRuntimeError
from contentpack.spl.evaluator import EvalState
from contentpack.spl.exprparser import expression_fields, parse_expression
from contentpack.spl.functions import get_function
from contentpack.spl.functions.multivalue import referenced_fields
from contentpack.spl.values import Event, Value, field_value


@dataclass(frozen=True)
class EvalCommand(CommandNode):
    assignments: tuple[tuple[str, Expr], ...]

    def requires(self, needed: FieldSet) -> FieldSet:
        if needed is None:
            return None
        if "_raw" in needed and any(target == "_raw" for target, _ in self.assignments):
            return None  # _raw made null leaves a later search term every field to read (see FieldsCommand)
        out = set(needed)
        for target, expr in reversed(self.assignments):
            out.discard(target)
            out |= expression_fields(expr)
        return frozenset(out)


def parse_eval(cmd: CommandInput) -> EvalCommand:
    cur = cmd.eval_cursor()
    assignments: list[tuple[str, Expr]] = []
    while True:
        tok = cur.peek()
        prefix = ""
        if tok.kind == "OP" and tok.text == "-" and cur.at("WORD", k=1) and cur.adjacent():
            prefix = cur.next().text  # Splunk takes the text before '=' as the name: ESCU assigns `-time = _time`
            tok = cur.peek()
        elif tok.kind == "OP" and tok.text in ("-", "+", ".", "*", "/", "%"):
            raise cur.unsupported(f"a field name starting with {tok.text!r}", tok)
        if tok.kind not in ("WORD", "QFIELD", "PHRASE"):
            raise cur.error("expected a field name to assign")
        cur.next()
        cur.expect("OP", "'=' after the field name", "=")
        assignments.append((prefix + tok.text, parse_expression(cur)))
        if cur.accept("COMMA"):
            continue
        if cur.at_end():
            break
        raise cur.error("expected ',' or the end of the eval")
    return EvalCommand(cmd.name, cmd.offset, tuple(assignments))


def assign(event: Event, target: str, value: Value, node: EvalCommand) -> None:
    if isinstance(value, bool):
        raise SplRuntimeError(
            f"eval: the result of an eval expression cannot be a Boolean (field '{target}')",
            offset=node.offset,
            command=node.name,
        )
    if value is None:
        event.pop(target, None)
    else:
        if isinstance(value, tuple) and len(value) > limits.current().limits.max_mv_values:
            try:
                limits.check_mv_size(len(value), f"eval {target}")
            except SplRuntimeError as exc:
                raise SplRuntimeError(exc.message, offset=node.offset, command=node.name) from None
        event[target] = field_value(value)


def run_eval(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, EvalCommand)
    compiled = [(target, ctx.evaluator.compile(expr)) for target, expr in node.assignments]
    evaluator = ctx.evaluator
    for event in events:
        state = EvalState(evaluator, event)
        for target, fn in compiled:
            assign(event, target, fn(state), node)
        yield event


def several_values(expr: Expr, multivalued: Multivalued) -> tuple[str | None, str] | None:
    """The field whose several values ``expr`` can pass on (None when the expression makes them itself), with
    why it holds several; None: the expression gives one value, or no page says it can give several. A field's
    own value; a call passes on what its spec's ``keeps_values`` arguments hold (``mvdedup(f)``, ``mvappend(...,
    f)``, ``coalesce(g, f)``, either branch of ``if(c, g, f)``, a value of ``case``, ``mvindex(f, i, j)``,
    ``mvmap(f, ...)``, the field ``mvfilter``'s expression names: the result is f's values whenever that argument
    is the one returned, the shape of Granted After User Declined v26, ``eval declined_app_id=if(same_app = 1,
    app_id, name_declined_app)`` of an ``eventstats values()``, which CP029 missed), but not a range its
    ``span_args`` bound to one value (``mvindex(f, 0, 0)``: :func:`_one_at_most`); pairs the values of its
    ``zips_values`` arguments when each of them can hold several (``mvzip(f, g)``, named after the first); and
    makes several when its spec says it returns a multivalue whatever it is given (``split``, ``mvrange``,
    ``mvappend`` of two or more values: ``FunctionSpec.makes_from_arity``). Everything else makes no claim: a
    literal or an operator gives one value (the evaluator's operators refuse a multivalue), ``mvjoin``,
    ``mvcount`` and ``mvindex(f, i)`` one value."""
    if isinstance(expr, FieldRef):
        why = multivalued.get(expr.name)
        return (expr.name, why) if why is not None else None
    if not isinstance(expr, Call) or (spec := get_function(expr.name)) is None:
        return None
    if spec.keeps_values == "named":  # the field mvfilter filters, found as its implementation finds it
        named = referenced_fields(expr.args[0]) if expr.args else []
        kept: list[Expr] = [FieldRef(named[0], expr.offset)] if len(named) == 1 else []
    elif spec.span_args is not None and _one_at_most(expr.args, spec.span_args):
        kept = []
    else:
        kept = [expr.args[index] for index in spec.kept_args(len(expr.args)) if index < len(expr.args)]
    for argument in kept:
        if (found := several_values(argument, multivalued)) is not None:
            return found
    if spec.zips_values and max(spec.zips_values) < len(expr.args):
        paired = [several_values(expr.args[index], multivalued) for index in spec.zips_values]
        if all(found is not None for found in paired):
            return paired[0]
    if spec.makes_values(len(expr.args)):
        return None, f"the search's eval makes it with {expr.name}(…)"
    return None


def _one_at_most(args: tuple[Expr, ...], span: tuple[int, int]) -> bool:
    """Whether the range from ``args[span[0]]`` to ``args[span[1]]``, the end included, holds one value at most
    whatever the field holds (``FunctionSpec.span_args``): both written as integers of one sign, counted from the
    same end, with the end not after the start. Any other bound (a field, an expression, a sign each) makes no
    such claim."""
    start, end = (_integer(args[index]) if index < len(args) else None for index in span)
    if start is None or end is None or (start < 0) != (end < 0):
        return False
    return end <= start


def _integer(expr: Expr) -> int | None:
    """The integer an argument is written as (``0``, ``-1``), None for anything else."""
    if isinstance(expr, Unary) and expr.op == "-":
        value = _integer(expr.operand)
        return -value if value is not None else None
    if isinstance(expr, Literal) and isinstance(expr.value, int) and not isinstance(expr.value, bool):
        return expr.value
    return None


def _eval_multivalue(node: CommandNode, multivalued: Multivalued) -> dict[str, str]:
    """The fields after an eval: each assignment, left to right ("The search processes multiple eval expressions
    left-to-right and lets you reference previously evaluated fields in subsequent expressions"), makes its target
    certainly multivalue when its expression passes on a multivalue field's values (:func:`several_values`), and
    no longer certainly multivalue otherwise ("If the field name that you specify matches a field name that
    already exists in the search results, the results of the eval expression overwrite the values in that
    field", the eval page, Search Reference 9.4)."""
    assert isinstance(node, EvalCommand)
    out = dict(multivalued)
    for target, expr in node.assignments:
        found = several_values(expr, out)
        out.pop(target, None)
        if found is not None:
            source, why = found
            out[target] = why if source in (None, target) else f"as {source}: {why}"
    return out


SPECS = (CommandSpec(("eval",), parse_eval, run_eval, streaming=True, one_to_one=True,
                     multivalue=_eval_multivalue),)
