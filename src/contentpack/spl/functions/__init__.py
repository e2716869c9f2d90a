"""The eval function library: ``get_function(name)`` returns the :class:`FunctionSpec` for an SPL eval function.

Names are lower case and case-sensitive, as Splunk spells them. Each family lives in its own module with a
``FUNCTIONS`` tuple; this registry only collects them, so adding a function never touches the evaluator.
"""

from __future__ import annotations

import dataclasses

from contentpack.spl.functions import (
    conditional,
    conversion,
    crypto,
    informational,
    json,
    math,
    multivalue,
    network,
    text,
    time,
    trigonometry,
)
from contentpack.spl.functions.spec import FunctionSpec

__all__ = ["FunctionSpec", "get_function", "function_names"]

_FAMILIES = (
    conditional, informational, text, multivalue, math, trigonometry, conversion, time, crypto, network, json,
)


def _build_registry() -> dict[str, FunctionSpec]:
    registry: dict[str, FunctionSpec] = {}
    for family in _FAMILIES:
        for spec in family.FUNCTIONS:
            if spec.name in registry:
                raise RuntimeError(f"eval function {spec.name!r} is defined twice")
            registry[spec.name] = spec
    # Documented alternative spelling: "you can use either len or length for the function name".
    registry["length"] = dataclasses.replace(registry["len"], name="length")
    return registry


_REGISTRY = _build_registry()


def get_function(name: str) -> FunctionSpec | None:
    """The spec of eval function ``name``, or ``None`` when the engine does not implement it."""
    return _REGISTRY.get(name)


def function_names() -> list[str]:
    """Every implemented function name, sorted (for error hints and documentation)."""
    return sorted(_REGISTRY)
