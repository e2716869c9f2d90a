"""The constructs the pack's pairing and ranking searches combine, each pinned on the engine as a whole search:
grouping on a field some rows lack (stats, eventstats), list() beside list() over rows where a field is null, the
guest-account fold with replace() backreferences, and mvfind() falling back through coalesce().

Pages (Splunk Enterprise 10.0 Search Reference): eventstats
(https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/eventstats), Multivalue
stats and chart functions (…/10.0/statistical-and-charting-functions/multivalue-stats-and-chart-functions), Text
functions (…/10.0/evaluation-functions/text-functions), Multivalue eval functions
(…/10.0/evaluation-functions/multivalue-eval-functions), Comparison and conditional functions
(…/10.0/evaluation-functions/comparison-and-conditional-functions).
"""

from __future__ import annotations

import pytest

from .spl_support import make_engine, rows

# Four rows as the pairing search's stats leaves them: k (its name_key) is null in the last two.
_ROWS = ('| makeresults count=4 | streamstats count as n | eval k=case(n<=2, "app"), t=case(n=1, 30, n=2, 10, n=3, 5), '
         'a=case(n=1, "id1", n=2, "id2", n=3, "id3")')


@pytest.mark.assumed
def test_a_row_whose_by_field_is_null_joins_no_group_in_stats_or_eventstats() -> None:
    """Assumed: neither the stats nor the eventstats page (10.0, read in full) says what a BY field that is null in
    a row does; the eventstats page says only "Only those events that have fields pertinent to the aggregation are
    used in generating the summary statistics". The engine leaves such a row out of every group: stats drops it,
    eventstats neither counts it (row 3's t=5 is not the min) nor gives it the new field, so a later
    ``if(..., x, <new field>)`` reads null there."""
    engine = make_engine()
    assert rows(engine, _ROWS + " | stats min(t) as m count by k") == [{"k": "app", "m": 10, "count": 2}]
    got = rows(engine, _ROWS + " | eventstats min(t) as m by k | eventstats values(a) as v by k | table n m v")
    assert got == [{"n": 1, "m": 10, "v": ("id1", "id2")}, {"n": 2, "m": 10, "v": ("id1", "id2")}, {"n": 3}, {"n": 4}]


@pytest.mark.assumed
def test_list_skips_a_null_so_two_lists_stay_aligned_only_when_their_fields_are_null_together() -> None:
    """list(): "Returns a list of up to 100 values in a field as a multivalue entry. The order of the values
    reflects the order of input events" (Multivalue stats and chart functions, 10.0); that a row without the field
    adds nothing (no empty slot) is assumed, as the page shows no null (the eventstats page: "Only those events
    that have fields pertinent to the aggregation are used"). So list(u) and list(s) line up value for value when u
    and s are null in the same rows (the risk correlation's ranked_user, ranked_total and ranked_score are all set
    by the same if(object_kind="user", ...)), and do not when one is null alone (row 3 here)."""
    engine = make_engine()
    together = _ROWS + ' | eval u=if(n<=2, a, null()), s=if(n<=2, t, null()) | stats list(u) as u list(s) as s'
    assert rows(engine, together) == [{"u": ("id1", "id2"), "s": (30, 10)}]
    apart = _ROWS + " | stats list(a) as a list(k) as k"
    assert rows(engine, apart) == [{"a": ("id1", "id2", "id3"), "k": ("app", "app")}]


def test_guest_account_fold_with_backreferences() -> None:
    """replace(<str>,<regex>,<replacement>): the page's example swaps month and day with "\\2/\\1/", so \\1 and \\2
    in the replacement are the regex's groups (Text functions, 10.0). The correlation's pattern reads a guest
    account name back into the address it was made from: the greedy first group ends at the last underscore before
    the domain, and a name without the guest marker is left as it is."""
    engine = make_engine()
    fold = ('| makeresults | eval p=replace(r, "^([^@]+)_([^_@#]+\\.[^_@#]+)#ext#@[^@#]+$", "\\1@\\2") '
            '| table p')
    cases = {"jo_ann_fabrikam.example#ext#@contoso.onmicrosoft.com": "jo_ann@fabrikam.example",
             "user15_fabrikam.example@contoso.onmicrosoft.com": "user15_fabrikam.example@contoso.onmicrosoft.com",
             "user15@fabrikam.example": "user15@fabrikam.example"}
    for name, expected in cases.items():
        assert rows(engine, fold.replace("| makeresults", f'| makeresults | eval r="{name}"')) == [{"p": expected}]


def test_mvfind_without_a_match_falls_back_through_coalesce() -> None:
    """mvfind: "If no values match, NULL is returned" (Multivalue eval functions, 10.0); coalesce "Takes one or
    more values and returns the first value that is not NULL" (Comparison and conditional functions, 10.0); so
    ``mvindex(x, coalesce(mvfind(x, "#ext#@"), 0))`` is the guest account when there is one, else the first
    value (values() order: lexicographic)."""
    engine = make_engine()
    pick = ('| makeresults | eval x=split("{}", ",") | eval f=mvfind(x, "#ext#@"), u=mvindex(x, coalesce(f, 0)) '
            '| table f u')
    assert rows(engine, pick.format("b@x.example,b_x.example#ext#@t.example")) == [
        {"f": 1, "u": "b_x.example#ext#@t.example"}]
    assert rows(engine, pick.format("a@x.example,b@x.example")) == [{"u": "a@x.example"}]
