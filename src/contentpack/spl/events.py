"""Events as Splunk sees them: JSON flattening (``KV_MODE = json``) and reading log files.

Why a flattener of our own: Splunk names auto-extracted JSON fields by their path — nested keys joined with
``.``, array steps written ``{}`` — and every array becomes a *multivalue* field that collects the values of
all elements in document order (``targetResources{}.modifiedProperties{}.displayName``). JSON ``null`` reaches
SPL as the text ``null`` (the Azure add-on's own evals compare with ``"null"``), and numbers/booleans keep their
JSON text (``65004``, ``true``). Sources: spath documentation
(https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/spath) and the add-on's
``props.conf`` for ``azure:monitor:aad`` (see ``shared/reference/azure_monitor_aad.md`` §3). Like Splunk's, the
extraction reads only an event's first bytes (:data:`AUTO_EXTRACTION_CUTOFF`, :func:`cut_fields`).

Reading files (``read_events``, ``event_lines``): regular files only (``files.open_regular``), not compressed
(:func:`open_events`), streamed line by line (a JSON-array file is the exception: it is decoded whole, under a
size cap). Lines end at ``\n`` only: U+2028, U+0085 and the other characters ``str.splitlines`` breaks on are
ordinary text inside a JSON string. A UTF-8 byte-order mark at the start of the file is skipped (else the first
event would lose its fields). Any line the standard ``json`` decoder accepts is accepted. Malformed lines are
never skipped silently: the whole file is read, then :class:`SplEventsError` names the file, the first bad line
and its reason, how many lines were bad and the numbers of the first few (we do not drop data a detection might
need). Plain-text lines that do not start with ``{``/``[`` are events whose only fields are ``_raw`` and the
metadata fields.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import BinaryIO, Protocol

from contentpack.spl.errors import SplEventsError, count_text
from contentpack.spl.files import FileRefused, open_regular
from contentpack.spl.timeutil import iso_utc
from contentpack.spl.values import Event, Scalar, Value


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
    """Collect the leaves under ``node`` by field name.

    Why a string leaf is added here rather than by a call of its own: with numbers decoded as their text, nearly
    every leaf of an event is a string (its own text, as :func:`json_scalar_text` gives it), and a call per
    leaf was most of the cost of flattening a whole event (a search that reads every field, or ``spath``).
    A string under an empty name (``{"": "x"}`` at the top) gives no field, as any leaf there."""
    if isinstance(node, dict):
        for key, child in node.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if type(child) is str and name:
                out.setdefault(name, []).append(child)
            else:
                _walk(child, name, out)
    elif isinstance(node, list):
        array_name = prefix + "{}"
        for child in node:
            if type(child) is str:
                out.setdefault(array_name, []).append(child)
            else:
                _walk(child, array_name, out)
    else:
        if not prefix:
            return
        out.setdefault(prefix, []).append(json_scalar_text(node))


def flatten_json(obj: object) -> dict[str, Value]:
    """``_flatten_json``; JSON nested too deeply to walk raises ValueError (as :func:`decode_json` does)."""
    try:
        return _flatten_json(obj)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _flatten_json(obj: object) -> dict[str, Value]:
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

    Used where exact field text matters more than speed (``spath``, ``read_events``); raises ValueError as
    :func:`load_json` does.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return load_json(text, numbers_as_text=True)


#: The bytes of an event's JSON text Splunk's automatic extraction reads: fields that end after them are not
#: extracted. Documented: limits.conf.spec (10.6 release), ``[spath] extraction_cutoff`` (default 5000): "For
#: 'extract-all' spath extraction mode, this setting applies extraction only to the first <integer> number of
#: bytes. This setting applies both the auto kv extraction and the spath command, when explicitly extracting
#: fields" (older releases' spec names only spath's extract-all mode); the spath reference: with no path, spath
#: "finds and extracts all the fields from the first 5,000 characters in the input field". ``KV_MODE = json``
#: (the add-on's ``azure:monitor:aad`` stanza, default/props.conf of Splunk_TA_microsoft-cloudservices) is auto
#: kv (Knowledge Manager Manual, "Configure automatic key-value field extraction"), which ``[kv] maxchars``
#: (default 10240 characters: "When non-zero, truncate _raw to this size and then do auto KV") cuts too; the
#: smaller bound binds, so the engine cuts at 5000, not 10240. Not modelled: ``[kv] limit`` (default 100, "the
#: maximum number of fields that an automatic key-value field extraction (auto kv) can generate at search
#: time"; 0 lifts it) and ``maxcols`` (default 512): no page says which fields an event over them keeps, and no
#: record of the pack has that many (tests/spl/test_auto_extraction_cutoff.py counts them). ``assumed``: that the
#: fields before the cut are still extracted (user reports, not documents: fields after 5k characters are "not
#: extracted", hubblestack/hubble#610; the Dataminr add-on's README raises ``[kv] limit``, ``maxchars`` and
#: ``extraction_cutoff`` when "all the fields" of large events are not extracted); that a value the cut splits is
#: left out rather than kept truncated (an array keeps the elements before it, as a multivalue); and that the
#: cut counts UTF-8 bytes, as the spec says, where the spath reference and ``maxchars`` say characters (the two
#: differ only for non-ASCII text before the cut).
AUTO_EXTRACTION_CUTOFF = 5000

_CLOSER = {b"{": b"}", b"[": b"]"}
# One step of ``auto_extracted``'s scan, after the blanks and colons before it: a whole string (group 1, its opening
# quote), an opening bracket (2), a closing one (3), a comma (4), or else a number, true, false or null, up to the
# next delimiter. Nothing matches at the end or in a string the cut splits. Why a regular expression: it steps over a
# string or number at once, where a loop in Python went byte by byte, and it runs on every event past the cutoff.
_STEP = re.compile(rb'[ \t\r\n:]*(?:(")[^"\\]*(?:\\.[^"\\]*)*"|([{[])|([}\]])|(,)|[^ \t\r\n:,{[}\]"][^,}\] \t\r\n]*)',
                   re.DOTALL)


def auto_extracted(data: bytes, cutoff: int = AUTO_EXTRACTION_CUTOFF) -> bytes:
    """The JSON text automatic extraction reads of an event's ``data``: all of it when it is at most ``cutoff``
    bytes, else its first ``cutoff`` bytes up to the last whole value in them, with the arrays and objects
    still open there closed (see :data:`AUTO_EXTRACTION_CUTOFF`).

    Why a JSON text and not the fields: every extractor (the full flattener, the planned one, ``spath``) then
    reads the cut event as it reads any other. Text past a whole value is not checked: the caller decodes the
    whole event first, so malformed JSON is reported wherever it is.
    """
    if len(data) <= cutoff:
        return data
    head = data[:cutoff]
    closers = b""  # those of the arrays and objects open at the scan, the innermost first
    keyed: list[bool] = []  # per open container: whether a key comes next (an object after { or ,)
    whole, closing = 0, b""  # the end of the last whole value and the closers then open
    at = 0
    while (step := _STEP.match(head, at)) is not None:
        at = step.end()
        string, opener, closer, comma = step.groups()
        if comma:
            if closers.startswith(b"}"):
                keyed[-1] = True
            continue
        if opener:
            closers = _CLOSER[opener] + closers
            keyed.append(opener == b"{")
        elif closer:
            keyed.pop()
            closers = closers[1:]
        elif string:
            if keyed and keyed[-1]:  # a key: its value is still to come
                keyed[-1] = False
                continue
        elif at == len(head):  # a number, true, false or null: whole only where a delimiter follows it within the cut
            break
        whole, closing = at, closers
    return head[:whole] + closing if whole else b"{}"


def flat_json(data: bytes) -> dict[str, Value]:
    """The fields of the JSON text ``data`` (:func:`decode_json`, then :func:`flatten_json`)."""
    return flatten_json(decode_json(data))


class CutCount(Protocol):
    """Where :func:`cut_fields` counts the events it cuts: a search's :class:`ReadTally`, or a caller's own tally
    of what it read."""

    cut: int


def cut_fields(data: bytes, flat: dict[str, Value], extract: Callable[[bytes], dict[str, Value]],
               counts: CutCount | None = None) -> dict[str, Value]:
    """``flat``, the fields ``extract`` gives of all of the JSON event ``data``, or, when ``data`` is longer than
    :data:`AUTO_EXTRACTION_CUTOFF`, those it gives of the part automatic extraction reads (:func:`auto_extracted`),
    the event counted in ``counts``. The one place the readers apply the cut (the whole event is decoded first, so
    its errors are reported) and count it: Splunk says nothing of the fields it leaves out, and a search that
    misses because of them is a surprise its user should be told of (:func:`cut_note`)."""
    data = data.strip()
    if len(data) <= AUTO_EXTRACTION_CUTOFF:
        return flat
    if counts is not None:
        counts.cut += 1
    return extract(auto_extracted(data))


def cut_note(count: int) -> str:
    """``2 events over 5,000 bytes: fields past byte 5,000 not extracted, as in Splunk with default limits``: how
    every caller tells what :func:`cut_fields` counted, the same words everywhere."""
    events = "1 event" if count == 1 else f"{count_text(count)} events"
    cutoff = count_text(AUTO_EXTRACTION_CUTOFF)
    return f"{events} over {cutoff} bytes: fields past byte {cutoff} not extracted, as in Splunk with default limits"


#: What to do about a cut, said after :func:`cut_note` where there is room: Splunk gives no message for it (its
#: job shows the fields it found and no word of the others), so the note is ours; the settings are
#: limits.conf.spec's (see :data:`AUTO_EXTRACTION_CUTOFF`).
CUT_FIX = ("Splunk gives no message for it, and raising extraction_cutoff in limits.conf [spath] (default 5000) "
           "and maxchars in [kv] (default 10240) extracts them")


class JsonColumnError(ValueError):
    """A JSON text's problem at a known place: ``lineno`` and ``colno`` (1-based, in characters), and ``pos`` (its
    0-based offset in the text), named as ``json.JSONDecodeError`` names them."""

    def __init__(self, message: str, lineno: int, colno: int, pos: int) -> None:
        super().__init__(message)
        self.lineno, self.colno, self.pos = lineno, colno, pos


CONCATENATED = ("another JSON value starts here, after a whole one: JSON lines hold one object a line, a JSON "
                "document one value (jq writes records one a line with -c; without it, over several lines each)")


def load_json(text: str | bytes, *, numbers_as_text: bool = False) -> object:
    """``json.loads`` (``numbers_as_text``: :func:`decode_json`'s) under the event readers' one rule, in our words.

    Raises ValueError: "JSON nested too deeply" (the decoder recurses once per level), and for a raw control
    character (U+0000 to U+001F) inside a string, which JSON forbids ("All Unicode characters may be placed within
    the quotation marks, except for the characters that MUST be escaped: quotation mark, reverse solidus, and the
    control characters (U+0000 through U+001F)", RFC 8259 §7), a :class:`JsonColumnError` at its column (Python
    said "Invalid control character at: line 1 column 792 (char 791)", at column 1). ``search --events`` refuses
    such a line; ``backtest --events`` reports it as a bad line, also when no detection reads it
    (:func:`raw_control`). A second value after a whole one is :data:`CONCATENATED` at its place: Python's "Extra
    data" said nothing of the usual cause, ``jq``'s output without ``-c`` (records pretty-printed one after
    another), which lost every record of the file.

    Every other decoding error is a :class:`JsonColumnError` too, in the decoder's words without their place
    (``unterminated string``, ``expecting ',' delimiter``): Python's message ends "line 1 column 39 (char 38)",
    which, after a reader's own ``path:line:col`` at column 1, gave the line's place twice and disagreeing; the
    place is the reader's to say, at the decoder's column."""
    try:
        if numbers_as_text:
            return json.loads(text, parse_float=str, parse_int=str, parse_constant=str)
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            raise JsonColumnError(CONCATENATED, exc.lineno, exc.colno, exc.pos) from None
        if not exc.msg.startswith("Invalid control character"):
            raise JsonColumnError(_decoder_words(exc.msg), exc.lineno, exc.colno, exc.pos) from None
        code = ord(exc.doc[exc.pos])
        raise JsonColumnError(f"a raw control character (U+{code:04X}) inside a string: JSON requires it escaped "
                              f"(\\u{code:04x})", exc.lineno, exc.colno, exc.pos) from None


_PLACE_WORDS = re.compile(r"(?: starting)? at$")  # "Unterminated string starting at": its place follows in Python's


def _decoder_words(message: str) -> str:
    """The standard decoder's message (``json.JSONDecodeError.msg``, without the place Python appends) as a reason
    after a reader's words: lower case, and without the "at" that led to the place."""
    words = _PLACE_WORDS.sub("", message)
    return words[:1].lower() + words[1:]


