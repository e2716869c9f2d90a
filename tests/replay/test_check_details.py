"""What a failed result check shows of the rows that came back (``replay.checks``).

A walkthrough's failing ``expected_rows`` listed each row's first six fields: the real row had 21, the fields the
expectation named (``count=2``, ``risky_apps_allowed=1``) among those cut, and nothing said so, so they read as
missing. Now the named fields come first, each with its value or ``(absent)``, then the row's other fields up to
six in all, and the cut is counted.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from contentpack.content.model import UnitTest
from contentpack.replay.checks import Row, expected_results_check, expected_rows_checks

# a result row as a detection's stats returns it: the by-fields first, the aggregates the test names late
ROW: Row = {"dest": "t1", "user": "patti", "initiator_id": "b5f4", "initiator": "user patti", "src": "198.51.100.66",
       "vendor_account": "t1", "vendor_product": "Azure AD", "signature": "Update policy", "count": 2,
       "risky_apps_allowed": 1, "_time": 1.0}


def _detail(expected: dict[str, str]) -> str:
    test = replace(UnitTest("t", ()), expected_rows=(MappingProxyType(expected),))
    [check] = expected_rows_checks(test, [ROW])
    assert not check.ok
    return check.detail


def test_the_named_fields_come_first_with_their_values_and_the_cut_is_counted() -> None:
    assert _detail({"user": "patti", "src": "198.51.100.67", "count": "2"}) == (
        "no row has: user=patti, src=198.51.100.67, count=2; rows: {user=patti, src=198.51.100.66, count=2, "
        "dest=t1, initiator_id=b5f4, initiator=user patti (+4 more fields)}")


def test_a_named_field_the_row_lacks_is_shown_absent() -> None:
    assert _detail({"legacy_consent_enabled": "1", "risky_apps_allowed": "1"}) == (
        "no row has: legacy_consent_enabled=1, risky_apps_allowed=1; rows: {legacy_consent_enabled=(absent), "
        "risky_apps_allowed=1, dest=t1, user=patti, initiator_id=b5f4, initiator=user patti (+5 more fields)}")


def test_more_named_fields_than_the_budget_are_all_shown() -> None:
    named = {name: "x" for name in ("dest", "user", "initiator_id", "initiator", "src", "vendor_account", "count")}
    assert _detail(named).endswith("; rows: {dest=t1, user=patti, initiator_id=b5f4, initiator=user patti, "
                                   "src=198.51.100.66, vendor_account=t1, count=2 (+3 more fields)}")


def test_a_row_of_six_fields_or_fewer_has_no_cut_to_mark() -> None:
    test = replace(UnitTest("t", ()), expected_rows=(MappingProxyType({"user": "bob"}),))
    [check] = expected_rows_checks(test, [{"user": "patti", "count": 2, "_time": 1.0}])
    assert check.detail == "no row has: user=bob; rows: {user=patti, count=2}"


def test_expected_results_marks_the_cut_too() -> None:
    test = replace(UnitTest("t", ()), expected_results=2)
    [check] = expected_results_check(test, [ROW])
    assert check.detail == ("1 result(s), expected 2; rows: {dest=t1, user=patti, initiator_id=b5f4, "
                            "initiator=user patti, src=198.51.100.66, vendor_account=t1 (+4 more fields)}")
