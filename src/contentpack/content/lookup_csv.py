"""A lookup's CSV file: it must exist inside ``lookups/``, be UTF-8 text the engine can read, start with a header
row, and hold the columns the lookup's ``match_type`` names.

The header becomes the lookup's ``fields_list`` in the model (what transforms.conf and the replay engine
need), so it is read here once, at load time, with the same size/binary/encoding checks as YAML files. The
records are read by the engine's own CSV reader (``contentpack.spl.lookups.csv_records``), so the header is
the one the engine sees, and the matching rules are checked by the engine's own ``MatchRules``: a
``match_type`` the engine refuses made every replay fail at set-up after ``validate`` had said the pack was
valid.
"""

from __future__ import annotations

from pathlib import Path

from contentpack.content.conf_text import conf_text_problem
from contentpack.content.diagnostics import Diagnostic, Position, error, warning
from contentpack.content.loader import read_text
from contentpack.content.model import Lookup
from contentpack.cut_lists import cut_list
from contentpack.spl.files import no_such_path

RULE_LOOKUP_FILE = "CP014"
MAX_LOOKUP_BYTES = 16 * 1024 * 1024


def read_header(root: Path, csv_name: str, where: Position) -> tuple[tuple[str, ...] | None, list[Diagnostic]]:
    """The CSV's column names, or diagnostics (``where`` is the YAML node naming the file)."""
    from contentpack.spl.lookups import LookupCsvError, numbered_csv_records

    file = root / "lookups" / csv_name
    shown = f"lookups/{csv_name}"
    if file.is_symlink():  # discovery reports it (CP015, "not allowed in content"): never read what it points to
        return None, []
    if not file.exists():  # in the commands' one wording; a folder or a FIFO in its place is refused by kind below
        return None, [error(where, RULE_LOOKUP_FILE, no_such_path(shown))]
    text, problems = read_text(file, shown, limit=MAX_LOOKUP_BYTES)
    if text is None:
        return None, problems
    try:
        header, records = numbered_csv_records(text)
        # the engine reads every record: one it cannot read is found now, not at replay
        long_records = [(line, len(record)) for line, record in records if len(record) > len(header)]
    except LookupCsvError as exc:
        return None, [error(Position(shown, exc.line, 1), RULE_LOOKUP_FILE, f"lookup CSV: {exc.reason}")]
    if len(set(header)) != len(header) or any(not column.strip() for column in header):
        return None, [
            error(Position(shown, 1, 1), RULE_LOOKUP_FILE, "lookup CSV header has empty or repeated column names")
        ]
    problems = [error(Position(shown, *at), RULE_LOOKUP_FILE, f"lookup CSV column {column!r}: {problem}")
                for column, at in zip(header, _header_cells(text), strict=False)
                if (problem := _column_problem(column)) is not None]
    return (None if problems else header), problems + _long_records(shown, len(header), long_records)


def _long_records(shown: str, columns: int, long: list[tuple[int, int]]) -> list[Diagnostic]:
    """A warning at the first record (line, values) with more values than the header has columns, naming the lines
    of the others: the engine drops the values past the last column (assumed: Splunk documents no rule for such a
    record), so a value holding an unquoted comma (``Contoso Expense, Travel``) splits in two, and every later
    column of the record holds its neighbour's value without a word."""
    if not long:
        return []
    (line, values), others = long[0], [str(other) for other, _ in long[1:]]
    also = "" if not others else \
        f"; so does the record at line {others[0]}" if len(others) == 1 else \
        f"; so do the records at lines {cut_list(others, 5, separator=', ')}"
    return [warning(Position(shown, line, 1), RULE_LOOKUP_FILE,
                    f"lookup CSV record has {values} values, more than the header's {columns} columns: the values "
                    "past the last column are dropped and the others may sit under the wrong column; quote a value "
                    f"that holds a comma (\"Contoso Expense, Travel\"){also}")]


def _column_problem(column: str) -> str | None:
    """Why a header column cannot be one of the names transforms.conf's ``fields_list`` lists, or None.
    The builder writes them joined by ", " (``esapp.transforms``), and Splunk reads the setting as "A comma- and
    space-delimited list" (transforms.conf.spec): a comma in a name, or space at either end, would list other
    columns than the CSV's. The value must fit a .conf line too (``conf_text``); a line break inside a name is
    written as a continued line, like any other value's."""
    if "," in column:
        return "a comma in a column name would split it in two in transforms.conf's fields_list"
    if column != column.strip():
        return "a space at either end of a column name would be lost in transforms.conf's fields_list"
    return conf_text_problem(column)


def _header_cells(text: str) -> list[tuple[int, int]]:
    """The (line, column) where each cell of the CSV's first record starts (a quoted cell may span lines)."""
    cells = [(1, 1)]
    line, col, quoted = 1, 1, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char == ",":
            cells.append((line, col + 1))
        line, col = (line + 1, 1) if char == "\n" else (line, col + 1)
    return cells


def match_type_problems(lookup: Lookup) -> list[Diagnostic]:
    """What the engine refuses in the lookup's ``match_type`` given its CSV header, at the entry at fault: a
    field both WILDCARD and CIDR, or a field that is not a column. The schema already holds ``max_matches``
    and ``min_matches`` to the engine's ranges and each entry to ``WILDCARD(<field>)``/``CIDR(<field>)``."""
    from contentpack.spl import SplError
    from contentpack.spl.lookups import MatchRules

    for index in range(len(lookup.match_type)):  # the shortest prefix the engine refuses ends at the culprit
        try:
            MatchRules.from_settings(match_type=lookup.match_type[: index + 1]).check_columns(lookup.fields_list)
        except SplError as exc:
            return [error(lookup.source.at("match_type", index), RULE_LOOKUP_FILE, exc.message)]
    return []
