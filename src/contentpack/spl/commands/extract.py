"""Commands that turn text held in a field into fields: ``fromjson`` and ``xmlkv``.

fromjson (https://help.splunk.com/splunk-cloud-platform/spl-search-reference/9.3.2408/search-commands/fromjson):
"Converts JSON-formatted objects into multivalue fields. If you give the fromjson command a single field
name that points to proper JSON objects, fromjson returns keys as fields and key values as field values";
``prefix`` "Prepends a string to the fields that fromjson extracts". An array value becomes a multivalue
field; a nested object stays JSON text (assumed: the page's examples are flat). Text that is not a JSON
object extracts nothing.
xmlkv (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/xmlkv): extracts
``<key>value</key>`` pairs from XML text (``_raw`` by default, or the named field); an element holding
other elements is not a value; a key seen more than once becomes multivalue.
Neither page says what a multivalue input field gives, so one is refused (``base.single_input``); the engine
used to read its first value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from contentpack.spl.commands.args import at_option, read_field, read_option
from contentpack.spl.commands.base import CommandInput, CommandNode, CommandSpec, FieldSet, RunContext, plus, single_input
from contentpack.spl.events import load_json_value
from contentpack.spl.regex import compile_plain
from contentpack.spl.values import Event, Scalar, Value, make_mv, to_str


@dataclass(frozen=True)
class FromjsonCommand(CommandNode):
    field: str
    prefix: str = ""

    def requires(self, needed: FieldSet) -> FieldSet:
        return None  # it makes fields whose names only the data knows


def parse_fromjson(cmd: CommandInput) -> FromjsonCommand:
    cur = cmd.cursor()
    field: str | None = None
    prefix = ""
    while not cur.at_end():
        if at_option(cur):
            _, prefix, _ = read_option(cur, ("prefix",))
            continue
        if field is not None:
            raise cur.error("fromjson takes one field")
        field, _ = read_field(cur)
    if field is None:
        raise cur.error("expected the field holding JSON")
    return FromjsonCommand(cmd.name, cmd.offset, field, prefix)


def _json_value(value: Any) -> Value:
    if isinstance(value, list):
        return make_mv(item for item in (_scalar(v) for v in value) if item is not None)
    return _scalar(value)


def _scalar(value: Any) -> Scalar | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def run_fromjson(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, FromjsonCommand)
    for event in events:
        text = to_str(single_input(event, node.field, node))
        try:
            document = load_json_value(text) if text else None
        except ValueError:
            document = None
        if isinstance(document, dict):
            for key, value in document.items():
                converted = _json_value(value)
                if converted is not None:
                    event[node.prefix + str(key)] = converted
        yield event


@dataclass(frozen=True)
class XmlkvCommand(CommandNode):
    field: str = "_raw"

    def requires(self, needed: FieldSet) -> FieldSet:
        return None if needed is None else plus(needed, self.field)


def parse_xmlkv(cmd: CommandInput) -> XmlkvCommand:
    cur = cmd.cursor()
    field = "_raw"
    named = False
    while not cur.at_end():
        if at_option(cur):
            key, _, tok = read_option(cur, ("maxinputs",))
            raise cur.unsupported(f"option '{key}'", tok)
        if named:
            raise cur.error("xmlkv takes one field")
        field, _ = read_field(cur)
        named = True
    return XmlkvCommand(cmd.name, cmd.offset, field)


_ELEMENT = compile_plain(r"<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>([^<>]*)</\1\s*>", 0, "xmlkv element")


def run_xmlkv(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, XmlkvCommand)
    for event in events:
        text = to_str(single_input(event, node.field, node))
        if text:
            found: dict[str, list[Scalar]] = {}
            for match in _ELEMENT.finditer(text):
                found.setdefault(match.group(1), []).append(match.group(2))
            for key, values in found.items():
                value = make_mv(values)
                if value is not None:
                    event[key] = value
        yield event


SPECS = (
    CommandSpec(("fromjson",), parse_fromjson, run_fromjson, streaming=True, one_to_one=True),
    CommandSpec(("xmlkv",), parse_xmlkv, run_xmlkv, streaming=True, one_to_one=True),
)
