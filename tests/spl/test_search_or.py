"""An OR of many ``field=value`` terms (what a subsearch's results become) is answered by a set lookup per field;
it must answer exactly as testing each term does (``value_matches``: lowered text, wildcards, multivalues)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.spl.ast import FieldMatch, SearchExpr, SearchOr
from contentpack.spl.matching import compile_search, value_matches
from contentpack.spl.values import Event, mv_values

_TEXT = st.sampled_from(["a", "A", "b", "ab", "", "1", "1.0", "01", "é", "É", "*", "a*", "ß", "SS"])
_FIELD = st.sampled_from(["user", "app"])
_TERM = st.builds(lambda field, op, value, cs: FieldMatch(field, op, value, 0, cs),
                  _FIELD, st.sampled_from(["=", "=", "=", "!="]), _TEXT, st.booleans())
_VALUE = st.one_of(_TEXT, st.integers(0, 2), st.lists(_TEXT, min_size=1, max_size=3).map(tuple))
_EVENT = st.dictionaries(st.sampled_from(["user", "app"]), _VALUE, max_size=2)


def _term_by_term(term: FieldMatch, event: Event) -> bool:
    """The reference: one term tested on its own, as before the set lookup."""
    values = mv_values(event.get(term.field))
    if term.op == "!=":
        return bool(values) and not any(value_matches(v, term.value, term.case_sensitive) for v in values)
    if term.value == "*":
        return event.get(term.field) is not None
    return any(value_matches(v, term.value, term.case_sensitive) for v in values)


@settings(max_examples=400)
@given(st.lists(_TERM, min_size=1, max_size=8), st.lists(_EVENT, max_size=6))
def test_an_or_of_terms_answers_as_each_term_does(terms: list[FieldMatch], events: list[Event]) -> None:
    node: SearchExpr = SearchOr(tuple(terms), 0)
    predicate = compile_search(node)
    for event in events:
        assert predicate(event) == any(_term_by_term(term, event) for term in terms), (terms, event)


def test_ten_thousand_terms_are_one_lookup() -> None:
    """The subsearch case: 10,000 ids ORed, against 10,000 events, answers at once and right."""
    node = SearchOr(tuple(FieldMatch("id", "=", str(i), 0) for i in range(0, 20_000, 2)), 0)
    predicate = compile_search(node)
    assert sum(predicate({"id": i}) for i in range(10_000)) == 5_000
