"""`contentpack search 'SPL' --events FILE`: run SPL against a log file with no Splunk server.

Only argument handling and printing live here (its options are declared in ``cli.search_options``); the work
is :class:`contentpack.spl.Engine`. A problem in what the user gave is a positioned diagnostic, as every
command reports one (``cli.common``; exit 1): a search the engine refuses at ``<search>:line:col`` (RP003,
the replay's rule for a detection's search it refuses), a malformed events line at ``FILE:line:1`` (RP002,
the replay's for attack data it cannot read), a macro file's problem at its place (validate's rules); with
``--format json`` the one JSON document ``validate`` prints, on stdout. A bad option, or a file that cannot
be read at all, is a usage error (exit 2). The table is as wide as the terminal (``printable.output_width``),
and 200 columns in a pipe or a file, as it always was.

Run inside a pack (or with ``--root``), the engine is the one the replay uses (``replay.engine_setup``): the
pack's macros with the generated ``<name>_filter`` macros, its lookups and its data sources' search-time
fields, so a detection's search pasted verbatim finds what the replay finds. ``--no-pack`` gives a bare
engine. A search that returns nothing while it filters or groups on a field no event has gets a hint on
stderr (``spl.hints``): that is how a missing add-on field looks in Splunk too — zero results, no error.
The search job's messages (``spl.messages``: a subsearch cut at its maxout) go to stderr after the results,
as ``contentpack search: warn: <Splunk's text>``, in every format: the JSON document is the array of rows
(every value text, ``_time`` a date in every format, as Splunk's ``output_mode=json`` writes them). Raw events
show ``_time`` first in the table and csv (``_event_order``), ``_raw`` removed or not.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.table import Table

from contentpack.backtest.foreign import SOURCETYPE as AZURE_MONITOR
from contentpack.backtest.foreign import HEAD_BYTES, file_refusal, with_docs
from contentpack.backtest.inputs import (EventReader, InputError, Metadata, ReadReport, csv_refusal, empty_notes,
                                         find_inputs, indexed_early_note, not_read, tar_refusal, wrapped_input,
                                         xml_refusal)
from contentpack.backtest.rawfilter import RawFilter
from contentpack.cli.common import SETUP_FAILED, print_failure, usage_error
from contentpack.cli.pack_loading import PackUnavailable, default_source, load_valid_pack, pack_root
from contentpack.cli.typed_time import ISO_FORMS, TypedTimeError, iso_time, looks_iso, outside_calendar
from contentpack.cut_lists import count_text, counted
from contentpack.layout import VALUE_INDENT, Column, fit_columns, fold, hanging_lines, readable_width, table_width
from contentpack.printable import json_text, lines_cell, on_terminal, output_width, printable
from contentpack.content.diagnostics import Diagnostic, Position, error
from contentpack.content.loader import load_yaml, text_position
from contentpack.content.model import Pack
from contentpack.spl import Engine, Limits, MacroDef, SplError
from contentpack.spl.engine import Survey
from contentpack.spl.errors import SplEventsError
from contentpack.spl.commands.args import is_digits
from contentpack.spl.commands.base import CommandNode
from contentpack.spl.commands.fieldops import FieldsCommand, TableCommand, matching_fields
from contentpack.spl.commands.search import SearchCommand
from contentpack.spl.events import (BAD_LINES_SHOWN, CUT_FIX, GZIP_MAGIC, BadLines, ReadTally, cut_note,
                                     events_head, head_starts_array, in_calendar)
from contentpack.spl.files import empty_files, no_such_input
from contentpack.spl.ast import Pipeline
from contentpack.spl.hints import (absent_in, asked_fields, asks_index, first_filter, reads_risk, search_keeps,
                                   unmatched_index, up_to)
from contentpack.spl.timeutil import parse_time_modifier, strftime, zone
from contentpack.spl.values import Event, Value, mv_values, to_str


class UsageError(Exception):
    """A bad option value (not an SPL error): printed without a column."""


class _SetupFailed(Exception):
    """The pack cannot make an engine (``simulate.engine_setup.ReplaySetupError``, its ``diagnostics``), raised
    under a name of this module's so that catching it imports no simulator."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__()
        self.diagnostics = list(diagnostics)


class _Refused(Exception):
    """The engine refused the search text itself, not an option's expression (``--calc``) or a file read before it:
    ``error``'s offset is a place in the search."""

    def __init__(self, error: SplError) -> None:
        super().__init__(error.message)
        self.error = error


