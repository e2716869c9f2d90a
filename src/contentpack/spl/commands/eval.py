"""``eval``: comma-separated assignments evaluated left to right, each seeing the earlier ones.

"If the field name that you specify matches a field name that already exists, the values are overwritten";
"The result of an eval expression cannot be a Boolean"
(https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eval). A null result
removes the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.ast import Expr
from contentpack.spl.commands.base import CommandInput, CommandNode, CommandSpec, FieldSet, RunContext
from contentpack.spl import limits
from contentpack.spl.errors import SplRuntimeError
from contentpack.spl.evaluator import EvalState
from contentpack.spl.exprparser import expression_fields, parse_expression
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


SPECS = (CommandSpec(("eval",), parse_eval, run_eval, streaming=True, one_to_one=True),)
