"""``transaction``'s output fields, limits and listed options against the Search Reference 10.0 transaction page
(``PAGE``): closed_txn (keepevicted), negative limits, maxspan's boundary, the descending order it requires, and
each option the engine does not implement refused by name. Each test quotes what it pins; ``assumed`` marks what
no page says."""

from __future__ import annotations

import pytest

from contentpack.spl import SplError, SplUnsupportedError
from contentpack.spl.values import Event

from .spl_support import NOW, event, make_engine, rows

PAGE = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/transaction"
# The page's "Sort order when using maxspan and maxpause" example: ten events 10 s apart, newest first.
EXAMPLE_7 = ('| makeresults count=10 | streamstats count | eval _time=now()+10*count, user="nobody" | sort -_time '
             '| transaction user maxspan=11s')


def _column(search: str, name: str, events: list[Event] | None = None) -> list[object]:
    return [row.get(name) for row in rows(make_engine(events), search)]


def test_the_maxspan_example_row_for_row_with_closed_txn() -> None:
    """PAGE, example 7 ("|makeresults count=10 |streamstats count |eval _time=now()+10*count, user="nobody"
    |sort -_time |transaction user maxspan=11s"): _time 16:10:30, 16:10:10, 16:09:50, 16:09:30, 16:09:10 (the
    earliest member's), closed_txn 1, 1, 1, 1, 0, count "10 9", "7 8", "5 6", "3 4", "1 2", duration 10 and
    eventcount 2 on every row. keepevicted: "The 'closed_txn' field is set to '1' if one of the following
    conditions is met: maxevents, maxspan, maxpause, startswith": the oldest transaction, never cut by maxspan,
    keeps 0."""
    found = rows(make_engine(), f"{EXAMPLE_7} | table _time closed_txn count duration eventcount user")
    assert found == [{"_time": NOW + t, "closed_txn": closed, "count": count, "duration": 10, "eventcount": 2,
                      "user": "nobody"}
                     for t, closed, count in [(90, 1, (10, 9)), (70, 1, (7, 8)), (50, 1, (5, 6)), (30, 1, (3, 4)),
                                              (10, 0, (1, 2))]]


def test_field_match_sum_and_linecount_are_not_emitted() -> None:
    """PAGE's example 7 table also shows field_match_sum and linecount (2 on every row, with an empty _raw). No
    page defines field_match_sum, and linecount (a default field: lines in _raw) cannot be 2 for an empty _raw,
    so neither is invented: a known, listed difference (docs/spl_engine.md)."""
    found = rows(make_engine(), EXAMPLE_7)
    assert found and all("field_match_sum" not in row and "linecount" not in row for row in found)


def test_closed_txn_is_0_without_a_closing_condition() -> None:
    """PAGE, keepevicted: "If none of these conditions is specified, all transactions are output even though all
    transactions will have 'closed_txn' set to '0'"."""
    events = [event(NOW - 1, user="a"), event(NOW - 2, user="b"), event(NOW - 3, user="a")]
    assert _column("* | transaction user", "closed_txn", events) == [0, 0]


@pytest.mark.parametrize(("option", "expected"), [("maxpause=5s", [1, 0]), ("maxevents=2", [1, 0])])
def test_closed_txn_is_1_when_maxpause_or_maxevents_closes_it(option: str, expected: list[int]) -> None:
    """PAGE, keepevicted: closed_txn "is set to '1' if one of the following conditions is met: maxevents,
    maxspan, maxpause, startswith"; read newest first, the older transaction is still open when the events end."""
    events = [event(NOW - 1, user="a"), event(NOW - 2, user="a"), event(NOW - 30, user="a")]
    assert _column(f"* | transaction user {option}", "closed_txn", events) == expected


def test_closed_txn_with_startswith_and_endswith() -> None:
    """PAGE, keepevicted: "For startswith, because the transaction command sees events in reverse chronological
    order, it closes a transaction when it satisfies the start condition"; endswith is not among the closing
    conditions, so an endswith-only transaction has closed_txn 0."""
    events = [event(NOW - 1, user="a", code=2), event(NOW - 2, user="a", code=0), event(NOW - 3, user="a", code=1)]
    assert _column("* | transaction user startswith=(code=1) endswith=(code=2)", "closed_txn", events) == [1]
    assert _column("* | transaction user endswith=(code=2)", "closed_txn", events) == [0]