#: Said after the reason of a malformed line that is the last of its file and ends without a newline
#: (:func:`unended_reason`): an export or copy interrupted part way leaves exactly that, and the decoder's words
#: ("unterminated string", "expecting value") do not say so.
ENDS_INSIDE = "the file ends inside this line (an export cut short?)"


def unended_reason(reason: str, unended: bool) -> str:
    """``reason``, with :data:`ENDS_INSIDE` after it when the malformed line is ``unended`` (the file's last, with no
    newline): the one wording of ``search --events`` and ``backtest --events``."""
    return f"{reason}; {ENDS_INSIDE}" if unended else reason


# The C0 control characters but the line's end and the carriage return (counted apart: before a line feed it is a
# CRLF line's end). Any of them in a JSON line is inside a string (refused) or, a tab, whitespace between values.
_CONTROL = bytes(range(0x20)).replace(b"\n", b"").replace(b"\r", b"")


def holds_control(data: bytes) -> bool:
    """Whether some line of ``data`` holds a control character :func:`raw_control` must look at. Why
    ``bytes.translate`` deleting them: it runs in C over the whole buffer, several times faster than a regular
    expression searching for one."""
    return len(data.translate(None, _CONTROL)) != len(data) or data.count(b"\r") != data.count(b"\r\n")


