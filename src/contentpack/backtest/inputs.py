"""The logs users have, read once into events: Event Hub JSON, Splunk search exports, gzip, folders.

Accepted, file by file (gzip-compressed or not, recognised by its magic bytes, not its name):

* **Azure Monitor records as the Event Hub delivers them** (``azure:monitor:aad``): one JSON record per
  line, or one Event Hub message body ``{"records": [...]}`` per line, which the Splunk add-on splits into
  one event per record with ``json.dumps(record)`` as ``_raw`` (``shared/reference/azure_monitor_aad.md`` §1).
  ``_time`` is the record's ``time`` (the add-on's ``TIME_PREFIX``); the ingestion delay is left to the
  simulation's delay model.
* **Splunk's search export**, JSON: the lines ``/services/search/jobs/export?output_mode=json`` streams
  (``{"preview": false, "result": {...}}``, and ``{"results": [...]}`` documents — the shapes splunk-sdk's
  ``splunklib.results.JSONResultsReader`` reads); CSV with a ``_raw`` column (Splunk Web's "Export results",
  or ``output_mode=csv``). Each row's ``_raw`` is extracted again (``KV_MODE = json``), its ``_time`` and
  **``_indextime`` are kept** (the real ingestion delay), and ``sourcetype``/``source``/``host``/``index``
  come from the row when present.
* A JSON array of records or export rows, or one JSON object spanning several lines (a saved Event Hub
  message, a pretty-printed results document: its first line opens the object, ``_opens_document``): read whole,
  so at most ``MAX_DOCUMENT_BYTES`` (64 MB); bigger inputs must be JSON lines (the refusal gives the jq
  command for its shape: ``_as_lines``).

An object is a message or an export's line by all its keys (``_wrapper``), not its first: any other is a record.
* A folder: every file under it named like logs (``.json``, ``.jsonl``, ``.ndjson``, ``.log``, ``.csv``,
  ``.txt``, each optionally ``.gz``), recursively, in name order (hidden files are skipped).

Why not ``spl.events.read_events``/``event_lines``: they decode every line, which is what a search over a
test file needs; a backtest over a week of a tenant's logs must skip the ~98% of lines no detection can
match without decoding them. So lines are found in raw bytes first — the engine's own scan idea
(``spl.scan``), generalised to several searches — and decoded with the scanner's ``decode_fields``; the
line rules are the same (lines end at ``\n`` only, a byte-order mark is skipped) and lines are read by the same
capped reader (``events.capped_runs``: a line longer than ``events.MAX_LINE_BYTES`` is a bad line, never held
whole).

One pass: lines are read in large blocks, each scanned in pieces small enough to stay in the processor's
cache while it is lower-cased and searched once per anchor (``rawfilter``); only the lines some detection can
match are decoded, and only the fields some detection reads; the rest is checked for shape only (every line
of a JSON-lines file must be a ``{...}`` object, without a raw control character in a string:
``events.raw_control``). Bad lines — malformed JSON, a record that is not an object, an
export row without ``_raw`` or with an unreadable ``_time``/``_indextime``, a record without a readable
``time``, invalid UTF-8 — are counted and the first few reported with file and line, never a traceback and
never silently dropped (nor given a made-up time). Entra ID logs in another schema (Graph, the admin center's
download, Log Analytics, and a Splunk export of them) are refused by ``foreign`` from a file's first line, element,
header or first exported row.

``search --events`` finds its files with :func:`find_inputs` too, and reads the inputs only this reader takes apart
(exports and Event Hub messages, :func:`wrapped_input`, and gzip-compressed files) with it, at each search, every line kept and the fields the search reads extracted:
streamed, as a JSON-lines file is scanned (``cli.search._Export``).

Memory: the events kept (those a detection can match, with only the fields detections read), never the
file; a block of 8 MB is read at a time.
"""

from __future__ import annotations

import csv
import errno
import gzip
import io
import json
import math
import os
import re
import shlex
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

from contentpack.backtest.foreign import (
    EXPORT_DOCS,
    HEAD_BYTES,
    HINT_BYTES,
    MARK_OVERLAP,
    document_refusal,
    entra_marked,
    head_refusal,
    other_values,
    with_docs,
)
from contentpack.backtest.rawfilter import RawFilter
from contentpack.content.diagnostics import Diagnostic, Position, warning
from contentpack.cut_lists import count_text, cut_list, more_text
from contentpack.printable import path_text
from contentpack.replay.attack_data import RULE_ATTACK_DATA
from contentpack.spl.events import (
    AUTO_EXTRACTION_CUTOFF,
    EXPORT_ADVICE,
    GZIP_MAGIC,
    LINE_TOO_LONG,
    MALFORMED_DOCUMENT,
    MALFORMED_EVENT,
    NOT_AN_OBJECT,
    TIME_FORMATS,
    WORKBOOK_SUFFIXES,
    JsonColumnError,
    capped_runs,
    cut_fields,
    error_column,
    holds_control,
    in_calendar,
    json_line,
    json_lines_head,
    json_string_place,
    load_json,
    make_event,
    packed_refusal,
    parse_timestamp,
    raw_control,
    unended_reason,
    unreadable_time,
    unreadable_time_text,
)
from contentpack.spl.files import empty_files, no_such_input, os_reason
from contentpack.spl.scan import PathPlan, decode_fields, path_plan
from contentpack.spl.values import Event, Value

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

BLOCK = 8 << 20
PIECE = 1 << 20  # scanned at a time within a block (``_pieces``)
MAX_DOCUMENT_BYTES = 64 << 20  # a JSON array or multi-line object is decoded whole
LOG_SUFFIXES = (".json", ".jsonl", ".ndjson", ".log", ".csv", ".txt")
# An Excel download of the logs (the portal's, or a search's results saved from a spreadsheet): named apart in the
# note of files not read, with the exports that are read, where "not named like logs" named no way on
SPREADSHEET_SUFFIXES = (*WORKBOOK_SUFFIXES, ".xls")
MAX_REPORTED = 10  # bad lines listed by position; all are counted
# what an export of the logs from Splunk keeps (README, "Backtest on your tenant", step 1): each event's text, its times
# (_indextime: the real ingestion delay) and the metadata the searches read
EXPORT_FIELDS = "| fields _raw _time _indextime sourcetype source host index"
# The units of what was read, and of what was bad: a whole line, CSV row or JSON document, or a record (of an Event
# Hub message), a result (of a ``results`` list) or an element (of a JSON array) inside a line or document
LINES, ROWS, DOCUMENTS, RECORDS = "line(s)", "CSV row(s)", "JSON document(s)", "record(s)"
_BAD_UNITS = (LINES, ROWS, DOCUMENTS, RECORDS)  # the order they are said in
# The lines read, as the read line counts them beside CSV rows and documents: "109 line(s), 109 CSV row(s)" read as
# the lines of every file and the rows of some, not as two kinds of input (``ReadReport.amount_read``)
JSON_LINES = "JSON line(s)"
_BOM = b"\xef\xbb\xbf"
# The keys of the objects Splunk's export writes with output_mode=json, one a line from /services/search/jobs/export
# or a results document: splunk-sdk's JSONResultsReader reads "preview", "messages", "result" and "results"
# (splunklib/results.py); "offset" and "lastrow" (export lines), "init_offset", "fields" and "highlighted" (a results
# document) are the others Splunk writes there (assumed: seen in Splunk's output, in no reference). An Event Hub
# message body's one key is "records" (shared/reference/azure_monitor_aad.md §1).
_EXPORT_KEYS = frozenset({"preview", "offset", "lastrow", "result", "results", "messages", "init_offset", "fields",
                          "highlighted"})
_MESSAGE_KEYS = frozenset({"records"})
# a line whose first key is one of theirs may be a wrapper: only such a line is decoded to tell (``_wrapper``)
_WRAPPER = re.compile(rb'\{\s*"(' + b"|".join(sorted(key.encode() for key in _EXPORT_KEYS | _MESSAGE_KEYS))
                      + rb')"\s*:')
_CSV_FIELD_LIMIT = 16 << 20  # a whole _raw in one cell (Splunk's TRUNCATE for this sourcetype is 2 MB)
_ESCAPED = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as errors="surrogateescape" decodes it
# What ``_time_value`` reads, for the message about one it cannot: a US ``02/08/2024 10:00:00 PM`` (a spreadsheet's
# re-save of an export) was "unreadable" without a word of what is read
EXPORT_TIME_FORMS = (f"an export's times are read as {TIME_FORMATS}, also ending in ' UTC' or ' GMT', as Splunk "
                     "exports them; export again (a file saved again by a spreadsheet may have its times rewritten) "
                     "or write them in one of those forms")
_NO_TIME = math.nan  # make_event's fallback: a record without a readable time is reported, never given one




class InputError(Exception):
    """A path that cannot be read at all (missing, not a file, an unsupported format): a usage error."""


@dataclass(frozen=True)
class BadLine:
    path: str
    line: int  # 1-based; in a JSON document, the line its bad item (or the item's bad record or result) starts on
    message: str
    column: int = 1  # 1-based: where in the line, when the problem has a place of its own (a raw control character)

    def diagnostic(self) -> Diagnostic:
        """``path:line:col: warning[RP002]: reason``: the form and rule of ``search``'s malformed events line, a
        warning as the backtest skips the line and goes on (the column 1 unless the reason has a place of its own)."""
        path = path_text(self.path)  # a name that is not UTF-8 as the text output shows it, in summary.json too
        return warning(Position(path, self.line, self.column), RULE_ATTACK_DATA, self.message)

    def render(self) -> str:
        return self.diagnostic().render()