class MacroFileError(Exception):
    """Macro files that cannot be used; ``problems`` are their positioned diagnostics (all of them)."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        super().__init__(f"--macros: {counted(len(problems), 'problem')} in macro files")
        self.problems = problems


def load_macros(paths: Sequence[str]) -> dict[str, MacroDef]:
    """ESCU macro YAML (``name``, ``definition``, optional ``arguments``) from files or directories."""
    macros: dict[str, MacroDef] = {}
    files: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml")))
        elif path.exists():  # the loader refuses what is not a regular file, by name
            files.append(path)
        else:
            raise UsageError(no_such_input(text))
    problems: list[Diagnostic] = []
    for path in files:
        # the pack's own strict loader: regular files only, size, nesting and alias-expansion limits
        loaded, found = load_yaml(path, str(path))
        problems += found
        if loaded is None:
            continue
        document = loaded.data
        if not isinstance(document, dict) or not isinstance(document.get("name"), str) \
                or not isinstance(document.get("definition"), str):
            problems.append(error(loaded.source.at(), "CP011", "a macro file needs string 'name' and 'definition' keys"))
            continue
        args = document.get("arguments") or []
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            problems.append(error(loaded.source.at("arguments"), "CP012", "'arguments' must be a list of names"))
            continue
        macro = MacroDef(document["name"], tuple(args), document["definition"])
        macros[macro.key] = macro
    if problems:
        raise MacroFileError(problems)
    return macros


def _pairs(values: Sequence[str], option: str) -> list[tuple[str, str]]:
    out = []
    for value in values:
        left, eq, right = value.partition("=")
        if not eq or not left.strip() or not right.strip():
            raise UsageError(f"{option} expects NAME=VALUE, got {value!r}")
        out.append((left.strip(), right.strip()))
    return out


_BOOLEANS = {"true": True, "1": True, "t": True, "false": False, "0": False, "f": False}


def lookup_settings(values: Sequence[str]) -> dict[str, dict[str, object]]:
    """``NAME:SETTING=VALUE`` options as ``Engine.register_lookup`` keywords per lookup name."""
    out: dict[str, dict[str, object]] = {}
    for value in values:
        name, colon, rest = value.partition(":")
        setting, eq, text = rest.partition("=")
        setting = setting.strip()
        if not colon or not eq or not name.strip():
            raise UsageError(f"--lookup-option expects NAME:SETTING=VALUE, got {value!r}")
        options = out.setdefault(name.strip(), {})
        if setting == "case_sensitive_match":
            if text.strip().lower() not in _BOOLEANS:
                raise UsageError(f"--lookup-option {value!r}: case_sensitive_match expects true or false")
            options["case_sensitive"] = _BOOLEANS[text.strip().lower()]
        elif setting in ("max_matches", "min_matches"):
            number = text.strip()
            if not is_digits(number):  # str.isdigit passed "²", which int() refuses: "internal error"
                raise UsageError(f"--lookup-option {value!r}: {setting} expects a whole number")
            try:
                options[setting] = int(number)
            except ValueError:  # more digits than Python reads (sys.get_int_max_str_digits): "internal error"
                raise UsageError(f"--lookup-option {name.strip()}:{setting}: a number of {count_text(len(number))} "
                                 "digits, more than this engine reads") from None
        elif setting == "default_match":
            options[setting] = text
        elif setting == "match_type":
            previous = options.get(setting)
            options[setting] = [*(previous if isinstance(previous, list) else []), *text.split(",")]
        else:
            raise UsageError(f"--lookup-option {value!r}: unknown setting {setting!r} (case_sensitive_match, "
                             "match_type, max_matches, min_matches, default_match)")
    return out


def _time(text: str | None, now: float, tz: str, option: str) -> float | None:
    """``--earliest``/``--latest``: a time modifier or ``%m/%d/%Y:%H:%M:%S`` (as ``earliest=`` takes it, in ``--tz``),
    or an ISO 8601 time, read as ``backtest --from/--to`` read it (``cli.typed_time``), so a drilldown's bounds from
    ``notables.jsonl`` paste as they are and a backtest's period means the same moments here. ``--now`` is read
    here too (at ``now`` 0: it is the moment the others are relative to, so it takes no modifier and its errors
    name none); it took no ISO time, so a notable's time pasted there was "invalid time modifier"."""
    if text is None:
        return None
    modifier = "" if option == "--now" else " a time modifier (-7d@d),"
    forms = f"epoch seconds,{modifier} %m/%d/%Y:%H:%M:%S (in --tz) or {ISO_FORMS}"
    if option == "--now" and text.strip().lower().startswith(("-", "+", "@", "now")):
        # a modifier counts from the search time, which --now sets: from epoch 0, -1d was 1969-12-31
        raise UsageError(f"--now: {printable(text)!r} is relative to the search time it would set; give {forms}")
    try:
        return iso_time(text, option, tz) if looks_iso(text) else parse_time_modifier(text, now, tz)
    except TypedTimeError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}; give {forms}") from None


def _date(name: str, value: Value, tz: str) -> str | None:
    """``_time`` as every format writes it, ISO 8601 with milliseconds and the zone's offset
    (``2012-11-27T16:30:06.140-08:00``, as Splunk's ``output_mode=json`` and csv give it); None for another field,
    a value that is not a number, or a time no calendar date holds (written as the number it is)."""
    if name != "_time" or not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        return strftime(float(value), "%Y-%m-%dT%H:%M:%S.%3N%:z", tz)
    except (OverflowError, ValueError, OSError):
        return None


def _values(name: str, value: Value, tz: str) -> list[str]:
    """A field's values as text (one per value of a multivalue field); ``_time`` as a date."""
    if value is None:
        return [""]
    date = _date(name, value, tz)
    return [date] if date is not None else [to_str(v) or "" for v in mv_values(value)]


