"""``spath``: extract fields from JSON text (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/spath).

"A location step is composed of a field name and an optional index surrounded by curly brackets";
``commits{}.author.name`` collects every array element as a multivalue field; ``{N}`` picks one element,
counting from 0: "JSON uses zero-based indexing. In JSON, product.desc{3} refers to the fourth element of the desc
child of the product element" (10.0 page; XML counts from 1, and the engine reads JSON only). The engine used to
count from 1, which no page says for JSON. The path is walked as the ``spath`` eval function walks it
(``functions.json.walk``, one home); ``input`` defaults to ``_raw``; without a path every field is extracted with the
same names as automatic JSON extraction, from the input's first 5,000 bytes as it ("auto-extract" mode
"finds and extracts all the fields from the first 5,000 characters in the input field";
``events.AUTO_EXTRACTION_CUTOFF``), while a path reads all of the input (``assumed``: no page says so outright,
but the 9.0 page, limits.conf's ``[spath] extraction_cutoff`` and the SPL2 spath page, whose auto-extract mode
reads the input "subject to any character read limits", put the cut on the extract-all mode only; and Splunk
support's answer to events over 10 KB whose field was missing was ``spath`` with that field's path,
apache/openwhisk#4518 and #4519). A path that reaches an object or array yields its JSON text.
Its output replaces a field of the same name the event already holds, an automatically extracted one too, and
a path the input lacks leaves that field as it was (both ``assumed``: no page says whether spath overwrites, where
``eval``'s page says eval does).
A multivalue ``input`` field is refused (``base.single_input``): the page says only "The field to read in and
extract values from" (the engine used to read its first value).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.answers import UNKNOWN, Answers
from contentpack.spl.commands.args import at_option, read_option
from contentpack.spl.commands.base import (FieldUse, uses, CommandInput, CommandNode, CommandSpec, FieldSet,
                                           Multivalued, RunContext, plus, rewrites, single_input)
from contentpack.spl.events import auto_extracted, decode_json, flat_json, flatten_json, json_scalar_text
from contentpack.spl.errors import SplUnsupportedError
from contentpack.spl.functions.json import path_steps, walk
from contentpack.spl.values import Event, Scalar, Value, make_mv, to_str



@dataclass(frozen=True)
class SpathCommand(CommandNode):
    input: str
    path: str | None
    output: str | None

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, self.input)


def parse_spath(cmd: CommandInput) -> SpathCommand:
    cur = cmd.cursor()
    input_field, path, output = "_raw", None, None
    while not cur.at_end():
        if at_option(cur):
            key, value, _ = read_option(cur, ("input", "output", "path"))
            if key == "input":
                input_field = value
            elif key == "output":
                output = value
            else:
                path = value
            continue
        tok = cur.next()
        if tok.kind not in ("WORD", "PHRASE") or path is not None:
            raise cur.error("expected one path", tok)
        path = tok.text
    if path is not None:
        try:
            path_steps(path)  # a step no page defines is refused before any event is read
        except SplUnsupportedError as exc:
            raise SplUnsupportedError(f"{cmd.name}: {exc.message}", offset=cmd.offset, command=cmd.name) from None
    return SpathCommand(cmd.name, cmd.offset, input_field, path, output)


def _render(node: object) -> Scalar:
    if isinstance(node, (dict, list)):
        return json.dumps(node, separators=(",", ":"))
    return json_scalar_text(node)


def extract_path(document: object, path: str) -> list[Scalar]:
    """All values at ``path`` in a decoded JSON document, in document order."""
    return [_render(node) for node in walk(document, path)]


def run_spath(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, SpathCommand)
    for event in events:
        text = single_input(event, node.input, node)
        if text is not None:
            _extract(event, node, to_str(text) or "")
        yield event


# What a path reads from a text (None: nothing to write, the text not JSON or the path not in it), by path and
# text: a function of the two alone, and a replay reads the same paths of the same events at every search over
# them (the pack's audit records pass through five spath of one macro at each), so each is decoded and walked once.
_PATH_VALUES = Answers()


def _extract(event: Event, node: SpathCommand, text: str) -> None:
    """Write what ``node`` extracts from the JSON ``text`` into ``event`` (nothing when it is not JSON)."""
    if node.path is not None:
        key = (node.path, text)
        value = _PATH_VALUES.get(key, UNKNOWN)
        if value is UNKNOWN:
            value = _path_value(node.path, text)
            _PATH_VALUES.put(key, len(text), value)
        if value is not None:
            event[node.output or node.path] = value  # type: ignore[assignment]  # a Value, as _path_value gives
        return
    try:  # extract-all: the fields of the first bytes only, as automatic extraction
        document = decode_json(text)
    except ValueError:
        return
    data = text.encode("utf-8").strip()
    read = auto_extracted(data)  # all of it, or the part automatic extraction reads: the cut decided in its one home
    # flattened once: the document already decoded when nothing was cut (the same text), else the part read
    for name, field_value in (flatten_json(document) if read == data else flat_json(read)).items():
        event[name] = field_value


def _path_value(path: str, text: str) -> Value:
    """The value ``path`` reads from the JSON ``text``: None when the text is not JSON or holds nothing there."""
    try:
        document = decode_json(text)
    except ValueError:
        return None
    return make_mv(extract_path(document, path))


def _spath_fields(node: CommandNode) -> FieldUse:
    assert isinstance(node, SpathCommand)
    return uses([node.input], [node.output or node.path] if node.path else [])


def _spath_multivalue(node: CommandNode, multivalued: Multivalued) -> dict[str, str] | None:
    """A path's output and the input field are no longer certainly multivalue (``base.rewrites``). Without a path
    every key of the input's JSON is extracted, over a field of the same name, and which keys it holds is the
    data's, not the search's (as a ``lookup`` without an output clause): the search is not followed."""
    assert isinstance(node, SpathCommand)
    return rewrites(_spath_fields)(node, multivalued) if node.path else None


def _spath_result_fields(node: CommandNode, fields: frozenset[str]) -> frozenset[str] | None:
    """A path's field (``output``, else the path itself), when the input field is among the fields (a missing one
    extracts nothing); without a path every key of the input's JSON is extracted, which the data decides, not the
    search: unknown (with ``output=`` too, which the engine reads only with a path)."""
    assert isinstance(node, SpathCommand)
    if node.path is None:
        return None
    use = _spath_fields(node)
    return fields | use.produces if use.reads <= fields else fields


SPECS = (CommandSpec(("spath",), parse_spath, run_spath, streaming=True, one_to_one=True, fields=_spath_fields,
                     multivalue=_spath_multivalue, result_fields=_spath_result_fields),)
