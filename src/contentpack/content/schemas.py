"""The shipped JSON Schemas (draft 2020-12) and their translation into positioned diagnostics.

The schemas are data files inside the package (``content/schema/<kind>.json``) so editors can use the exported
copies under ``schemas/`` and the validator uses exactly the same text. Each is compiled once per process
with ``jsonschema-rs`` (formats checked). Why not the pure-Python ``jsonschema`` at run time: importing it
with its format extras is slow (``rfc3987-syntax`` builds a parser grammar on import) and validating with it
costs many times what the compiled validator does per detection, which would make every CLI run slow and
big packs miss their time budget (bench_validate measures both). The tests use Python ``jsonschema`` as the reference implementation: ``check_schema`` on every
schema, and agreement of both validators on invalid documents.

Validator messages name JSON paths; here each error is re-worded around the YAML the author wrote
(``unknown key 'risk_object' in rba (did you mean 'risk_objects'?)``) and placed at the key or value's line
and column.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

import jsonschema_rs

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import NodePath, SourceMap
from contentpack.cut_lists import count_text, cut_list

SchemaKind = Literal["detection", "macro", "story", "data_source", "lookup", "contentpack"]
SCHEMA_KINDS: tuple[SchemaKind, ...] = ("detection", "macro", "story", "data_source", "lookup", "contentpack")

RULE_UNKNOWN_KEY = "CP010"
RULE_MISSING_KEY = "CP011"
RULE_INVALID_VALUE = "CP012"
RULE_STATUS_REMOVED = "CP013"
MAX_ERRORS_PER_FILE = 100
# an enum's allowed values in a CP012 message, and a mapping's allowed keys in a CP010 one: all of up to 8 (every
# short enum: type, security_domain, usecase), else the first 5, the rest counted and the exported schema named:
# asset_type's 44 (about 730 characters) buried the message, as a detection's 19 top-level keys did. A
# did-you-mean still names the one meant, wherever it is in the list.
LISTED_IN_FULL = 8
LISTED_WHEN_CUT = 5
# An enum value with no did-you-mean (``rba.threat_objects[].type: application``, no type of that name) gets every
# allowed value when they fit in this many characters (the threat object types' 26 do): the first 5 and "+21 more"
# left a new user to open the schema to find the one meant. asset_type's 44 stay cut.
ENUM_IN_FULL_CHARACTERS = 400


def schema_text(kind: SchemaKind) -> str:
    """The schema file's text exactly as shipped (the export script copies it byte for byte)."""
    return resources.files("contentpack.content").joinpath("schema", f"{kind}.json").read_text("utf-8")


def exported_name(kind: SchemaKind) -> str:
    """The file name of the editors' copy under ``schemas/`` (scripts/export_schemas.py writes it; CP012 names
    it when an enum has more allowed values than a message lists)."""
    return f"{kind}.schema.json"


@cache
def schema(kind: SchemaKind) -> Mapping[str, Any]:
    return json.loads(schema_text(kind))


# what the validator writes in place of the instance; _describe puts the value back, shortened (_short)
_MASK = "(value)"


@cache
def validator(kind: SchemaKind) -> jsonschema_rs.Draft202012Validator:
    """Compiled once: compiling per file would cost more than validating."""
    # ``mask``: the validator's own messages never embed the instance (an expanded alias could be megabytes);
    # our messages quote at most 60 characters of it (``_short``).
    return jsonschema_rs.Draft202012Validator(dict(schema(kind)), validate_formats=True, mask=_MASK)