def _json_value(name: str, value: Value, tz: str) -> object:
    """A value as Splunk's REST ``output_mode=json`` writes it: text, whatever its type, a multivalue field a list of
    texts (``"sum(kb)":"14372242.758775"``, ``"_si":["dfoster-mbp17.local","_internal"]``: answers captured in
    splunk-sdk-java, splunk/src/test/resources/data/results/results5.json and resultsMVOneshotFuture.json), the
    text the table and csv show (``_values``): ``_time`` a date, an infinity or NaN ``inf``/``NaN`` (JSON has no
    such number). A null stays null."""
    if value is None:
        return None
    texts = _values(name, value, tz)
    return texts if isinstance(value, tuple) else texts[0]


def _json_row(row: Mapping[str, Value], tz: str) -> dict[str, object]:
    """A row as JSON (``_json_value``), as Splunk's REST ``output_mode=json`` writes it and the table and csv show
    it: ``"_time":"2012-11-27T16:30:06.140-08:00"``, ``"count":"2"``."""
    return {name: _json_value(name, value, tz) for name, value in row.items()}


# Rows a table shows: a terminal table of more is not read, and drawing it takes long (Splunk's results view
# pages them too); csv and json print every row.
TABLE_ROWS = 1_000

# The table's width in a pipe, a file or a CI log (no terminal, no COLUMNS): what it always was, so the scripts
# and the documents that quote its output stay valid.
SEARCH_WIDTH = 200

# On a narrower terminal a column keeps at least this many characters (or its widest text, if less), and as
# many as its header and values need to be split only where they read well; the columns that would need to be
# narrower are left out, and named: rich, asked to fit them all, narrows columns down to nothing and their
# values vanish without a word.
NARROWEST = 10


def _column(name: str, cells: list[list[list[str]]], at: int) -> Column:
    """Field ``at`` as a column to fit, its header first. In a column holding a multivalue field, a value's
    continuation lines stand in (layout.VALUE_INDENT): a line at the cell's edge starts a value, so one value
    folded over two lines does not read as two values."""
    indent = VALUE_INDENT if any(len(row[at]) > 1 for row in cells) else 0
    return Column((printable(name), *(printable(value) for row in cells for value in row[at])), indent=indent)


def _fitting(names: list[str], cells: list[list[list[str]]], width: int) -> list[Column]:
    """The columns, from the left, that fit in ``width`` each as narrow as it can be read: its header and values
    split only where they read well, never mid-word (``layout.readable_width``: ``operationName`` keeps its
    width, ``status.errorCode`` may fold after its ``.``), and at least ``NARROWEST`` characters (or its widest
    text, if less). Ten characters a column, a table of every field squeezed in seven columns and cut their
    headers and values mid-word (``operationN`` / ``ame``, ``NonInterac`` / ``tiveUserSi`` / ``gnInLogs``);
    now it shows fewer, readable, and names the rest. At least one: its values fold down to whatever is left."""
    fitting: list[Column] = []
    needed: list[int] = []
    for at, name in enumerate(names):
        column = _column(name, cells, at)
        needed.append(readable_width(replace(column, least=NARROWEST)))
        if fitting and table_width(needed) > width:
            break
        fitting.append(column)
    return fitting


def render(rows: list[dict[str, Value]], fields: list[str], fmt: str, tz: str, width: int = SEARCH_WIDTH,
           terminal: bool = False) -> str:
    """Results as text in the chosen format (table hides internal fields other than _time). The table is laid
    out for ``width`` columns (``output_width``): its values fold inside their cells where they read well
    (``layout.fit_columns``: between words, before an email's ``@``, after a GUID's ``-``), and the columns that
    cannot fit so, headers included (``_fitting``), are left out and named below it, never cut mid-word nor narrowed
    to nothing (rich narrows them until their values vanish without a word). In a column holding a multivalue field
    (one value a line), a value that folds has its continuation lines indented (``layout.VALUE_INDENT``): a line at
    the cell's edge starts a value. A table whose columns all fit is drawn as it always was. JSON writes control and
    invisible characters as its own escapes (``printable.json_text``), the same data; csv, which has no escapes,
    holds the values as they are in a pipe or a file, and only on a ``terminal``, where a person reads them, their
    control characters escaped (``printable``), as the table shows them."""
    if fmt == "json":
        return json_text([_json_row(row, tz) for row in rows], indent=2)
    shown = [f for f in fields if not f.startswith("_") or f == "_time"] or fields
    if fmt == "table" and not rows:  # no columns to draw: a table would be a blank line
        return "0 result(s)"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([printable(name) if terminal else name for name in shown])
        for row in rows:
            writer.writerow(["\n".join(printable(v) if terminal else v for v in _values(f, row.get(f), tz))
                             for f in shown])  # a multivalue field one value a line, as Splunk exports them
        return buffer.getvalue().rstrip("\n")
    cells = [[_values(f, row.get(f), tz) for f in shown] for row in rows[:TABLE_ROWS]]
    columns = _fitting(shown, cells, width)
    fitting = len(columns)
    # each value split where it reads well (layout.fit_columns), never where rich's folding would cut it
    widths = fit_columns(columns, width)
    lines = [[[line for value in values for line in fold(printable(value), limit, column.indent)]
              for values, limit, column in zip(row_cells, widths, columns)] for row_cells in cells]
    # a rule between rows once a cell spans lines (several values, or one folded), or its last line would read
    # as the next row's
    table = Table(show_lines=any(len(cell) > 1 for row_lines in lines for cell in row_lines))
    for name, limit in zip(shown[:fitting], widths):
        table.add_column(lines_cell(fold(printable(name), limit)), overflow="fold")
    for row_lines in lines:
        table.add_row(*[lines_cell(cell) for cell in row_lines])
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(table)
    notes: list[str] = []
    if fitting < len(shown):
        hidden = shown[fitting:]
        notes.append(printable(f"({counted(len(hidden), 'field')} not shown in {width} columns: {', '.join(hidden)}; "
                               "--format csv or json has them)"))
    more = f"; the table shows the first {count_text(TABLE_ROWS)} (--format csv or json prints them all)" \
        if len(rows) > TABLE_ROWS else ""
    notes.append(f"{count_text(len(rows))} result(s){more}")
    # below the table, each note wraps between words with a hanging indent (layout.hanging_lines), as the
    # replay's do, not at the width mid-phrase with trailing spaces
    below = [line for note in notes for line in hanging_lines(note, width)]
    return "\n".join([console.file.getvalue().rstrip("\n"), *below])  # type: ignore[attr-defined]