def test_events_oldest_first_are_refused() -> None:
    """PAGE: "The transaction command requires that the incoming events be in descending chronological order";
    example 7's second search (events oldest first, no sort) "doesn't generate the correct results": one
    transaction of 10 of the 20 events, which no page explains how to reproduce. Refused, not sorted into an
    answer Splunk would not give."""
    search = ('| makeresults count=20 | streamstats count | eval _time=now()+10*count, user="nobody" '
              '| transaction user maxspan=11s')
    with pytest.raises(SplUnsupportedError, match="descending _time order"):
        rows(make_engine(), search)


def test_a_span_equal_to_maxspan_is_refused() -> None:
    """PAGE, maxspan: "The events in the transaction must span less than the integer specified for maxspan" (a span
    of exactly 10s splits) but "Events that exceed the maxspan limit are treated as part of a separate transaction"
    (it does not), and the examples describe maxspan=30s as "should be no more than thirty seconds apart" (it does
    not). The page disagrees with itself at equality, so such a transaction is refused at the command, in both
    readings (newest first, and startswith= read forward); a span just under or over it is answered."""
    search = "* | transaction user maxspan=10s"
    equal = [event(NOW - 1, user="a"), event(NOW - 11, user="a")]
    with pytest.raises(SplUnsupportedError, match="exactly maxspan=10s") as caught:
        rows(make_engine(equal), search)
    assert caught.value.offset == search.index("transaction")
    with pytest.raises(SplUnsupportedError, match="exactly maxspan=10s"):
        rows(make_engine([event(NOW - 1, user="a", code=2), event(NOW - 11, user="a", code=1)]),
             "* | transaction user startswith=(code=1) maxspan=10s")
    assert _column(search, "eventcount", [event(NOW - 1, user="a"), event(NOW - 10.5, user="a")]) == [2]
    assert _column(search, "eventcount", [event(NOW - 1, user="a"), event(NOW - 11.5, user="a")]) == [1, 1]


def test_a_span_equal_to_maxspan_is_answered_when_another_limit_closes_it() -> None:
    """PAGE, maxevents: "The maximum number of events in a transaction": with maxevents=1 the second event starts
    a new transaction whatever maxspan says, so the equality decides nothing and is not refused."""
    events = [event(NOW - 1, user="a"), event(NOW - 11, user="a")]
    assert _column("* | transaction user maxspan=10s maxevents=1", "eventcount", events) == [1, 1]


def test_a_pause_equal_to_maxpause_stays_in_the_transaction() -> None:
    """PAGE, basic example 1, "transaction host cookie maxspan=30s maxpause=5s": "do not have a pause of more than
    5 seconds between the events"; example 2: "a pause between events no greater than 5 seconds". A pause of
    exactly maxpause is allowed; one past it splits."""
    events = [event(NOW - 1, user="a"), event(NOW - 6, user="a"), event(NOW - 11, user="a"),
              event(NOW - 16.5, user="a")]
    assert _column("* | transaction user maxpause=5s", "eventcount", events) == [3, 1]


def test_a_transaction_holds_up_to_maxevents_events() -> None:
    """PAGE, maxevents: "The maximum number of events in a transaction"; extended example 3 ("transaction clientip
    maxspan=10m maxevents=3"): each purchase transaction "includes no more than 3 events". Seven events read newest
    first make transactions of 3, 3 and 1; eventcount is "the number of events in the transaction" and duration
    "the difference between the timestamps for the first and last events"."""
    events = [event(NOW - i, user="a") for i in (1, 2, 3, 4, 5, 6, 7.25)]
    found = rows(make_engine(events), "* | transaction user maxevents=3 | table eventcount duration")
    assert found == [{"eventcount": 3, "duration": 2}, {"eventcount": 3, "duration": 2},
                     {"eventcount": 1, "duration": 0}]


@pytest.mark.parametrize("option", ["maxspan=-1", "maxspan=-5m", "maxpause=-1", "maxpause=-2s", "maxevents=-1"])
def test_a_negative_limit_is_no_limit(option: str) -> None:
    """PAGE: maxspan "If the value is negative, the maxspan constraint is deactivated and there is no limit"
    (Default: -1), maxpause likewise; maxevents "This constraint is deactivated if the value is negative"."""
    search = f"| makeresults count=5 | streamstats count | eval _time=now()-100*count, user=\"x\" | transaction user"
    assert _column(f"{search} maxspan=50s maxpause=50s maxevents=2", "eventcount") == [1, 1, 1, 1, 1]
    limits = {"maxspan": "maxspan=-1", "maxpause": "maxpause=-1", "maxevents": "maxevents=-1"}
    limits[option.split("=")[0]] = option
    assert _column(f"{search} {' '.join(limits.values())}", "eventcount") == [5]


