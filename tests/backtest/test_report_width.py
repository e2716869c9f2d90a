"""The backtest's terminal report as wide as the terminal, 160 columns in a pipe or a log (the replay's table
width, ``printable.TABLE_WIDTH``): laid out for 160 whatever the terminal, every line of it wrapped on an 80- or
120-column one, and the detection names were cut with an ellipsis once the terminal was narrower than them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from contentpack.backtest.inputs import find_inputs
from contentpack.backtest.report import COUNTED, Summary, _entity_table
from contentpack.backtest.run import run_backtest
from contentpack.backtest.summary import Entity, actions_note
from contentpack.cli import main
from contentpack.layout import VALUE_INDENT, fold, table_width
from contentpack.printable import TABLE_WIDTH
from real_pack_runs import real_pack

REPO = Path(__file__).resolve().parents[2]
SINGLE = REPO / "attack_data" / "single_user_declines" / "single_user_declines.log"
DECLINED = "Entra ID User Declined OAuth Application Consent"


@pytest.fixture(scope="module")
def summary() -> Summary:
    pack = real_pack()
    return Summary(pack, run_backtest(pack, find_inputs([REPO / "attack_data"]).files))


def _cells(text: str) -> list[list[str]]:
    return [[part.strip() for part in line.split("│")[1:-1]] for line in text.splitlines() if line.startswith("│")]


def _detection_rows(text: str) -> tuple[list[str], list[tuple[str, tuple[str, ...], int]]]:
    """The per-detection table's headers, and per detection: its name (its cell's lines joined), its other cells
    (the type, when it has a column, and the counts) and how many lines it takes."""
    lines = text.splitlines()
    table = lines[lines.index("Per detection") + 1:]
    table = table[:next(at for at, line in enumerate(table) if line.startswith("└"))]
    headers = [" ".join(parts) for parts in zip(*([part.strip() for part in line.split("┃")[1:-1]]
                                                   for line in table if line.startswith("┃")))]
    rows: list[tuple[str, tuple[str, ...], int]] = []
    for row in _cells("\n".join(table)):
        if row[-1]:  # a detection's first line: its counts
            rows.append((row[0], tuple(row[1:]), 1))
        else:
            name, others, count = rows[-1]
            rows[-1] = (f"{name} {row[0]}", others, count + 1)
    return [header.strip() for header in headers], rows


@pytest.mark.parametrize("width", [80, 120, TABLE_WIDTH])
def test_every_line_fits_and_every_name_and_count_is_whole(summary: Summary, width: int) -> None:
    text = summary.text(width)
    assert [line for line in text.splitlines() if len(line) > width] == []
    cells = _cells(text)
    headers, rows = _detection_rows(text)
    # written as the read line writes a count, ``13,326`` (``cut_lists.count_text``): the tables wrote ``13326``
    counts = [[f"{summary.totals.get(name, {}).get(key, 0):,}" for key in COUNTED] for name in summary.names]
    assert any("," in count for row in counts for count in row)  # the pack's runs over attack_data
    if width == 80:  # the type after the name, which a column of types left 20 columns
        assert headers == ["detection (type)", "runs", "results", "notables", "risk events"]
        assert [(name, others) for name, others, _ in rows] == [
            (f"{name} ({summary.types[name]})", tuple(row)) for name, row in zip(summary.names, counts)]
    else:
        assert headers == ["detection", "type", "runs", "results", "notables", "risk events"]
        assert [(name, others) for name, others, _ in rows] == [
            (name, (summary.types[name], *row)) for name, row in zip(summary.names, counts)]
    objects = [e.value for e in summary.risk_objects[:10]]
    assert objects and all(value in "".join(row[0] for row in cells) for value in objects)
    # an object row: its type (user, other: an application) where a detection row has its run count
    scores = [row[2] for row in cells if len(row) == 5 and row[1] and not row[1].replace(",", "").isdigit()]
    assert scores == [f"{e.score:,}" for e in summary.risk_objects[:10]]


@pytest.mark.parametrize(("width", "most"), [(80, 3), (120, 2), (TABLE_WIDTH, 1)])
def test_a_detection_name_takes_a_few_lines_at_most(summary: Summary, width: int, most: int) -> None:
    """At 80 columns the type column ("Correlation", 11 wide) and the counts left the names 20 columns: each
    folded over three or four lines. The type now follows the name there and "risk events" takes two lines of
    header, so a name takes two lines, three when its last word and its type do not fit; a wider terminal keeps
    the type's column and its layout (``NAME_LINES``). A few more names take three: the counts' thousands
    separators (``13,326``) take a column from the names."""
    _, rows = _detection_rows(summary.text(width))
    assert max(count for _, _, count in rows) == most
    if width == 80:
        assert sum(count for _, _, count in rows) <= 2 * len(rows) + 3


@pytest.mark.parametrize("columns", ["80", "120", None])
def test_the_command_lays_the_report_out_for_the_terminal(columns: str | None, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``COLUMNS`` (a terminal's width: ``printable.output_width``), else 160, captured output being no terminal."""
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert main(["backtest", "--root", str(REPO), "--events", str(SINGLE), "--detection", DECLINED]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= int(columns or TABLE_WIDTH)
    assert any(DECLINED in line for line in lines) == (columns != "80")  # folded in two at 80, on one line wider


@pytest.mark.parametrize("width", [80, 120, TABLE_WIDTH])
def test_a_risk_object_is_split_only_where_it_reads_well(summary: Summary, width: int) -> None:
    """At 80 columns the objects once folded mid-word (``debra.tanaka@contoso.e`` / ``xample``): an email is now
    whole or split before its ``@``, a GUID after a ``-``."""
    objects = {e.value for e in summary.risk_objects[:10]}
    rows = _cells(summary.text(width))
    start = next(index for index, row in enumerate(rows) if row and row[0] and row[1] in ("user", "other", "system"))
    pieces: list[list[str]] = []
    for row in rows[start:]:
        if len(row) != 5:
            break
        if row[1]:
            pieces.append([])
        if row[0]:
            pieces[-1].append(row[0])
    assert {"".join(parts) for parts in pieces} == objects
    for parts in pieces:
        for before, after in zip(parts, parts[1:]):
            assert after.startswith("@") or before.endswith(("-", ".", "/")), parts
    if width == 80:
        assert any(len(parts) > 1 for parts in pieces)  # this run's emails do not fit whole at 80


@pytest.mark.parametrize("width", [80, 120])
def test_the_risk_objects_table_gives_the_detections_every_column_the_split_objects_free(width: int) -> None:
    """A tenant whose top ten held the campaign's app id (a GUID, 36 characters) and emails of 28: at 80 columns
    the objects' column was planned 23 wide, but split before their ``@`` and after a ``-`` they needed 19; rich
    shrank the column to its text and the table ended 4 columns short of the terminal while the detections beside
    it folded over up to ten lines. The table is now as wide as the terminal, as the per-detection one."""
    names = {"Entra ID OAuth Consent Granted to Application Other Users Declined": 1,
             "Entra ID User Consent Granted for Risky Delegated Scopes": 1}
    entities = [Entity("debra.tanaka@contoso.example", "user", 190, 3, names),
                Entity("f3c1df8a-328e-4788-9395-d9d3e05dcd18", "other", 40, 1,
                       {"Entra ID OAuth Consent Declined by Many Users": 1})]
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(_entity_table("Top risk objects", entities, width))
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert len(lines[1]) <= width, "\n".join(lines)
    assert "│ debra.tanaka" in "\n".join(lines)
    # the detections, one a line, folded at every column the other columns leave (their names stand in)
    others = [len(part) - 2 for part in lines[2].split("┃")[1:-2]]
    room = width - table_width([*others, 0])
    shown = [line.split("│")[5][1:].rstrip() for line in lines if line.startswith("│")]
    assert shown == [piece for entity in entities for name in sorted(entity.detections)
                     for piece in fold(name, room, VALUE_INDENT)]
    if width == 80:
        assert len(lines[1]) == width  # the names fold: the table takes the terminal's whole width


def test_no_line_of_the_report_ends_in_spaces(summary: Summary) -> None:
    """rich pads a table's title to the table's width and leaves a space where it wraps the closing line: a
    copied or grepped report carried them."""
    assert [line for line in summary.text(80).splitlines() if line != line.rstrip()] == []


@pytest.mark.parametrize("width", [60, 80])
def test_the_summary_line_wraps_with_a_hanging_indent(summary: Summary, width: int) -> None:
    """The "period ..." line below the tables wraps between words, its continuation lines indented up to the next
    line of the summary ("read ..."), as every note below a table does (layout.hanging_lines), not where rich's
    wrapping puts it, flush left."""
    lines = summary.text(width).splitlines()
    start = [at for at, line in enumerate(lines) if line.startswith("period ")][-1]
    after = [at for at, line in enumerate(lines) if line.startswith("read ")][-1]
    assert after - start > 1 and all(line.startswith("    ") for line in lines[start + 1:after]), lines[start:]


def test_a_risk_object_of_wide_characters_splits_where_it_reads_well() -> None:
    """An app's display name of CJK (two cells a character): counted in characters the objects' column was planned
    too narrow for what it held, and rich cut the name mid-word ("...ツール-f3" / "c1df8a-"). Each line is
    measured as a terminal shows it (``terminal_output.cells``)."""
    from terminal_output import cells

    app = "Contoso 應用程式 メール同期ツール-f3c1df8a-328e-4788"
    entities = [Entity(app, "app", 190, 3, {"Entra ID OAuth Consent Granted to Application Other Users Declined": 1,
                                            "Entra ID User Consent Granted for Risky Delegated Scopes": 1}),
                Entity("f3c1df8a-328e-4788-9395-d9d3e05dcd18", "other", 40, 1,
                       {"Entra ID OAuth Consent Declined by Many Users": 1})]
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(_entity_table("Top risk objects", entities, 80))
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert [line for line in lines if cells(line) > 80] == []
    objects = [parts[0] for parts in _cells("\n".join(lines))]
    assert objects[:objects.index("")] == ["Contoso 應用程式", "メール同期ツール-", "f3c1df8a-328e-4788"]


@pytest.mark.parametrize("width", [80, 100, TABLE_WIDTH])
def test_the_detections_behind_a_risk_object_are_one_a_line(summary: Summary, width: int) -> None:
    """Joined with ", " and folded, the list ran the names together (``Service Principal, Entra ID`` /
    ``High-Risk App Permission``): a reader could not tell where one detection ended. Each now starts a line at
    the cell's edge, and a name folded over lines stands its next lines in, so every name reads back whole."""
    lines = summary.text(width).splitlines()
    start = next(at for at, line in enumerate(lines) if line == "Top risk objects")
    cells = [line.split("│")[5][1:].rstrip() for line in lines[start:] if line.startswith("│")]
    names: list[str] = []
    for text in cells:
        if not text:  # the object's name folds over more lines than its one detection's name: an empty cell
            continue
        if text.startswith(" " * VALUE_INDENT):
            names[-1] += " " + text.strip()
        else:
            names.append(text)
    assert names == [name for e in summary.risk_objects[:10] for name in sorted(e.detections)]


def test_each_detection_says_its_type_and_what_its_type_raises(summary: Summary) -> None:
    """A Hunting detection's results beside 0 notables and 0 risk events, an Anomaly's beside 0 notables, read as
    broken detections: the table gave no type. Each row says its type, and a note under the table says what the
    types run raise (from each detection's actions, so a deployment of its own is told right)."""
    text = summary.text(TABLE_WIDTH)
    types = {row[0]: row[1] for row in _cells(text) if len(row) == 6}
    hunting = [d.name for d in summary.backtest.detections if d.type == "Hunting"]
    assert hunting and all(types[name] == "Hunting" for name in hunting)
    assert types == {d.name: d.type for d in summary.backtest.detections}
    table_end = text.index("Top risk objects")
    assert " ".join(text[:table_end].split()).endswith(
        "Not every detection raises notables and risk events (its deployment's actions, by type unless it sets "
        "them): Hunting: neither, its results are for an analyst to read; Correlation: notables only; Anomaly: "
        "risk events only.")


def test_the_note_counts_the_detections_of_a_type_whose_actions_differ() -> None:
    assert actions_note([("TTP", True, True), ("TTP", True, False), ("Hunting", False, False)]) == (
        "Not every detection raises notables and risk events (its deployment's actions, by type unless it sets "
        "them): TTP (1 of 2): notables only; Hunting: neither, its results are for an analyst to read.")
    assert actions_note([("TTP", True, True)]) == ""
