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