def _where(path: NodePath) -> str:
    """``("rba", "risk_objects", 0, "type")`` → ``rba.risk_objects[0].type`` (``top level`` for ())."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "top level"


def _place(path: NodePath) -> str:
    return "at top level" if not path else f"in {_where(path)}"


def _short(value: object) -> str:
    if isinstance(value, str) and len(value) > 60:
        value = value[:60]  # never serialise more than is shown
    elif isinstance(value, (list, dict)) and len(value) > 8:
        return f"{_json_type(value)} of {len(value)} items"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


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


def _subschema(kind: SchemaKind, schema_path: list[str | int]) -> Mapping[str, Any]:
    """The schema object holding the failed keyword (``schema_path`` minus the keyword itself)."""
    node: Any = schema(kind)
    for part in schema_path[:-1]:
        node = node[part]
    return node if isinstance(node, Mapping) else {}


def _meant(written: str, allowed: list[str]) -> str | None:
    """The allowed key or value ``written`` is a typo of, from the one helper every suggestion shares, imported
    on this error path only: every command reads contentpack.yml through this module.
    A value longer than any message quotes (``_short``) is not compared: it is no typo of a short name. A value of
    three or more letters that begins one allowed value alone is that value cut short (``status: prod``, which
    difflib finds too far from ``production`` to name)."""
    from contentpack.spl.suggest import closest

    if len(written) > 60:
        return None
    begun = [value for value in allowed if len(written) >= 3 and value.lower().startswith(written.lower())]
    return begun[0] if len(begun) == 1 and begun[0] != written else closest(written, allowed)


def _did_you_mean(written: str, allowed: list[str]) -> str:
    """`` (did you mean 'TTP'?)`` for a key or value close to an allowed one (``_meant``)."""
    meant = _meant(written, allowed)
    return f" (did you mean '{meant}'?)" if meant is not None else ""


def _one_of(kind: SchemaKind, allowed: list[str]) -> str:
    """The allowed values, cut when there are many: the rest are counted and the schema file that lists them
    all is named, so one message stays a readable line."""
    return cut_list(allowed, LISTED_WHEN_CUT, separator=", ", what=f"in schemas/{exported_name(kind)}",
                    in_full=LISTED_IN_FULL)


def _quote_it(expected: object, instance: object) -> str:
    """How to write a number or a boolean where text is wanted: YAML read the bare ``3`` of ``definition: 3`` (a
    threshold macro, as a new user wrote it) as an integer, and the message did not say that quotes make it text."""
    if expected != "string" or not isinstance(instance, (bool, int, float)):
        return ""
    return f": write it in quotes, '{json.dumps(instance)}', for the text"


def _describe(kind: SchemaKind, keyword: str, value: Any, instance: object, message: str,
              described: str | None = None) -> str:
    """The message for one failed keyword; a pattern whose schema says in words what it takes (``described``,
    its ``description``) is named by those words, not by its regular expression."""
    if keyword == "enum":
        allowed = [str(v) for v in value]
        hint = _did_you_mean(instance, allowed) if isinstance(instance, str) else ""
        listed = ", ".join(allowed)
        if hint or len(listed) > ENUM_IN_FULL_CHARACTERS:
            listed = _one_of(kind, allowed)
        return f"{_short(instance)} is not one of: {listed}{hint}"
    if keyword == "const":
        return f"{_short(instance)} must be {_short(value)}"
    if keyword == "type":
        expected = " or ".join(value) if isinstance(value, list) else value
        return f"expected {expected}, got {_json_type(instance)} {_short(instance)}{_quote_it(value, instance)}"
    if keyword == "pattern":
        return (f"{_short(instance)} is not {described}" if described
                else f"{_short(instance)} does not match the pattern {value}")
    if keyword == "not":
        return f"{_short(instance)} is not allowed here"
    if keyword == "format":
        return f"{_short(instance)} is not a valid {value}"
    if keyword == "minItems" and value == 1:
        return "must list at least one item"
    if keyword == "uniqueItems":
        return "items must be unique"
    if message.startswith(_MASK):  # "(value) is greater than the maximum of 100": say which value, kept short
        return _short(instance) + message[len(_MASK):]
    return message


def _value_at(data: object, path: NodePath) -> object:
    """The value the author wrote at ``path``. Not the error's ``instance``: the validator gives ``.inf`` and
    ``.nan`` (YAML floats JSON cannot hold) back as null, and a message said "expected string, got null null"."""
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


def _translate(kind: SchemaKind, err: jsonschema_rs.ValidationError, source: SourceMap,
               data: object) -> Iterator[Diagnostic]:
    path: NodePath = tuple(err.instance_path)
    keyword = str(err.schema_path[-1]) if err.schema_path else ""
    parent = _subschema(kind, list(err.schema_path))
    instance = _value_at(data, path)
    if keyword == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(parent.get("properties", {}))
        for key in sorted(k for k in instance if k not in allowed):
            suggestion = _did_you_mean(key, allowed) or f" (allowed keys: {_one_of(kind, allowed)})"
            yield error(source.key(*path, key), RULE_UNKNOWN_KEY, f"unknown key '{key}' {_place(path)}{suggestion}")
        return
    if keyword == "required" and isinstance(instance, dict):
        # a misspelt key is one mistake: its CP010 already says "did you mean 'known_false_positives'?", so
        # the required key it was meant to be is not reported missing a second time
        allowed = sorted(parent.get("properties", {}))
        misspelt = ({_meant(k, allowed) for k in instance if k not in allowed}
                    if parent.get("additionalProperties") is False else set())
        for key in parent.get("required", ()):
            if key not in instance and key not in misspelt:
                yield error(source.at(*path), RULE_MISSING_KEY, f"missing required key '{key}' {_place(path)}")
        return
    if path and path[-1] == "status" and instance == "removed":
        yield error(
            source.at(*path),
            RULE_STATUS_REMOVED,
            "status 'removed' is not allowed: delete the file (or use 'deprecated') instead",
        )
        return
    described = parent.get("description")
    description = _describe(kind, keyword, parent.get(keyword), instance, err.message,
                            described if isinstance(described, str) else None)
    yield error(source.at(*path), RULE_INVALID_VALUE, f"{_where(path)}: {description}")


def validate(kind: SchemaKind, data: object, source: SourceMap) -> list[Diagnostic]:
    """All schema violations of one document, each at the position of the offending key or value.

    One complaint per value: a bad date fails both its pattern and its format, but is reported once.
    """
    checker = validator(kind)
    if checker.is_valid(data):
        return []
    problems: list[Diagnostic] = []
    flagged_values: set[NodePath] = set()
    skipped = 0
    for err in checker.iter_errors(data):
        if len(problems) >= MAX_ERRORS_PER_FILE:  # the rest are only counted: a hostile file may hold 100,000
            skipped += 1
            continue
        keyword = err.schema_path[-1] if err.schema_path else ""
        if keyword not in ("additionalProperties", "required"):
            path: NodePath = tuple(err.instance_path)
            if path in flagged_values:
                continue
            flagged_values.add(path)
        problems.extend(_translate(kind, err, source, data))
    if skipped:
        problems.append(error(source.at(), RULE_INVALID_VALUE,
                              f"{count_text(skipped)} more schema error(s) in this file not shown (fix the ones "
                              "above first)"))
    return sorted(set(problems))
