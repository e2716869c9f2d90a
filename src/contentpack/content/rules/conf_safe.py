"""What ``build`` would refuse, reported by ``validate`` at its YAML position: the pack's text and names must
fit the .conf files they become (CP049–CP051). One definition of "fits" (``content.conf_text``) serves both.

* CP049: every text of every object (and of ``contentpack.yml``'s ``app`` block) can be a .conf value: no
  control character, U+2028/U+2029, and no trailing backslash. ``custom_commands`` is not checked: it only
  tells ``validate`` which commands other apps provide, and no file of the built app holds it.
* CP050: a macro without arguments or a lookup named ``default`` (in any case) would become the
  ``[default]`` stanza of macros.conf / transforms.conf, whose settings apply to every other stanza.
* CP051: two stanzas of one generated .conf file would collide: two detections whose names give the same
  filter macro (``Foo`` and ``foo`` in different folders, ``a-b`` and ``a b``).
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable, Iterator, Mapping

from contentpack.content.conf_text import all_fit, conf_text_problem
from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import AppConfig, NodePath, SourceMap
from contentpack.content.rules import RuleContext, clashes

RESERVED_STANZAS = frozenset({"default"})
_NOT_CONTENT = frozenset({"source", "source_map", "tests"})  # positions; detection tests never reach a .conf
# AppConfig fields no .conf file holds: contentpack.yml's top-level ``custom_commands`` (kept on AppConfig, outside
# ``app:``) is read by validate only; ``author_name`` and ``author_email`` go to app.manifest (JSON, which escapes
# any character) and the email to README.md, never to a .conf (app.conf's ``[launcher] author`` is the company).
_APP_NOT_WRITTEN = frozenset({"custom_commands", "author_name", "author_email"})


def _texts(value: object, node: NodePath) -> Iterator[tuple[NodePath, str]]:
    """(node path, text) for every string in a model object, its nested objects, tuples and mappings.

    Model fields are named after their YAML keys, so the path is also where the text sits in the file (and
    ``SourceMap.at`` falls back to the nearest written ancestor for derived fields). A loop over a stack rather
    than recursion: 2,000 detections hold some 70,000 values.
    """
    stack: list[tuple[object, NodePath]] = [(value, node)]
    while stack:
        value, node = stack.pop()
        if isinstance(value, str):
            yield node, value
        elif isinstance(value, tuple):
            stack.extend((item, (*node, index)) for index, item in enumerate(value))
        elif isinstance(value, Mapping):
            stack.extend((item, (*node, key)) for key, item in value.items())
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            stack.extend((getattr(value, name), (*node, name)) for name in _field_names(type(value)))


def _strings(value: object) -> list[str]:
    """Every string ``_texts`` yields, without building a node path for each (the check of nearly every object
    needs only the text; paths are worked out when it finds something)."""
    found: list[str] = []
    stack: list[object] = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, tuple):
            stack.extend(value)
        elif isinstance(value, Mapping):
            stack.extend(value.values())
        else:
            cls: type = type(value)
            fields = _field_values(cls)
            if fields is not None:
                stack.extend(fields(value))
    return found


@functools.cache
def _field_values(cls: type) -> Callable[[object], tuple[object, ...]] | None:
    """A model dataclass's content field values in one call (None for any other type)."""
    names = _field_names(cls)
    if not names:
        return None
    getter = operator.attrgetter(*names)
    return getter if len(names) > 1 else lambda value: (getter(value),)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """A model dataclass's content fields (none for any other type)."""
    if not dataclasses.is_dataclass(cls):
        return ()
    return tuple(item.name for item in dataclasses.fields(cls) if item.name not in _NOT_CONTENT)


def _objects(context: RuleContext) -> Iterator[tuple[object, SourceMap]]:
    pack = context.pack
    yield from ((d, d.source) for d in pack.detections)
    yield from ((m, m.source) for m in pack.macros)
    yield from ((s, s.source) for s in pack.stories)
    yield from ((d, d.source_map) for d in pack.data_sources)
    yield from ((lk, lk.source) for lk in pack.lookups)


def conf_safe_text(context: RuleContext) -> Iterator[Diagnostic]:
    """CP049: text that cannot be written to a .conf file (``build`` would stop on it)."""
    for obj, source in _objects(context):
        # Most files' bytes vouch for their texts (``texts_fit``); a lookup's CSV header, its other texts, is
        # checked where it is read, at its line and column in the CSV (``lookup_csv.read_header``).
        if source.path in context.texts_fit or all_fit(_strings(obj)):
            continue  # nearly every other object: one check of all its text at once
        for node, text in _texts(obj, ()):
            problem = conf_text_problem(text)
            if problem is not None:
                yield error(source.at(*node), "CP049", f"{_where(node)}: {problem}")
    app = context.pack.app
    for name in _field_names(AppConfig):
        if name in _APP_NOT_WRITTEN:
            continue
        for node, text in _texts(getattr(app, name), ("app", name)):
            problem = conf_text_problem(text)
            if problem is not None:
                yield error(app.source.at(*node), "CP049", f"{_where(node)}: {problem}")


def _where(node: NodePath) -> str:
    text = ""
    for part in node:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def reserved_stanza_names(context: RuleContext) -> Iterator[Diagnostic]:
    """CP050: ``[default]`` is not an object's stanza in any .conf file; its settings apply to all others."""
    pack = context.pack
    named = [("macro", m.stanza, m.source) for m in pack.macros] + [("lookup", lk.name, lk.source) for lk in pack.lookups]
    for kind, stanza, source in named:
        if stanza.strip().lower() in RESERVED_STANZAS:
            yield error(source.at("name"), "CP050",
                        f"{kind} name '{stanza}' is reserved: it would become the [default] stanza, whose settings "
                        "apply to every other stanza of the file")


def colliding_stanzas(context: RuleContext) -> Iterator[Diagnostic]:
    """CP051: detections whose names give one filter macro (and so one macros.conf stanza)."""
    own = {m.stanza for m in context.pack.macros}
    detections = (d for d in context.pack.detections if d.filter_macro not in own)
    for detection, others in clashes(detections, lambda d: d.filter_macro):
        places = " and ".join(str(other.source.at("name")) for other in others)
        yield error(detection.source.at("name"), "CP051",
                    f"detection name '{detection.name}' gives the filter macro '{detection.filter_macro}', which "
                    f"the detection at {places} also gives: rename one of them")


RULES = (conf_safe_text, reserved_stanza_names, colliding_stanzas)
