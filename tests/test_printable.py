"""``layout.wrap_identifier``: a name too wide for its column is split where it reads well."""

from __future__ import annotations

import pytest

from contentpack.layout import wrap_identifier


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("debra.tanaka@contoso.example", 40, ["debra.tanaka@contoso.example"]),
    ("debra.tanaka@contoso.example", 23, ["debra.tanaka", "@contoso.example"]),  # before the @, not after contoso.
    ("f3c1df8a-328e-4788-9395-d9d3e05dcd18", 23, ["f3c1df8a-328e-4788-", "9395-d9d3e05dcd18"]),
    ("christie.wilkins@a-very-long-tenant-name.example", 20,
     ["christie.wilkins", "@a-very-long-tenant-", "name.example"]),  # a part past the width: the finer breaks
    ("x" * 30, 10, ["x" * 30]),  # no place to split: the table folds it
])
def test_identifiers_split_where_they_read_well(text: str, width: int, lines: list[str]) -> None:
    assert wrap_identifier(text, width) == lines
    assert "".join(lines) == text


MESSAGE = ("Consent Granted / True Positive Test: no row has: user=debra.tanaka@contoso.example, "
           "app_id=f3c1df8a-328e-4788-9395-d9d3e05dcd18")


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("short enough", 12, ["short enough"]),
    (MESSAGE, 40, ["Consent Granted / True Positive Test: no",
                   "    row has:",
                   "    user=debra.tanaka@contoso.example,",
                   "    app_id=f3c1df8a-328e-4788-9395-",  # too wide for a line: split after a GUID's "-"
                   "    d9d3e05dcd18"]),
    ("at user=christie.wilkins@contoso.example", 24,  # split before the email's "@"
     ["at user=christie.wilkins", "    @contoso.example"]),
    ("x" * 30, 20, ["x" * 16, "    " + "x" * 14]),  # no place to split: cut, and still within the width
])
def test_a_message_wraps_between_words_with_a_hanging_indent(text: str, width: int, lines: list[str]) -> None:
    from contentpack.layout import hanging_lines

    assert hanging_lines(text, width) == lines
    assert all(len(line) <= width for line in lines)


EMAIL, GUID = "christie.wilkins@contoso.example", "9199bf20-a13f-4107-85dc-02114787ef48"


@pytest.mark.parametrize(("width", "user", "app"), [
    (90, [EMAIL], [GUID]),  # room for both: as they are
    (80, ["christie.wilkins", "@contoso.example"], [GUID]),  # the email before its @, the GUID kept whole
    (50, ["christie.wilkins", "@contoso.example"], ["9199bf20-a13f-4107-", "85dc-02114787ef48"]),
    (40, ["christie.", "wilkins", "@contoso.", "example"], ["9199bf20-a13f-", "4107-85dc-", "02114787ef48"]),
    (30, ["christie", ".wilkins", "@contoso", ".example"],  # too narrow for any sensible piece: cut as well
     ["9199bf2", "0-a13f-", "4107-", "85dc-", "0211478", "7ef48"]),
])
def test_a_table_splits_its_values_only_as_finely_as_its_width_needs(width: int, user: list[str],
                                                                     app: list[str]) -> None:
    """``layout.fit_columns``: the coarsest split that lets the table fit, the widest column giving way first;
    only a terminal too narrow for any sensible piece has a value cut mid-word (each piece split at its soft
    breaks first)."""
    from contentpack.layout import Column, fit_columns, fold, table_width

    widths = fit_columns([Column(("user", EMAIL)), Column(("appId", GUID)), Column(("count", "1"), splits=False)],
                         width)
    assert table_width(widths) <= width and widths[2] == len("count")
    assert (fold(EMAIL, widths[0]), fold(GUID, widths[1])) == (user, app)


def test_a_table_as_wide_as_its_readable_widths_cuts_nothing_and_one_cell_less_does() -> None:
    """``layout.readable_width``: the narrowest a column folds to with its texts split only where they read well
    (its widest piece after a ``-``, ``.`` or ``/``, before an ``@``), a header too: a command that adds these
    up (``search`` choosing which columns to show) knows the table fits without a cut."""
    from contentpack.layout import Column, fit_columns, fold, readable_width, table_width

    columns = [Column(("user", EMAIL)), Column(("appId", GUID)), Column(("count", "1"), splits=False)]
    readable = [readable_width(column) for column in columns]
    assert readable == [len("christie."), len("02114787ef48"), len("count")]
    widths = fit_columns(columns, table_width(readable))
    assert fold(GUID, widths[1]) == ["9199bf20-", "a13f-4107-", "85dc-", "02114787ef48"]
    widths = fit_columns(columns, table_width(readable) - 1)
    assert fold(GUID, widths[1])[-2:] == ["02114787ef4", "8"]  # one cell less: a piece is cut
    assert readable_width(Column(("operationName", "Sign-in activity"))) == len("operationName")  # one word
    assert readable_width(Column(("n", "Sign-in activity"), least=10)) == 10
    assert readable_width(Column(("n", "1"), least=10)) == 1  # never wider than its widest text