def _spl_problem(error: SplError, pack: Pack | None) -> str:
    """The engine's message, or validate's CP061 wording when the name is no Splunk command or function at all:
    `stat` is a typo to correct (did you mean 'stats'?), not a feature the engine lacks."""
    from contentpack.content.rules.spl_checks import unknown_name  # only on this error path

    custom = frozenset(name.lower() for name, _ in pack.app.custom_commands) if pack is not None else frozenset()
    return unknown_name(error, custom) or error.message


# The path a problem in the search text is reported at: the search is given on the command line, not in a file.
SEARCH_PATH = "<search>"
SEARCH_FAILED = "the search stopped at this problem, with no results"
# An --events line it cannot read: what to do about it, and which command reads on past such lines, where the summary
# once left a user who had backtested the same export (README: "over the same exports") to guess why search refused it
EVENTS_FAILED = (f"{SEARCH_FAILED}: correct or delete the bad line(s) of --events it names (backtest --events reads "
                 "on past them and counts them)")


def _refusal(exc: SplError, in_search: bool, pack: Pack | None, args: argparse.Namespace) -> int:
    """Print why the engine stopped, as a positioned diagnostic when it has a place (``_input_problem``), else as a
    usage error; the exit status."""
    problem = _input_problem(exc, in_search, pack, args)
    if problem is None:  # a file it cannot read at all, an option's bad value, a lookup that cannot be loaded
        where = f" (column {exc.column})" if exc.column is not None else ""  # in the option's expression
        said = f"{_spl_problem(exc, pack)}{where}{_no_pack_macros(exc, pack, args)}"
        return usage_error("search", with_docs(said))  # an events file's refusal (the spl layer's) with our docs
    print_failure("search", [problem], EVENTS_FAILED if isinstance(exc, SplEventsError) else SEARCH_FAILED,
                  args.format == "json")
    return 1


@dataclass(frozen=True)
class _Export:
    """The events of a Splunk search export (JSON results lines, CSV with ``_raw``), of Event Hub messages
    (``{"records": [...]}``) or of a gzip-compressed file (``_gzipped``: the scan reads a file's own bytes), read
    by the backtest's reader (``backtest.inputs``, the one place these formats are
    taken apart) at each search with the fields it needs, as the engine scans a JSON-lines file: streamed, never
    held whole (a JSON document, read whole by that reader, is the exception). Every row is read: each row's
    ``_raw`` extracted again, its ``_time``, ``_indextime`` and metadata kept, each record of a message an event.
    Its bad lines end the read as a malformed line of a JSON-lines file does (``path:line: reason (N malformed
    lines in all: ...)``), once the file is read."""

    path: str
    metadata: Metadata

    def _read(self, needed: frozenset[str] | None, report: ReadReport) -> Generator[Event, None, None]:
        return EventReader(RawFilter([()]), needed, self.metadata, report).read_file(Path(self.path))

    def check(self) -> None:
        """What the reader refuses before the file's first event (its format, a CSV header), refused as the file is
        registered, as a usage error: before the next file is looked at, as when exports were read whole."""
        events = self._read(frozenset(), ReadReport())
        try:
            next(events, None)
        except InputError as exc:
            raise UsageError(str(exc)) from None
        finally:
            events.close()

    def __call__(self, needed: frozenset[str] | None, tally: ReadTally) -> Iterator[Event]:
        report = ReadReport()
        try:
            yield from self._read(needed, report)
        except InputError as exc:  # a read failing past the file's start (a corrupt gzip stream)
            raise SplEventsError(self.path, str(exc).removeprefix(f"{self.path}: ")) from None
        finally:  # what the reader cut or found indexed early, told as a scanned file's cuts are (a read a search
            tally.cut += report.cut  # ended early: so far)
            tally.early += report.indexed_early
        shown = report.bad_lines[:BAD_LINES_SHOWN]
        first: list[tuple[int, str, int | None]] = [(bad.line, bad.message, bad.column) for bad in shown]
        problem = BadLines(self.path, report.bad, first, label="").error()
        if problem is not None:
            raise problem