def raw_control(line: bytes) -> JsonColumnError | None:
    """The error of a JSON line holding a raw control character inside a string (:func:`load_json`), else None.
    The backtest's reader decodes only the lines a detection can match; this is how it applies the one rule to the
    others, so that ``search --events`` and ``backtest --events`` agree on every line (a line without a control
    character, nearly all, costs one scan: :func:`holds_control` over a whole block)."""
    if not holds_control(line):
        return None
    try:
        load_json(line)
    except JsonColumnError as exc:
        return exc
    except ValueError:  # malformed otherwise, or not UTF-8: left to the checks of the lines read
        return None
    return None


def error_column(exc: Exception, line: bytes | str) -> int | None:
    """The column of a decoding error in ``line`` as the reader has it, with the leading whitespace its decoder was
    not given; None when the error has no column of its own (the line is reported at its start)."""
    if not isinstance(exc, JsonColumnError):
        return None
    return exc.colno + len(line) - len(line.lstrip())


# The deepest an event's JSON may nest, in arrays and objects: orjson's own limit (since 3.9.15 it refuses deeper
# documents, the fix for CVE-2024-27454). The standard decoder's limit depends on the Python version (3.11 stops
# near the recursion limit, 3.13 goes far deeper), so where it decodes what orjson refused, the same limit is
# applied to its result. An assumed rule: no Splunk document gives a depth.
MAX_JSON_DEPTH = 1024


