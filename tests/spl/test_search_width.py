"""``search``'s table as wide as the terminal it is printed on, and as it always was in a pipe, a file or a log.

Drawn 200 columns wide whatever the terminal, every line of it wrapped on an 80- or 120-column one; asked to
fit many columns in fewer, rich narrows them down to nothing and their values vanish without a word. Each
width below reads the table back: no line wider than the width, every value of every column it shows present
(folded, never cut: joined again across the lines of its column), every other field named below it (at 200 too: a pipe or a log lost values the same way); without a
terminal or ``COLUMNS``, a table whose columns fit is the one it always was, byte for byte, and csv and json
never change.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from contentpack.cli import main
from terminal_output import cells, stdout_on_terminal

from .spl_support import SAMPLE_LOGS

REPO = Path(__file__).resolve().parents[2]
# real events (tests/fixtures/README.md): an ID list over 800 characters with no space, a multivalue field of ten
# values, sentences, long field names
FIELDS = ["time", "operationName", "correlationId", "properties.targetResources{}.displayName",
          "properties.targetResources{}.modifiedProperties{}.newValue", "properties.initiatedBy.app.displayName"]
TABLE = f"search * | head 3 | table {' '.join(FIELDS)}"
# a search without | table: every field of the events, far more than any terminal holds
EVERY_FIELD = "search * | head 2 | rename properties.* as *"
LONG = "https://outlook.office.com;" * 9
SMALL = (f'| makeresults | eval id="{LONG}", note="Use Exchange Web Services with full access to all mailboxes", '
         'mv=split("2e5c2fd0-cca4-452c-9891-a07c0dafd964,STRT_Oauth", ",") | fields - _time')
# SMALL's table in a pipe (200 columns): the list of URLs split after its ";" (rich once cut it mid-word,
# "https://outloo" / "k.office.com"), the other columns as `search` always printed them
PIPED = (
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n'
    '┃ id                                                                                ┃ note                                                        ┃ mv                                   ┃\n'
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩\n'
    '│ https://outlook.office.com;https://outlook.office.com;https://outlook.office.com; │ Use Exchange Web Services with full access to all mailboxes │ 2e5c2fd0-cca4-452c-9891-a07c0dafd964 │\n'
    '│ https://outlook.office.com;https://outlook.office.com;https://outlook.office.com; │                                                             │ STRT_Oauth                           │\n'
    '│ https://outlook.office.com;https://outlook.office.com;https://outlook.office.com; │                                                             │                                      │\n'
    '└───────────────────────────────────────────────────────────────────────────────────┴─────────────────────────────────────────────────────────────┴──────────────────────────────────────┘\n'
    '1 result(s)\n'
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["search", *args, "--no-pack"]) == 0
    return capsys.readouterr().out


def _rows(capsys: pytest.CaptureFixture[str], spl: str) -> list[dict[str, object]]:
    """The rows as JSON: what every value is, to look for in the table."""
    import json

    return json.loads(run(capsys, spl, "--events", str(SAMPLE_LOGS), "--format", "json"))


def _columns(text: str) -> tuple[list[str], list[str]]:
    """The table's header and body read back: each column's text, its lines joined, spaces dropped (a folded
    value breaks at a space or anywhere in a word)."""
    lines = text.splitlines()
    header = [line for line in lines if line.startswith("┃")]
    body = [line for line in lines if line.startswith("│")]

    def joined(rows: list[str], bar: str) -> list[str]:
        cells = [[part.replace(" ", "") for part in line.split(bar)[1:-1]] for line in rows]
        return ["".join(row[at] for row in cells) for at in range(len(cells[0]))]

    return joined(header, "┃"), joined(body, "│")


def _header_pieces(lines: list[str]) -> list[list[str]]:
    """Each header as its lines (a header folds only where it reads well, as a value does)."""
    header = [[part.strip() for part in line.split("┃")[1:-1]] for line in lines if line.startswith("┃")]
    return [[parts[at] for parts in header if parts[at]] for at in range(len(header[0]))]


def _as_texts(value: object) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v).replace(" ", "") for v in values]


@pytest.mark.parametrize(("width", "shown"), [(80, 4), (120, 4), (200, 6)])
def test_every_line_fits_and_every_value_is_whole(width: int, shown: int, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Only the columns that fit readable are shown, the others named below: the six long names squeezed into
    80 columns were cut mid-word (``targetReso`` / ``urces{}.``, ``operationN`` / ``ame``). A header folds only
    where a value would (``properties.`` / ``targetResources{}.`` / ``displayName``)."""
    rows = _rows(capsys, TABLE)
    monkeypatch.setenv("COLUMNS", str(width))
    text = run(capsys, TABLE, "--events", str(SAMPLE_LOGS))
    assert [line for line in text.splitlines() if len(line) > width] == []
    headers, columns = _columns(text)
    assert headers == FIELDS[:shown]
    for name, pieces in zip(headers, _header_pieces(text.splitlines()), strict=True):
        assert _reads_well(name, pieces), (name, pieces)
    hidden = FIELDS[shown:]
    assert re.sub(r"\s+", " ", text).endswith(
        f" ({len(hidden)} fields not shown in {width} columns: {', '.join(hidden)}; --format csv or json has them) "
        "3 result(s) " if hidden else "┘ 3 result(s) ")
    for row in rows:
        for at, name in enumerate(headers):
            for value in _as_texts(row.get(name, "")):
                assert value in columns[at], (name, value)
    if not hidden:
        assert any(len(value) > 800 for row in rows for value in _as_texts(row.get(FIELDS[4], "")))  # folded


