"""What a failed result check shows of the rows that came back (``replay.checks``).

A walkthrough's failing ``expected_rows`` listed each row's first six fields: the real row had 21, the fields the
expectation named (``count=2``, ``risky_apps_allowed=1``) among those cut, and nothing said so, so they read as
missing. Now the named fields come first, each with its value or ``(absent)``, then the row's other fields up to
six in all, and the cut is counted. A wrong count and a missing row each showed the same rows again (a
failed test's report at 80 columns ran to forty lines): they are shown once now.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from contentpack.content.model import UnitTest
from contentpack.replay.checks import Row, expected_results_check, expected_rows_checks, result_checks

from .factory import detection

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
        "no row has: user=patti, src=198.51.100.67, count=2; closest row differs in src (expected '198.51.100.67', "
        "found '198.51.100.66'); rows: {user=patti, src=198.51.100.66, count=2, "
        "dest=t1, initiator_id=b5f4, initiator=user patti (+4 more fields)}")


def test_a_named_field_the_row_lacks_is_shown_absent() -> None:
    assert _detail({"legacy_consent_enabled": "1", "risky_apps_allowed": "1"}) == (
        "no row has: legacy_consent_enabled=1, risky_apps_allowed=1; closest row differs in legacy_consent_enabled "
        "(expected '1', absent); rows: {legacy_consent_enabled=(absent), "
        "risky_apps_allowed=1, dest=t1, user=patti, initiator_id=b5f4, initiator=user patti (+5 more fields)}")


def test_more_named_fields_than_the_budget_are_all_shown() -> None:
    named = {name: "x" for name in ("dest", "user", "initiator_id", "initiator", "src", "vendor_account", "count")}
    assert _detail(named).endswith("; rows: {dest=t1, user=patti, initiator_id=b5f4, initiator=user patti, "
                                   "src=198.51.100.66, vendor_account=t1, count=2 (+3 more fields)}")


def test_a_row_of_six_fields_or_fewer_has_no_cut_to_mark() -> None:
    test = replace(UnitTest("t", ()), expected_rows=(MappingProxyType({"user": "bob"}),))
    [check] = expected_rows_checks(test, [{"user": "patti", "count": 2, "_time": 1.0}])
    assert check.detail == ("no row has: user=bob; closest row differs in user (expected 'bob', found 'patti'); rows: "
                            "{user=patti, count=2}")


def test_expected_results_marks_the_cut_too() -> None:
    test = replace(UnitTest("t", ()), expected_results=2)
    [check] = expected_results_check(test, [ROW])
    assert check.detail == ("1 result(s), expected 2; rows: {dest=t1, user=patti, initiator_id=b5f4, "
                            "initiator=user patti, src=198.51.100.66, vendor_account=t1 (+4 more fields)}")


OTHER: Row = {**ROW, "user": "bob", "legacy_consent_enabled": 1}


def _failures(test: UnitTest, rows: list[Row]) -> dict[str, str]:
    return {check.name: check.detail for check in result_checks(detection(), test, rows) if not check.ok}


def test_the_rows_are_shown_once_with_every_failed_expectations_fields_first() -> None:
    """A wrong count and two missing rows: the count shows the rows, naming first the fields either missing row
    names (``legacy_consent_enabled`` would else be cut from ``OTHER``), and each missing row points up to them."""
    test = replace(UnitTest("t", ()), expected_results=3, expected_rows=tuple(MappingProxyType(e) for e in (
        {"user": "patti"}, {"user": "carol"}, {"legacy_consent_enabled": "0"})))
    assert _failures(test, [ROW, OTHER]) == {
        "expected_results": "2 result(s), expected 3; rows: {user=patti, legacy_consent_enabled=(absent), dest=t1, "
                            "initiator_id=b5f4, initiator=user patti, src=198.51.100.66 (+5 more fields)}; "
                            "{user=bob, legacy_consent_enabled=1, dest=t1, initiator_id=b5f4, initiator=user patti, "
                            "src=198.51.100.66 (+5 more fields)}",
        "expected_rows[1]": "no row has: user=carol; closest row differs in user (expected 'carol', found 'patti'); "
                            "rows as above",
        "expected_rows[2]": "no row has: legacy_consent_enabled=0; closest row differs in legacy_consent_enabled "
                            "(expected '0', found '1'); rows as above"}


def test_with_the_count_right_the_first_missing_row_shows_them() -> None:
    test = replace(UnitTest("t", ()), expected_results=1, expected_rows=tuple(MappingProxyType(e) for e in (
        {"user": "carol"}, {"src": "x"})))
    assert _failures(test, [ROW]) == {
        "expected_rows[0]": "no row has: user=carol; closest row differs in user (expected 'carol', found 'patti'); "
                            "rows: {user=patti, src=198.51.100.66, dest=t1, "
                            "initiator_id=b5f4, initiator=user patti, vendor_account=t1 (+4 more fields)}",
        "expected_rows[1]": "no row has: src=x; closest row differs in src (expected 'x', found '198.51.100.66'); "
                            "rows as above"}


def test_a_missing_row_names_the_closest_rows_differing_fields_bounded() -> None:
    """A walkthrough's ``expected_rows`` failure listed what was expected and the rows, and left the author to find
    by eye the one value that differed (an app id's case, among 36-character ids). Now the row matching the most
    expected fields is named by what it differs in: a case-only difference said, a long value cut, a multivalue
    field's values joined, a few fields shown and the rest counted, on the one line."""
    wanted = {"user": "patti", "app_id": "B81F" + "0" * 50, "count": "3", "dest": "t2", "src": "x", "tag": "c"}
    near = {**ROW, "app_id": "b81f" + "0" * 50, "tag": ("a", "b")}
    far = {**near, "user": "bob"}
    detail = expected_rows_checks(replace(UnitTest("t", ()), expected_rows=(MappingProxyType(wanted),)),
                                  [far, near])[0].detail
    assert "\n" not in detail
    assert detail.split("; ")[1] == (
        f"closest row differs in app_id (expected 'B81F{'0' * 36}...', found 'b81f{'0' * 36}...': case differs), "
        "count (expected '3', found '2'), dest (expected 't2', found 't1') (+2 more)")
    single = replace(UnitTest("t", ()), expected_rows=(MappingProxyType({"tag": "c"}),))
    assert "closest row differs in tag (expected 'c', found 'a|b'); rows: " \
        in expected_rows_checks(single, [near])[0].detail
