"""``transaction`` over several fields when an event holds only some of them, and the newest-first reading it
needs. Pages: the Search Reference 10.0 transaction page (``PAGE``, "Specifying multiple fields", "Descending
chronological order required", maxspan, keepevicted, mvlist, connected), the Knowledge Manager Manual's "Search
for transactions" (``SEARCH_FOR``) and Splunk Answers "what does connected mean in transaction" (``ANSWER``).
Each test quotes what it pins; what the pages leave open is refused as unsupported."""

from __future__ import annotations

import random

import pytest

from contentpack.spl import SplUnsupportedError
from contentpack.spl.values import Event

from .spl_support import NOW, event, make_engine, rows

PAGE = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/transaction"
SEARCH_FOR = "https://docs.splunk.com/Documentation/SplunkCloud/9.0.2303/Knowledge/Searchfortransactions"
ANSWER = "https://community.splunk.com/t5/Splunk-Search/what-does-connected-mean-in-transaction/m-p/9718"


def _groups(events: list[Event], search: str) -> list[tuple[int, ...]]:
    """The ``event`` numbers of each transaction, newest transaction first."""
    found = rows(make_engine(events), f"* | {search} | table event")
    return [tuple(sorted(v)) if isinstance(v, tuple) else (v,) for v in (row["event"] for row in found)]


@pytest.mark.parametrize("newest", ["event=1", "event=3"])
def test_the_pages_host_cookie_example(newest: str) -> None:
    """PAGE: "If there is a transitive relationship between the fields in the fields list and if the related
    events appear in the correct sequence, each with a different timestamp, transaction command will try to use
    it. For example, if you searched for ... | transaction host cookie You might see the following events
    grouped into a transaction: event=1 host=a event=2 host=a cookie=b event=3 cookie=b". The page does not say
    which event is newest; the middle one links the others either way."""
    times = (3, 2, 1) if newest == "event=1" else (1, 2, 3)
    events = [event(NOW - 100 + times[0], event=1, host="a"),
              event(NOW - 100 + times[1], event=2, host="a", cookie="b"),
              event(NOW - 100 + times[2], event=3, cookie="b")]
    found = rows(make_engine(events), "* | transaction host cookie | table event host cookie eventcount duration")
    assert found == [{"event": (1, 2, 3), "host": "a", "cookie": "b", "eventcount": 3, "duration": 2}]


def test_a_longer_chain_joins_transitively() -> None:
    """PAGE's transitive relationship over three fields: a / a,b / b,c / c, newest first, make one transaction;
    an unrelated c opens its own."""
    events = [event(NOW - 1, event=1, a=1), event(NOW - 2, event=2, a=1, b=2), event(NOW - 3, event=3, b=2, c=3),
              event(NOW - 4, event=4, c=3), event(NOW - 5, event=5, c=9)]
    assert _groups(events, "transaction a b c") == [(1, 2, 3, 4), (5,)]


def test_common_fields_with_different_values_are_never_grouped() -> None:
    """SEARCH_FOR: "Events with common field names and different values will not be grouped. For example, if you
    add ...|transaction host, then a search result that has host=mylaptop can never be in the same transaction as
    a search result with host=myserver." Here with two fields: an event shares host=a but its cookie differs."""
    events = [event(NOW - 1, event=1, host="a", cookie="b"), event(NOW - 2, event=2, host="a", cookie="c"),
              event(NOW - 3, event=3, host="myserver"), event(NOW - 4, event=4, cookie="b")]
    assert _groups(events, "transaction host cookie") == [(2,), (3,), (1, 4)]  # by the earliest member's _time


def test_an_event_with_none_of_the_fields_stays_out() -> None:
    """Unchanged: an event with none of the listed fields is in no transaction (the connected row of
    test_command_documented_examples pins it for one field)."""
    events = [event(NOW - 1, event=1, host="a"), event(NOW - 2, event=2, other="x"),
              event(NOW - 3, event=3, cookie="b", host="a")]
    assert _groups(events, "transaction host cookie") == [(1, 3)]


def test_connected_true_opens_a_new_transaction_for_an_unlinked_event() -> None:
    """PAGE, connected: "If an event contains fields required by the transaction, but none of these fields have
    been instantiated in the transaction (added with a previous event), this opens a new transaction
    (connected=true)". Read newest first, cookie=b comes before anything ties it to host=a."""
    events = [event(NOW - 1, event=1, host="a"), event(NOW - 2, event=2, cookie="b")]
    assert _groups(events, "transaction host cookie") == [(1,), (2,)]
    assert _groups(events, "transaction host cookie connected=true") == [(1,), (2,)]


def test_connected_false_with_an_unlinked_event_is_refused() -> None:
    """PAGE, connected: "... or adds the event to the transaction (connected=false)": which open transaction
    takes it when the event shares no field with any is not said, so it is refused."""
    events = [event(NOW - 1, event=1, host="a"), event(NOW - 2, event=2, cookie="b")]
    with pytest.raises(SplUnsupportedError, match="connected=false"):
        _groups(events, "transaction host cookie connected=false")
    linked = [event(NOW - 1, event=1, host="a"), event(NOW - 2, event=2, host="a", cookie="b")]
    assert _groups(linked, "transaction host cookie connected=false") == [(1, 2)]


