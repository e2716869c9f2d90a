"""The shipped JSON Schemas (draft 2020-12) and their translation into positioned diagnostics.

The schemas are data files inside the package (``content/schema/<kind>.json``) so editors can use the exported
copies under ``schemas/`` and the validator uses exactly the same text. Validators are compiled once per
process. Two implementations of draft 2020-12 are used on purpose: ``jsonschema-rs`` answers "is this document
valid?" in microseconds (pure-Python ``jsonschema`` needs ~1.5 ms per detection, most of the 2-second budget
for 2,000 detections), and only for an invalid document does Python ``jsonschema`` walk the errors, because
its error objects carry the sub-schema that lets us suggest the key the author meant. jsonschema's own messages name JSON paths; here each error is re-worded around the YAML the author
wrote (``unknown key 'risk_object' in rba — did you mean 'risk_objects'?``) and placed at the key or value's
line and column.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Literal

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import NodePath, SourceMap

SchemaKind = Literal["detection", "macro", "story", "data_source", "lookup", "contentpack"]
SCHEMA_KINDS: tuple[SchemaKind, ...] = ("detection", "macro", "story", "data_source", "lookup", "contentpack")

RULE_UNKNOWN_KEY = "CP010"
RULE_MISSING_KEY = "CP011"
RULE_INVALID_VALUE = "CP012"
RULE_STATUS_REMOVED = "CP013"


def schema_text(kind: SchemaKind) -> str:
    """The schema file's text exactly as shipped (the export script copies it byte for byte)."""
    return resources.files("contentpack.content").joinpath("schema", f"{kind}.json").read_text("utf-8")


@cache
def schema(kind: SchemaKind) -> Mapping[str, object]:
    return json.loads(schema_text(kind))


@cache
def validator(kind: SchemaKind) -> Draft202012Validator:
    """Compiled once: building a validator (and its format checker) per file would dominate run time."""
    return Draft202012Validator(schema(kind), format_checker=FormatChecker())


@cache
def fast_validator(kind: SchemaKind) -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(schema(kind), validate_formats=True)


def _where(path: NodePath) -> str:
    """``("rba", "risk_objects", 0, "type")`` → ``rba.risk_objects[0].type`` (``top level`` for ())."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "top level"


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _translate(err: ValidationError, source: SourceMap) -> Iterator[Diagnostic]:
    path: NodePath = tuple(err.absolute_path)
    where = _where(path)
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = sorted(err.schema.get("properties", {}))
        for key in sorted(k for k in err.instance if k not in allowed):
            hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            suggestion = f"did you mean '{hint[0]}'?" if hint else f"allowed keys: {', '.join(allowed)}"
            place = "at top level" if not path else f"in {where}"
            yield error(source.key(*path, key), RULE_UNKNOWN_KEY, f"unknown key '{key}' {place} ({suggestion})")
        return
    if err.validator == "required" and isinstance(err.instance, dict):
        for key in err.validator_value:
            if key not in err.instance:
                place = "at top level" if not path else f"in {where}"
                yield error(source.at(*path), RULE_MISSING_KEY, f"missing required key '{key}' {place}")
        return
    if path and path[-1] == "status" and err.instance == "removed":
        yield error(
            source.at(*path),
            RULE_STATUS_REMOVED,
            "status 'removed' is not allowed: delete the file (or use 'deprecated') instead",
        )
        return
    yield error(source.at(*path), RULE_INVALID_VALUE, f"{where}: {_describe(err)}")


def _describe(err: ValidationError) -> str:
    value = err.validator_value
    if err.validator == "enum":
        return f"{_short(err.instance)} is not one of: {', '.join(str(v) for v in value)}"
    if err.validator == "const":
        return f"{_short(err.instance)} must be {_short(value)}"
    if err.validator == "type":
        expected = " or ".join(value) if isinstance(value, list) else value
        return f"expected {expected}, got {_json_type(err.instance)} {_short(err.instance)}"
    if err.validator == "pattern":
        return f"{_short(err.instance)} does not match the pattern {value}"
    if err.validator == "not":
        return f"{_short(err.instance)} is not allowed here"
    if err.validator == "format":
        return f"{_short(err.instance)} is not a valid {value}"
    if err.validator == "minItems" and value == 1:
        return "must list at least one item"
    if err.validator == "uniqueItems":
        return "items must be unique"
    return err.message


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "mapping"


def validate(kind: SchemaKind, data: object, source: SourceMap) -> list[Diagnostic]:
    """All schema violations of one document, each at the position of the offending key or value."""
    fast = fast_validator(kind)
    if fast.is_valid(data):
        return []
    problems: list[Diagnostic] = []
    flagged_values: set[NodePath] = set()
    for err in validator(kind).iter_errors(data):
        path: NodePath = tuple(err.absolute_path)
        if err.validator not in ("additionalProperties", "required"):
            if path in flagged_values:
                continue  # one complaint per value (a bad date fails both its pattern and its format)
            flagged_values.add(path)
        problems.extend(_translate(err, source))
    if not problems:
        # The two implementations disagree (a format both check slightly differently): the document is
        # still invalid, so report the fast validator's findings rather than nothing.
        for fast_err in fast.iter_errors(data):
            where: NodePath = tuple(fast_err.instance_path)
            problems.append(error(source.at(*where), RULE_INVALID_VALUE, f"{_where(where)}: {fast_err.message}"))
    return problems