@dataclass
class ReadReport:
    """What reading the inputs found: counts, and the first bad lines with their positions.

    Each count is in the unit that file has: what was read is lines (JSON-lines files), rows (CSV) and documents
    (a JSON array or multi-line object), and what became of it is events (a record, an export result or row, an
    array's element: what Splunk would index as one event) — except the lines set aside unread, whose events
    are not known: that is what the raw-text filter saves (an Event Hub message line holds many records). What
    was bad is counted in its own unit too (``bad_units``): a whole line, CSV row or document, or one record,
    result or element inside a line or document (the others of that line still count); ``bad`` is all of them."""

    files: list[str] = field(default_factory=list)
    lines: int = 0  # lines of JSON-lines files
    rows: int = 0  # rows of CSV exports (a row may span lines)
    documents: int = 0  # JSON documents read whole
    events: int = 0  # events kept for the detections
    outside: int = 0  # events outside the time range asked for
    unmatched: int = 0  # events decoded (or a CSV row read) that no detection can match
    unread: int = 0  # well-formed lines the raw-text filter set aside without decoding: no detection can match them
    decoded: int = 0  # lines decoded, not bad as a whole: with the unread, the bad and the blank ones, every line
    blank: int = 0  # empty lines (a line too long to read is a bad line instead)
    messages: int = 0  # Event Hub message lines decoded, and the records they hold (the events, bad records
    message_records: int = 0  # included, of those lines): how the lines decoded became that many events
    bad: int = 0  # every bad line, row, document and record (summary.json's ``bad_lines``, as before 2026-12)
    bad_units: dict[str, int] = field(default_factory=dict)  # the same by unit: LINES, ROWS, DOCUMENTS, RECORDS
    bad_lines: list[BadLine] = field(default_factory=list)  # the first MAX_REPORTED, whatever their unit
    # events a detection can match (kept, or outside --from/--to) whose _indextime came from the input: an export's
    # rows no detection can match are set aside before their _indextime is read, so this is not every row that has one
    with_indextime: int = 0
    # of those, the ones indexed before the second they happened (``_indextime`` whole seconds, ``_time`` perhaps not):
    # Splunk indexes an event after it happened, so this is the source's clock ahead of the indexer's or a
    # timestamp read in the wrong time zone (a hand-made export's columns swapped or shifted); the simulation
    # takes both as given, and a detection's window finds such an event by its _time, which may be hours off
    indexed_early: int = 0
    # events a detection can match (kept, or outside --from/--to) of a Splunk export without an _indextime of their
    # own, which the delay model gives one: the README's export keeps the real ingestion delay only with `| fields
    # ... _indextime`, and a newcomer's export without it was simulated on the model with no word of it
    unindexed_exports: int = 0
    cut: int = 0  # events decoded (a bad record too) over events.AUTO_EXTRACTION_CUTOFF bytes (``cut_fields``)
    first_time: float | None = None  # the input's time span: every kept event, and the first and last
    last_time: float | None = None   # line of each block (exact for files sorted either way)
    outside_span: tuple[float, float] | None = None  # the first and last time of the events outside the range
    # (a file, an earlier file of the run): the same bytes once decompressed (``EventReader.read_file``), so the
    # same events read twice (``same_content_note``)
    same_content: list[tuple[str, str]] = field(default_factory=list)
    # (a file, an earlier file, how many): events kept from the file with the same _raw as events kept from the earlier
    # one (``EventReader.read``, ``same_records_note``)
    same_records: list[tuple[str, str, int]] = field(default_factory=list)
    # whether a byte read held a mark of an Entra ID sign-in or audit record (``foreign.ENTRA_MARKS``), set aside
    # unread or not: none is another product's logs, which no detection can match (``report.unread_stop``); until
    # 2026-12-08 those were "no timed events" or a report of zeros, never said to be another product's
    entra: bool = False
    # of each file's first bytes, the values that hint which product's logs they are (``foreign.other_values``)
    other_values: list[tuple[str, str]] = field(default_factory=list)

    def left_out(self, when: float | None) -> None:
        """An event a detection could match, outside the time range asked for."""
        self.outside += 1
        if when is not None:
            span = self.outside_span or (when, when)
            self.outside_span = (min(span[0], when), max(span[1], when))

    def saw(self, when: float | None) -> None:
        if when is None:
            return
        if self.first_time is None or when < self.first_time:
            self.first_time = when
        if self.last_time is None or when > self.last_time:
            self.last_time = when

    @property
    def span(self) -> tuple[float, float] | None:
        """The first and last time seen in the input (``saw``), or None when no time was."""
        return None if self.first_time is None or self.last_time is None else (self.first_time, self.last_time)

    def add_bad(self, path: str, line: int | Callable[[], int], message: str, unit: str, column: int = 1) -> None:
        """One more bad one, listed (at ``line`` and ``column``) while fewer than ``MAX_REPORTED`` are; ``line`` may
        be a function finding it, called only then (``events.json_line`` reads a JSON document up to the bad item)."""
        self.bad += 1
        self.bad_units[unit] = self.bad_units.get(unit, 0) + 1
        if len(self.bad_lines) < MAX_REPORTED:
            self.bad_lines.append(BadLine(path, line if isinstance(line, int) else line(), message, column))

    def amount_read(self) -> str:
        """How much was read, in the units of the files read: ``3,881 JSON line(s)`` (``JSON_LINES``: the lines of
        JSON-lines files), ``500 CSV row(s)``, ``1 JSON document(s)``, those present joined (``0 JSON line(s)`` for
        nothing)."""
        return ", ".join(f"{count_text(count)} {JSON_LINES if unit == LINES else unit}" for count, unit in self._read())

    def _read(self) -> list[tuple[int, str]]:
        amounts = ((self.lines, LINES), (self.rows, ROWS), (self.documents, DOCUMENTS))
        return [(count, unit) for count, unit in amounts if count] or [(0, LINES)]

    def amount_bad(self) -> str:
        """What was bad, each in its unit (``2 bad record(s)``: two elements of an array, once "2 bad line(s)";
        ``1 bad line(s), 3 bad record(s)``); nothing bad is said in the
        unit of what was read (``0 bad line(s)``, ``0 bad CSV row(s)``)."""
        counts = [(self.bad_units.get(unit, 0), unit) for unit in _BAD_UNITS]
        return ", ".join(f"{count_text(count)} bad {unit}" for count, unit in counts if count) \
            or f"0 bad {self._read()[0][1]}"

    def bad_kinds(self) -> str:
        """``bad line(s)``, ``bad line(s) or record(s)``: the units of what was bad, for a count of several."""
        units = [unit for unit in _BAD_UNITS if self.bad_units.get(unit)]
        return f"bad {' or '.join(units or [LINES])}"

    @property
    def events_decoded(self) -> int:
        """The events decoded, whatever became of them: kept, outside the range, or matching no detection."""
        return self.events + self.outside + self.unmatched

    def counts(self) -> dict[str, int]:
        """Every count the read line says (``amount_read``, ``outcome``), by its name in ``summary.json``'s
        ``input``: what a script reads there adds up as the line does (the lines set aside unread, decoded, blank
        and bad are the lines read; the events kept, outside the range and matching no detection the events
        decoded), and until 2026-12-07 it lacked the lines decoded, the blank ones and the Event Hub messages."""
        return {
            "files": len(self.files), "lines": self.lines, "csv_rows": self.rows, "json_documents": self.documents,
            "lines_no_detection_can_match": self.unread, "lines_decoded": self.decoded, "blank_lines": self.blank,
            "event_hub_messages": self.messages, "event_hub_records": self.message_records,
            "events_decoded": self.events_decoded, "events_kept": self.events,
            "events_no_detection_can_match": self.unmatched, "events_outside_range": self.outside,
            "events_with_indextime_from_input": self.with_indextime,
            "events_indexed_before_time": self.indexed_early,
            "export_events_without_indextime": self.unindexed_exports,
            "events_over_extraction_cutoff": self.cut, "bad_lines": self.bad,
            # bad_lines is every bad one, as before these
            "bad_whole_lines": self.bad_units.get(LINES, 0), "bad_csv_rows": self.bad_units.get(ROWS, 0),
            "bad_json_documents": self.bad_units.get(DOCUMENTS, 0), "bad_records": self.bad_units.get(RECORDS, 0),
        }

    def outcome(self) -> str:
        """What became of it, each unit in a clause of its own so that no list adds lines to events: the lines set
        aside unread, decoded (and how many of those were Event Hub messages holding how many records: a reader
        adds lines to lines and records to events, which "4 line(s): 3 set aside unread; 10 event(s)" left to
        guess) and blank (said when lines were read), and what was bad (``amount_bad``), in the units read; then the
        events decoded, kept, outside the range and matching no detection (``3,173 line(s) set aside unread (...),
        896 line(s) decoded, 0 bad line(s); 896 event(s): 896 kept for the detections``)."""
        read = [f"{count_text(self.unread)} line(s) set aside unread (no detection can match them)",
                f"{count_text(self.decoded)} line(s) decoded"
                + (f" ({count_text(self.messages)} Event Hub message(s) of {count_text(self.message_records)} "
                   "record(s))" if self.messages else ""),
                *([f"{count_text(self.blank)} blank line(s)"] if self.blank else [])] if self.lines else []
        events = [f"{count_text(self.events)} kept for the detections"]
        if self.outside:
            events.append(f"{count_text(self.outside)} outside --from/--to")
        if self.unmatched:
            events.append(f"{count_text(self.unmatched)} no detection can match")
        early = f"; {indexed_early_note(self.indexed_early)}" if self.indexed_early else ""
        model = (f"; {count_text(self.unindexed_exports)} from a Splunk export without _indextime, indexed by the "
                 f"pack's delay model instead (export with {EXPORT_FIELDS} for the real delay)"
                 ) if self.unindexed_exports else ""
        return (f"{', '.join([*read, self.amount_bad()])}; {count_text(self.events_decoded)} event(s): "
                f"{', '.join(events)}{early}{model}")

    def more_bad(self) -> str:
        """``(+N more bad line(s))`` past the bad lines listed (``bad_lines``), "" when every one is: the terminal's
        line under them and report.html's under its Problems, in one wording."""
        return more_text(self.bad, len(self.bad_lines), self.bad_kinds())