def test_an_event_linking_two_open_transactions_is_refused() -> None:
    """ANSWER (events "in descending time order": event1 mid=1, event2 foo_id=abc, event3 mid=1, foo_id=abc,
    event4 foo_id=abc; "| transaction mid, foo_id"): event3 meets two open transactions. The 4.0-era answer shows
    one taking it and adds "In 4.1 we do the right thing even when the transitive relationship is seen later";
    no page says what that is (merge, or which one), so the engine refuses rather than guess."""
    events = [event(NOW - 1, event=1, mid=1), event(NOW - 2, event=2, foo_id="abc"),
              event(NOW - 3, event=3, mid=1, foo_id="abc"), event(NOW - 4, event=4, foo_id="abc")]
    with pytest.raises(SplUnsupportedError, match="link two open transactions"):
        _groups(events, "transaction mid, foo_id")


def test_equal_timestamps_are_refused_for_a_partial_event() -> None:
    """PAGE: the transitive relationship is used "if the related events appear in the correct sequence, each
    with a different timestamp": with a shared timestamp the sequence is not defined, so refused. Events that
    hold every field group by value whatever their times."""
    events = [event(NOW - 1, event=1, host="a"), event(NOW - 1, event=2, host="a", cookie="b")]
    with pytest.raises(SplUnsupportedError, match="shares its _time"):
        _groups(events, "transaction host cookie")
    full = [event(NOW - 1, event=1, host="a", cookie="b"), event(NOW - 1, event=2, host="a", cookie="b")]
    assert _groups(full, "transaction host cookie") == [(1, 2)]


def test_a_multivalue_field_is_refused() -> None:
    """No page says how a multivalue value in a listed field unifies events (it used to group by its first
    value, silently): refused."""
    with pytest.raises(SplUnsupportedError, match="several values"):
        _groups([event(NOW - 1, event=1, host=("a", "b"))], "transaction host")


def test_startswith_with_a_partial_event_is_refused() -> None:
    """The pages do not say how startswith=/endswith= combine with an event holding some of the fields."""
    events = [event(NOW - 1, event=1, host="a"), event(NOW - 2, event=2, host="a", cookie="b")]
    with pytest.raises(SplUnsupportedError, match="startswith=/endswith="):
        _groups(events, "transaction host cookie endswith=(event=1)")


def test_the_pages_maxspan_example_row_for_row() -> None:
    """PAGE, "Sort order when using maxspan and maxpause": "|makeresults count=10 |streamstats count |eval
    _time=now()+10*count, user="nobody" |sort -_time |transaction user maxspan=11s" gives five rows, count
    "10 9", "7 8", "5 6", "3 4", "1 2", each duration 10 and eventcount 2 (mvlist=false: "a set of unique field
    values ordered alphabetically")."""
    found = rows(make_engine(), '| makeresults count=10 | streamstats count | eval _time=now()+10*count, '
                                'user="nobody" | sort -_time | transaction user maxspan=11s '
                                '| table count duration eventcount user')
    assert found == [{"count": c, "duration": 10, "eventcount": 2, "user": "nobody"}
                     for c in [(10, 9), (7, 8), (5, 6), (3, 4), (1, 2)]]


def test_maxspan_splits_newest_first() -> None:
    """PAGE: "Events must be sorted in descending chronological order before the maxspan argument is used" and
    keepevicted: "the transaction command sees events in reverse chronological order": with nine events 10s
    apart and maxspan=11s the oldest is left alone (read oldest first, the newest would be). Input oldest first
    is refused (test_transaction_options)."""
    found = rows(make_engine(), '| makeresults count=9 | streamstats count | eval _time=now()+10*count, '
                                'user="nobody" | sort -_time | transaction user maxspan=11s | table count')
    assert [row["count"] for row in found] == [(8, 9), (6, 7), (4, 5), (2, 3), 1]


def test_maxpause_and_maxevents_split_a_chain() -> None:
    """PAGE: maxpause is "the maximum total time between events", maxevents "The maximum number of events in a
    transaction"; a chain split by them is two transactions, and the part read later starts afresh."""
    events = [event(NOW - 1, event=1, host="a"), event(NOW - 2, event=2, host="a", cookie="b"),
              event(NOW - 100, event=3, cookie="b"), event(NOW - 101, event=4, cookie="b")]
    assert _groups(events, "transaction host cookie maxpause=10s") == [(1, 2), (3, 4)]
    assert _groups(events, "transaction host cookie maxevents=3") == [(1, 2, 3), (4,)]


def test_events_with_every_field_group_by_value_in_any_order() -> None:
    """Property: when each event holds every listed field, the transactions are exactly the groups of equal
    values (SEARCH_FOR: "each event must have the same field(s) to be considered part of the same transaction"),
    whatever the order the events come in."""
    rng = random.Random(7)
    for _ in range(30):
        values = [(i, rng.choice("xyz"), rng.choice("pq")) for i in range(1, 25)]
        events = [event(NOW - i, event=i, a=a, b=b) for i, a, b in values]
        rng.shuffle(events)
        expected: dict[tuple[str, str], list[int]] = {}
        for i, a, b in values:
            expected.setdefault((a, b), []).append(i)
        assert sorted(_groups(events, "transaction a b")) == sorted(tuple(g) for g in expected.values())
