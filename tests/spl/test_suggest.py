"""``spl.suggest.closest``: the one "did you mean" of validate, the engine and the command line."""

from __future__ import annotations

import pytest

from contentpack.spl.suggest import closest, did_you_mean

MACROS = ["entra_id_ctime", "entra_id_known_apps", "entra_id_signin_and_audit_logs", "entra_id_grant_initiator"]


def test_a_shared_namespace_does_not_make_unlike_names_alike() -> None:
    """Every macro of a pack starts with its namespace: ``entra_id_no_such_macro`` was answered with
    ``entra_id_ctime`` (difflib's ratio over the whole names is 0.61, from ``entra_id_`` alone). Found by a
    new user walking the README."""
    assert closest("entra_id_no_such_macro", MACROS) is None
    assert did_you_mean("entra_id_no_such_macro", MACROS) == ""


@pytest.mark.parametrize(("typo", "meant"), [
    ("entra_id_ctme", "entra_id_ctime"),                # a typo inside the name proper, after the namespace
    ("entra_di_ctime", "entra_id_ctime"),               # a typo in the namespace itself
    ("ENTRA_ID_KNOWN_APP", "entra_id_known_apps"),      # without case, answered as written
    ("entra_id_signin_and_audit_log", "entra_id_signin_and_audit_logs"),
])
def test_a_typo_in_a_namespaced_name_is_still_found(typo: str, meant: str) -> None:
    assert closest(typo, MACROS) == meant


def test_a_name_that_extends_the_one_meant_is_still_answered() -> None:
    """README's detection table adds the error code to a name; the pack's own name is the answer (the shared
    ``entra id `` is left out; what follows still compares closely)."""
    names = ["Entra ID User Declined OAuth Application Consent", "Entra ID OAuth Consent Declined by Many Users"]
    assert closest("Entra ID User Declined OAuth Application Consent (AADSTS65004)", names) == names[0]
    assert closest("entra_id_ctime_extra", ["entra_id_ctime"]) == "entra_id_ctime"  # one candidate: no namespace


@pytest.mark.parametrize(("typo", "names", "meant"), [
    ("stat", ["stats", "eval"], "stats"),               # no separator: the whole names are compared
    ("coutn", ["count", "dc"], "count"),
    ("--fromat", ["--format", "--from"], "--format"),
    ("--dryrun", ["--dry-run"], "--dry-run"),
    ("--json", ["--junit", "--format"], None),         # alike only in their dashes
    ("generate", ["generate-data", "validate"], "generate-data"),
])
def test_names_without_a_namespace_are_compared_as_before(typo: str, names: list[str], meant: str | None) -> None:
    assert closest(typo, names) == meant


FIELDS = ["user", "src_user", "AppId", "app_name", "process_name", "host", "dest", "min", "known"]


@pytest.mark.parametrize(("typo", "meant"), [
    ("usr", "user"),          # a letter left out
    ("AppID", "AppId"),       # case alone
    ("mni", "min"),           # two letters swapped in a short name: one typo, though difflib finds it only 0.67 alike
    ("dset", "dest"),
    ("procesname", "process_name"),
    ("known_app", "known"),   # a word added after a separator: the column meant
])
def test_a_misspelling_is_answered(typo: str, meant: str) -> None:
    assert closest(typo, FIELDS) == meant


@pytest.mark.parametrize("other", ["hostname", "owner", "src_ip", "hostnames"])
def test_another_name_is_not_answered_with_a_weak_match(other: str) -> None:
    """``hostname`` was answered with ``process_name`` (difflib's ratio 0.6, its floor: ``s`` and ``name`` in
    common), ``owner`` with ``known``: names, not typos of them. Neither is alike nor one typo away."""
    assert closest(other, FIELDS) is None
    assert did_you_mean(other, FIELDS) == ""
