"""``layout`` measures text in terminal cells, not characters: a wide character (CJK, many emoji, as an Entra app's
display name may hold) takes two, a combining mark none. Counting characters, a table of wide text was planned
half as wide as it is drawn (rich, which measures cells, then folded its values wherever the width ran out), and
a cut could split a letter from its accent. Each line below is measured as a terminal shows it
(``terminal_output.cells``, independent of rich)."""

from __future__ import annotations

import unicodedata

import pytest

from contentpack.layout import VALUE_INDENT, Column, fit_columns, fold, hanging_lines, table_width
from terminal_output import cells

WIDE = "应用程序名称很长的应用程序名称很长的应用程序名称"  # 24 characters, 48 cells, no place to split
ACCENTED = "e\u0301" * 30  # "é" thirty times as a letter and a combining acute: 60 characters, 30 cells
GUID = "9199bf20-a13f-4107-85dc-02114787ef48"
APP = "Contoso 应用程序名称 很长的应用程序 名称很长的应用程序名称"  # 31 characters, 54 cells


@pytest.mark.parametrize("width", [7, 8, 20])
def test_a_cut_fits_the_width_in_cells_and_never_splits_a_wide_character(width: int) -> None:
    lines = fold(WIDE, width)
    assert "".join(lines) == WIDE
    assert all(width - 1 <= cells(line) <= width for line in lines[:-1]), lines  # full, less a wide character
    assert cells(lines[-1]) <= width


def test_a_cut_keeps_each_letter_with_its_combining_mark() -> None:
    lines = fold(ACCENTED, 7)
    assert "".join(lines) == ACCENTED
    assert [cells(line) for line in lines] == [7, 7, 7, 7, 2]  # seven letters a line, not 3 or 4
    assert not any(unicodedata.combining(line[0]) for line in lines)


def test_a_message_of_wide_words_wraps_at_the_width_in_cells() -> None:
    text = "同意 " * 30 + "済み"
    lines = hanging_lines(text, 40)
    assert len(lines) > 1 and all(cells(line) <= 40 for line in lines), lines
    assert " ".join(line.strip() for line in lines) == text.strip()


def test_a_table_of_wide_text_is_planned_as_wide_as_it_is_drawn() -> None:
    """Counted in characters the table fitted 80 columns (31 + 36 + 5, plus borders), unsplit; it takes 105."""
    columns = [Column(("app", APP)), Column(("appId", GUID)), Column(("count", "1"), splits=False)]
    widths = fit_columns(columns, 80)
    assert table_width(widths) <= 80
    folded = [(limit, fold(text, limit)) for column, limit in zip(columns, widths) for text in column.texts]
    assert all(cells(line) <= limit for limit, lines in folded for line in lines), folded
    assert fold(GUID, widths[1]) == [GUID]  # the wide column gives way, between words; the GUID keeps whole
    assert fold(APP, widths[0]) == ["Contoso 应用程序名称", "很长的应用程序", "名称很长的应用程序名称"]


def test_a_value_folded_in_a_cell_of_several_values_stands_in_after_its_first_line() -> None:
    assert fold("alpha beta gamma delta epsilon zeta", 20, VALUE_INDENT) == ["alpha beta gamma",
                                                                           "  delta epsilon zeta"]
    assert fold("abc", 20, VALUE_INDENT) == ["abc"]


def test_a_column_of_several_values_gets_room_for_its_words_and_their_indent() -> None:
    """Planned without the indent, the column was 12 wide, and a 12-letter word on an indented line was cut."""
    value = "aaaaaaaaaaaa bbbbbbbbbbbb"
    widths = fit_columns([Column(("mv", value, "c"), indent=VALUE_INDENT), Column(("other", "word " * 20))], 40)
    assert table_width(widths) <= 40
    assert fold(value, widths[0], VALUE_INDENT) == ["aaaaaaaaaaaa", "  bbbbbbbbbbbb"]
