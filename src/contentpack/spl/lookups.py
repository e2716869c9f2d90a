"""CSV lookup tables and the transforms.conf rules that decide which rows an event matches.

Sources (each rule pinned by a test in tests/spl/test_lookups.py that quotes it):

* transforms.conf.spec (https://help.splunk.com/en/data-management/splunk-enterprise-admin-manual/9.4/
  configuration-file-reference/9.4.0-configuration-file-reference/transforms.conf) and the Knowledge
  Manager page "Add field matching rules to your lookup configuration" (…/knowledge-management-manual/9.4/
  use-the-configuration-files-to-configure-lookups/add-field-matching-rules-to-your-lookup-configuration):

  - ``case_sensitive_match``: "Specify true to consider case when matching input lookup table fields.
    Specify false to ignore case when matching lookup fields." Default true.
  - ``match_type``: "A comma and space-delimited list of <match_type>(<field_name>) specification to allow
    for non-exact matching. The available match_type values are WILDCARD, CIDR, and EXACT. EXACT is the
    default". WILDCARD: ``*`` in the table's value matches any run of characters; CIDR: the table's value is
    a network and an event's IP address inside it matches.
  - ``max_matches``: "Range is 1-1000. If the time_field attribute is not specified, Splunk software uses
    the first <integer> entries, in file order." Default 100.
  - ``min_matches`` (default 0) / ``default_match`` (default empty string): "When min_matches is greater than
    0 and Splunk software finds fewer than min_matches for any given input, it provides this default_match
    value one or more times until the min_matches threshold is reached."

Why a table is indexed only on EXACT fields: an exact key is a dictionary probe; WILDCARD and CIDR rows are
tested one by one (compiled once per table), which is what keeps a 1,000-row wildcard list usable.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import ipaddress
import itertools
import os
import re
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import TypeVar

from contentpack.spl.errors import SplError, count_text
from contentpack.spl.events import utf8_problem
from contentpack.spl.files import os_reason, read_capped
from contentpack.spl.regex import Pcre, compile_plain

MAX_MATCHES_LIMIT = 1000
MAX_LOOKUP_BYTES = 64 << 20  # a lookup is held in memory whole (rows as dicts: several times its size)
_MATCH_TYPE = re.compile(r"\s*(WILDCARD|CIDR|EXACT)\s*\(\s*([^()\s,]+)\s*\)\s*\Z", re.IGNORECASE)

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class MatchRules:
    """A lookup definition's field-matching settings (transforms.conf names and defaults)."""

    case_sensitive_match: bool = True
    max_matches: int = 100
    min_matches: int = 0
    default_match: str = ""
    wildcard: frozenset[str] = frozenset()  # columns whose values may hold ``*``
    cidr: frozenset[str] = frozenset()  # columns whose values are networks

    @classmethod
    def from_settings(cls, *, case_sensitive_match: bool = True, max_matches: int = 100, min_matches: int = 0,
                      default_match: str = "", match_type: Sequence[str] | str = ()) -> "MatchRules":
        """Rules from transforms.conf-style values; ``match_type`` as ``"WILDCARD(a), CIDR(b)"`` or a list."""
        if not 1 <= max_matches <= MAX_MATCHES_LIMIT:
            raise SplError(f"max_matches must be between 1 and {MAX_MATCHES_LIMIT}, not {max_matches}")
        if min_matches < 0:
            raise SplError(f"min_matches must be 0 or more, not {min_matches}")
        items = match_type.split(",") if isinstance(match_type, str) else list(match_type)
        wildcard: set[str] = set()
        cidr: set[str] = set()
        for item in items:
            if not item.strip():
                continue
            parsed = _MATCH_TYPE.match(item)
            if parsed is None:
                raise SplError(f"match_type {item.strip()!r}: expected WILDCARD(<field>), CIDR(<field>) or "
                               "EXACT(<field>)")
            kind, column = parsed.group(1).upper(), parsed.group(2)
            if kind == "WILDCARD":
                wildcard.add(column)
            elif kind == "CIDR":
                cidr.add(column)
        both = wildcard & cidr
        if both:
            raise SplError(f"match_type: field '{sorted(both)[0]}' cannot be both WILDCARD and CIDR")
        return cls(case_sensitive_match, max_matches, min_matches, default_match, frozenset(wildcard),
                   frozenset(cidr))

    def fold(self, text: str) -> str:
        """``text`` as the table's values are compared: lower-cased unless the match is case-sensitive."""
        return text if self.case_sensitive_match else text.lower()

    def check_columns(self, fields: Sequence[str]) -> None:
        """SplError when a WILDCARD or CIDR field is not a column of the table (``fields``: its header)."""
        for column in sorted(self.wildcard | self.cidr):
            if column not in fields:
                # the first few: a header of two million columns made a 20 MB error line
                more = f", ... ({count_text(len(fields))} in all)" if len(fields) > _COLUMNS_SHOWN else ""
                raise SplError(f"match_type names '{column}', which is not a column (columns: "
                               f"{', '.join(fields[:_COLUMNS_SHOWN])}{more})")


