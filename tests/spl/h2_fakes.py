"""Test doubles for H2's function tests: a tiny expression tree and an EvalContext that evaluates it.

The real evaluator is H1's; these doubles only need what lazy functions use (``evaluate`` with bindings,
``searchmatch``, ``event``, ``now``, ``tz``), so the function library is tested on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contentpack.spl.functions import coerce, get_function
from contentpack.spl.values import Value, compare


@dataclass(frozen=True)
class Lit:
    value: Any


@dataclass(frozen=True)
class FieldRef:
    name: str


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Cmp:
    """A comparison node: op is one of = != < > <= >=."""

    op: str
    left: Any
    right: Any


@dataclass
class FakeContext:
    event: dict[str, Value] = field(default_factory=dict)
    now: float = 1_700_000_000.0
    tz: str = "UTC"
    exact: bool = False
    evaluated: list[Any] = field(default_factory=list)

    def evaluate(self, node: Any, bindings: Mapping[str, Value] | None = None) -> Value:
        self.evaluated.append(node)
        if isinstance(node, Lit):
            return node.value
        if isinstance(node, FieldRef):
            if bindings and node.name in bindings:
                return bindings[node.name]
            return self.event.get(node.name)
        if isinstance(node, Call):
            return invoke(self, node.name, list(node.args), bindings)
        if isinstance(node, Cmp):
            left = self.evaluate(node.left, bindings)
            right = self.evaluate(node.right, bindings)
            if left is None or right is None:
                return False
            result = compare(left, right)  # type: ignore[arg-type]
            return {"=": result == 0, "!=": result != 0, "<": result < 0, ">": result > 0,
                    "<=": result <= 0, ">=": result >= 0}[node.op]
        raise TypeError(f"unknown node {node!r}")

    def searchmatch(self, text: str) -> bool:
        return text.lower() in str(self.event.get("_raw", "")).lower()


def invoke(ctx: FakeContext, name: str, args: list[Any], bindings: Mapping[str, Value] | None = None) -> Value:
    spec = get_function(name)
    assert spec is not None, f"function {name} is not registered"
    assert spec.accepts(len(args)), f"{name} does not accept {len(args)} arguments"
    nodes = [a if isinstance(a, (Lit, FieldRef, Call, Cmp)) else Lit(a) for a in args]
    if spec.lazy:
        return spec.impl(ctx, nodes)
    values = [ctx.evaluate(n, bindings) for n in nodes]
    coerce.refuse_multivalues(values, spec.single_value_args(len(values)), spec.multivalue_note)  # as the evaluator
    return spec.impl(ctx, values)


def call(name: str, *args: Any, event: Mapping[str, Any] | None = None, now: float = 1_700_000_000.0,
         tz: str = "UTC") -> Value:
    """Evaluate ``name(*args)``; plain Python values are literals, FieldRef/Call/Cmp are expressions."""
    return invoke(FakeContext(event=dict(event or {}), now=now, tz=tz), name, list(args))