def _event_files(paths: Sequence[str]) -> list[str]:
    """The files ``--events`` names, found as ``backtest --events`` finds them (``inputs.find_inputs``, the one
    discovery): each file as given, and a folder's log files, recursively and in name order (an Azure storage
    account's ``insights-logs-*/.../PT1H.json`` export needed one ``--events`` a file). The files a folder held that
    are not read are named in a note first, in backtest's words (``inputs.not_read``)."""
    try:
        found = find_inputs(paths)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    for line in not_read(found.not_logs, found.prose, "in the folder(s)"):
        print(printable(f"contentpack search: note: {line}"), file=sys.stderr)
    return list(found.files)


def _gzipped(path: str) -> bool:
    """Whether the file starts as a gzip stream does (by its bytes, not its name, as both commands tell one)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(GZIP_MAGIC)) == GZIP_MAGIC
    except OSError:
        return False  # the reading names why


def _input_problem(exc: SplError, in_search: bool, pack: Pack | None, args: argparse.Namespace) -> Diagnostic | None:
    """A malformed events line at its line of the file (``FILE:2:1``; the problem is the line's, not a place in it),
    or the search's refusal (``in_search``) at its line and column in the search text (``<search>:1:11``), each
    under the replay's rule for the same finding (RP002 in a detection's attack data, RP003 in its search); None
    when the error has no such place: a file that cannot be read at all, or an option's value (a ``--calc``
    expression's column is none of the search's), which stay usage errors."""
    from contentpack.replay.attack_data import RULE_ATTACK_DATA  # only on this error path
    from contentpack.content.rules.spl_checks import placed_in_file
    from contentpack.replay.runner import RULE_SEARCH

    if isinstance(exc, SplEventsError):
        return None if exc.line is None else error(Position(exc.path, exc.line, exc.file_column or 1), RULE_ATTACK_DATA,
                                                   exc.problem)
    if not in_search or exc.offset is None:
        return None
    place = text_position(args.spl, SEARCH_PATH, exc.offset)
    exc = placed_in_file(exc, partial(text_position, args.spl, SEARCH_PATH))  # other places, as the diagnostic's
    return error(place, RULE_SEARCH, f"{_spl_problem(exc, pack)}{_no_pack_macros(exc, pack, args)}")


def run(args: argparse.Namespace) -> int:
    pack: Pack | None = None
    try:
        if not args.spl.strip():  # Splunk runs no empty search; "0 result(s)" would read as "nothing matched"
            raise UsageError("the search is empty")
        try:
            zone(args.tz)
        except ValueError as exc:
            raise UsageError(f"--tz: {exc}") from None
        pack = None if args.no_pack else _pack(args.root, args.format == "json")
        engine = _engine(args, pack)
        source = args.source if args.source is not None else default_source(pack, args.sourcetype)
        engine.limits = Limits(search_seconds=args.max_search_seconds, regex_seconds=args.max_regex_seconds,
                               max_generated_rows=args.max_generated_rows, max_mv_values=args.max_mv_values)
        files = _event_files(args.events)
        for path in files:
            metadata = Metadata(args.sourcetype, source, args.host, args.index, args.time_field)
            # a gzip file is read as backtest reads it: the scan reads a file's own bytes (``events.open_events``)
            export, head = (_Export(path, metadata), b"") if _gzipped(path) else (None, events_head(path, HEAD_BYTES))
            if export is None:  # a first line whole, to tell an export row or another schema by: read once for both
                refused = file_refusal(Path(path), head) if args.sourcetype == AZURE_MONITOR else None
                if refused is not None:  # another Entra ID schema read as azure:monitor:aad: nothing would match
                    raise UsageError(f"{refused}; to search the file as it is, give its own --sourcetype")
                refused = csv_refusal(path, head) or xml_refusal(path, head) or tar_refusal(path, head)
                if refused is not None:  # a CSV without _raw, whose header was read as an event; XML results; tar
                    raise UsageError(refused)
                # JSON lines, text and exports are streamed at search time (never held whole); a JSON array is
                # decoded whole; an export or Event Hub messages are read as backtest reads them
                export = _Export(path, metadata) if wrapped_input(head) else None
            if export is not None:
                export.check()
            engine.register_events(path, sourcetype=args.sourcetype, source=source, host=args.host,
                                   index=args.index, time_field=args.time_field, lazy=not head_starts_array(head),
                                   reader=export)
        settings = lookup_settings(args.lookup_option)
        lookups = _pairs(args.lookup, "--lookup")
        unknown = sorted(set(settings) - {name for name, _ in lookups})
        if unknown:
            raise UsageError(f"--lookup-option: no --lookup named {unknown[0]!r}")
        for name, csv_path in lookups:
            engine.register_lookup(name, csv_path, **settings.get(name, {}))  # type: ignore[arg-type]
        if args.geoip is not None:
            engine.register_geoip(args.geoip)
        # the search's time and, as the same read finds them, the fields its hints ask about (--now: none read)
        survey = None if args.now is not None else engine.survey(_asked(engine, args.spl))
        now = _now(survey, args)
        window = _Window(_time(args.earliest, now, args.tz, "--earliest"), _time(args.latest, now, args.tz, "--latest"),
                         now)
        try:
            results = engine.search(args.spl, earliest=window.earliest, latest=window.latest, now=now)
        except SplEventsError:
            raise
        except SplError as exc:
            raise _Refused(exc) from None
        fields = _event_order(engine.parse(args.spl), results.rows, results.fields)
        warnings = [f"{tally.path}: {cut_note(tally.cut)}; {CUT_FIX}" for tally in results.tallies if tally.cut]
        empty = empty_files(files)
        # an empty file is a note, as backtest names one (``inputs.empty_notes``); every file empty, it says why
        # nothing came back, and a hint on "a field no event has" sent the user after the search's fields (newuser23)
        notes = [*(f"{tally.path}: {indexed_early_note(tally.early, ' event(s)')}" for tally in results.tallies
                   if tally.early),
                 *empty_notes(empty, "the search read no events")]
        hints = [*_untimed_hints(results.tallies, args.time_field, args.tz),
                 *([] if files and len(empty) == len(files) else
                   _hints(engine, args.spl, pack is not None, bool(files), results.rows, window, survey, args.tz))]
    except PackUnavailable as exc:
        return exc.status
    except _SetupFailed as exc:
        print_failure("search", exc.diagnostics, SETUP_FAILED, args.format == "json")
        return 1
    except _Refused as exc:
        return _refusal(exc.error, True, pack, args)
    except SplError as exc:
        return _refusal(exc, False, pack, args)
    except MacroFileError as exc:
        print_failure("search", exc.problems, str(exc), args.format == "json")
        return 1
    except UsageError as exc:
        return usage_error("search", str(exc))
    print(render(results.rows, fields, args.format, args.tz, output_width(sys.stdout, SEARCH_WIDTH),
                 on_terminal(sys.stdout)))
    for message in results.messages:  # the job's messages: never among the rows, whatever the format
        print(printable(f"contentpack search: {message.render()}"), file=sys.stderr)
    for warning in warnings:  # ours, not the job's: Splunk gives no message for a cut (``events.CUT_FIX``)
        print(printable(f"contentpack search: warn: {warning}"), file=sys.stderr)
    for note in notes:  # the backtest says the same of the same files (``inputs.indexed_early_note``, ``empty_notes``)
        print(printable(f"contentpack search: note: {note}"), file=sys.stderr)
    for hint in hints:
        print(printable(f"contentpack search: hint: {hint}"), file=sys.stderr)
    return 0


# The field every event the search read holds, until a ``fields -`` removes it (``_events``).
RAW = ("_raw",)


def _event_order(pipeline: Pipeline, rows: Sequence[Mapping[str, Value]], fields: list[str]) -> list[str]:
    """The order of the columns of the table and csv: raw events (``_events``: no transforming command made the
    rows, as ``stats`` or ``timechart`` would) have ``_time`` first, then their fields as the engine gives them (the
    events' JSON order), as Splunk's events list shows each event's time first (assumed: no page pins the column
    order); the order a ``table`` or ``fields`` command set is kept as it is."""
    if "_time" not in fields or not rows or not _events(pipeline, rows) or any(
            isinstance(command, TableCommand) or (isinstance(command, FieldsCommand) and not command.remove)
            for command in pipeline.commands):
        return fields
    return ["_time", *(name for name in fields if name != "_time")]


def _events(pipeline: Pipeline, rows: Sequence[Mapping[str, Value]]) -> bool:
    """Whether the rows are events the search read: every row holds its ``_raw``, or a ``fields -`` removed it
    (``* | fields - _raw``) and every other command passes an event's ``_raw`` on (its ``requires``: ``eval`` and
    ``where`` need what comes after them, ``stats`` only its own fields)."""
    if all("_raw" in row for row in rows):
        return True
    removing = [isinstance(command, FieldsCommand) and command.remove and bool(matching_fields(command.names, RAW))
                for command in pipeline.commands]
    return any(removing) and all(
        isinstance(command, CommandNode) and (needed := command.requires(frozenset(RAW))) is not None
        and "_raw" in needed for command, removes in zip(pipeline.commands, removing) if not removes)


def _pack(root: Path | None, as_json: bool) -> Pack | None:
    """The pack around the working directory (or at ``--root``); None outside any pack."""
    found = pack_root(root)
    return None if found is None else load_valid_pack(
        found, "search", as_json, "before searching with its macros and lookups, or search without them (--no-pack)")


def _engine(args: argparse.Namespace, pack: Pack | None) -> Engine:
    """The pack's engine (as the replay builds it) or a bare one, plus the options' macros and fields."""
    macros = load_macros(args.macros)
    aliases, calculated = _pairs(args.alias, "--alias"), _pairs(args.calc, "--calc")
    if pack is None:
        engine = Engine(macros, tz=args.tz)
        if aliases or calculated:
            engine.register_search_time(args.sourcetype, aliases, calculated)
        return engine
    # imported only here: the ``contentpack.simulate`` package brings the whole schedule simulator, which a search
    # without the pack (--no-pack, or outside any pack) has no use for
    from contentpack.simulate.engine_setup import ReplaySetupError, build_engine

    extra = {args.sourcetype: (aliases, calculated)} if aliases or calculated else {}
    try:
        engine = build_engine(pack, tz=args.tz, extra_search_time=extra)
    except ReplaySetupError as exc:
        raise _SetupFailed(exc.diagnostics) from None
    engine.macros.update(macros)  # --macros override the pack's
    return engine


def _no_pack_macros(error: SplError, pack: Pack | None, args: argparse.Namespace) -> str:
    """What to do about an unknown macro when no pack's macros were loaded: the README's example, run from
    another folder, stopped at "unknown macro 'azure_monitor_aad'" with no word on why."""
    if pack is not None or not error.message.startswith("unknown macro "):
        return ""
    if args.no_pack:
        return "; --no-pack leaves out the pack's macros (give them with --macros)"
    return ("; no pack was loaded (none around the working directory): run inside the pack, or give --root DIR "
            "or --macros")


_NAME_TIME_FIELD = "name the field that holds each event's time with --time-field NAME"


def _untimed_hints(untimed: Sequence[ReadTally], time_field: str, tz: str) -> list[str]:
    """The events the search read that had no time, per file (the engine counted them as it read them): each
    got the file's modification time, so a time range kept or dropped them by that time alone, and ``_time``
    in the rows is not theirs. Splunk's rule is not quite this one (docs/spl_engine.md, "Events without a
    time"), and the hint says so rather than quote Splunk's order as if followed; the usual cause is a time
    field of another name: what to do is to name it."""
    return [f"{counted(tally.count, 'event')} of {tally.path} had no {tally.which_time(time_field)} and got the "
            f"file's modification time, {_values('_time', tally.fallback, tz)[0]}, as _time (the engine gives it to "
            "every event without a time, assumed: Splunk's documented order takes the time of the previous event of "
            "the same source first, then a date in the file name, and only then the file's modification time); "
            f"{tally.time_fix(_NAME_TIME_FIELD)}"
            for tally in untimed if tally.count]


# A correlation search pasted into `search` reads ES's risk index, which holds what detections wrote when they
# ran: `search` runs none, so the index is empty and every risk field "missing" (the README's correlation search
# drew six hints to add them with --alias/--calc). The replay and backtest run the detections that feed it.
RISK_HINT = ("the search reads the Risk data model ('| from datamodel Risk.All_Risk'), the risk events detections "
             "write when they run, and search runs none: it read no risk event (--events are not risk events); "
             "to run a correlation search over the risk of the detections that feed it, use 'contentpack replay "
             "--detection NAME' (its tests' attack data) or 'contentpack backtest --events FILE --detection NAME' "
             "(your logs)")


@dataclass(frozen=True)
class _Window:
    """The search's time range and time, for a hint that runs part of the search again over the same events."""

    earliest: float | None
    latest: float | None
    now: float