_COLUMNS_SHOWN = 20  # columns a match_type error lists


@dataclass
class LookupTable:
    """A CSV lookup: header order, rows (every value a string) and the definition's matching rules. Not frozen: it
    remembers the matcher it built for each set of input columns (``matcher``), and a frozen table writing to its
    cache would only pretend not to change. Nothing hashes a table (its rows are dicts, which cannot be hashed),
    and nothing changes one once read: the remembered matchers rely on that."""

    name: str
    fields: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    rules: MatchRules = field(default_factory=MatchRules)
    _matchers: dict[tuple[str, ...], RowMatcher] = field(default_factory=dict, init=False, repr=False,
                                                         compare=False)

    def matcher(self, columns: tuple[str, ...]) -> RowMatcher:
        """The matcher for one ``lookup`` command's input columns, built once per table and columns: a matcher
        depends on nothing else (the table never changes), and a scheduled search runs its lookup at every run."""
        found = self._matchers.get(columns)
        if found is None:
            found = self._matchers[columns] = RowMatcher(self, columns)
        return found


_Table = TypeVar("_Table")


# The date stamp of a lookup file as the built app ships it: ``lookups/<stem>_<YYYYMMDD>.csv`` (contentctl v5's
# "managed lookup file names"; ``esapp.transforms``). A search may name any build's date: the key of such a file
# in a table of registered names holds this placeholder instead.
ANY_BUILD_DATE = "YYYYMMDD"
_DATED = re.compile(r"(?P<stem>.+)_(?P<date>\d{8})(?P<suffix>\.[^./]+)\Z")
_PLACEHOLDER = re.compile(rf".+_{ANY_BUILD_DATE}\.[^./]+\Z")  # a key, never a shipped name


def dated_filename(filename: str, stamp: str) -> str:
    """``filename`` as the built app ships it: ``<stem>_<stamp><suffix>``, ``stamp`` the build's ``YYYYMMDD``."""
    path = PurePosixPath(filename)
    return f"{path.stem}_{stamp}{path.suffix or '.csv'}"


def register_table(tables: MutableMapping[str, _Table], name: str, filename: str, table: _Table, *,
                   shipped: bool = False) -> None:
    """Make ``table`` known to searches the way Splunk names it: the lookup command's ``<lookup-table-name>``
    "Can be either the name of a CSV file that you want to use as the lookup, or the name of a stanza in the
    transforms.conf file" (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/
    lookup); inputlookup's ``<filename>`` is "The name of the lookup file" and its ``<tablename>`` "The name of
    the lookup table as specified by a stanza name in the transforms.conf file" (…/search-commands/inputlookup).
    A lookup's own name wins over another lookup's file name. ``shipped``: ``filename`` is the pack's source
    file, which the built app ships date-stamped (:func:`dated_filename`), so the file resolves by that name, of
    any build date, and not by the source name (:func:`source_file_hint` says what to write instead). One home
    for the engine's tables and the validator's (CP025, CP065), so both resolve a name to the same table."""
    tables[name] = table
    tables.setdefault(dated_filename(filename, ANY_BUILD_DATE) if shipped else filename, table)


def named_table(tables: Mapping[str, _Table], name: str) -> _Table | None:
    """The table registered under ``name`` as written, None for an unknown name and for the placeholder key of a
    shipped file (``<stem>_YYYYMMDD.csv``, :func:`register_table`): no build ships a file of that literal name, so
    a search naming it finds nothing in Splunk."""
    return None if _PLACEHOLDER.match(name) else tables.get(name)


def written_names(tables: Mapping[str, _Table]) -> list[str]:
    """The registered names as a search would write them, sorted, for an unknown name's ``known:`` list: not the
    placeholder key of a shipped file (``<stem>_YYYYMMDD.csv``), which no search can name as it stands; the
    file's own lookup definition name is listed, the name to write (:func:`dated_name_hint`)."""
    return sorted(name for name in tables if not _PLACEHOLDER.match(name))


