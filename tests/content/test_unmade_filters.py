"""CP080: a search filters on a field no command before the filter leaves, whatever the logs hold.

A newcomer's threshold macro given a word (``definition: five``) and a tuning macro's misspelled exclusion
(``search NOT usr=...`` after the detection's ``stats``) both validated, and the detection then never fired or
tuned nothing out, with no error from Splunk either."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import TTP, Validate, at, edit, locate, only

STATS = "signature\n"  # the end of the TTP's stats line
THRESHOLD = "macros/refusal_threshold.yml"
FILTER = "macros/entra_id_user_declined_consent_for_oauth_app_filter.yml"


def _write(pack: Path, relative: str, text: str) -> None:
    (pack / relative).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("macro", "definition", "filtered", "needle", "said"), [
    # a threshold written as a word: ``where count >= five`` compares with a field named five, and never holds
    (THRESHOLD, "'five'", "signature\n  | where count >= `refusal_threshold`\n", "five",
     "the search filters on 'five' (where), a field no event has after the commands before it, whatever the logs "
     "hold: the whole definition of macro 'refusal_threshold', five, is read as a field's name; write a number in "
     "digits (definition: '5')"),
    # a tuning macro's misspelled exclusion after the detection's stats: it excludes nothing
    (FILTER, 'search NOT usr="svc-test@contoso.example"', STATS, "usr",
     "the search filters on 'usr' (search), a field no event has after the commands before it, whatever the logs "
     "hold (did you mean 'user'?): a typo? a filter on it treats every row alike (NOT usr=... excludes none, "
     "usr=... keeps none)"),
])
def test_a_field_no_row_has_is_reported_in_the_macro_that_writes_it(
        pack: Path, validate: Validate, macro: str, definition: str, filtered: str, needle: str, said: str) -> None:
    name = Path(macro).stem
    _write(pack, macro, f"name: {name}\ndefinition: {definition}\ndescription: tuned for our tenant\n")
    edit(pack, TTP, STATS, filtered)
    finding = only(validate(pack), "CP080")
    assert at(finding) == (macro, *locate(pack, macro, needle))
    assert finding.message == f"detection 'Entra ID User Declined Consent For OAuth App': {said}"


def test_a_threshold_in_digits_is_valid(pack: Path, validate: Validate) -> None:
    _write(pack, THRESHOLD, "name: refusal_threshold\ndefinition: '5'\ndescription: refusals before it fires\n")
    edit(pack, TTP, STATS, "signature\n  | where count >= `refusal_threshold`\n")
    assert [d.render() for d in validate(pack).diagnostics if d.rule == "CP080"] == []


def test_a_misspelled_field_in_the_search_itself_is_reported_at_its_command(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, STATS, "signature\n  | where cont > 1\n")
    finding = only(validate(pack), "CP080")
    assert at(finding) == (TTP, *locate(pack, TTP, "where cont"))
    assert "filters on 'cont' (where)" in finding.message and "(did you mean 'count'?)" in finding.message