@pytest.mark.parametrize("width", [80, 120, 200])  # 200: a pipe's or a log's width, where values vanished too
def test_the_fields_that_do_not_fit_are_named_never_narrowed_to_nothing(
        width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _rows(capsys, EVERY_FIELD)
    fields = next(csv.reader(run(capsys, EVERY_FIELD, "--events", str(SAMPLE_LOGS), "--format", "csv").splitlines()))
    monkeypatch.setenv("COLUMNS", str(width))
    text = run(capsys, EVERY_FIELD, "--events", str(SAMPLE_LOGS))
    assert [line for line in text.splitlines() if len(line) > width] == []
    headers, columns = _columns(text)
    assert headers == fields[:len(headers)] and len(headers) >= 4
    for row in rows:
        for at, name in enumerate(headers):
            if name == "_time":  # the table writes it as a time, json as its epoch
                continue
            for value in _as_texts(row.get(name, "")):
                assert value in columns[at], (name, value)
    # below the table, wrapped to the width: how many fields it left out, each named, in order
    hidden = fields[len(headers):]
    note = re.sub(r"\s+", " ", text[text.index(f"\n({len(hidden)} fields not shown"):])
    match = re.fullmatch(rf" \({len(hidden)} fields not shown in {width} columns: (.*); --format csv or json has "
                         r"them\) 2 result\(s\) ", note)
    assert match is not None, note
    assert match.group(1).split(", ") == hidden


def test_a_pipe_or_a_log_gets_the_200_column_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, SMALL) == PIPED
    assert max(len(line) for line in PIPED.splitlines()) <= 200


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json_do_not_depend_on_the_width(fmt: str, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    before = run(capsys, EVERY_FIELD, "--events", str(SAMPLE_LOGS), "--format", fmt)
    monkeypatch.setenv("COLUMNS", "80")
    assert run(capsys, EVERY_FIELD, "--events", str(SAMPLE_LOGS), "--format", fmt) == before


def test_search_on_an_80_column_terminal_prints_lines_that_fit_it() -> None:
    """What a user sees: ``contentpack search`` with its output on a terminal 80 columns wide, no COLUMNS."""
    status, lines = stdout_on_terminal(["search", SMALL, "--no-pack"], 80, REPO, 60)
    assert status == 0
    assert lines[-1] == "1 result(s)" and [line for line in lines if len(line) > 80] == []
    assert LONG.replace(" ", "") in "".join(line.split("│")[1].strip() for line in lines if line.startswith("│"))


# The README's example (its table held a GUID cut as "...-5c8de005a18" / "6" at 80 columns), and a table of the
# values that folded mid-word at 80 and 120 ("christie.wilk" / "ins@contoso.e" / "xample", "Safari/537.3" / "6")
README_SEARCH = ('`entra_id_signin_and_audit_logs` operationName="Sign-in activity" properties.status.errorCode=65004\n'
                 '  | rename properties.* as * | stats count by user appId')
AGENTS = "`entra_id_signin_and_audit_logs` | rename properties.* as * | table user appId userAgent ipAddress | head 3"
DECLINES = REPO / "attack_data" / "single_user_declines" / "single_user_declines.log"


def _in_pack(capsys: pytest.CaptureFixture[str], spl: str, *args: str) -> str:
    assert main(["search", spl, "--root", str(REPO), "--events", str(DECLINES), *args]) == 0
    return capsys.readouterr().out


def _row_pieces(text: str, starts: int) -> list[list[list[str]]]:
    """The body read as a person reads it: each row's cells, each the lines of its value; a row begins on the
    line where column ``starts`` (one whose values never split) holds text."""
    rows: list[list[list[str]]] = []
    for line in text.splitlines():
        if not line.startswith("│"):
            continue
        parts = [part.strip() for part in line.split("│")[1:-1]]
        if parts[starts]:
            rows.append([[] for _ in parts])
        for at, part in enumerate(parts):
            if part:
                rows[-1][at].append(part)
    return rows


def _reads_well(value: str, pieces: list[str]) -> bool:
    """Whether ``pieces`` are ``value`` split only between words, after a ``;`` ``,`` ``-`` ``.`` ``/``, or before
    an ``@``: never mid-word."""
    rest = value
    for before, after in zip(pieces, pieces[1:]):
        assert rest.startswith(before), (value, pieces)
        rest = rest[len(before):]
        if rest.startswith(" "):
            rest = rest.lstrip(" ")
        elif not (after.startswith("@") or before.endswith((";", ",", "-", ".", "/"))):
            return False
    return rest == pieces[-1]


def test_the_readme_example_splits_an_email_before_its_at_and_keeps_the_guid_whole(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"search '{README_SEARCH}' --events attack_data/single_user_declines/" in readme
    monkeypatch.setenv("COLUMNS", "80")
    text = _in_pack(capsys, README_SEARCH)
    assert [line for line in text.splitlines() if len(line) > 80] == []
    assert _row_pieces(text, 2) == [[["joni.natarajan", "@contoso.example"],
                                     ["4be11163-0a03-45fb-87e5-5c8de005a186"], ["1"]]]


@pytest.mark.parametrize("width", [80, 120])
def test_values_split_only_where_they_read_well(width: int, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    import json

    rows = json.loads(_in_pack(capsys, AGENTS, "--format", "json"))
    monkeypatch.setenv("COLUMNS", str(width))
    text = _in_pack(capsys, AGENTS)
    assert [line for line in text.splitlines() if len(line) > width] == []
    read = _row_pieces(text, 3)
    assert len(read) == len(rows) == 3
    for row, cells in zip(rows, read):
        for name, pieces in zip(["user", "appId", "userAgent", "ipAddress"], cells):
            assert _reads_well(row[name], pieces), (name, row[name], pieces)
        if width == 120:  # room for every email and GUID whole; only the user agents fold, between words
            assert cells[0] == [row["user"]] and cells[1] == [row["appId"]]
        else:  # the emails split before their "@" (a GUID after a "-"), each piece whole
            assert cells[0] == [row["user"].split("@")[0], "@" + row["user"].split("@")[1]]
    assert any(len(cells[2]) > 1 for cells in read)


# An Entra app's display name may hold CJK and emoji (two cells each) and combining accents (none): the table was
# planned counting characters, so it "fit" 80 columns unsplit while it took far more, and rich, which measures
# cells, folded its values wherever the width ran out ("9199bf20-a13f-4107-85dc-021" / "14787ef48").
WIDE_APP = "Contoso 应用程序名称 很长的应用程序 名称很长的应用程序名称 😀😀😀 de\u0301bra.tanaka@contoso.example"
WIDE_GUID = "9199bf20-a13f-4107-85dc-02114787ef48"
WIDE_SEARCH = (f'| makeresults | eval app="{WIDE_APP}", id="{WIDE_GUID}", user="christie.wilkins@contoso.example"'
               ' | fields - _time')


def test_wide_and_combining_characters_fit_the_terminal_in_cells_and_split_where_they_read_well() -> None:
    """What a user sees: ``contentpack search`` on an 80-column terminal, each line measured in cells."""
    status, lines = stdout_on_terminal(["search", WIDE_SEARCH, "--no-pack"], 80, REPO, 60)
    assert status == 0 and lines[-1] == "1 result(s)"
    assert [line for line in lines if cells(line) > 80] == [], "\n".join(lines)
    assert len({cells(line) for line in lines if line.startswith(("┏", "┃", "│", "└"))}) == 1  # aligned borders
    body = [[part.strip() for part in line.split("│")[1:-1]] for line in lines if line.startswith("│")]
    row = [[parts[at] for parts in body if parts[at]] for at in range(3)]  # one row: each column's lines
    assert _reads_well(WIDE_APP, row[0]) and _reads_well(WIDE_GUID, row[1]), row


# One multivalue cell: a long value that folds, then a short one. Its lines read as three values once.
SEVERAL = ('| makeresults | eval mv=split("Use Exchange Web Services with full access to all mailboxes,offline_access,'
           'Mail.Read", ","), n=1 | fields - _time')


def test_a_value_folded_in_a_multivalue_cell_is_told_from_the_next_value(monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Each line at the cell's left edge starts a value; a value's continuation lines stand in by two
    (``layout.VALUE_INDENT``), as the README and docs/spl_engine.md say."""
    monkeypatch.setenv("COLUMNS", "40")
    text = run(capsys, SEVERAL)
    assert [line for line in text.splitlines() if cells(line) > 40] == []
    body = [line.split("│")[1][1:] for line in text.splitlines() if line.startswith("│")]  # the cell, its pad off
    values: list[str] = []
    for line in body:
        if line.startswith("  "):
            values[-1] += " " + line.strip()
        elif line.strip():
            values.append(line.strip())
    assert values == ["Use Exchange Web Services with full access to all mailboxes", "offline_access", "Mail.Read"]
    assert len(body) > 3  # the first value folded


def test_rows_whose_single_values_fold_are_ruled_apart(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A value folded over two lines, then the next row's value: without a rule between the rows the next row's
    line reads as the end of the first value, so a table is ruled once any cell spans lines, not only a
    multivalue one."""
    monkeypatch.setenv("COLUMNS", "40")
    text = run(capsys, '| makeresults count=2 | streamstats count as n | eval note=if(n=1, "Use Exchange Web '
                       'Services with full access", "Read mail") | table note')
    lines = text.splitlines()
    body = [at for at, line in enumerate(lines) if line.startswith("│")]
    assert len(body) == 3  # the first value folded once, the second whole
    assert lines[body[1] + 1].startswith("├") and "Read mail" in lines[body[2]]  # a rule, then the next row


def test_a_table_of_whole_values_has_no_rules(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = run(capsys, '| makeresults count=2 | streamstats count as n | table n')
    assert not any(line.startswith("├") for line in text.splitlines())


def test_the_notes_below_a_narrow_table_wrap_with_a_hanging_indent(monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The fields left out and the result count wrap between words, continuation lines indented, no trailing
    space, as the replay's notes do (the README: messages below a table wrap "with a hanging indent")."""
    monkeypatch.setenv("COLUMNS", "40")
    text = run(capsys, "search * | head 2 | table tenantId resultType operationName category", "--events",
               str(SAMPLE_LOGS))
    below = text.splitlines()[[at for at, line in enumerate(text.splitlines()) if line.startswith("└")][-1] + 1:]
    assert below[0].startswith("(2 fields not shown in 40 columns:") and below[-1] == "2 result(s)"
    assert all(cells(line) <= 40 and line == line.rstrip() for line in below), below
    assert len(below) > 2 and all(line.startswith("    ") for line in below[1:-1]), below


# A new user's first search: raw events, every field (~110 with the pack's search-time fields). On an 80- or
# 100-column terminal it squeezed in six or seven columns ten characters wide, so a header read "operationN" /
# "ame" and a value "NonInterac" / "tiveUserSi" / "gnInLogs"; the columns shown are now only those that fit
# readable, each at least as wide as its header, the rest named below the table.
RAW = "sourcetype=azure:monitor:aad | head 2"


def _body_rows(lines: list[str]) -> list[list[list[str]]]:
    """The body read back: each row's cells, each the lines of its value (rows parted by the rules drawn once a
    cell spans lines, else one line a row)."""
    ruled = any(line.startswith("├") for line in lines)
    rows: list[list[list[str]]] = []
    starts = True
    for line in lines:
        if line.startswith("│"):
            parts = [part.strip() for part in line.split("│")[1:-1]]
            if starts:
                rows.append([[] for _ in parts])
            for at, part in enumerate(parts):
                if part:
                    rows[-1][at].append(part)
            starts = not ruled
        elif line.startswith("├"):
            starts = True
    return rows


@pytest.mark.parametrize("width", [80, 100])
def test_raw_events_on_a_narrow_terminal_show_whole_headers_and_values_split_only_where_they_read_well(
        width: int, capsys: pytest.CaptureFixture[str]) -> None:
    """What a user sees: ``contentpack search`` over raw events in the pack, on a terminal ``width`` wide."""
    import json

    assert main(["search", RAW, "--root", str(REPO), "--events", str(DECLINES), "--format", "csv"]) == 0
    fields = next(csv.reader(capsys.readouterr().out.splitlines()))
    assert main(["search", RAW, "--root", str(REPO), "--events", str(DECLINES), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    status, lines = stdout_on_terminal(["search", RAW, "--events", str(DECLINES)], width, REPO, 60)
    assert status == 0 and lines[-1] == "2 result(s)"
    assert [line for line in lines if cells(line) > width] == [], "\n".join(lines)
    # every header whole, the fields' first ones in their order, folded (if at all) only where it reads well
    pieces = _header_pieces(lines)
    headers = ["".join(lines_of) for lines_of in pieces]
    assert len(headers) >= 4 and headers == fields[:len(headers)], "\n".join(lines)
    for name, lines_of in zip(headers, pieces):
        assert _reads_well(name, lines_of), (name, lines_of)
    # every value shown split only between words or after/before its punctuation, never mid-word
    read = _body_rows(lines)
    assert len(read) == len(rows) == 2
    for row, row_cells in zip(rows, read):
        for name, value_lines in zip(headers, row_cells):
            value = row.get(name, "")
            assert isinstance(value, str) and _reads_well(value, value_lines), (name, value, value_lines)
    # the others named below the table, in order, in the words it always used
    hidden = fields[len(headers):]
    below = lines[[at for at, line in enumerate(lines) if line.startswith("└")][-1] + 1:]
    note = re.sub(r"\s+", " ", "\n".join(below))
    assert note == (f"({len(hidden)} fields not shown in {width} columns: {', '.join(hidden)}; --format csv or json "
                    "has them) 2 result(s)")