def _hints(engine: Engine, spl: str, with_pack: bool, with_events: bool, rows: Sequence[Mapping[str, Value]],
           window: _Window, survey: Survey | None, tz: str) -> list[str]:
    """Why a result may be a setup problem: no events given to a search that reads events (`| stats count`
    then answers 0, a row), or fields the search needs that no event has: when nothing came back, any it
    filters or groups on; when only zeros came back (``| stats count`` answers ``0`` over no event), those of its
    first ``search``/``where``, if that filter kept no event (run again up to it: a filter that keeps events
    lacking the field, ``NOT usr=x`` or ``where isnull(usr)``, or one on a field an ``eval`` made, is no typo to
    hint at). A ``search`` or ``where`` that can pass without the field (``usr=foo OR user=x``) names it only when
    it kept no event and would keep one were the field's comparisons true (``hints._emptied_by``, run up to it
    too). Which of the fields it names events have is ``present``, found as the events were read for the search's
    time (``Engine.survey``); with ``--now`` none were, and the files are read again for it (only those fields, and
    only until each is found). A search over the Risk data model gets one hint
    instead, whatever it returned: `search` holds no risk event, so its fields are missing for that reason. A
    search that returned nothing and asks for an index no event is in (``index=entra`` over files given ``main``)
    gets that hint instead (``hints.unmatched_index``): its fields are beside the point; so does one that returned
    only zeros (``index=entra | stats count``, a Splunk user's first search, answered ``0`` with no word): the index
    is in its base search, so no event got past it. One that returned nothing or only zeros while every event read
    lies outside --earliest/--latest gets that hint instead (``_outside_range``): no field or index is why."""
    pipeline = engine.parse(spl)
    if reads_risk(pipeline):
        return [RISK_HINT]
    with_rows = bool(rows)
    if not with_events:
        if not with_rows:
            return ["no results, and no --events were given: only a search that makes its own rows "
                    "('| makeresults', '| inputlookup') returns any without them"]
        if isinstance(pipeline.commands[0], SearchCommand):  # not a generating command
            return ["the search read no events: no --events were given (only a search that makes its own rows, "
                    "such as '| makeresults', needs none)"]
        return []
    only_zeros = with_rows and _only_zeros(rows)
    outside = _outside_range(survey, window, tz) if not with_rows or only_zeros else None
    if outside is not None:
        return [f"{'only zeros' if only_zeros else 'no results'}, and {outside}"]
    if (not with_rows or only_zeros) and asks_index(pipeline):  # which indexes the events are in: read again only then
        carried = {to_str(row.get("index")) or "" for row in engine.search(_INDEXES, now=window.now).rows}
        hint = unmatched_index(pipeline, carried)
        if hint is not None:
            opening = "only zeros" if only_zeros else "no results"
            return [f"{opening}, and the search {hint.said(' read')}: give the events yours with --index NAME, or "
                    "leave the index out of the search (a pack's macros as shipped name none)"]
    first = first_filter(pipeline)
    if with_rows and (first is None or not only_zeros):  # a value no aggregate gives over nothing: events
        return []
    keeps = search_keeps(engine, pipeline, with_rows, earliest=window.earliest, latest=window.latest, now=window.now)
    absent = absent_in(pipeline, engine, keeps, None if survey is None else survey.present)
    opening = "no results, and the search"
    if with_rows:
        absent = [field for field in absent if field.at == first]
        if first is None or not absent or keeps(up_to(pipeline, first)):
            return []
        opening = "the search's first filter kept no event: it"
    out = []
    for field in absent:
        advice = ("is it a search-time field of another sourcetype or add-on? add it with --alias/--calc"
                  if with_pack else
                  "is it an add-on's search-time field? run inside the pack (its data sources define them) "
                  "or add it with --alias/--calc")
        out.append(f"{field.said(opening)}; {advice}")
    return out