def nests_deeper_than(document: object, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a decoded JSON value holds arrays or objects more than ``limit`` levels deep (a walk with a stack
    of its own: the value may be deeper than Python's recursion allows)."""
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def load_json_value(text: str) -> object:
    """The JSON a field's value holds (``json_extract``, ``json_valid``, ``isarray``, ``fromjson``...): ValueError
    when it is not JSON, or nests deeper than an event's JSON may (``MAX_JSON_DEPTH``, the events' rule). A value
    is log text an attacker writes: one holding a few thousand ``[`` made the decoder's RecursionError stop the
    whole search ("the search nests too deeply", at the search's first character), where such text is simply no
    JSON the engine reads. The depth is walked only for a text long enough to hold that many levels."""
    document = load_json(text)
    if len(text) > 2 * MAX_JSON_DEPTH and nests_deeper_than(document):
        raise ValueError("JSON nested too deeply")
    return document


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
        # Python's float() also reads digit groups ("1_700_000_000") and other scripts' digits, which no
        # epoch timestamp is written with: such text is no time (the event keeps its fallback time)
        if text.isascii() and "_" not in text:
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


def event_time(flat: dict[str, Value], time_field: str) -> float | None:
    """``_time`` from the configured field (first value of a multivalue); None when the event has none (the
    caller gives it the fallback and counts it in its :class:`ReadTally`)."""
    raw = flat.get(time_field)
    if isinstance(raw, tuple):
        raw = raw[0] if raw else None
    if isinstance(raw, str):
        parsed = parse_timestamp(raw)
        if parsed is not None and in_calendar(parsed):
            return parsed
    return None


# What ``parse_timestamp`` reads, for a message about a time it could not read
TIME_FORMATS = ("ISO 8601 (2026-11-10T10:00:00Z, 2026-11-10 10:00:00+01:00; UTC when it has no offset) or "
                "epoch seconds (1794304800)")


def unreadable_time(flat: dict[str, Value], time_field: str) -> Value | None:
    """The value of the time field of an event whose time could not be read (the first of a multivalue); None
    when it has none: the field is missing, not unreadable."""
    value = flat.get(time_field)
    if value is None or value == ():
        return None
    return value[0] if isinstance(value, tuple) else value


def unreadable_time_text(time_field: str, value: Value) -> str:
    """``unreadable time '11/10/2026 10:00:00 AM'``: the words backtest (RP002) and search use for it."""
    return f"unreadable {time_field} {value!r}"


@dataclass
class ReadTally:
    """What one read of a file found that its user should hear of: the events that had no readable time and got
    ``fallback`` (the file's modification time) as ``_time`` (``count``), and the events longer than
    :data:`AUTO_EXTRACTION_CUTOFF`, whose fields past it were not extracted (``cut``, counted by :func:`cut_fields`).

    Why a count: Splunk's own rule for an event without a time is not this one for every event (see
    ``docs/spl_engine.md``, "Events without a time"), and an event given the file's time falls inside or
    outside a time range by accident; a caller tells its user how many there were. Mutable on purpose: the
    reader adds one in the branch where it already takes the fallback, the cheapest place to count.
    """

    path: str
    fallback: float
    count: int = 0
    unreadable: Value | None = None  # the first value of the time field that held no time (None: none held one)
    cut: int = 0  # events over AUTO_EXTRACTION_CUTOFF bytes (``cut_fields``)
    early: int = 0  # events of an export whose _indextime is before their _time (``backtest.inputs.EventReader``)

    @property
    def amounts(self) -> tuple[int, int, int]:
        """What the read found to tell (events without a time, cut, indexed before their time): none, nothing to
        say; of a file's reads, the largest is said (``engine._reported``)."""
        return self.count, self.cut, self.early

    def add(self, flat: dict[str, Value], time_field: str) -> None:
        """One more event without a time (``flat``: its fields)."""
        self.count += 1
        if self.unreadable is None:
            self.unreadable = unreadable_time(flat, time_field)

    def which_time(self, time_field: str) -> str:
        """``time in field 'time'`` when the events lack the field, else what it held that is no time: the words
        after "had no" (``search``'s hint, the replay's RP002)."""
        if self.unreadable is None:
            return f"time in field '{time_field}'"
        return f"readable time in field '{time_field}' ({unreadable_time_text(time_field, self.unreadable)}, the first)"

    def time_fix(self, no_field: str) -> str:
        """What to do: write readable times when the field held some text, else ``no_field`` (the caller's way to
        say where each event's time is)."""
        return no_field if self.unreadable is None else f"write each event's time as {TIME_FORMATS}"


# The moments time arithmetic can hold: a day inside the years 1 to 9999 (Python's datetime, in any time zone).
EARLIEST_MOMENT = -62135510400.0  # 0001-01-02T00:00:00Z
LATEST_MOMENT = 253402128000.0  # 9999-12-30T00:00:00Z
CALENDAR = f"a moment from {iso_utc(EARLIEST_MOMENT)} to {iso_utc(LATEST_MOMENT)}"  # the two, as a message says them


def in_calendar(moment: float) -> bool:
    """False for NaN, infinities and moments no calendar date can hold: such a timestamp is not one (Splunk,
    likewise, ignores a timestamp outside MAX_DAYS_AGO/MAX_DAYS_HENCE and keeps the fallback time)."""
    return EARLIEST_MOMENT <= moment <= LATEST_MOMENT


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
    untimed: ReadTally | None = None,
    fields: dict[str, Value] | None = None,
) -> Event:
    """One event: extracted fields first, then the metadata Splunk always has. An event without a time gets
    ``fallback_time`` and is counted in ``untimed``.

    ``flat`` holds the fields of all of ``raw``, its time read from them (Splunk finds ``_time`` when it indexes
    the event, before any search-time extraction); ``fields``, when given, are the fields the event gets instead
    (:func:`cut_fields`: those automatic extraction finds in a long event's first bytes)."""
    event: Event = dict(flat if fields is None else fields)
    event["_raw"] = raw
    moment = event_time(flat, time_field)
    if moment is None:
        moment = fallback_time
        if untimed is not None:
            untimed.add(flat, time_field)
    event["_time"] = moment
    event["source"] = source
    event["sourcetype"] = sourcetype
    event["host"] = host
    event["index"] = index
    return event


GZIP_MAGIC = b"\x1f\x8b"  # the first two bytes of every gzip file (RFC 1952, 2.3.1: ID1, ID2)
# The first bytes of other compressed or archived files (format, how to get the log out): bzip2's stream header
# "BZh", its block size digit and the first block's magic 0x314159265359 (the bzip2 format as bzip2 1.0.8 writes
# it); xz's header magic (The .xz File Format 1.0.4, 2.1.1.1); zstd's frame magic 0xFD2FB528, little-endian (RFC
# 8878, 3.1.1); a zip archive's local file header signature 0x04034b50, little-endian (PKWARE APPNOTE.TXT 6.3.10,
# 4.3.7). Read as text, each was "not valid UTF-8" or a malformed line, which says nothing of the cause.
# Then what a user exporting Entra ID logs on Windows or from Event Hubs has instead of UTF-8 JSON lines: UTF-16 text
# by its byte-order mark, FF FE or FE FF (RFC 2781, 3.2; Windows PowerShell 5.1's `>` and Out-File write UTF-16LE
# with it, about_Character_Encoding), once "not a supported input" or "not valid UTF-8 (byte 0xff)"; an Avro
# object container file, "Obj" and version 1 (Apache Avro 1.11 specification, "Object Container Files"), the format
# Event Hubs Capture writes (learn.microsoft.com, "Capture events through Azure Event Hubs": one Avro record a message,
# its body in the record's Body field), which the docs named as a source while the reader called it "not a supported input"
# and search read it as text.
_DECOMPRESS = "decompress it first ({})"
AVRO_ADVICE = "write each message's Body as one JSON line first"  # the caller names its own docs on how
ZIP_MAGIC = b"PK\x03\x04"
# An Excel workbook is a zip archive too (ECMA-376 Part 2, Open Packaging Conventions, 8: a package is a ZIP file;
# .xlsx a workbook, .xlsm one with macros, Microsoft's "File formats that are supported in Excel"): an Excel download
# of the logs given by name was "a zip archive ...: decompress it first (unzip)", which yields XML parts, no log.
# Told apart by its name, as Excel saves it (a workbook renamed otherwise is still refused as a zip archive). What to
# do instead is one text, also the folder note's for a spreadsheet (the caller names its own docs on how).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
EXPORT_ADVICE = "export the logs from Splunk as JSON or CSV"
_PACKED: tuple[tuple[re.Pattern[bytes], str, str], ...] = (
    (re.compile(rb"BZh[1-9]1AY&SY"), "bzip2-compressed", _DECOMPRESS.format("bunzip2 -k")),
    (re.compile(re.escape(b"\xfd7zXZ\x00")), "xz-compressed", _DECOMPRESS.format("unxz -k")),
    (re.compile(re.escape(b"\x28\xb5\x2f\xfd")), "zstd-compressed", _DECOMPRESS.format("unzstd")),
    (re.compile(re.escape(ZIP_MAGIC)), "a zip archive", _DECOMPRESS.format("unzip")),
    (re.compile(b"\xff\xfe|\xfe\xff"), "UTF-16 text (its byte-order mark)",
     "convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8; in Windows PowerShell 5.1 write the export with "
     "Out-File -Encoding utf8, as > writes UTF-16)"),
    (re.compile(re.escape(b"Obj\x01")), "an Avro file, as Event Hubs Capture writes", AVRO_ADVICE),
)
PACKED_HEAD = 10  # the bytes ``packed_refusal`` needs (bzip2's: "BZh", the digit, the block magic)
GZIP_REFUSED = "gzip-compressed, and events are read from uncompressed files only: decompress it first (gunzip -k)"


def packed_refusal(head: bytes, name: str) -> str | None:
    """The refusal of a file whose first bytes (at least ``PACKED_HEAD`` of them, when it has that many) are those
    of a compressed format or archive other than gzip, UTF-16 text or an Avro file, which neither
    ``search`` nor ``backtest`` reads; None for any other file. ``name``: the file's, which tells an Excel
    workbook from another zip archive (``WORKBOOK_SUFFIXES``)."""
    if head.startswith(ZIP_MAGIC) and name.lower().endswith(WORKBOOK_SUFFIXES):
        return f"an Excel workbook, which is not read: {EXPORT_ADVICE}"
    return next((f"{what}, which is not read: {advice}" for magic, what, advice in _PACKED if magic.match(head)), None)


def open_events(path: str | os.PathLike[str]) -> BinaryIO:
    """``files.open_regular`` for an events file, refusing a compressed one (gzip, bzip2, xz, zstd) or a zip archive
    (:class:`files.FileRefused`, recognised by its first bytes as ``backtest`` recognises one, not by its name).

    Why refused rather than read: the scan finds a search's terms in the file's own bytes (a memory map, and byte
    ranges split between workers) and names a bad line by its byte offset in the file, none of which a
    compressed stream has. Read as it is, a ``.gz`` file was a "malformed JSON event: not valid UTF-8 (byte
    0x8b…)", which says nothing of the cause. Nothing is decompressed, so a corrupt file or a gzip bomb is
    refused the same way, at no cost. (``search --events`` gives a gzip file to the backtest's reader instead,
    which streams it: ``cli.search``.)"""
    handle = open_regular(path)
    try:
        head = handle.read(PACKED_HEAD)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    refused = GZIP_REFUSED if head.startswith(GZIP_MAGIC) else packed_refusal(head, os.fspath(path))
    if refused is not None:
        handle.close()
        raise FileRefused(refused)
    return handle


MAX_LINE_BYTES = 16 << 20  # one event line; a longer "line" is a binary or runaway file, not an event
LINE_TOO_LONG = f"line longer than {count_text(MAX_LINE_BYTES)} bytes"
MAX_ARRAY_FILE_BYTES = 64 << 20  # a JSON-array file is decoded whole: bigger ones should be JSON lines
# A JSON text read whole (an array, a multi-line object) that does not decode: the one wording of ``search
# --events`` and ``backtest --events`` (search said "malformed JSON array" where the backtest said this)
MALFORMED_DOCUMENT = "malformed JSON document"
# A line that does not decode, whatever it holds (a record, a Splunk export's row, an Event Hub message): the one
# wording of both commands' readers. The backtest's reader said "malformed JSON" for a line starting as an export
# or Event Hub message and this for any other, so the same cut line was named one way in a plain file that
# ``search --events`` scans and the other in a ``.gz`` file, which it reads with the backtest's reader.
MALFORMED_EVENT = "malformed JSON event"
BAD_LINES_SHOWN = 5
_BOM = b"\xef\xbb\xbf"


@dataclass
class BadLines:
    """Malformed lines of one file: how many, and the first few with their reasons (each said after ``label``,
    or alone when the reasons say what is wrong themselves, as the backtest reader's do)."""

    path: str
    count: int = 0
    first: list[tuple[int, str, int | None]] = field(default_factory=list)  # (line, reason, column if known)
    label: str = f"{MALFORMED_EVENT}: "

    def add(self, line_no: int, reason: str, column: int | None = None, *, own_words: bool = False) -> None:
        """One more bad line; ``own_words``: its reason is said without ``label`` (:data:`NOT_AN_OBJECT`, in the
        backtest reader's words: the line is no malformed JSON event, it is no JSON at all)."""
        self.count += 1
        if len(self.first) < BAD_LINES_SHOWN:
            self.first.append((line_no, reason if own_words else f"{self.label}{reason}", column))

    def error(self) -> SplEventsError | None:
        """The error that ends the read, or None when every line was good."""
        if not self.count:
            return None
        line_no, problem, column = self.first[0]
        if self.count > 1:
            lines = ", ".join(str(number) for number, _, _ in self.first)
            more = ", ..." if self.count > len(self.first) else ""
            problem += f" ({self.count} malformed lines in all: lines {lines}{more})"
        return SplEventsError(self.path, problem, line_no, column)


def too_long(line: bytes) -> bool:
    """Whether an event line (as :func:`capped_lines` gives it, or whole) is longer than ``MAX_LINE_BYTES``, not
    counting its ending, ``\\n`` or ``\\r\\n``: Splunk's default ``LINE_BREAKER = ([\\r\\n]+)`` discards the
    line ending ("The contents of the first capturing group are discarded, and will not be present in any event",
    props.conf, https://docs.splunk.com/Documentation/Splunk/latest/Admin/propsconf), so ``TRUNCATE``, its line
    length, does not count the ``\\r`` of a CRLF file either. An assumed rule beyond that: a lone ``\\r`` at the
    end of the file is a byte of the line."""
    ending = 2 if line.endswith(b"\r\n") else 1 if line.endswith(b"\n") else 0
    return len(line) - ending > MAX_LINE_BYTES


_SKIP_BLOCK = 1 << 20
LINES_READ = 1 << 20  # bytes read at a time by capped_lines


def skip_line(handle: BinaryIO) -> int:
    """Read past the rest of the current line, a block of 1 MiB at a time (never the whole line at once, nor a
    second line's worth beside the one the caller holds); the bytes read."""
    skipped = 0
    while True:
        block = handle.readline(_SKIP_BLOCK)
        skipped += len(block)
        if not block or block.endswith(b"\n"):
            return skipped


def capped_runs(handle: BinaryIO, size: int) -> Iterator[tuple[bytes, int | None]]:
    """The one way event lines are read from a stream: its bytes from the handle's place as ``(run, skipped)``
    pairs in file order. A run with ``skipped`` None is whole lines, none too long (:func:`too_long`), the file's
    last perhaps without its newline. A run with ``skipped`` a number is the start of one line too long: its first
    ``MAX_LINE_BYTES + 2`` bytes at most, the ``skipped`` bytes after them read past, never held (``for line in
    handle`` reads a "line" whole however long it is, a 40 MB text file without a newline into memory).

    Read ``size`` bytes at a time (at most ``MAX_LINE_BYTES``), the last line of each read completed with a
    ``readline`` capped at what is left of its ``MAX_LINE_BYTES + 2``: a line wholly inside a read is then never
    too long, so only that last line is checked, and a run is one copy of the read, never split into lines."""
    held = MAX_LINE_BYTES + 2  # a line's bytes and its "\r\n"
    size = min(size, MAX_LINE_BYTES)
    while True:
        block = handle.read(size)
        if not block:
            return
        cut = block.rfind(b"\n") + 1  # where the read's last line starts
        if cut == len(block):
            yield block, None
            continue
        rest = handle.readline(held - (len(block) - cut))
        last = block[cut:] + rest
        if not too_long(last):
            yield block + rest, None
            continue
        if cut:
            yield block[:cut], None
        del block, rest  # the line's start is held once, ``last``
        yield last, 0 if last.endswith(b"\n") else skip_line(handle)


def capped_lines(handle: BinaryIO, position: int = 0) -> Iterator[tuple[int, bytes]]:
    """``(byte offset, line)`` for each line from the handle's place (at byte ``position`` of the file), as
    :func:`capped_runs` reads them: a line too long comes as the start of it that was held (:func:`too_long`)."""
    for run, skipped in capped_runs(handle, LINES_READ):
        if skipped is not None:
            yield position, run
            position += len(run) + skipped
            continue
        start, size = 0, len(run)
        while start < size:
            end = run.find(b"\n", start) + 1
            if not end:
                end = size
            yield position + start, run[start:end]
            start = end
        position += size


def unreadable(path: str | os.PathLike[str], exc: OSError) -> SplEventsError:
    """The error for an events file the system will not give (missing, a folder, no permission, refused)."""
    return SplEventsError(str(path), f"cannot read events: {exc}")


def event_lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, str, object | None]]:
    """``(line number, line text, decoded JSON or None for a plain-text line)`` for every non-blank line of a
    JSON-lines or text file, streamed; raises :class:`SplEventsError` after the last line if any line was bad.

    The one reader of event lines (``read_events`` and the backtest inputs build on it).
    """
    shown = str(path)
    try:
        handle = open_events(path)
    except OSError as exc:
        raise unreadable(shown, exc) from None
    bad = BadLines(shown)
    with handle:
        json_lines = json_lines_head(handle.read(HEAD_READ))
        handle.seek(0)
        for line_no, (_, line) in enumerate(capped_lines(handle), 1):
            if too_long(line):
                bad.add(line_no, LINE_TOO_LONG)
                continue
            if line_no == 1 and line.startswith(_BOM):
                line = line[len(_BOM):]
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad.add(line_no, _not_utf8(line, exc))
                continue
            stripped = text.strip()
            if not stripped:
                continue
            if not stripped.startswith("{"):
                if json_lines:
                    bad.add(line_no, NOT_AN_OBJECT, own_words=True)
                    continue
                yield line_no, text.rstrip("\r\n"), None
                continue
            try:
                decoded = decode_json(stripped)
            except ValueError as exc:
                bad.add(line_no, unended_reason(str(exc), not line.endswith(b"\n")), error_column(exc, text))
                continue
            yield line_no, text.rstrip("\r\n"), decoded
    problem = bad.error()
    if problem is not None:
        raise problem


