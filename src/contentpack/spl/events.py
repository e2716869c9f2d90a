"""Events as Splunk sees them: JSON flattening (``KV_MODE = json``) and reading log files.

Why a flattener of our own: Splunk names auto-extracted JSON fields by their path — nested keys joined with
``.``, array steps written ``{}`` — and every array becomes a *multivalue* field that collects the values of
all elements in document order (``targetResources{}.modifiedProperties{}.displayName``). JSON ``null`` reaches
SPL as the text ``null`` (the Azure add-on's own evals compare with ``"null"``), and numbers/booleans keep their
JSON text (``65004``, ``true``). Sources: spath documentation
(https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/spath) and the add-on's
``props.conf`` for ``azure:monitor:aad`` (see ``shared/reference/azure_monitor_aad.md`` §3).

Malformed input lines: ``read_events`` raises :class:`SplError` naming the file and line (we do not silently
skip data a detection might need). Plain-text lines that do not start with ``{``/``[`` are events whose only
fields are ``_raw`` and the metadata fields.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from contentpack.spl.errors import SplError
from contentpack.spl.values import Event, Scalar, Value

METADATA_FIELDS = ("_raw", "_time", "source", "sourcetype", "host", "index")


def json_scalar_text(value: object) -> str:
    """The text Splunk shows for a JSON scalar: strings as-is, null/true/false as words, numbers as written.

    Floats decoded by a JSON parser lose their exact text ("1.50"); :func:`decode_json` keeps it by reading
    floats as strings, and for already-decoded floats the shortest round-trip form is the best available.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    return str(value)


def _walk(node: object, prefix: str, out: dict[str, list[Scalar]]) -> None:
    if isinstance(node, dict):
        for key, child in node.items():
            _walk(child, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(node, list):
        array_name = prefix + "{}"
        for child in node:
            _walk(child, array_name, out)
    else:
        if not prefix:
            return
        out.setdefault(prefix, []).append(json_scalar_text(node))


def flatten_json(obj: object) -> dict[str, Value]:
    """Flatten a decoded JSON value into Splunk field names and values.

    ``{"a": {"b": 1}, "c": [1, 2], "d": [{"e": null}, {"e": "x"}]}`` →
    ``{"a.b": "1", "c{}": ("1", "2"), "d{}.e": ("null", "x")}``. A field with one value is a scalar; empty
    objects and arrays produce no field. A top-level array is named ``{}`` like Splunk's ``spath``.
    """
    collected: dict[str, list[Scalar]] = {}
    _walk(obj, "", collected)
    flat: dict[str, Value] = {}
    for name, items in collected.items():
        flat[name] = items[0] if len(items) == 1 else tuple(items)
    return flat


def decode_json(text: str | bytes) -> object:
    """Decode JSON keeping every number's original text (floats and ints are read as strings).

    Used where exact field text matters more than speed (``spath``, ``read_events``); raises ValueError.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return json.loads(text, parse_float=str, parse_int=str, parse_constant=str)


def parse_timestamp(text: str) -> float | None:
    """Epoch seconds of an ISO-8601 timestamp such as ``2024-02-08T21:49:53.7643129Z`` (UTC if no offset).

    Python 3.11's ``fromisoformat`` reads Azure's 7 fractional digits and ``Z`` directly (the fast path);
    other spellings are normalised first. Pure numbers are epoch seconds. None when it is not a timestamp.
    """
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            pass
        moment_or_none = _lenient_iso(text)
        if moment_or_none is None:
            return None
        moment = moment_or_none
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _lenient_iso(text: str) -> datetime | None:
    """ISO-like text ``fromisoformat`` rejects: a space separator, more than 7 fractional digits."""
    main, offset = text, ""
    if main.endswith(("Z", "z")):
        main, offset = main[:-1], "+00:00"
    else:
        for sign in ("+", "-"):
            idx = main.rfind(sign)
            if idx > 10:
                main, offset = main[:idx], main[idx:]
                break
    if "." in main:
        head, frac = main.split(".", 1)
        main = f"{head}.{frac[:6].ljust(6, '0')}"
    try:
        return datetime.fromisoformat(main.replace(" ", "T") + offset)
    except ValueError:
        return None


def event_time(flat: dict[str, Value], time_field: str, fallback: float) -> float:
    """``_time`` from the configured field (first value of a multivalue), else the fallback."""
    raw = flat.get(time_field)
    if isinstance(raw, tuple):
        raw = raw[0] if raw else None
    if isinstance(raw, str):
        parsed = parse_timestamp(raw)
        if parsed is not None:
            return parsed
    return fallback


def make_event(
    raw: str,
    flat: dict[str, Value],
    *,
    sourcetype: str,
    source: str,
    host: str,
    index: str,
    time_field: str,
    fallback_time: float,
) -> Event:
    """One event: extracted fields first, then the metadata Splunk always has."""
    event: Event = dict(flat)
    event["_raw"] = raw
    event["_time"] = event_time(flat, time_field, fallback_time)
    event["source"] = source
    event["sourcetype"] = sourcetype
    event["host"] = host
    event["index"] = index
    return event


def _decode_line(line: str, path: str, line_no: int) -> object:
    try:
        return decode_json(line)
    except ValueError as exc:
        raise SplError(f"{path}:{line_no}: malformed JSON event: {exc}") from None


def read_events(
    path: str | os.PathLike[str],
    *,
    sourcetype: str,
    source: str | None = None,
    host: str = "",
    index: str = "main",
    time_field: str = "time",
) -> Iterator[Event]:
    """Yield the events of a JSON-lines, JSON-array or plain-text file, in file order.

    A file whose first non-blank character is ``[`` is one JSON array of events; otherwise every non-blank
    line is one event — JSON when it starts with ``{``, plain text otherwise. ``source`` defaults to the
    path. Events without a timestamp get the file's modification time. A malformed JSON line raises
    :class:`SplError` ``"<path>:<line>: malformed JSON event: ..."``.
    """
    file_path = Path(path)
    src = str(path) if source is None else source
    try:
        text = file_path.read_text(encoding="utf-8")
        fallback = file_path.stat().st_mtime
    except (OSError, UnicodeDecodeError) as exc:
        raise SplError(f"{path}: cannot read events: {exc}") from None
    meta = dict(sourcetype=sourcetype, source=src, host=host, index=index, time_field=time_field)
    if text.lstrip().startswith("["):
        try:
            items = decode_json(text)
        except ValueError as exc:
            raise SplError(f"{path}: malformed JSON array: {exc}") from None
        if not isinstance(items, list):
            raise SplError(f"{path}: a JSON array file must hold an array of events")
        plain = json.loads(text)  # the same items with real numbers, to write each element's _raw
        for item, original in zip(items, plain):
            raw = json.dumps(original, ensure_ascii=False)
            yield make_event(raw, flatten_json(item), fallback_time=fallback, **meta)
        return
    for line_no, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("{"):
            flat = flatten_json(_decode_line(stripped, str(path), line_no))
        else:
            flat = {}
        yield make_event(line.rstrip("\r\n"), flat, fallback_time=fallback, **meta)
