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


@pytest.mark.parametrize(("typo", "names", "cutoff", "meant"), [
    ("stat", ["stats", "eval"], 0.6, "stats"),          # no separator: the whole names are compared
    ("coutn", ["count", "dc"], 0.6, "count"),
    ("--fromat", ["--format", "--from"], 0.75, "--format"),
    ("--dryrun", ["--dry-run"], 0.75, "--dry-run"),
    ("--json", ["--junit", "--format"], 0.75, None),   # alike only in their dashes
    ("generate", ["generate-data", "validate"], 0.75, "generate-data"),
])
def test_names_without_a_namespace_are_compared_as_before(typo: str, names: list[str], cutoff: float,
                                                          meant: str | None) -> None:
    assert closest(typo, names, cutoff=cutoff) == meant