def _not_utf8(line: bytes, exc: UnicodeDecodeError) -> str:
    return f"not valid UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1})"


def utf8_problem(line: bytes) -> str | None:
    """Why an event line is not UTF-8 text, in ``event_lines``' words, or None (the streaming scanner's check)."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _not_utf8(line, exc)
    return None


HEAD_READ = 4096  # the bytes of an events file its format is judged by

#: Why a line of a JSON-lines file (:func:`json_lines_head`) that does not open a JSON object is no event: the one
#: judgement of ``search --events`` and ``backtest --events`` (search once read such a line, ``garbage`` between two
#: records, as a text event, where the backtest called it this).
NOT_AN_OBJECT = "not a JSON object"


def json_lines_head(head: bytes) -> bool:
    """Whether an events file whose first bytes are ``head`` is JSON lines: a line of its first :data:`HEAD_READ`
    bytes (a byte-order mark skipped) opens a JSON object. Every line of such a file must be one
    (:data:`NOT_AN_OBJECT`); in a file with none there, each line is a text event (``search --events`` on a text
    log). The one rule of both commands' readers: ``backtest.inputs`` tells JSON lines from other inputs by it.
    Splunk itself would index such a line as an event with no JSON field and no time of its own (assumed: the
    add-on's ``KV_MODE = json`` extracts nothing from it); a record cut or replaced in an export is what it is here,
    and calling it an event would count it as one."""
    text = head[:HEAD_READ].removeprefix(_BOM)
    return any(line.lstrip().startswith(b"{") for line in text.split(b"\n"))


def events_head(path: str | os.PathLike[str], size: int = HEAD_READ) -> bytes:
    """The first ``size`` bytes of an events file, opened as it is read (:func:`open_events`: a gzip-compressed
    one is refused); :class:`SplEventsError` when it cannot be read."""
    try:
        with open_events(path) as handle:
            return handle.read(size)
    except OSError as exc:
        raise unreadable(path, exc) from None


def starts_json_array(path: str | os.PathLike[str]) -> bool:
    """Whether an events file is one JSON array (decoded whole) rather than lines (streamed)."""
    return head_starts_array(events_head(path))


def head_starts_array(head: bytes) -> bool:
    """Whether an events file whose first bytes (:func:`events_head`) are ``head`` is one JSON array."""
    return head.removeprefix(_BOM).lstrip().startswith(b"[")


def _json_array(path: str | os.PathLike[str]) -> tuple[list[object], list[object]] | None:
    """The elements of a JSON-array file (exact number text, and plain values for ``_raw``); None when the
    file does not start with ``[``."""
    shown = str(path)
    try:
        with open_events(path) as handle:
            head = handle.read(HEAD_READ)
            if not head.removeprefix(_BOM).lstrip().startswith(b"["):
                return None
            data = head + handle.read(MAX_ARRAY_FILE_BYTES + 1 - len(head))
    except OSError as exc:
        raise unreadable(shown, exc) from None
    if len(data) > MAX_ARRAY_FILE_BYTES:
        raise SplEventsError(shown, f"a JSON-array events file is read whole and may hold at most "
                             f"{count_text(MAX_ARRAY_FILE_BYTES)} bytes; write bigger files as JSON lines")
    try:
        text = data.removeprefix(_BOM).decode("utf-8")
        items = decode_json(text)
        plain = load_json(text)  # the same items with real numbers, to write each element's _raw
    except (ValueError, RecursionError) as exc:  # at the place, as the backtest's reader says it
        place = (exc.lineno, exc.colno) if isinstance(exc, (json.JSONDecodeError, JsonColumnError)) else (None, None)
        raise SplEventsError(shown, f"{MALFORMED_DOCUMENT}: {exc}", *place) from None
    if not isinstance(items, list) or not isinstance(plain, list):
        raise SplEventsError(shown, "a JSON array file must hold an array of events")
    strays = [number for number, item in enumerate(plain, start=1) if not isinstance(item, dict)]
    if strays:
        raise _not_objects(shown, text, strays)
    return items, plain


_GAP = re.compile(r"[ \t\n\r,:]*")  # between two values of a JSON text: whitespace, the comma, a key's colon
_VALUE = json.JSONDecoder()


def _not_objects(path: str, text: str, numbers: list[int]) -> SplEventsError:
    """The array's elements that are not JSON objects (``["x"]``, ``[5]``): no event, as the backtest's reader
    refuses them (``item N: an element of the array is not a JSON object``, its words), at the first one's line
    (it once became an event with no field and no time), and how many in all."""
    problem = f"item {numbers[0]}: an element of the array is not a JSON object"
    if len(numbers) > 1:
        more = ", ..." if len(numbers) > BAD_LINES_SHOWN else ""
        listed = ", ".join(str(number) for number in numbers[:BAD_LINES_SHOWN])
        problem += f" ({len(numbers)} elements in all: items {listed}{more})"
    return SplEventsError(path, problem, json_line(text, [numbers[0]]))


def json_line(text: str, steps: Sequence[int | str]) -> int:
    """The line (1-based) a value of a JSON text starts on (decoded already, so well-formed), reached by ``steps``
    from the top: a number is that element (1-based) of an array, a text that member of an object (its last, as
    the decoder keeps the last of a key given twice). The decoder skips each value before it, only when there is
    an error to place: the line of a JSON array's bad element in ``search --events`` and ``backtest --events``,
    whether the array holds the events or a Splunk export's results (``{"results": [...]}``)."""
    return text.count("\n", 0, _value_start(text, steps)) + 1


def json_string_place(text: str, steps: Sequence[int | str], index: int) -> tuple[int, int]:
    """The line and column (1-based, in characters) in a JSON text (well-formed) of character ``index`` of the
    string value ``steps`` reach (as :func:`json_line`): where a raw control character of an exported ``_raw`` is
    in the export, which writes it escaped (``\\t``). Each escape counts as the character it stands for, a
    surrogate pair's two ``\\u`` escapes as the one character the decoder makes of them."""
    at = _value_start(text, steps) + 1  # past the opening quote
    for _ in range(index):
        if text[at] != "\\":
            at += 1
        elif text[at + 1] != "u":
            at += 2
        else:
            high = 0xD800 <= int(text[at + 2:at + 6], 16) < 0xDC00
            at += 12 if high and _LOW_SURROGATE.match(text, at + 6) else 6
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


_LOW_SURROGATE = re.compile(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _value_start(text: str, steps: Sequence[int | str]) -> int:
    """The offset of the value ``steps`` reach in a well-formed JSON text (:func:`json_line`)."""
    at = _gap_end(text, 0)
    for step in steps:
        at = _gap_end(text, at + 1)  # past the array's [ or the object's {
        if isinstance(step, int):
            for _ in range(step - 1):
                at = _gap_end(text, _VALUE.raw_decode(text, at)[1])
            continue
        found = at
        while text[at] != "}":
            key, at = _VALUE.raw_decode(text, at)
            at = _gap_end(text, at)
            found = at if key == step else found
            at = _gap_end(text, _VALUE.raw_decode(text, at)[1])
        at = found
    return at


def _gap_end(text: str, at: int) -> int:
    found = _GAP.match(text, at)
    assert found is not None  # the pattern matches the empty string
    return found.end()


def read_events(
    path: str | os.PathLike[str],
    *,
    sourcetype: str,
    source: str | None = None,
    host: str = "",
    index: str = "main",
    time_field: str = "time",
    untimed: list[ReadTally] | None = None,
) -> Iterator[Event]:
    """Yield the events of a JSON-lines, JSON-array or plain-text file, in file order.

    A file whose first non-blank character is ``[`` is one JSON array of events; otherwise every non-blank
    line is one event — JSON when it starts with ``{``, plain text in a text file (a line that is no JSON object in a
    file of JSON lines is a bad line: :func:`json_lines_head`; see :func:`event_lines`).
    ``source`` defaults to the path. Events without a timestamp get the file's modification time, and are
    counted in an :class:`ReadTally` appended to ``untimed`` when given. Malformed JSON lines raise
    :class:`SplEventsError` ``"<path>:<line>: malformed JSON event: ..."`` once the file is read.
    """
    src = str(path) if source is None else source
    try:
        fallback = os.stat(path).st_mtime
    except OSError as exc:
        raise unreadable(path, exc) from None
    tally = ReadTally(str(path), fallback)
    if untimed is not None:
        untimed.append(tally)
    meta = dict(sourcetype=sourcetype, source=src, host=host, index=index, time_field=time_field)
    array = _json_array(path)
    if array is not None:
        for item, original in zip(*array):
            raw = json.dumps(original, ensure_ascii=False)
            flat = _flat(item, path, 0)
            fields = cut_fields(raw.encode("utf-8"), flat, flat_json, tally) if flat else flat
            yield make_event(raw, flat, fallback_time=fallback, untimed=tally, fields=fields, **meta)
        return
    for line_no, line, decoded in event_lines(path):
        flat = {} if decoded is None else _flat(decoded, path, line_no)
        fields = cut_fields(line.encode("utf-8"), flat, flat_json, tally) if flat else flat
        yield make_event(line, flat, fallback_time=fallback, untimed=tally, fields=fields, **meta)



def _flat(decoded: object, path: str | os.PathLike[str], line_no: int) -> dict[str, Value]:
    try:
        return flatten_json(decoded)
    except ValueError as exc:
        raise SplEventsError(str(path), f"{MALFORMED_EVENT}: {exc}", line_no or None) from None