# What report.html's "what was read" table calls each count of ``ReadReport.counts`` (summary.json keeps the keys):
# the reader of the page is a person, and "bad whole lines" or "events with indextime from input" are the code's
# words. A key not here (a Splunk backtest's ``searched_on_splunk``) is shown as its words, ``_`` as a space.
COUNT_LABELS = {
    "files": "files read", "lines": "JSON lines read", "csv_rows": "CSV rows read",
    "json_documents": "JSON documents read",
    "lines_no_detection_can_match": "lines set aside unread (no detection can match them)",
    "lines_decoded": "lines decoded", "blank_lines": "blank lines",
    "event_hub_messages": "Event Hub messages decoded", "event_hub_records": "records in those Event Hub messages",
    "events_decoded": "events read", "events_kept": "events kept for the detections",
    "events_no_detection_can_match": "events no detection can match",
    "events_outside_range": "events outside --from/--to",
    "events_with_indextime_from_input": "events a detection can match with their own _indextime (from a Splunk export)",
    "events_indexed_before_time": "events with _indextime before _time (the source's clock ahead?)",
    "export_events_without_indextime": "events a detection can match of a Splunk export without _indextime (indexed by "
                                       "the delay model)",
    "events_over_extraction_cutoff": f"events over {count_text(AUTO_EXTRACTION_CUTOFF)} bytes (fields past it not "
                                     "extracted)",
    "bad_lines": "bad, in all (lines, CSV rows, JSON documents, records)", "bad_whole_lines": "bad lines",
    "bad_csv_rows": "bad CSV rows", "bad_json_documents": "bad JSON documents",
    "bad_records": "bad records (inside a line or document whose others were read)",
}
# The counts the table shows even at 0, for a 0 there is the news: how many files, how many events were read and
# kept for the detections (none kept: the report's zeros say nothing of the tenant), and that nothing was bad. Any
# other count at 0 only says a kind of input or problem did not occur, and a row for each buried the few that
# spoke.
ALWAYS_SHOWN = frozenset({"files", "events_decoded", "events_kept", "bad_lines"})


def shown_counts(reading: Mapping[str, object]) -> list[tuple[str, object]]:
    """report.html's "what was read" rows of summary.json's ``input`` counts: those not 0 and those always shown
    (``ALWAYS_SHOWN``), in the same order, each in words (``COUNT_LABELS``). The bad ones in all only beside more
    than one kind of bad one: beside a single kind ("bad lines 3"), a row "bad, in all" said the same number again."""
    kinds = sum(1 for key, value in reading.items() if key.startswith("bad_") and key != "bad_lines" and value)
    return [(COUNT_LABELS.get(key, key.replace("_", " ")), value) for key, value in reading.items()
            if (value != 0 or key in ALWAYS_SHOWN) and (key != "bad_lines" or kinds != 1)]


def same_content_note(later: str, earlier: str) -> str:
    """What the read line says of a file that held the same bytes as one read before it (``ReadReport.same_content``):
    ``week.json`` beside ``week.json.gz``, or one file named twice (as given and inside a folder given), was read
    twice without a word, every count of the read line doubled."""
    return (f"{path_text(later)} holds the same bytes as {path_text(earlier)} (once decompressed): its events were "
            f"{_COUNTED_TWICE}; give each export once")


def same_records_note(later: str, earlier: str, count: int) -> str:
    """What the read line says of a file some of whose events kept were also kept from an earlier file, the same
    ``_raw`` (``ReadReport.same_records``): two exports of overlapping periods, their shared events read twice."""
    return (f"{path_text(later)} holds {count_text(count)} event(s) kept for the detections that "
            f"{path_text(earlier)} holds too (the same _raw: exports of overlapping periods?): they were "
            f"{_COUNTED_TWICE}; give each event once")


# What reading an event twice does, as the notes of a file read twice say it
_COUNTED_TWICE = ("read and counted twice (the detections that drop a record seen again, by its id, see each once, "
                  "the others twice)")


def indexed_early_note(count: int, unit: str = "") -> str:
    """``3 with _indextime before _time (the source's clock ahead, ...)``: the events of an export indexed before
    they happened (``ReadReport.indexed_early``), in the words the backtest's read line (after its events, so
    ``unit`` is empty) and ``search`` (``unit`` = `` event(s)``) both say them, counted by the one reader both read
    exports with (``EventReader``)."""
    return (f"{count_text(count)}{unit} with _indextime before _time (the source's clock ahead, or a time read in "
            "the wrong time zone)")


@dataclass(frozen=True)
class Metadata:
    """Metadata for events whose input does not carry it (records); export rows bring their own."""

    sourcetype: str = "azure:monitor:aad"
    source: str | None = None  # None: the file's path
    host: str = ""
    index: str = "main"
    time_field: str = "time"


class _BadRow(Exception):
    """Internal: one line or row cannot become an event (message for the report, and its column in what was
    decoded when it has one: ``events.error_column``; or, for a problem inside a string of an export row, its ``_raw``
    or an unreadable ``_time``, ``in_raw``: the steps to that string from the row, as ``events.json_line`` takes them,
    and the character's index in it; a CSV row's cell is found by its column's name, the first step). ``malformed``:
    the line itself is no JSON, so that the last line of a file cut short says so (``events.unended_reason``)."""

    def __init__(self, message: str, column: int = 1, in_raw: tuple[Steps, int] | None = None,
                 malformed: bool = False) -> None:
        super().__init__(message)
        self.column, self.in_raw, self.malformed = column, in_raw, malformed

    def within(self, place: Steps) -> _BadRow:
        """The same problem of a row found at ``place`` in what holds it."""
        if self.in_raw is None:
            return self
        steps, index = self.in_raw
        return _BadRow(str(self), self.column, (place + steps, index))

    def column_in(self, text: str) -> int:
        """Its column in ``text``, the JSON text the row was decoded from (an exported ``_raw``'s character where the
        export has it, not column 1)."""
        return self.column if self.in_raw is None else json_string_place(text, *self.in_raw)[1]


Steps = tuple[int | str, ...]  # where a value is in a JSON document: ``events.json_line``'s steps
# a bad record or result of an export or Event Hub message: where it is, what is wrong, and for a character of an
# exported _raw, its index in that string (``where`` then reaching the string: ``events.json_string_place``)
Problem = tuple[Steps, str, int | None]