def test_a_negative_maxevents_lifts_the_default_1000() -> None:
    """PAGE, maxevents: "Default: 1000" and "This constraint is deactivated if the value is negative"."""
    search = "| makeresults count=1001 | streamstats count | eval _time=now()-count, user=\"x\" | transaction user"
    assert _column(search, "eventcount") == [1000, 1]
    assert _column(f"{search} maxevents=-1", "eventcount") == [1001]


@pytest.mark.parametrize("option", ["maxevents=0", "maxspan=0", "maxspan=-0s", "maxpause=-x"])
def test_a_zero_or_malformed_limit_is_an_error(option: str) -> None:
    """Zero is neither a limit the page describes nor a negative one: refused as bad input."""
    with pytest.raises(SplError, match=option.split("=")[0]):
        rows(make_engine(), f"| makeresults | eval user=1 | transaction user {option}")


@pytest.mark.parametrize("option", ["mvlist=true", "mvlist=user", "delim=\":\"", "mvraw=true", "keeporphans=true",
                                    "unifyends=true", "unifyends=false", "maxopentxn=5", "maxopenevents=5",
                                    "name=web"])
def test_an_option_not_implemented_is_refused_by_name(option: str) -> None:
    """PAGE lists mvlist ("a list of the original events ordered in arrival order"), delim, mvraw, nullstr,
    keeporphans ("a _txn_orphan field, which has a value of 1 for orphan results"), unifyends, maxopentxn,
    maxopenevents (LRU eviction) and name= (a transactiontypes.conf stanza); where the engine does not do what
    the page says, the option is refused by name, never ignored."""
    key = option.split("=")[0]
    with pytest.raises(SplUnsupportedError, match=f"option '{key}'"):
        rows(make_engine(), f"| makeresults | eval user=1 | transaction user {option}")


@pytest.mark.parametrize("option", ["mvlist=false", "keeporphans=f", "mvraw=false", "nullstr=-", "mvlist=0"])
def test_an_option_at_its_default_changes_nothing(option: str) -> None:
    """PAGE: mvlist "Default: false", keeporphans "Default: false", mvraw "Default: false"; nullstr "applies only
    to fields that are rendered as lists", and with mvlist=false none is."""
    events = [event(NOW - 1, user="a", n=1), event(NOW - 2, user="a"), event(NOW - 3, user="b", n=2)]
    plain = rows(make_engine(events), "* | transaction user | table user n eventcount closed_txn")
    assert rows(make_engine(events), f"* | transaction user {option} | table user n eventcount closed_txn") == plain


def test_a_limit_cutting_a_startswith_transaction_is_refused() -> None:
    """With startswith=/endswith= the engine reads oldest first; PAGE: "Events must be sorted in descending
    chronological order before the maxspan argument is used", so a cut would fall elsewhere: refused when a limit
    is reached, kept when none is."""
    events = [event(NOW - 1, user="a", code=2), event(NOW - 50, user="a", code=0), event(NOW - 100, user="a", code=1)]
    search = "* | transaction user startswith=(code=1) endswith=(code=2)"
    assert _column(f"{search} maxspan=100s", "eventcount", events) == [3]
    for limit in ("maxspan=60s", "maxpause=30s", "maxevents=2"):
        with pytest.raises(SplUnsupportedError, match="cutting a startswith=/endswith= transaction"):
            rows(make_engine(events), f"{search} {limit}")


def test_connected_false_with_a_fieldless_start_event_is_refused() -> None:
    """PAGE, unifyends: "Whether to force events that match startswith/endswith constraint(s) to also match at
    least one of the fields" and its default follows connected ("if connected=false, then unifyends=false"): which
    transaction a start event without the fields then joins is not said, so it is refused."""
    events = [event(NOW - 1, user="a", code=2), event(NOW - 2, code=1)]
    with pytest.raises(SplUnsupportedError, match="connected=false"):
        rows(make_engine(events), "* | transaction user connected=false startswith=(code=1) endswith=(code=2)")


def test_results_without_a_time_give_a_transaction_without_a_time() -> None:
    """The transaction's ``_time`` is its earliest member's (PAGE, example 7, above); results without one (the
    rows of a ``stats``) give a transaction without one (assumed: the page's examples all have times). The
    engine stored a ``None`` ``_time``, a value no event holds (an absent field is no key): a later ``eval``
    read it as null and removed it, so the row differed by what came after it."""
    got = rows(make_engine(), '| makeresults count=2 | eval a="x" | stats count by a | transaction a')
    assert got == [{"a": "x", "count": 2, "duration": 0, "eventcount": 1, "closed_txn": 0}]
    assert "_time" not in got[0]