_INDEXES = "* | stats count by index"  # the indexes the events are in, for an index hint


def _outside_range(survey: Survey | None, window: _Window, tz: str) -> str | None:
    """What to say when every event read lies before --earliest or at or after --latest (the ``survey``'s oldest and
    newest ``_time``): the search read none, as Splunk's does over a time range without events, and until 2026-12-07
    said nothing of it, so zero results read as "nothing matched". None when some event is inside, the range is not
    given, or the events' times are not known (``--now``: no survey). A range that ends before it starts (or where it
    starts) holds no moment, wherever the events are: that is said instead (it said the range backwards, "from
    2026-10-13 (--earliest) to before 2026-10-12 (--latest)", as if the events were what missed it)."""
    if window.earliest is not None and window.latest is not None and window.earliest >= window.latest:
        return (f"the search's time range is empty: --earliest {_values('_time', window.earliest, tz)[0]} is not "
                f"before --latest {_values('_time', window.latest, tz)[0]} (an event is in it from --earliest to "
                "before --latest), so no event can be in it; give an --earliest before --latest")
    if survey is None or survey.oldest is None or survey.newest is None:
        return None
    before = window.earliest is not None and survey.newest < window.earliest
    after = window.latest is not None and survey.oldest >= window.latest
    if not (before or after):
        return None
    bounds = [*([f"from {_values('_time', window.earliest, tz)[0]} (--earliest)"] if window.earliest is not None
                else []),
              *([f"to before {_values('_time', window.latest, tz)[0]} (--latest)"] if window.latest is not None
                else [])]
    return (f"every event read lies outside the search's time range, {' '.join(bounds)}: the events are from "
            f"{_values('_time', survey.oldest, tz)[0]} to {_values('_time', survey.newest, tz)[0]}; give "
            "--earliest/--latest around them, or leave them out (the search then reads every event)")


