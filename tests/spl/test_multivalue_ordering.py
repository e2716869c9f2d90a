"""What sort, dedup, bin, return, top/rare and timechart do with a multivalue field: the page's rule where one
states it, else a refusal.

Read for this (Search Reference 10.0, each page searched for "multivalue"/"multi-valued"/"values"):
* dedup, Usage, "Multivalue fields": "To use the dedup command on multivalue fields, the fields must match all
  values to be deduplicated." So the same values in the same order are duplicates and other values are not; the
  same values in another order, or held another number of times, are refused: whether they "match all values" the
  page does not say (the engine used to keep them apart, by order).
* timechart, dedup_splitvals: "Specifies whether to remove duplicate values in multivalued <split-by-clause>
  fields. Default: false", and example 8 "In a multivalue BY field, remove duplicate values". So each value is a
  series, and one held twice counts twice by default (the engine used to count it once, and refused the option).
* sort ("Interpret the values of the field as numbers"; "The sort order is determined between each pair of values
  that are compared"), bin ("Specify a field name"), return ("Multiple values can be specified and are placed
  within OR clauses. So, 'return 2 user ip' might output '(user=bob ip=10.1.11.2) OR (user=fred
  ip=10.2.12.3)'": several rows and fields, not a field's values), top and rare ("Finds the most common values for
  the fields in the field list"; the top page's own example runs mvexpand before top): none says what a field
  holding several values gives. The engine used to sort, bin and return the first value and to count each
  distinct value in top; now the command stops, naming itself, the field and the value count at its column,
  with the commands that say which value is meant (``commands.base.single_input``).

Left as they were: eventstats/streamstats BY (refused already), transaction fields (refused already), mvexpand,
stats BY (the stats page's dedup_splitvals), format ("mvsep ... Default: OR"), lookup (assumed), table/fields
(they show or drop a field, reading no value).
"""

from __future__ import annotations

import pytest

from contentpack.spl import SplUnsupportedError

from .spl_support import assert_input_refused, make_engine, rows

BASE = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/"
PAGES = {name: BASE + name for name in ("sort", "dedup", "bin", "return", "top", "rare", "timechart")}

_SETUP = '| makeresults | eval mv=split("10,9", ","), one="x"'
# four events: n=1 and n=2 hold a,b; n=3 holds b,a; n=4 holds a,c
_FOUR = ('| makeresults count=4 | streamstats count as n | eval f=case(n<3, split("a,b", ","), n=3, '
         'split("b,a", ","), true(), split("a,c", ","))')


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("sort mv", "sort"),  # was: sorted by 10, the first value
        ("sort 0 - num(mv)", "sort"),
        ("dedup one sortby - mv", "dedup"),  # was: sorted by the first value, then deduplicated
        ("bin mv span=5", "bin"),  # was: mv="10-15", the first value's bin
        ("return mv", "return"),  # was: search='mv="10"'
        ("return $mv", "return"),
        ("return alias=mv", "return"),
        ("top mv", "top"),  # was: one row per value, count 1 each
        ("rare mv", "rare"),
        ("top one by mv", "top"),  # was: one group per value
    ],
)
def test_a_command_refuses_a_multivalue_field_its_page_is_silent_on(command: str, name: str) -> None:
    """PAGES[name] says nothing of a multivalue field (module docstring), so none is read."""
    assert name in PAGES
    text = f"{_SETUP} | {command}"
    with pytest.raises(SplUnsupportedError) as raised:
        rows(make_engine(), text)
    assert_input_refused(raised.value, command, name, 2, text)


def test_sorts_refusal_also_offers_the_smallest_value() -> None:
    """Multivalue eval functions page: mvsort "Returns the values of a multivalue field sorted
    lexicographically"; the form the refusal names sorts by one value."""
    engine = make_engine()
    with pytest.raises(SplUnsupportedError, match=r"eval mv=mvindex\(mvsort\(mv\), 0\) for its lexicographically"):
        rows(engine, _SETUP + " | sort mv")
    assert rows(engine, _SETUP + " | eval mv=mvindex(mvsort(mv), 0) | sort mv | table mv") == [{"mv": "10"}]