def find_table(tables: Mapping[str, _Table], name: str) -> _Table | None:
    """The table a search's name resolves to (:func:`register_table`), None for an unknown name."""
    found = named_table(tables, name)
    dated = _DATED.match(name)
    if found is None and dated is not None and _real_date(dated.group("date")):
        found = tables.get(f"{dated.group('stem')}_{ANY_BUILD_DATE}{dated.group('suffix')}")
    return found


def source_file_hint(tables: Mapping[str, _Table], name: str, definition: Callable[[_Table], str]) -> str:
    """For an unknown ``name`` that is a pack lookup's source file name, or its shipped name with the placeholder
    left in (``<stem>_YYYYMMDD.csv``): why it does not resolve in the built app and the name to write
    (``definition``: a table's lookup definition name); "" otherwise."""
    if _PLACEHOLDER.match(name):
        table = tables.get(name)
        return "" if table is None else (
            f"{ANY_BUILD_DATE} stands for a build's date, which the built app ships in its place, so no file of "
            f"this name exists there; use the lookup definition name '{definition(table)}'")
    table = tables.get(dated_filename(name, ANY_BUILD_DATE)) if PurePosixPath(name).suffix else None
    if table is None:
        return ""
    return (f"the built app ships lookups/{name} date-stamped, as lookups/{dated_filename(name, ANY_BUILD_DATE)}, "
            f"so no file of this name exists there; use the lookup definition name '{definition(table)}'")


def dated_name_hint(tables: Mapping[str, _Table], name: str, definition: Callable[[_Table], str]) -> str:
    """For a ``name`` that resolves only as the date-stamped file name one build ships (:func:`find_table`): why it
    is fragile and the name to write (``definition``: a table's lookup definition name); "" otherwise."""
    table = None if named_table(tables, name) is not None else find_table(tables, name)
    if table is None:
        return ""
    return (f"it names lookups/{name} as one build ships it; a build on another date ships the file under another "
            f"name, and this one stops resolving; use the lookup definition name '{definition(table)}'")


def _real_date(digits: str) -> bool:
    try:
        dt.datetime.strptime(digits, "%Y%m%d")
    except ValueError:
        return False
    return True


def read_lookup_csv(name: str, csv_path: str | os.PathLike[str], rules: MatchRules) -> LookupTable:
    """Read a CSV lookup file (header row, then rows); errors name the file and the lookup."""
    try:
        raw = read_capped(csv_path, MAX_LOOKUP_BYTES)
    except OSError as exc:  # the system's words, not "[Errno 2] ...: 'path'" again
        # a missing file in the commands' one wording (``files.NO_SUCH_PATH``)
        raise SplError(f"{csv_path}: cannot read lookup '{name}': {os_reason(exc)}") from None
    try:
        fields, records = csv_records(_utf8_text(raw))
        rules.check_columns(fields)
        rows = tuple(dict(zip(fields, itertools.chain(record, itertools.repeat("")))) for record in records)
    except SplError as exc:
        raise SplError(f"{csv_path}: lookup '{name}': {exc.message}") from None
    return LookupTable(name, fields, rows, rules)


