"""``all_fit``: the one-look check of many texts says exactly what ``conf_text_problem`` says of each."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contentpack.content.conf_text import all_fit, conf_text_problem

# Characters on both sides of every boundary the definition draws: control characters (C0, DEL, C1 with NEL,
# U+2028/U+2029), the line ends and tab that are allowed, backslashes, whitespace that ``\s`` and ``strip``
# both take (``\x1c`` is both a control character and whitespace), and printable non-ASCII text.
_ALPHABET = "ab \\\r\n\t\x00\x0b\x0c\x1c\x1f\x7f\x85\x9f\xa0\u2028\u2029\u3000é"


@given(st.lists(st.text(alphabet=_ALPHABET, max_size=6), max_size=5))
def test_all_fit_agrees_with_each_text_checked_on_its_own(texts: list[str]) -> None:
    assert all_fit(texts) == all(conf_text_problem(text) is None for text in texts)


def test_a_backslash_fails_only_at_the_end_of_its_own_text() -> None:
    assert all_fit(["a\\", "b"]) is False and all_fit(["a\\ \r\n"]) is False
    assert all_fit(["a", "\\b", "c\\d"]) is True and all_fit(["multi\nline\ttext"]) is True
    assert all_fit(["x\x85"]) is False and all_fit(["é", "\u3000"]) is True and all_fit([]) is True
