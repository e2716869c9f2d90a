"""Fast serialisation of sign-in records for the scale mode, byte-identical to ``json.dumps``.

Building and dumping a 3 KB nested dict per event is too slow for the scale mode's event rates
on one core. Instead, for each record *shape* (the fields the builder branches on) the real builder is run
once with sentinel strings in place of every value, serialised with ``json.dumps``, and cut at the
sentinels. Rendering an event is then a join of literal chunks and encoded values. Because the chunks
come from the builder itself there is no second description of the record to drift from it;
tests/datagen check ``render(s) == json.dumps(build_sign_in(s))``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from json.encoder import encode_basestring_ascii
from itertools import chain
from operator import itemgetter
from typing import Any

from contentpack.datagen.records import SIGN_IN_SHAPE_FIELDS, SIGN_IN_UNIQUE_FIELDS, SignIn, build_sign_in

_VALUE_FIELDS = tuple(name for name in SignIn._fields if name not in SIGN_IN_SHAPE_FIELDS)
_shape_of = itemgetter(*(SignIn._fields.index(name) for name in SIGN_IN_SHAPE_FIELDS))
_SLOT = re.compile(r'"@@(\d+)@@"|@@(\d+)@@')


def _encode_optional(value: Any) -> str:
    """A value that may be JSON null, exactly as ``json.dumps`` writes it."""
    return "null" if value is None else encode_basestring_ascii(value)


class _EncodedStrings(dict[Any, str]):
    """Memo of string (or null) encodings: a C-level ``dict.__getitem__`` per value instead of a Python
    call, since most values of a record (user, app, place, device) recur across records."""

    def __missing__(self, value: Any) -> str:
        encoded = self[value] = _encode_optional(value)
        return encoded


# How json.dumps writes each field, by group. Each group is encoded with one ``map`` over a C callable
# (no Python frame per value). Strings that recur go through the memo; the per-record unique ones
# (times, ids) are encoded directly rather than filling the memo.
_KINDS = ("unique", "str", "int", "float", "str | None")
# With postponed annotations NamedTuple keeps each type as a ForwardRef holding the source text.
_TYPES = {name: getattr(kind, "__forward_arg__", str(kind)) for name, kind in SignIn.__annotations__.items()}
_kind = {name: "unique" if name in SIGN_IN_UNIQUE_FIELDS else _TYPES[name] for name in _VALUE_FIELDS}
_unknown = {name for name, kind in _kind.items() if kind not in _KINDS}
if _unknown:
    raise TypeError(f"template: no encoder for SignIn fields {sorted(_unknown)}")
_GROUP_FIELDS = tuple(tuple(n for n in _VALUE_FIELDS if _kind[n] == k) for k in _KINDS)
_GETTERS = tuple(
    itemgetter(*(SignIn._fields.index(n) for n in names)) if len(names) > 1
    else (lambda s, i=SignIn._fields.index(names[0]): (s[i],))
    for names in _GROUP_FIELDS
)
_ORDER = tuple(n for names in _GROUP_FIELDS for n in names)  # index space of the encoded list


def _encode_all(spec: SignIn, memo: _EncodedStrings | None = None) -> list[str]:
    unique, strings, ints, floats, optional = (getter(spec) for getter in _GETTERS)
    encoded = list(map(encode_basestring_ascii, unique))
    lookup = memo.__getitem__ if memo is not None else _encode_optional
    encoded.extend(map(lookup, strings))
    encoded.extend(map(int.__repr__, ints))
    encoded.extend(map(float.__repr__, floats))
    encoded.extend(map(lookup, optional))
    return encoded


@dataclasses.dataclass(frozen=True)
class Template:
    """The serialised record cut at its values: ``chunks[k]`` precedes value slot ``k``.

    ``slots`` index the encoded-value list. ``inner`` names, in order, the fields spliced inside a longer
    string (e.g. the tenant id in ``resourceId``): their unquoted copies are appended to the encoded list
    and read by the slots past its end (JSON escaping is per character, so splicing is exact).
    """

    chunks: tuple[str, ...]
    slots: tuple[int, ...]
    inner: tuple[int, ...]
    pick: Callable[[list[str]], tuple[str, ...]]

    def render(self, encoded: list[str]) -> str:
        encoded.extend([encoded[i][1:-1] for i in self.inner])
        return "".join(chain.from_iterable(zip(self.chunks, self.pick(encoded) + ("",))))


def _build(spec: SignIn) -> Template:
    sentinels = {name: f"@@{i}@@" for i, name in enumerate(_ORDER)}
    # a sentinel string in every field, whatever its type, to find where each one lands in the JSON
    text = json.dumps(build_sign_in(spec._replace(**sentinels)))  # type: ignore[arg-type]
    chunks: list[str] = []
    slots: list[int] = []
    inner: list[int] = []
    last = 0
    extra = len(_ORDER)
    for match in _SLOT.finditer(text):
        chunks.append(text[last : match.start()])
        if match.group(1) is not None:
            slots.append(int(match.group(1)))
        else:
            inner.append(int(match.group(2)))
            slots.append(extra)
            extra += 1
        last = match.end()
    chunks.append(text[last:])
    # pick() returns the slot values in order; inner slots read the unquoted copies appended at the end.
    return Template(tuple(chunks), tuple(slots), tuple(inner), itemgetter(*slots))


class SignInRenderer:
    """Caches one template per shape and renders ``SignIn`` values to JSON lines."""

    MEMO_LIMIT = 200_000  # values remembered before the memo is reset (keeps memory flat)

    def __init__(self) -> None:
        self._templates: dict[tuple[Any, ...], Template] = {}
        self._memo = _EncodedStrings()

    def render(self, spec: SignIn) -> str:
        shape = _shape_of(spec)
        template = self._templates.get(shape)
        if template is None:
            template = self._templates[shape] = _build(spec)
        if len(self._memo) > self.MEMO_LIMIT:
            self._memo.clear()
        return template.render(_encode_all(spec, self._memo))