def _log_suffix(path: Path) -> str:
    """The suffix that says what ``path`` holds once decompressed, lower case (``.csv`` for ``a.CSV.gz``), or ""
    when its name has none: the one reading of a name for the folder's logs, its ``.txt`` texts and a ``.csv``
    without ``_raw``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-1:] == [".gz"]:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _looks_like_logs(path: Path) -> bool:
    return _log_suffix(path) in LOG_SUFFIXES or [s.lower() for s in path.suffixes] == [".gz"]  # a bare x.gz too


def _prose(path: Path) -> bool:
    """Whether ``path``, found in a folder and named ``.txt`` (``.txt.gz`` too), is text with no event in its first
    bytes: no JSON object, array or CSV header with ``_raw`` (``_kind`` finds none), and nothing the reader refuses
    by those bytes (``_refused``: UTF-16, Avro, another schema stay errors). A data set's ``LICENSE.txt``,
    ``NOTICE.txt`` or ``LICENSES/*.txt`` beside its logs stopped the backtest as "not a supported input"; ``.txt``
    is the one log name such files share. A file that cannot be opened is not prose: the reading names why."""
    if _log_suffix(path) != ".txt":
        return False
    try:
        with open(path, "rb", buffering=HEAD_BYTES) as handle:
            head = _decompressed(cast(io.BufferedReader, handle)).peek(HEAD_BYTES)[:HEAD_BYTES]
    except (OSError, *_DAMAGED_GZIP):
        return False
    return _refused(head, str(path)) is None and _kind(head[:4096]) is None


@dataclass(frozen=True)
class Found:
    """The files ``find_inputs`` chose, and those it left in the folders because of their names or, for a ``.txt``
    file, because it holds text and no events (``_prose``)."""

    files: tuple[str, ...]  # named as typed (``find_inputs``)
    not_logs: tuple[str, ...] = ()  # regular, not hidden, not among the outputs, named otherwise than logs
    prose: tuple[str, ...] = ()  # named .txt in a folder, text with no event in its first bytes (a licence)

    def notes(self) -> list[str]:
        """What the run will not have read, in the one wording the terminal says before the run
        (``contentpack backtest: note: ...``) and report.html's Input section repeats, for the reader of an attached
        report who never saw the terminal: the folders' files not read (``not_read``), and each empty file (an
        export that failed, or is still being written, counted in "read N file(s)" as if it had held a quiet day;
        newuser21). A name's byte that is not UTF-8 is ``\\xNN`` (``path_text``), as the read line's notes write it."""
        return [path_text(line) for line in (*not_read(self.not_logs, self.prose, "in the folder(s)"),
                                             *empty_notes(empty_files(self.files), "no events were read"))]


def find_inputs(paths: Sequence[str | os.PathLike[str]], outputs: Sequence[Path] = ()) -> Found:
    """The files to read: each file as given; in a folder, recursively and in name order, the regular files
    named like logs (``LOG_SUFFIXES``, optionally ``.gz``), so a ``README`` or ``dataset.yml`` beside them is
    not taken for data (hidden names and links to folders are not followed), and none of ``outputs`` (the files
    the command writes: a ``--out`` folder inside an ``--events`` folder once had the last run's
    ``notables.jsonl``, ``risk.jsonl`` and ``summary.json`` read as logs by the next). The other files of the
    folders are returned too, for the command to name: a ``.zip`` or ``.avro`` export beside the logs was left
    out without a word, and the report covered the rest as if it were all. A ``.txt`` file of a folder that holds
    text and no events (``_prose``: a licence beside a data set) is left out and returned to be named too; one
    named on the command line is read, and refused if it holds no events.

    A folder or log file in it this user cannot read is an error, every one named at once and before any is
    read: ``Path.rglob`` skipped a folder it could not list without a word, so a backtest went on over part of
    the logs and exited 0, and a folder unreadable as a whole was said to hold "no log files"."""
    files: list[str] = []
    not_logs: list[str] = []
    prose: list[str] = []
    written = {output.resolve() for output in outputs}
    for text in paths:
        path, typed = Path(text), os.fspath(text)  # a path named as typed: ``Path`` drops a trailing ``/``
        if path.is_dir():
            found, others, unreadable = _log_files(typed)
            found = [candidate for candidate in found if Path(candidate).resolve() not in written]
            if unreadable:
                raise InputError(cut_list(unreadable, _UNREADABLE_SHOWN))
            texts = [candidate for candidate in found if _prose(Path(candidate))]
            found = [candidate for candidate in found if candidate not in texts]
            others = [other for other in others if Path(other).resolve() not in written]
            if not found:  # what the folder does hold, as the note before a run names it: a licence, a README
                raise InputError("; ".join([f"{typed}: the folder holds no log files ({', '.join(LOG_SUFFIXES)}, or "
                                            ".gz)", *not_read(others, texts, "in it")]))
            files.extend(found)
            prose.extend(texts)
            not_logs.extend(others)
        elif path.is_file():  # as typed (``./x.json``), less a trailing ``/`` the file's name cannot be read with
            files.append(typed.rstrip("/" + os.sep))
        elif path.exists():
            raise InputError(f"{typed}: not a regular file or folder")
        else:
            raise InputError(no_such_input(text))
    return Found(_once(files), _once(not_logs), _once(prose))


def _once(names: Iterable[str]) -> tuple[str, ...]:
    """``names`` less those of a file named before, each as first typed: ``x.json`` and ``./x.json`` are one file,
    read once."""
    first: dict[Path, str] = {}
    for name in names:
        first.setdefault(Path(name), name)
    return tuple(first.values())


_UNREADABLE_SHOWN = 5  # unreadable paths named in the error; the rest counted
_NOT_READ_SHOWN = 5  # files a folder held that are not read, named; the rest counted


def empty_notes(empty: Sequence[str], unread: str) -> list[str]:
    """The files that hold nothing (``spl.files.empty_files``) as ``backtest`` and ``search`` name them (``unread``:
    "no events were read"): one by itself, ``X is empty: UNREAD from it``; several in one note, the first few named
    and the rest counted as a folder's files not read are (a folder of hundreds of failed exports gave a note a
    file, on the terminal and in report.html)."""
    if len(empty) == 1:
        return [f"{empty[0]} is empty: {unread} from it"]
    if not empty:
        return []
    return [f"{count_text(len(empty))} files are empty: {unread} from them: "
            f"{cut_list(empty, _NOT_READ_SHOWN, separator=', ')}"]


def not_read(not_logs: Sequence[str], prose: Sequence[str], where: str) -> list[str]:
    """What a folder held that is not read, each kind with why and its first names, ``N file(s) WHERE not read, as
    WHY: a, b``: the note before a run (``where``: "in the folder(s)"), and the error of a folder with no log file
    ("in it"), which said "holds no log files" beside a data set's ``LICENSE.txt`` and ``NOTICE.txt`` without
    naming them. ``not_logs``, ``prose``: as ``Found`` has them; a spreadsheet among ``not_logs``
    (``SPREADSHEET_SUFFIXES``) is named apart, with the exports that are read."""
    said = []
    sheets = [path for path in not_logs if path.lower().endswith(SPREADSHEET_SUFFIXES)]
    for paths, files, why in (
            ([path for path in not_logs if path not in sheets], "file(s)",
             f"not named like logs ({', '.join(LOG_SUFFIXES)}, or .gz)"),
            # an Excel download: what to export instead, not only that its name is not a log's
            (sheets, "spreadsheet(s)", f"Excel files ({EXPORT_ADVICE}: {EXPORT_DOCS})"),
            # a licence beside a data set: named, not refused (given by name, it would be)
            (prose, ".txt file(s)", "text with no events (no JSON object or CSV header with _raw in their first "
                                    "bytes)")):
        if paths:
            names = cut_list(list(paths), _NOT_READ_SHOWN, separator=", ")
            said.append(f"{count_text(len(paths))} {files} {where} not read, as {why}: {names}")
    return said


def _log_files(folder: str) -> tuple[list[str], list[str], list[str]]:
    """The log files under ``folder`` in path order, the other regular files there, and what cannot be read there
    (``PATH: cannot read: reason``). ``folder`` as typed, and each path under it begins as typed, as ``find`` and
    ``grep -r`` say them: a folder that cannot be listed is named as the user wrote it (``exports/``), and
    ``--events ./exports`` names ``./exports/a.json`` (``Path`` tidied it to ``exports/a.json``)."""
    found: list[str] = []
    others: list[str] = []
    unreadable: list[str] = []

    def refused(exc: OSError) -> None:
        unreadable.append(f"{os.fsdecode(exc.filename)}: cannot read the folder: {os_reason(exc)}")

    for directory, subdirs, names in os.walk(folder, onerror=refused):
        subdirs[:] = [name for name in subdirs if not name.startswith(".")]
        for name in names:
            candidate = os.path.join(directory, name)
            if name.startswith(".") or not os.path.isfile(candidate):
                continue
            if not _looks_like_logs(Path(name)):
                others.append(candidate)
                continue
            if not os.access(candidate, os.R_OK):
                unreadable.append(f"{candidate}: cannot read: {os.strerror(errno.EACCES)}")
            found.append(candidate)
    return sorted(found, key=Path), sorted(others, key=Path), sorted(unreadable)


class EventReader:
    """Reads inputs into events for a set of detections: only lines ``raw_filter`` keeps, only ``fields``."""

    def __init__(self, raw_filter: RawFilter, fields: frozenset[str] | None, metadata: Metadata = Metadata(),
                 report: ReadReport | None = None, progress: Callable[[int], None] | None = None,
                 prepare: Callable[[Event], bool] | None = None) -> None:
        self.filter = raw_filter
        self.prepare = prepare  # called on each event before it is yielded; False drops it (out of range)
        self.metadata = metadata
        self.report = report if report is not None else ReadReport()
        self.progress = progress  # called with the number of input bytes consumed since the last call
        self.want_raw = fields is None or "_raw" in fields
        self.plan: PathPlan | None = None if fields is None else path_plan(fields | {metadata.time_field})
        self._contents: dict[tuple[int, int], str] = {}  # the first file read whole of each (size, CRC-32) of bytes
        self._time_patterns = (re.compile(rb'"_time"\s*:\s*"([^"]{1,64})"'),
                               re.compile(rb'"' + re.escape(metadata.time_field.encode()) + rb'"\s*:\s*"([^"]{1,64})"'))

    # ------------------------------------------------------------------------------------------ files
    def read(self, paths: Iterable[str | Path]) -> Iterator[Event]:
        """The events of every file, in file order (``report`` counts as it goes).

        Of several files, the events kept that an earlier file held too, by their ``_raw`` (``same_records_note``):
        exports of overlapping periods (Monday to Wednesday, then Wednesday to Friday) had Wednesday's events read
        twice without a word. Only the kept events are compared, by the hash of their text (the text itself would
        keep every kept line in memory, where the events keep only the fields read), so the cost is a hash of each
        event already decoded, nothing for the lines set aside unread, and nothing at all for one file. A hash
        shared by two different texts (one chance in 2**64 a pair) adds a note and changes nothing read."""
        report, prepare = self.report, self.prepare
        paths = list(paths)
        # each kept _raw's hash: its first file (without _raw, as search reads, no event could be told from another)
        first_in: dict[int, int] | None = {} if len(paths) > 1 and self.want_raw else None
        for number, path in enumerate(paths):
            shared: dict[int, int] = {}  # per earlier file, how many of this file's kept events it held
            for event in self.read_file(path):
                when = event.get("_time")
                seen = float(when) if isinstance(when, (int, float)) and not isinstance(when, bool) else None
                key = hash(event.get("_raw")) if first_in is not None else 0  # before ``prepare`` drops _raw
                if prepare is not None and not prepare(event):
                    report.left_out(seen)
                    continue
                report.events += 1
                report.saw(seen)
                if first_in is not None and (earlier := first_in.setdefault(key, number)) != number:
                    shared[earlier] = shared.get(earlier, 0) + 1
                yield event
            for earlier, count in shared.items():  # a file read twice whole is said so once (``same_content``)
                if (str(path), str(paths[earlier])) not in report.same_content:
                    report.same_records.append((str(path), str(paths[earlier]), count))

    def read_file(self, path: str | Path) -> Generator[Event, None, None]:
        name = str(path)
        self.report.files.append(name)
        try:
            # a buffer for the peek at the head (and the readline completing a block's last line): a read of
            # BLOCK bytes goes past a smaller buffer straight into its block, one copy fewer (8 MB: 20% slower)
            raw_handle = cast(io.BufferedReader, open(path, "rb", buffering=HEAD_BYTES))
        except OSError as exc:
            raise InputError(f"{name}: cannot read: {os_reason(exc)}") from None
        with raw_handle:
            try:
                judged = _decompressed(raw_handle)
                kind = _judged(judged, name)
                # counted below the reading, and after the peek at the head: nothing read is counted twice. Its buffer
                # is the default's: a block's read goes past it, and the file is not read ahead of what is asked
                counted = _Counted(judged, self.report)
                stream = io.BufferedReader(counted)
                if kind == "csv":
                    yield from self._csv(stream, name)
                elif kind == "document":
                    yield from self._document(stream, name)
                else:
                    yield from self._json_lines(stream, name, raw_handle)
            except _DAMAGED_GZIP as exc:
                raise InputError(damaged_gzip(name, exc)) from None
            except OSError as exc:
                raise InputError(f"{name}: cannot read: {exc}") from None
            except InputError as exc:
                message = str(exc)
                raise InputError(message if message.startswith(name) else f"{name}: {message}") from None
            self._advance(raw_handle)
            self._compare(counted, name)

    def _compare(self, counted: _Counted, name: str) -> None:
        """Note the file when its bytes, read to the end, are those of a file read before (``same_content_note``)."""
        if not counted.ended or not counted.size:  # cut short (a CSV file that cannot be read on), or empty
            return
        earlier = self._contents.setdefault((counted.size, counted.crc), name)
        if earlier != name:
            self.report.same_content.append((name, earlier))

    _consumed: int = 0
    _pending: list[tuple[int, str, str, int]]  # a block's bad lines and records (line, message, unit, column), in
    # line order when the block is done

    def _advance(self, raw_handle: BinaryIO) -> None:
        if self.progress is None:
            return
        try:
            position = raw_handle.tell()
        except (OSError, ValueError):
            return
        if position > self._consumed:
            self.progress(position - self._consumed)
        self._consumed = position

    # ------------------------------------------------------------------------------------------ JSON lines
    def _json_lines(self, stream: BinaryIO, name: str,
                    raw_handle: BinaryIO) -> Iterator[Event]:
        self._consumed = raw_handle.tell()
        first_line = 1
        for block, long in _blocks(stream):
            self._pending = [(first_line + number, LINE_TOO_LONG, LINES, 1) for number in long]
            if first_line == 1 and block.startswith(_BOM):
                block = b" " * len(_BOM) + block[len(_BOM):]  # same offsets; the line is stripped later
            block_first = first_line
            for piece in _pieces(block):
                first_line += yield from self._piece(piece, first_line, name)
            self.report.blank -= len(long)  # read as an empty line, but a bad one
            self._span(block, block_first)
            for line_no, message, unit, column in sorted(self._pending):  # in line order, whichever check found it
                self.report.add_bad(name, line_no, message, unit, column)
            self._advance(raw_handle)

    def _piece(self, piece: bytes, first_line: int, name: str) -> Generator[Event, None, int]:
        """The events of a piece of a block (whole lines), counting its lines; returns how many it holds."""
        count = piece.count(b"\n") + (0 if piece.endswith(b"\n") else 1)
        self.report.lines += count
        kept = set()
        for start, end in self.filter.spans(piece):
            text = piece[start:end].strip()
            if not text:
                continue
            kept.add(start)
            yield from self._line(text, name, (piece, start, first_line))
        blank = self._check_shape(piece, count, first_line, kept, name)
        self.report.unread += count - len(kept) - blank
        self.report.blank += blank
        return count

    def _span(self, block: bytes, first_line: int) -> None:
        """The times of the block's first and last lines that are not bad, for the input's time span (no JSON
        decoding). A bad line is no event of the logs: a truncated last line's time once set the reported period
        (docs/backtest.md: "to the last run that could still see the last event"). Every time a line names counts:
        an Event Hub message holds several records, and its first record's time alone once ended the period
        before the message's later records."""
        bad = {line for line, *_ in self._pending}
        if not bad:  # the usual block: its first and last lines
            first_end = block.find(b"\n")
            ends = [block[:first_end if first_end >= 0 else len(block)],
                    block[block.rfind(b"\n", 0, len(block) - 1) + 1:]]
        else:  # a block's bad lines are few: the first and last of the others that hold something
            good = [line for number, line in enumerate(block.split(b"\n"), start=first_line)
                    if number not in bad and line.strip()]
            ends = good[:1] + good[-1:]
        for line in ends:
            # the whole line: a Splunk export row lists its fields in name order, so its "_time" follows a "_raw"
            # of several KB (a sign-in's), past any head short enough to skip it (two lines a block: no cost)
            for pattern in self._time_patterns:
                found = pattern.findall(line)
                for text in found:
                    self.report.saw(_maybe_time(text.decode("ascii", "replace")))
                if found:
                    break

    def _check_shape(self, block: bytes, lines: int, first_line: int, kept: set[int], name: str) -> int:
        """Lines no detection reads must still be JSON objects, without a raw control character in a string (the
        one rule ``search --events`` applies too: ``events.raw_control``): a truncated or foreign line is reported.
        Returns the number of blank lines. Two passes in the usual case: every line boundary is ``}\\n{``, and no
        control character."""
        if block.startswith(b"{") and block.endswith((b"}\n", b"}")) and block.count(b"}\n{") == lines - 1 \
                and not holds_control(block):
            return 0
        blank = 0
        line = first_line
        start = 0
        size = len(block)
        while start < size:
            end = block.find(b"\n", start)
            unended = end < 0  # the file's last line, without its newline
            end = size if unended else end
            if start not in kept:
                text = block[start:end].strip()
                blank += not text
                if text and not (text.startswith(b"{") and text.endswith(b"}")):
                    self.report.unread -= 1  # counted as bad instead
                    reason, column = _unread_shape_problem(block[start:end], text)
                    self._pending.append((line, unended_reason(reason, unended and text[:1] == b"{"), LINES, column))
                elif text and (control := raw_control(block[start:end])) is not None:
                    self.report.unread -= 1  # in the words of the line read (``_line``: a message's, a record's)
                    self._pending.append((line, unended_reason(f"{MALFORMED_EVENT}: {control}", unended), LINES,
                                          control.colno))
            line += 1
            start = end + 1
        return blank

    def _line(self, text: bytes, name: str, where: tuple[bytes, int, int]) -> Iterator[Event]:
        """The events of one kept line; ``where`` (block, offset, the block's first line number) gives the line
        number, counted only when the line is bad (counting every kept line's number is a pass per block). A
        problem of the whole line is a bad line; one of a record or result of several in the line a bad record."""
        unit, whole = RECORDS, None
        try:
            document = None
            if _WRAPPER.match(text):
                try:
                    document = load_json(text)
                except ValueError as exc:
                    raise _BadRow(f"{MALFORMED_EVENT}: {exc}", error_column(exc, text) or 1, malformed=True) from None
            if _wrapper(document):  # an export line without result(s) (preview, offset, lastrow, ...) gives none
                events, problems = self._wrapped(cast(dict[str, object], document), name)
                if isinstance(document, dict) and "records" in document:  # an Event Hub message, as _wrapped read it
                    self.report.messages += 1
                    self.report.message_records += len(cast(list[object], document["records"]))
            elif text.startswith(b"{"):
                events, problems = [self._record(text, name)], []
            else:
                raise _BadRow(_not_an_object(text))
        except _BadRow as bad:
            events, problems, unit, whole = [], [((), str(bad), None)], LINES, bad
        self.report.decoded += whole is None
        if problems:
            block, start, first_line = where
            line_no = first_line + block.count(b"\n", 0, start)
            decoded = text.decode("utf-8", "replace")
            lead = block.find(text, start) - start  # the line's leading blanks were not decoded
            unended = whole is not None and whole.malformed and block.find(b"\n", start) < 0  # the file's last line
            for steps, problem, index in problems:  # column 1 unless the problem has a place of its own
                column = (whole.column_in(decoded) + lead if whole is not None else
                          1 if index is None else json_string_place(decoded, steps, index)[1] + lead)
                self._pending.append((line_no, unended_reason(problem, unended), unit, column))
        yield from events

    # ------------------------------------------------------------------------------------------ shapes
    def _wrapped(self, document: dict[str, object], name: str) -> tuple[list[Event], list[Problem]]:
        """An export line/document or an Event Hub message: its events (metadata lines give none), and what is
        wrong with any of its records or rows (``record N: ...``, each after where it is in ``document``, as
        ``json_line`` steps: ``("records", N)``), which does not cost the others theirs; a problem of its one
        result is the line's or document's own (raised). Each record's and row's time counts in the input's span,
        kept or not, as a bare record's or row's does in a document (``_document``): a JSON document of Event Hub
        messages none of whose records a detection matches was "no timed events in the input", where the same
        messages as JSON lines were read as events of that day (newuser23)."""
        events: list[Event] = []
        problems: list[Problem] = []
        if "records" in document:
            records = document["records"]
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise _BadRow("'records' must be a list of JSON objects")
            for number, record in enumerate(records, start=1):
                self.report.saw(_maybe_time(cast(dict[str, object], record).get(self.metadata.time_field)))
                raw = json.dumps(record).encode("utf-8")  # the add-on's _raw for each record
                if not self.filter.matches(raw):
                    self.report.unmatched += 1
                    continue
                try:
                    events.append(self._record(raw, name))
                except _BadRow as bad:
                    problems.append((("records", number), f"record {number}: {bad}", None))
            return events, problems
        rows: list[object] = []
        places: list[Steps] = []
        if "result" in document:
            rows.append(document["result"])
            places.append(("result",))
        if "results" in document:
            if not isinstance(document["results"], list):
                raise _BadRow("'results' must be a list")
            rows.extend(document["results"])
            places.extend(("results", number) for number in range(1, len(document["results"]) + 1))
        for number, (row, place) in enumerate(zip(rows, places), start=1):
            if isinstance(row, dict):
                self.report.saw(_maybe_time(row.get("_time")))
            try:
                event = self._export_row(row, name)
            except _BadRow as bad:
                if len(rows) == 1:
                    raise bad.within(place) from None
                steps, index = bad.within(place).in_raw or (place, None)
                problems.append((steps, f"result {number}: {bad}", index))
                continue
            if event is not None:
                events.append(event)
        return events, problems

    def _fields(self, data: bytes) -> dict[str, Value]:
        """The planned fields of the JSON text ``data`` (``cut_fields``' extractor)."""
        return decode_fields(data, self.plan)

    def _record(self, raw: bytes, name: str) -> Event:
        try:
            flat = decode_fields(raw, self.plan)
            fields = cut_fields(raw, flat, self._fields, self.report)
        except UnicodeDecodeError as exc:  # a ValueError too: caught first, or it would be called malformed JSON
            raise _BadRow(f"not UTF-8: byte 0x{exc.object[exc.start]:02x} at byte {exc.start + 1}") from None
        except ValueError as exc:
            raise _BadRow(f"{MALFORMED_EVENT}: {exc}", error_column(exc, raw) or 1, malformed=True) from None
        meta = self.metadata
        text = raw.decode("utf-8", errors="replace") if self.want_raw else ""
        event = make_event(text, flat, sourcetype=meta.sourcetype, source=meta.source or name, host=meta.host,
                           index=meta.index, time_field=meta.time_field, fallback_time=_NO_TIME, fields=fields)
        if _untimed(event):
            raise _BadRow(_no_time(flat, meta.time_field))
        if not self.want_raw:
            del event["_raw"]
        return event

    def _export_row(self, row: object, name: str) -> Event | None:
        """One exported event: ``_raw`` extracted again, the row's times and metadata kept. The row's own times
        are read before the raw-text filter sets aside a ``_raw`` no detection can match: an unreadable ``_time``
        is a bad row wherever it is, as ``search --events`` finds it (the row is read, its ``_time`` too, for the
        input's span); it was one only when a detection could match the row, which made a file of unreadable
        times count its other rows as events no detection can match."""
        if not isinstance(row, dict):
            raise _BadRow("an export result must be a JSON object")
        raw = row.get("_raw")
        steps: Steps = ("_raw",)
        if isinstance(raw, list) and len(raw) == 1:
            raw, steps = raw[0], ("_raw", 1)
        if not isinstance(raw, str):
            raise _BadRow(f"an export row without _raw (export with {EXPORT_FIELDS})")
        try:
            data = raw.encode("utf-8")
        except UnicodeEncodeError as exc:  # the export's JSON escaped one ("\\ud800"): no log line's text
            raise _BadRow(f"_raw is not Unicode text: a lone surrogate (U+{ord(raw[exc.start]):04X}) at character "
                          f"{exc.start + 1}") from None
        when, indexed = _time_value(row.get("_time"), "_time"), _time_value(row.get("_indextime"), "_indextime")
        if not self.filter.matches(data):
            self.report.unmatched += 1
            return None
        stripped = data.strip()
        if stripped.startswith(b"{"):
            try:
                flat: dict[str, Value] = decode_fields(stripped, self.plan)
                fields = cut_fields(stripped, flat, self._fields, self.report)
            except ValueError as exc:  # a raw control character at its place in the export (``json_string_place``)
                at = (steps, exc.pos + len(data) - len(data.lstrip())) if isinstance(exc, JsonColumnError) else None
                raise _BadRow(f"malformed JSON in _raw: {exc}", in_raw=at) from None
        else:
            flat = fields = {}
        meta = self.metadata
        event = make_event(raw if self.want_raw else "", flat, fields=fields,
                           sourcetype=_text(row.get("sourcetype")) or meta.sourcetype,
                           source=_text(row.get("source")) or meta.source or name,
                           host=_text(row.get("host")) or meta.host, index=_text(row.get("index")) or meta.index,
                           time_field=meta.time_field, fallback_time=_NO_TIME)
        if not self.want_raw:
            del event["_raw"]
        if when is not None:
            event["_time"] = when
        elif _untimed(event):
            raise _BadRow(f"an export row without _time, and its _raw has no readable {meta.time_field!r} either "
                          f"(export with {EXPORT_FIELDS})")
        if indexed is None:
            self.report.unindexed_exports += 1
        else:
            event["_indextime"] = indexed
            self.report.with_indextime += 1
            happened = event.get("_time")
            if isinstance(happened, float) and math.isfinite(happened) and indexed < math.floor(happened):
                self.report.indexed_early += 1
        return event

    # ------------------------------------------------------------------------------------------ CSV
    def _csv(self, stream: BinaryIO, name: str) -> Iterator[Event]:
        csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
        # bytes that are not UTF-8 are decoded to lone surrogates and the row holding them is reported: a strict
        # decoder fails a whole chunk of text at once, losing the rows around the bad byte and its line number
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
        lines: list[str] = []  # the text lines of the row being read: where a bad cell is (``_cell_place``)
        reader = csv.DictReader(_recorded(text, lines))
        try:
            header = reader.fieldnames or []
        except csv.Error as exc:
            raise InputError(f"{name}:1: cannot read the CSV header: {exc}") from None
        if any(_ESCAPED.search(column) for column in header):
            raise InputError(f"{name}:1: cannot read the CSV header: not UTF-8")
        if "_raw" not in header:
            raise InputError(_needs_raw(name))
        done = 0
        while True:
            lines.clear()
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                # the line the error is on: DictReader.line_num is only updated by a row read whole
                at = reader.reader.line_num
                self.report.rows += 1
                self.report.add_bad(name, at, unended_reason(f"unreadable CSV row: {exc}", _unended(lines)), ROWS)
                if at == done:  # no progress: the rest of the file cannot be read
                    break
                done = at
                continue
            done = reader.line_num
            self.report.rows += 1
            self.report.saw(_maybe_time(row.get("_time")))
            try:
                if None in row or any(value is None for value in row.values()):
                    raise _BadRow(unended_reason(f"the row's cells do not match the header's {len(header)} columns",
                                                 _unended(lines)))
                if any(_ESCAPED.search(value) for value in row.values()):
                    raise _BadRow("not UTF-8")
                event = self._export_row(row, name)
            except _BadRow as bad:
                cell = header.index(str(bad.in_raw[0][0])) if bad.in_raw and bad.in_raw[0][0] in header else None
                line, column = _cell_place(lines, cell, reader.line_num)
                self.report.add_bad(name, line, str(bad), ROWS, column)
                continue
            if event is not None:
                yield event

    # ------------------------------------------------------------------------------------------ documents
    def _document(self, stream: BinaryIO, name: str) -> Iterator[Event]:
        data = stream.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise InputError(f"{name}: a JSON document (array or multi-line object) is read whole and may hold at "
                             f"most {count_text(MAX_DOCUMENT_BYTES)} bytes; write bigger inputs as JSON lines, "
                             f"{_as_lines(data[:4096], name)}")
        self.report.documents += 1
        try:
            text = data.decode("utf-8-sig")
            document = load_json(text)
        except (ValueError, UnicodeDecodeError) as exc:
            self.report.add_bad(name, getattr(exc, "lineno", 1), f"{MALFORMED_DOCUMENT}: {exc}", DOCUMENTS,
                                getattr(exc, "colno", 1))
            return
        refused = document_refusal(document, name)
        if refused is not None:
            raise InputError(refused)
        def bad(number: int, steps: Steps, problem: str, index: int | None = None) -> None:
            """At the line json_line finds, when listed; a character ``index`` of an exported _raw (``steps`` the
            string's) at its own line and column (rare: found at once)."""
            if index is None:
                self.report.add_bad(name, lambda: json_line(text, steps), f"item {number}: {problem}", RECORDS)
            else:
                line, column = json_string_place(text, steps, index)
                self.report.add_bad(name, line, f"item {number}: {problem}", RECORDS, column)

        items = document if isinstance(document, list) else [document]
        for number, item in enumerate(items, start=1):
            at: Steps = (number,) if isinstance(document, list) else ()  # where the item is, for json_line
            try:
                if _wrapper(item):
                    events, problems = self._wrapped(cast(dict[str, object], item), name)
                    for place, problem, index in problems:
                        bad(number, at + place, problem, index)
                elif isinstance(item, dict) and "_raw" in item:
                    self.report.saw(_maybe_time(item.get("_time")))  # the input's span, kept or not (_span)
                    event = self._export_row(item, name)
                    events = [] if event is None else [event]
                elif isinstance(item, dict):
                    self.report.saw(_maybe_time(item.get(self.metadata.time_field)))
                    raw = json.dumps(item).encode("utf-8")
                    matches = self.filter.matches(raw)
                    self.report.unmatched += not matches
                    events = [self._record(raw, name)] if matches else []
                else:
                    raise _BadRow("an element of the array is not a JSON object")
            except _BadRow as wrong:
                steps, index = wrong.in_raw or ((), None)
                bad(number, at + steps, str(wrong), index)
                continue
            yield from events


# How a document too big to read whole becomes JSON lines of the same events, by its shape (``_as_lines``): jq's
# program, and what it writes. Records go one a line as Event Hub messages of one record, whose _raw is the
# add-on's ``json.dumps(record)``, as when the document is read whole (jq's compact form, a record a line, would be
# another _raw: the detections' ``sha256(_raw)``); export rows as export lines (a bare row is a record without time).
_ELEMENTS = ("'.[]'", "its elements one a line")
_RECORDS = ("'.[] | {records: [.]}'", "its records one a line, each as an Event Hub message of one record")
_ROWS = ("'.[] | {result: .}'", "its export rows one a line, each as an export line")
_MESSAGE = ("'.records[] | {records: [.]}'", "its records one a line, each as an Event Hub message of one record")
_RESULTS = ("'.results[] | {result: .}'", "its results one a line, each as an export line")
_LIST_OF = re.compile(rb'"(records|results)"\s*:\s*\[')


def _as_lines(head: bytes, name: str) -> str:
    """The jq command (whose ``-c`` writes each value on one line) that writes the too big document whose first
    bytes are ``head`` as JSON lines of the same events: an array of Event Hub messages or export lines, of export
    rows or of records; an Event Hub message or a results document."""
    text = (head[len(_BOM):] if head.startswith(_BOM) else head).lstrip()
    if text.startswith(b"["):
        program, what = (_ELEMENTS if _WRAPPER.match(text[1:].lstrip()) else _ROWS if _RAW_KEY.search(text)
                         else _RECORDS)
    else:
        found = _LIST_OF.search(text)
        if found is None:
            return "one event, Event Hub message or export line a line"
        program, what = _MESSAGE if found.group(1) == b"records" else _RESULTS
    compressed = name.endswith(".gz")
    base = name[:-3] if compressed else name
    target = shlex.quote((base[:-5] if base.endswith(".json") else base) + ".jsonl")
    command = (f"gunzip -c {shlex.quote(name)} | jq -c {program}" if compressed
               else f"jq -c {program} {shlex.quote(name)}")
    return f"{what}: {command} > {target}"


def _unended(lines: Sequence[str]) -> bool:
    """Whether a CSV row read from ``lines`` (``_recorded``) is the file's last with no line end: an export cut short,
    whose last row was "the row's cells do not match the header's 7 columns" alone, where a JSON-lines file's cut
    line says the file ends inside it (newuser26)."""
    return bool(lines) and not lines[-1].endswith(("\n", "\r"))


def _recorded(text: Iterable[str], lines: list[str]) -> Iterator[str]:
    """``text``'s lines, each added to ``lines`` as the CSV reader takes it (the caller clears it before a row)."""
    for line in text:
        lines.append(line)
        yield line


_CELL = re.compile(r'"(?:[^"]|"")*"|[^,"]*')  # one CSV cell as Splunk's export writes it (RFC 4180: quotes doubled)


def _cell_place(lines: Sequence[str], cell: int | None, last_line: int) -> tuple[int, int]:
    """The line and column where the ``cell``-th cell (from 0) of a CSV row starts, ``lines`` the text lines the
    reader took for it (blank ones it skipped first) and ``last_line`` the number of the last; the row's last line and
    column 1 when the problem is not one cell's or the text does not parse as cells."""
    if cell is None:
        return last_line, 1
    skipped = next((number for number, line in enumerate(lines) if line.strip("\r\n")), len(lines))
    text = "".join(lines[skipped:])
    at = 0
    for _ in range(cell):
        found = _CELL.match(text, at)
        at = (found.end() if found else at) + 1
        if not text.startswith(",", at - 1):
            return last_line, 1
    line = last_line - len(lines) + 1 + skipped
    for part in lines[skipped:]:
        if at < len(part):
            break
        at -= len(part)
        line += 1
    return line, at + 1


class _Counted(io.RawIOBase):
    """A file's bytes as the reader takes them, decompressed: how many, and their CRC-32, and whether the end was
    reached (``ended``), and whether they hold an Entra ID record (``ReadReport.entra``). Two inputs that agree are
    the same events given twice (``ReadReport.same_content``).

    Why counted as they are read: the file is not read a second time for it, and every reading of a file (JSON
    lines, CSV, a document) takes its bytes through here, a line too long to hold too. Why CRC-32 and not a
    cryptographic hash: it is cheap beside the reading the backtest is built to keep fast, and a false match (two
    different files of one size, one chance in 2**32) changes nothing read, only adds a note."""

    def __init__(self, source: io.BufferedIOBase, report: ReadReport) -> None:
        super().__init__()
        self.source, self.size, self.crc, self.ended = source, 0, 0, False
        self.report = report  # its ``entra`` and ``other_values``, looked for here for the same reasons
        self._tail = b""  # the last bytes of the chunk before, for a mark split between two chunks

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        count = self.source.readinto(view)
        if not count:
            self.ended = True
            return 0
        if not self.report.entra:  # a few searches of each chunk until a mark is found (in the first, for Entra ID)
            chunk = self._tail + bytes(view[:count])
            if not self.size:  # the file's first bytes
                self.report.other_values.extend(other_values(chunk[:HINT_BYTES]))
            self.report.entra = entra_marked(chunk)
            self._tail = chunk[-MARK_OVERLAP:]
        self.size += count
        self.crc = zlib.crc32(view[:count], self.crc)
        return count


# What reading a damaged gzip file raises: its stream cut short (EOFError), a bad header or CRC (gzip.BadGzipFile, an
# OSError), deflate data that cannot be decoded (zlib.error, no OSError: it was an internal error until 2026-12-07)
_DAMAGED_GZIP = (EOFError, gzip.BadGzipFile, zlib.error)


def damaged_gzip(name: str, exc: BaseException) -> str:
    """Why a gzip file cannot be read, in words with a next step: Python's "Compressed file ended before the
    end-of-stream marker was reached" and "Error -3 while decompressing data: invalid block type" named neither
    the cause (a download, copy or compression cut short or corrupted) nor what to do."""
    what = "ends before its compressed data does" if isinstance(exc, EOFError) else f"is corrupt ({exc})"
    return (f"{name}: cannot read: the gzip file {what}: a download, copy or export cut short or damaged? Make it "
            f"again (gzip -t {shlex.quote(name)} tests a file)")


def _decompressed(handle: io.BufferedReader) -> io.BufferedReader:
    if handle.peek(len(GZIP_MAGIC)).startswith(GZIP_MAGIC):
        return io.BufferedReader(cast(io.RawIOBase, gzip.GzipFile(fileobj=handle, mode="rb")), BLOCK)
    return handle


def _refused(head: bytes, name: str) -> str | None:
    """Why the file ``name``, whose first bytes are ``head``, is not read whatever its kind: compressed otherwise
    than gzip, UTF-16, Avro, a tar archive (its member's JSON lines follow a header: read as a bad first line and
    events), another schema; None when nothing refuses it."""
    refused = packed_refusal(head, name) or tar_refusal(name, head) or head_refusal(head, name)
    return refused if refused is None or refused.startswith(name) else f"{name}: {with_docs(refused)}"


def _judged(stream: io.BufferedReader, name: str) -> str:
    """The kind of input (``_kind``) a file is from its first bytes; raises InputError for one that is not read
    (compressed otherwise than gzip, UTF-16, Avro, another schema, or no kind at all)."""
    head = stream.peek(HEAD_BYTES)[:HEAD_BYTES]
    refused = _refused(head, name)
    if refused is not None:
        raise InputError(refused)
    kind = _kind(head[:4096])
    if kind is None:
        raise InputError(csv_refusal(name, head) or xml_refusal(name, head) or
                         f"{name}: not a supported input: expected JSON lines (Azure Monitor records, "
                         "Event Hub messages or a Splunk JSON export), a JSON array, or a Splunk CSV "
                         "export with a _raw column")
    return kind


# Splunk's XML results, as its UI's Export > XML and the REST export's output_mode=xml write them: an XML
# declaration, then a <results> element (REST API Reference, search/jobs/export, output_mode; the element's name
# as splunk-sdk's ResultsReader reads it, ``assumed`` for the UI's export, which no page shows)
_XML_RESULTS = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?<results[\s>]")


def xml_refusal(name: str, head: bytes) -> str | None:
    """Why a Splunk XML export is not read, and what to export instead; None for any other file. The README's step 1
    offers Export > JSON or CSV beside the XML one, and a file exported as XML was only "not a supported input" to
    the backtest (newuser23), and to ``search --events`` text, each of its lines an event."""
    if not _XML_RESULTS.match(head):
        return None
    return (f"{name}: a Splunk XML export (<results>), which is not read: export the search as JSON or CSV instead "
            f"(Export > JSON or CSV, or the REST export's output_mode=json), with {EXPORT_FIELDS}")


# A tar archive's first header block: the magic "ustar" at offset 257, NUL-terminated by POSIX ustar, followed by
# two spaces by GNU tar's old format (POSIX.1-2017, pax, "ustar Interchange Format"; GNU tar manual, "Basic Tar
# Format"). Gzip-compressed (.tar.gz, .tgz), the reader sees it once decompressed.
_TAR_MAGIC = re.compile(rb"ustar(?:\x00| )")
_TAR_MAGIC_AT = 257


def tar_refusal(name: str, head: bytes) -> str | None:
    """Why a tar archive (``tar czf exports.tar.gz exports/``, gzip or not) is not read, and what to give instead;
    None for any other file. Its logs sit inside, behind a header block: the backtest read such a file as JSON lines
    whose first line (header and first record) was bad, or called it "not a supported input" (newuser26), where a
    zip archive is named and told to be decompressed."""
    if not _TAR_MAGIC.match(head, _TAR_MAGIC_AT):
        return None
    return (f"{name}: a tar archive, which is not read: extract it first (tar -xf {shlex.quote(name)}) and give "
            "the files or the folder it holds")


def _needs_raw(name: str) -> str:
    return f"{name}:1: a CSV export needs a _raw column (export the events with {EXPORT_FIELDS})"


def csv_refusal(name: str, head: bytes) -> str | None:
    """Why the file ``name`` (uncompressed, its first bytes ``head``) is not read when it is named as a CSV
    (``.csv``, ``.csv.gz``) and is no Splunk export: its header has no ``_raw`` column, and no JSON follows. The one
    refusal of both commands: ``search --events`` read such a file as text, its header an event (``count`` one
    more than its rows, and a hint that no event had a time), where ``backtest --events`` refused it. Splunk reads
    a CSV's header as field names only under a sourcetype that says so (props.conf ``INDEXED_EXTRACTIONS = csv``,
    Getting Data In, "Extract fields from files with structured data"), which no option here sets; an export
    keeps each event whole in ``_raw``. None for any other file."""
    if _log_suffix(Path(name)) != ".csv" or _kind(head[:4096]) not in (None, "csv") or wrapped_input(head):
        return None
    return _needs_raw(name)


def refusals(paths: Iterable[str | Path]) -> list[str]:
    """Why each of ``paths`` that is refused from its first bytes is (:func:`_judged`, as the reader judges it),
    before any is read: a folder holding a Graph page, a UTF-16 file and a Log Analytics export was refused one file
    a run, each after the files before it were read. (A JSON document refused by its content, read whole, still
    stops the reading where it is.)"""
    problems = []
    for path in paths:
        name = str(path)
        try:
            with open(path, "rb", buffering=HEAD_BYTES) as handle:
                _judged(_decompressed(cast(io.BufferedReader, handle)), name)
        except InputError as exc:
            problems.append(str(exc))
        except _DAMAGED_GZIP as exc:  # any other OSError is the caller's
            problems.append(damaged_gzip(name, exc))
    return problems


def _wrapper(document: object) -> bool:
    """Whether a decoded line or item holds events inside it rather than being one: an Event Hub message (``records``
    its one key) or a line or document of Splunk's export (every key one the export writes). Told by all its keys,
    not its first: a record of the user's own whose first key is ``result`` or ``records`` is a record."""
    if not isinstance(document, dict) or not document:
        return False
    keys = document.keys()
    return keys == _MESSAGE_KEYS or keys <= _EXPORT_KEYS


_BREAKS = (b"{", b"[", b",")  # where a pretty-printer ends a line inside a value it has not closed


def _opens_document(line: bytes) -> bool:
    """Whether a file's whole first line opens a JSON object it does not close, as a pretty-printed document's
    does (``{``, ``{"results": [``): it starts with ``{``, ends where a pretty-printer breaks a line, and JSON's
    decoder, reading it alone, wants more at its end and nowhere before. A record cut short (a JSON-lines file's bad
    first line) ends elsewhere or is wrong before its end: a bad line of JSON lines."""
    if not (line.startswith(b"{") and line.endswith(_BREAKS)):
        return False
    text = line.decode("utf-8", "replace")
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.pos == len(text)
    except RecursionError:
        return False
    return False


def _kind(head: bytes) -> str | None:
    """``lines`` (JSON lines), ``document`` (a JSON array, or an object over several lines: its first line opens
    it, :func:`_opens_document`), ``csv``, or None."""
    text = head[len(_BOM):] if head.startswith(_BOM) else head
    stripped = text.lstrip()
    if not stripped:
        return "lines"
    first, newline, _ = stripped.partition(b"\n")
    first = first.strip()
    if stripped.startswith(b"[") or (newline and _opens_document(first)):
        return "document"
    if not first.startswith(b"{") and b"_raw" in first:
        return "csv"
    if json_lines_head(stripped):
        return "lines"  # JSON lines, perhaps after a bad first line
    return None


_RAW_KEY = re.compile(rb'[{,]\s*"_raw"\s*:')  # a JSON object's _raw key: an array of export rows


def wrapped_input(head: bytes) -> bool:
    """Whether an uncompressed input whose first bytes are ``head`` holds its events inside something else, as
    ``read_file`` judges it: a Splunk export (JSON lines of results, a CSV with ``_raw``, an array of its rows),
    Event Hub messages (``{"records": [...]}``) or one JSON object over several lines — rather than the records
    themselves, one a line or in an array. ``search --events`` reads such inputs with this reader (and the others,
    and text, with the engine's own).

    JSON lines are told by their first object's keys (:func:`_wrapper`), read whole when ``head`` holds it (up to
    ``foreign.HEAD_BYTES``, as ``search`` reads it); a longer or malformed one by its first key. An array is told
    by its first element's first key, or a ``_raw`` key, in the first 4 KB."""
    kind = _kind(head[:4096])
    text = (head[len(_BOM):] if head.startswith(_BOM) else head).lstrip()
    if kind == "document" and text.startswith(b"["):
        return bool(_WRAPPER.match(text[1:].lstrip()) or _RAW_KEY.search(text, 0, 4096))
    if kind == "lines":  # by the first object's keys; its first key for one the head does not hold whole, or bad
        first = next((line for line in (part.lstrip() for part in text.split(b"\n")) if line.startswith(b"{")), b"")
        try:
            return _wrapper(load_json(first))
        except ValueError:
            return bool(_WRAPPER.match(first))
    if kind == "csv":  # a header with a _raw column: a text line that only mentions _raw is text
        header = text.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
        return "_raw" in next(csv.reader([header]))
    return kind is not None  # a multi-line object


def _blocks(stream: BinaryIO) -> Iterator[tuple[bytes, list[int]]]:
    """The stream in blocks of whole lines of about ``BLOCK`` bytes (the last may lack its final newline), each with
    the numbers (from 0 in the block) of its lines longer than ``events.MAX_LINE_BYTES``. Blocks are the runs of
    ``events.capped_runs``, the one capped reader: a longer line is never held whole, and is a block of its own,
    an empty line, so the lines after it keep their numbers."""
    for run, skipped in capped_runs(stream, BLOCK):
        yield (run, []) if skipped is None else (b"\n", [0])


def _pieces(block: bytes) -> Iterator[bytes]:
    """The block in pieces of whole lines of about ``PIECE`` bytes: each pass over a piece (lower-casing, one
    search per anchor, the shape check) then reads it from the processor's cache, not from memory."""
    start, size = 0, len(block)
    while start < size:
        cut = block.find(b"\n", start + PIECE - 1)
        end = size if cut < 0 else cut + 1
        yield block[start:end]
        start = end


def _untimed(event: Event) -> bool:
    """Whether ``make_event`` found no time for the event (it fell back to ``_NO_TIME``)."""
    when = event["_time"]
    return isinstance(when, float) and math.isnan(when)


def _no_time(flat: dict[str, Value], time_field: str) -> str:
    """Why a record has no ``_time``: Splunk takes it from the record's ``time`` (the add-on's ``TIME_PREFIX``);
    without one the event would get whatever time the reader made up, so it is a bad line, not an event. An
    unreadable one says what is read, as an export's ``_time`` does (``EXPORT_TIME_FORMS``) and ``search``'s hint
    does of the same record: it once said ``unreadable time '11/10/2026 9:12:11 AM'`` alone."""
    value = unreadable_time(flat, time_field)
    if value is None:
        return f"a JSON object without a {time_field!r} field: not an Azure Monitor record"
    return f"{unreadable_time_text(time_field, value)}: write a record's time as {TIME_FORMATS}"


def _unread_shape_problem(line: bytes, text: bytes) -> tuple[str, int]:
    """Why a line no detection reads, ``text`` stripped from ``line``, is not a JSON object, and the column to place
    it at. One cut short inside an object is decoded (only such a bad line is) for the decoder's words at its
    column, as a line a detection reads and ``search --events`` say it (``unterminated string`` at 485): before,
    it was ``truncated JSON object (no closing brace)`` at column 1, and the same cut read one way or the other by
    whether a detection could match the line's text."""
    if text.startswith(b"{"):
        try:
            load_json(text)
        except JsonColumnError as exc:
            return f"{MALFORMED_EVENT}: {exc}", error_column(exc, line) or 1
        except ValueError:  # not UTF-8 or nested too deeply: the shape is what can be said of it here
            pass
    return _not_an_object(text), 1


def _not_an_object(text: bytes) -> str:
    if text.startswith(b"{"):
        return "truncated JSON object (no closing brace)"
    return NOT_AN_OBJECT


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) and value else None


def _maybe_time(value: object) -> float | None:
    try:
        return _time_value(value, "_time")
    except _BadRow:
        return None


def _time_value(value: object, name: str) -> float | None:
    """An export's ``_time``/``_indextime``: epoch seconds or ISO 8601 text (``… UTC`` accepted)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        parsed: float | None = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith((" UTC", " GMT")):
            text = text[:-4] + "+00:00"
        parsed = parse_timestamp(text)
    else:
        parsed = None
    if parsed is not None and in_calendar(parsed):  # not NaN, 1e400 (infinity) or a year past 9999
        return parsed
    # at the value itself when it is text (``_BadRow.in_raw``: a JSON export's string; a CSV row's cell, ``_csv``)
    raise _BadRow(f"{unreadable_time_text(name, cast(Value, value))}: {EXPORT_TIME_FORMS}",
                  in_raw=((name,), 0) if isinstance(value, str) else None)
