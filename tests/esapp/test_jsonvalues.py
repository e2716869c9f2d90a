"""JSON-valued settings: a remembered list of strings is written exactly as the list itself would be."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.esapp.jsonvalues import JSON_STYLES, JsonStyle, dump_json, dump_strings


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=5), st.sampled_from(JSON_STYLES))
def test_dump_strings_writes_what_dump_json_writes_for_the_list(items: list[str], style: JsonStyle) -> None:
    assert dump_strings(tuple(items), style) == dump_json(items, style)


@pytest.mark.parametrize(("style", "want"), [("compact", '["a<b","c\'d"]'),
                                             ("contentctl", '["a\\u003cb", "c\\u0027d"]')])
def test_dump_strings_keeps_each_style(style: JsonStyle, want: str) -> None:
    assert dump_strings(("a<b", "c'd"), style) == want
    assert dump_strings(("a<b", "c'd"), style) == want  # remembered: the same answer again