def test_one_value_and_null_read_as_before() -> None:
    """Only a multivalue is refused: sort, bin, return and top read a single value as their pages say, and an
    event without the field sorts last ("Results missing a given field are treated as having the smallest or
    largest possible value", sort page)."""
    engine = make_engine()
    three = '| makeresults count=3 | streamstats count as n | eval v=case(n=1, 10, n=2, 9)'
    assert [r.get("v") for r in rows(engine, three + " | sort v | table v")] == [9, 10, None]
    assert [r.get("v") for r in rows(engine, three + " | sort - v | table v")] == [10, 9, None]
    assert rows(engine, three + " | bin v span=5 | table v") == [{"v": "10-15"}, {"v": "5-10"}, {}]
    assert rows(engine, three + " | return 3 v") == [{"search": '(v="10") OR (v="9")'}]
    assert rows(engine, three + " | top v | table v count") == [{"v": 9, "count": 1}, {"v": 10, "count": 1}]


def test_dedup_keeps_one_event_per_identical_list_of_values() -> None:
    """dedup page: "To use the dedup command on multivalue fields, the fields must match all values to be
    deduplicated": n=2 repeats n=1's a,b and goes; n=4's a,c does not match b and stays."""
    engine = make_engine()
    assert rows(engine, _FOUR + " | where n!=3 | dedup f | table n") == [{"n": 1}, {"n": 4}]
    assert rows(engine, _FOUR + " | where n!=3 | dedup consecutive=true f | table n") == [{"n": 1}, {"n": 4}]
    assert rows(engine, _FOUR + " | where n!=3 | dedup 2 f | table n") == [{"n": 1}, {"n": 2}, {"n": 4}]


@pytest.mark.parametrize(
    "search",
    [
        _FOUR + " | dedup f",  # n=3 holds b,a: the values of n=1 in another order (was: kept, as other values)
        _FOUR + " | where n>=2 | dedup consecutive=true f",
        '| makeresults count=2 | streamstats count as n | eval f=if(n=1, "a", split("a,a", ",")) | dedup f',
    ],
)
def test_dedup_refuses_the_same_values_in_another_order_or_number(search: str) -> None:
    """The dedup page says the fields "must match all values", not whether b,a matches a,b or a,a matches a."""
    with pytest.raises(SplUnsupportedError) as raised:
        rows(make_engine(), search)
    message = raised.value.message
    assert message.startswith("dedup: a multivalue input field (2 values) is not supported ('f'): the dedup page "
                              'says "the fields must match all values to be deduplicated"')
    assert "eval f=mvdedup(mvsort(f)) to compare the sets of values" in message
    assert raised.value.column == search.rindex("| dedup") + 3


def test_dedup_over_the_sets_the_refusal_suggests() -> None:
    """mvsort and mvdedup ("Removes duplicate values from a multivalue field") make b,a and a,b one list."""
    assert rows(make_engine(), _FOUR + " | eval f=mvdedup(mvsort(f)) | dedup f | table n") == [{"n": 1}, {"n": 4}]


def test_timechart_by_a_multivalue_counts_each_value_as_often_as_held() -> None:
    """timechart page: dedup_splitvals "Specifies whether to remove duplicate values in multivalued
    <split-by-clause> fields. Default: false"; example 8 sets it to true to deduplicate."""
    engine = make_engine()
    setup = '| makeresults | eval g=split("a,a,b", ",") | timechart span=1d '
    assert rows(engine, setup + "count by g | table a b") == [{"a": 2, "b": 1}]
    assert rows(engine, setup + "dedup_splitvals=true count by g | table a b") == [{"a": 1, "b": 1}]
    assert rows(engine, setup + "dedup_splitvals=false count by g | table a b") == [{"a": 2, "b": 1}]