def _utf8_text(raw: bytes) -> str:
    """A lookup file's text (a leading BOM dropped); ``LookupCsvError`` at the line of the first byte that is not
    UTF-8, in the words a events file gets (before: Python's "'utf-8' codec can't decode byte 0xff in position
    6", a byte count from the start of the file that no editor shows)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        end = raw.find(b"\n", exc.start)
        line = raw[start:] if end < 0 else raw[start:end]
        raise LookupCsvError(utf8_problem(line) or "not valid UTF-8", raw.count(b"\n", 0, start) + 1) from None


def csv_records(text: str) -> tuple[tuple[str, ...], Iterator[list[str]]]:
    """A CSV lookup's header and its data records, as the engine reads them (:func:`numbered_csv_records`, without
    the lines)."""
    fields, numbered = numbered_csv_records(text)
    return fields, (record for _, record in numbered)


def numbered_csv_records(text: str) -> tuple[tuple[str, ...], Iterator[tuple[int, list[str]]]]:
    """A CSV lookup's header and its data records, as the engine reads them (``csv`` module, default dialect):
    the header is the first record, empty lines between records are skipped, a short record's missing values
    are empty and a long record's extra values dropped (by the caller, which zips with the header). Why a
    function of its own: the validator reads a lookup's CSV with it, so what validates is what the engine loads.

    The records are read lazily, so a caller that only needs to know the whole text reads (a validator) keeps
    none of them. ``LookupCsvError`` (with the line) for the header's absence or what the csv module cannot
    read.

    Why the csv module's field limit is raised to the lookup's size cap: its default (131,072 characters) is
    Python's, not Splunk's, and it is one setting for the whole process (backtest's CSV inputs raise it too),
    so a long cell loaded or failed depending on what the process had read before. A field cannot be longer
    than the file, which ``MAX_LOOKUP_BYTES`` bounds; the limit is never lowered.

    Why ``strict``: without it a quoted value that is never closed silently took every later line of the file
    as its text (the table lost all its later rows and validate said nothing), and text after a closing quote
    was glued to the value. Splunk documents neither case, so both are refused (assumed), at the line where
    the record that cannot be read starts. Each data record comes with the line it starts on (what a message about
    it names).
    """
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LOOKUP_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)

    def read() -> Iterator[tuple[int, list[str]]]:
        start = 1  # the line the next record starts on
        try:
            for record in reader:
                yield start, record
                start = reader.line_num + 1
        except csv.Error as exc:
            reason = "a quoted value is not closed before the end of the file" \
                if str(exc) == "unexpected end of data" else str(exc)
            raise LookupCsvError(reason, start) from None

    records = read()
    fields = tuple(next(records, (1, []))[1])
    if not fields:
        raise LookupCsvError("no header row", 1)
    return fields, ((line, record) for line, record in records if record)


class LookupCsvError(SplError):
    """A lookup's CSV text the engine cannot read; ``line``: the 1-based line where reading stopped."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(f"line {line}: {reason}")
        self.reason = reason
        self.line = line


def _network(text: str) -> IpNetwork | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class RowMatcher:
    """Finds the rows of a table that match given input values, in file order.

    EXACT columns are probed through a dictionary keyed by their (case-folded) values; WILDCARD and CIDR
    columns are then tested on the candidate rows only.
    """

    def __init__(self, table: LookupTable, columns: tuple[str, ...]) -> None:
        # the table's rows and rules, not the table: the table keeps its matchers (``LookupTable.matcher``), and
        # a matcher holding it back would be a reference cycle, so a dropped engine's tables (a replay's
        # all-time run builds one engine per test) would wait for the garbage collector, which a replay pauses
        self._rows = table.rows
        self._rules = rules = table.rules
        self.columns = columns
        self.exact = tuple(i for i, c in enumerate(columns) if c not in rules.wildcard and c not in rules.cidr)
        self.loose = tuple(i for i in range(len(columns)) if i not in self.exact)
        self.index: dict[tuple[str, ...], list[int]] = {}
        for number, row in enumerate(table.rows):
            key = tuple(rules.fold(row.get(columns[i], "")) for i in self.exact)
            self.index.setdefault(key, []).append(number)

    @cached_property
    def _tests(self) -> dict[int, list[object]]:
        """Per loose column: the compiled test of each row (a regex, a network, or None for no match)."""
        flags = 0 if self._rules.case_sensitive_match else re.IGNORECASE
        tests: dict[int, list[object]] = {}
        for i in self.loose:
            column = self.columns[i]
            if column in self._rules.cidr:
                tests[i] = [_network(row.get(column, "")) for row in self._rows]
            else:
                tests[i] = [
                    compile_plain(".*".join(re.escape(p) for p in row.get(column, "").split("*")) + r"\Z",
                                  re.DOTALL | flags, row.get(column, ""))
                    for row in self._rows
                ]
        return tests

    def _loose_ok(self, i: int, number: int, values: Sequence[str]) -> bool:
        test = self._tests[i][number]
        if test is None:
            return False
        if isinstance(test, Pcre):
            return any(test.match(value) for value in values)
        assert isinstance(test, (ipaddress.IPv4Network, ipaddress.IPv6Network))
        for value in values:
            address = _address(value)
            if address is not None and address.version == test.version and address in test:
                return True
        return False

    def rows(self, values: Sequence[Sequence[str]]) -> list[dict[str, str]]:
        """Matching rows in file order, at most ``max_matches``; ``values[i]`` are the event's values for
        ``columns[i]`` (several for a multivalue field: a row matches when any of them does)."""
        candidates: set[int] = set()
        for key in _product([[self._rules.fold(v) for v in values[i]] for i in self.exact]):
            candidates.update(self.index.get(key, ()))
        out: list[dict[str, str]] = []
        for number in sorted(candidates):
            if all(self._loose_ok(i, number, values[i]) for i in self.loose):
                out.append(self._rows[number])
                if len(out) >= self._rules.max_matches:
                    break
        return out


def _product(choices: list[list[str]]) -> list[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = [()]
    for options in choices:
        keys = [(*key, option) for key in keys for option in dict.fromkeys(options)]
    return keys
