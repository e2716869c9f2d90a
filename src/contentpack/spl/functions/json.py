"""JSON functions: json_extract, json_valid, json_keys, and the ``spath`` eval function sharing the path reader.

Sources: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/json-functions ;
https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/text-functions (spath).
Paths use Splunk's location syntax: keys joined by ``.``, array steps ``{N}`` (0-based) or ``{}`` (every
element). Objects and arrays come back as compact JSON text; a path that leads nowhere gives null.
"""

from __future__ import annotations

import json as jsonlib
import re
from typing import Any

from contentpack.spl.errors import SplUnsupportedError
from contentpack.spl.events import load_json_value
from contentpack.spl.functions import coerce
from contentpack.spl.functions.spec import FunctionSpec, eager
from contentpack.spl.values import EvalContext, Scalar, Value, make_mv

_STEP = re.compile(r"\{(\d*)\}")


def path_steps(path: str) -> list[str | int | None]:
    """Split ``a.b{0}.c{}`` into keys (str), indexes (int) and every-element markers (None).

    Any other use of curly brackets in a step is refused as unsupported: the spath page (10.0, "The location step
    is composed of a field name and an optional array index indicated by curly brackets around an integer or a
    string") says what ``{N}`` and ``{}`` mean in JSON, not a negative index (``{-1}``), a string, or text after the
    index (``b{0}x``). The engine used to read ``b{-1}`` as a key of that name and ``b{0}x`` as ``b{0}``: a
    silent null or a silently shortened path."""
    steps: list[str | int | None] = []
    for part in path.split("."):
        if not part:
            continue
        key = _STEP.split(part)
        if any("{" in text or "}" in text for text in key[0::2]) or any(key[2::2]):
            raise SplUnsupportedError(
                f"the path {path!r}: its step {part!r} is not <name>, <name>{{<N>}} or <name>{{}}; the spath page "
                "says what a JSON array index {N} (from 0) and {} (every element) mean, nothing of another one")
        name = key[0]
        if name:
            steps.append(name)
        for index_text in key[1::2]:
            steps.append(int(index_text) if index_text else None)
    return steps


def walk(document: Any, path: str) -> list[Any]:
    """Every node a path reaches in a decoded JSON document."""
    current = [document]
    for step in path_steps(path):
        following: list[Any] = []
        for node in current:
            if isinstance(step, str) and isinstance(node, dict) and step in node:
                following.append(node[step])
            elif isinstance(step, int) and isinstance(node, list) and -len(node) <= step < len(node):
                following.append(node[step])
            elif step is None and isinstance(node, list):
                following.extend(node)
        current = following
    return current


def render(node: Any) -> Scalar:
    """A JSON node as an SPL value: containers as compact JSON, null/true/false as words."""
    if isinstance(node, (dict, list)):
        return jsonlib.dumps(node, separators=(",", ":"), ensure_ascii=False)
    if node is None:
        return "null"
    if node is True:
        return "true"
    if node is False:
        return "false"
    return node


def _decode(value: Value) -> Any:
    text = coerce.text(value)
    if text is None:
        raise ValueError("null")
    return load_json_value(text)


@eager("json_extract", 1, None)
def _json_extract(ctx: EvalContext, args: list[Value]) -> Value:
    try:
        document = _decode(args[0])
    except ValueError:
        return None
    if len(args) == 1:
        return render(document)
    results: list[Scalar] = []
    for path_value in args[1:]:
        path = coerce.text(path_value)
        if path is None:
            continue
        results.extend(render(node) for node in walk(document, path))
    return make_mv(results)


@eager("spath", 2, 2, multivalue_note=coerce.NOT_SUPPORTED_ON_MV)
def _spath(ctx: EvalContext, args: list[Value]) -> Value:
    """The Text functions page says of spath "This function is not supported on multivalue fields.": a
    multivalue ``<value>`` is refused (``multivalue_note``); ``mvmap(f, spath(f, path))`` reads each value."""
    text = coerce.text(args[0])
    path = coerce.text(args[1])
    if path is None:
        return None
    try:
        document = _decode(text)
    except ValueError:
        return None
    return make_mv(render(node) for node in walk(document, path))


@eager("json_valid", 1, 1)
def _json_valid(ctx: EvalContext, args: list[Value]) -> Value:
    try:
        _decode(args[0])
    except ValueError:
        return False
    return True


@eager("json_keys", 1, 2)
def _json_keys(ctx: EvalContext, args: list[Value]) -> Value:
    """The keys of an object as a JSON array (first level by default, down to ``depth`` levels)."""
    try:
        document = _decode(args[0])
    except ValueError:
        return None
    depth = coerce.integer(args[1]) if len(args) > 1 else 1
    if not isinstance(document, dict) or depth is None or depth < 1:
        return None
    keys: list[str] = []

    def collect(node: Any, level: int) -> None:
        for key, child in node.items():
            keys.append(key)
            if level < depth and isinstance(child, dict):
                collect(child, level + 1)

    collect(document, 1)
    return jsonlib.dumps(keys, separators=(",", ":"), ensure_ascii=False)


@eager("json_array_to_mv", 1, 2)
def _json_array_to_mv(ctx: EvalContext, args: list[Value]) -> Value:
    """json_array_to_mv(<json array>, <bool>): "Maps the elements of a JSON array to a multivalue field";
    with the second argument true, string elements keep their double quotes (default false). Text that is
    not a JSON array gives null."""
    try:
        document = _decode(args[0])
    except ValueError:
        return None
    flag = args[1] if len(args) > 1 else False
    keep_quotes = flag is True or (coerce.text(flag) or "").lower() in ("true", "1")
    if not isinstance(document, list):
        return None
    values: list[Scalar] = []
    for item in document:
        if isinstance(item, str):
            values.append(jsonlib.dumps(item, ensure_ascii=False) if keep_quotes else item)
        else:
            values.append(render(item))
    return make_mv(values)


FUNCTIONS: tuple[FunctionSpec, ...] = (_json_extract, _json_valid, _json_keys, _spath, _json_array_to_mv)
