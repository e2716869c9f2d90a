"""Property tests (hypothesis): the parser fails only with SplError; values() order; rename wildcard rules;
search-vs-where case rules."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.spl import Engine, MacroDef, SplError, SplSyntaxError, parse
from contentpack.spl.commands.stats import group_order, sort_key
from contentpack.spl.values import Event, Scalar

from .spl_support import NOW, event

SPL_ALPHABET = string.ascii_letters + string.digits + " |=!<>()[]\"'`,.*+-/%$@{}_:\\\n\t"
FRAGMENTS = st.sampled_from([
    "search ", "| stats count by ", "| eval x=", "| where ", "| rename ", " as ", "| table ", "| rex ",
    '"', "'", "(", ")", "[", "]", " OR ", " AND ", " NOT ", "`m`", "`m(1)`", "if(", "mvindex(", ", ", "=",
    "| timechart span=", "| dedup ", "| sort -", "| bin span=5m _time", "| spath ", "| lookup ", "| fillnull",
    "earliest=", "field", "*", "65004", "| append [", "| streamstats window=", "| makeresults", "| head ",
])
MACROS = {"m": MacroDef("m", (), "a=1 | `m2`"), "m2": MacroDef("m2", (), "b"), "m1": MacroDef("m", ("x",), "$x$")}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=SPL_ALPHABET, max_size=80))
def test_parser_raises_only_spl_errors_on_arbitrary_text(text: str) -> None:
    try:
        parse(text, MACROS)
    except SplError as exc:
        assert exc.offset is None or 0 <= exc.offset <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=12).map("".join))
def test_parser_raises_only_spl_errors_on_spl_like_text(text: str) -> None:
    try:
        parse(text, MACROS)
    except SplError as exc:
        assert exc.offset is None or 0 <= exc.offset <= len(text)


VALUES = st.text(alphabet=string.ascii_letters + string.digits + "._-", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=12))
def test_values_are_distinct_and_sorted_by_utf8_bytes(values: list[str]) -> None:
    """S1/S2: values() is distinct and lexicographic (byte order)."""
    engine = Engine()
    engine.register_events([event(NOW - i, v=v) for i, v in enumerate(values, 1)])
    result = engine.search("* | stats values(v) as v", now=NOW).rows[0]["v"]
    got = list(result) if isinstance(result, tuple) else [result]
    assert got == sorted(set(values), key=lambda s: s.encode("utf-8"))


NAMES = st.from_regex(r"[A-Za-z][A-Za-z_]{0,4}", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(NAMES, VALUES, min_size=1, max_size=6), NAMES, NAMES)
def test_rename_wildcard_moves_exactly_the_matching_fields(fields: dict[str, str], old: str, new: str) -> None:
    """S8: `rename <old>* AS <new>*` maps each field starting with old to new + the same suffix."""
    engine = Engine()
    engine.register_events([{"_time": NOW - 1, **fields}])
    row = engine.search(f"* | rename {old}* AS {new}* | fields - _time", now=NOW).rows[0]
    expected: Event = {}
    for name, value in fields.items():
        if not name.startswith(old):
            expected.setdefault(name, value)
    for name, value in fields.items():
        if name.startswith(old):
            expected[new + name[len(old):]] = value
    assert row == expected


@settings(max_examples=30, deadline=None)
@given(NAMES, NAMES)
def test_rename_wildcard_count_must_match(a: str, b: str) -> None:
    try:
        parse(f"x | rename {a}* AS {b}**")
    except SplSyntaxError as exc:
        assert "wildcard mismatch" in exc.message
    else:
        raise AssertionError("a wildcard mismatch must be rejected")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=string.ascii_letters, min_size=1, max_size=8), st.sampled_from(["lower", "upper", "swapcase"]))
def test_search_ignores_case_where_does_not(value: str, change: str) -> None:
    """S13: search values are case-insensitive; where comparisons are case-sensitive."""
    other = getattr(value, change)()
    engine = Engine()
    engine.register_events([event(NOW - 1, f=value)])
    assert len(engine.search(f'f="{other}"', now=NOW).rows) == 1
    assert len(engine.search(f'* | where f="{other}"', now=NOW).rows) == (1 if other == value else 0)


GROUP_VALUES = st.one_of(st.sampled_from(["1", "01", "1.0", "a", "B", "", "NaN", "-0", "0"]), st.integers(-2, 2),
                         st.floats(allow_nan=True, allow_infinity=True), st.booleans())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(GROUP_VALUES, GROUP_VALUES), max_size=12))
def test_group_order_is_the_order_of_each_values_sort_key(keys: list[tuple[Scalar, Scalar]]) -> None:
    """``group_order`` keys each distinct value once; equal values of other types (1, 1.0, True) keep their own
    keys, so the order is the plain sort by ``sort_key`` of each value."""
    assert group_order(keys) == sorted(keys, key=lambda key: tuple(sort_key(value) for value in key))
