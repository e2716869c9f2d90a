"""The one wording of a cut list (``contentpack.cut_lists``): the first few items, then ``(+N more)``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contentpack.cut_lists import count_text, counted, cut_list, more_text
from contentpack.spl.errors import count_text as engine_count_text


@pytest.mark.parametrize(("total", "shown", "what", "expected"), [
    (3, 3, "", ""),  # nothing cut: nothing said
    (2, 3, "", ""),
    (5, 3, "", "(+2 more)"),
    (1_203, 3, "", "(+1,200 more)"),  # thousands grouped, as every count the commands print
    (5, 3, "bad line(s)", "(+2 more bad line(s))"),
])
def test_more_text_counts_only_what_was_cut(total: int, shown: int, what: str, expected: str) -> None:
    assert more_text(total, shown, what) == expected


def test_cut_list_shows_the_first_items_and_counts_the_rest() -> None:
    assert cut_list(["a", "b", "c", "d", "e"], 3) == "a; b; c (+2 more)"
    assert cut_list(["a", "b"], 3) == "a; b"
    assert cut_list([], 3) == ""
    assert cut_list(["a", "b"], 0) == "(+2 more)"


def test_a_list_of_up_to_in_full_items_is_written_whole() -> None:
    assert cut_list(["a", "b", "c", "d"], 3, in_full=4) == "a; b; c; d"
    assert cut_list(["a", "b", "c", "d", "e"], 3, in_full=4) == "a; b; c (+2 more)"


def test_cut_list_writes_only_the_items_it_shows() -> None:
    written: list[int] = []

    def show(item: int) -> str:
        written.append(item)
        return f"#{item}"

    assert cut_list(range(1000), 2, show, ", ", "rows") == "#0, #1 (+998 more rows)"
    assert written == [0, 1]


def test_a_count_is_written_with_thousands_separators_in_every_layer() -> None:
    """``count_text``, the one wording of a count for a person (the backtest's, the replay's, the simulation's
    job-message tallies, the commands'), the engine's own (``spl.errors.count_text``: spl imports nothing else of
    contentpack) the same, and ``counted``'s plural through it."""
    numbers = (0, 999, 1_000, 2_174, 1_234_567)
    assert [count_text(n) for n in numbers] == ["0", "999", "1,000", "2,174", "1,234,567"]
    assert [engine_count_text(n) for n in numbers] == [count_text(n) for n in numbers]
    assert counted(1_200, "story") == "1,200 stories"


SRC = Path(__file__).resolve().parents[1] / "src" / "contentpack"


def test_every_layer_writes_a_count_through_count_text() -> None:
    """A whole count in a message (``f"{n:,}"``) is written by ``count_text``, its one home, in every layer that may
    import it: backtest/inputs.py, content/, splunk/, datagen and cli/ wrote it inline. spl/ has its own
    (``spl.errors.count_text``), as it imports nothing else of contentpack (``tests/test_layers.py``: it can be
    published alone): its limits', files', macros' and time modifiers' messages wrote it inline. ``tostring``'s
    ``"commas"`` (spl/functions/conversion.py) is Splunk's output, not a message. A float's format (``{x:,.1f}``) is
    not a count's."""
    homes = {SRC / "cut_lists.py", SRC / "spl" / "errors.py", SRC / "spl" / "functions" / "conversion.py"}
    inline = {path: [number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                     if re.search(r"\{[^{}:]+:,\}", line)] for path in sorted(SRC.rglob("*.py"))}
    assert all(inline.get(home) for home in homes)  # the walk reads the sources and the pattern finds a count
    assert [f"{path.relative_to(SRC)}:{number}" for path, numbers in inline.items() if path not in homes
            for number in numbers] == []
