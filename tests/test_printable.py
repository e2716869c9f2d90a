"""``printable.wrap_identifier``: a name too wide for its column is split where it reads well."""

from __future__ import annotations

import pytest

from contentpack.printable import wrap_identifier


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
    from contentpack.printable import hanging_lines

    assert hanging_lines(text, width) == lines
    assert all(len(line) <= width for line in lines)
