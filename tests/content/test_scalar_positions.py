"""Value offset -> file line:column for every YAML scalar style the loader reads (YAML 1.2 chapters 7-8).

Property: for any text dumped by PyYAML in any style (plain, single- or double-quoted, literal, folded, folded
at any width), the position found for each character of the loaded value holds that character in the file
(or, for a character that comes from an escape or a folded line break, the escape's backslash or the break).
"""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.content.loader import parse_yaml
from contentpack.content.scalar_positions import line_starts, locate, value_origins

STYLES = [None, "'", '"', "|", ">"]


def _origins(text: str) -> tuple[str, list[int] | None]:
    document, problems = parse_yaml(text, "x.yml")
    assert document is not None and not problems
    assert isinstance(document.data, dict)
    value = document.data["search"]
    start = document.source.at("search")
    return value, value_origins(text, line_starts(text)[start.line - 1] + start.col - 1, value)


@settings(max_examples=300, deadline=None)
@given(value=st.text(alphabet='ab |"\'`\\\n=()[]$%#:-x\t', min_size=1, max_size=80),
       style=st.sampled_from(STYLES), width=st.sampled_from([12, 30, 80]))
def test_every_character_maps_to_its_source(value: str, style: str | None, width: int) -> None:
    try:
        text = yaml.safe_dump({"search": value}, default_style=style, width=width, allow_unicode=True)
    except yaml.YAMLError:
        return
    if yaml.safe_load(text)["search"] != value:
        return  # a style PyYAML cannot round-trip this value in
    loaded, origins = _origins(text)
    assert origins is not None, (style, text)
    for char, index in zip(loaded, origins):
        source = text[index]
        assert source == char or source in "\\\n" or (char == " " and source == "\n"), (style, text, char, index)


def test_locate_gives_file_line_and_column() -> None:
    text = ("name: x\nsearch: >\n  index=a\n  | filnull\n\n  | stats count\nother: 1\n")
    value = yaml.safe_load(text)["search"]
    assert value == "index=a | filnull\n| stats count\n"
    assert locate(text, 2, 9, value, value.index("filnull")) == (4, 5)
    assert locate(text, 2, 9, value, value.index("stats")) == (6, 5)
    quoted = 'search: "a \\"b\\"\n  c"\n'
    assert locate(quoted, 1, 9, 'a "b" c', 6) == (2, 3)
    assert locate(quoted, 1, 9, 'a "b" c', 2) == (1, 12)  # the escape's backslash


def test_a_value_that_does_not_match_the_file_gives_no_position() -> None:
    assert locate("search: abc\n", 1, 9, "xyz", 1) is None
    assert locate("search: abc\n", 1, 9, "abc", 5) is None