def _only_zeros(rows: Sequence[Mapping[str, Value]]) -> bool:
    """Whether every value is what an aggregate answers over no event: 0 (count, dc, sum) or nothing."""
    return all(value in (None, "", 0, "0", ()) for row in rows for value in row.values())


def _now(survey: Survey | None, args: argparse.Namespace) -> float:
    """The search time: --now, else one second after the newest event (the ``survey`` of every event, as the replay
    asks its attack data: replays are then repeatable), else (no events) the clock, as Splunk's ``now()`` is when a
    search runs."""
    if survey is None:
        now = _time(args.now, 0.0, args.tz, "--now")
        if now is None or not in_calendar(now):  # 20 digits were taken, and _time printed as a bare number, or inf
            raise UsageError(str(outside_calendar(args.now, "--now")))
        return now
    if survey.newest is None:
        return float(int(time.time())) if not args.events else 1.0
    return survey.newest + 1.0


def _asked(engine: Engine, spl: str) -> frozenset[str]:
    """The event fields the search's hints would ask some event to have (``hints.asked_fields``): none for a search
    over the Risk data model (its one hint asks none), nor for one the engine refuses (it says so when it runs,
    after the events are read, as before)."""
    try:
        pipeline = engine.parse(spl)
    except SplError:
        return frozenset()
    return frozenset() if reads_risk(pipeline) else asked_fields(pipeline)
