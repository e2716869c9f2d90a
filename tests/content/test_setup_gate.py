"""``validate`` is the gate: what made the replay's engine set-up refuse a pack (RP001) after validate and build had
accepted it is now a validation finding, at the YAML (or CSV) position of the value at fault.

1. a data source's calculated field that is not an eval expression (CP060), or calls a function Splunk does not
   have (CP061, with a did-you-mean);
2. two data sources of one sourcetype defining a calculated field differently (CP064);
3. a lookup whose ``match_type`` the engine refuses given its CSV (CP014); the CSV is read by the engine's own
   reader, whose one refusal of valid text (a field over Python's csv limit) is gone from both.

Splunk facts pinned here (Knowledge Manager Manual 9.4, "Configure calculated fields with props.conf",
https://help.splunk.com/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/9.4/calculated-fields/configure-calculated-fields-with-props.conf):
a calculated field is ``[<stanza>] EVAL-<field_name> = <eval statement>`` where the stanza "can be: <source type>"
and the "<eval_statement> is as flexible as it is for the eval search command" — so an expression is checked
as an eval expression, and one sourcetype's stanza has one ``EVAL-<field_name>``.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contentpack.content import search_time
from contentpack.content.validate import validate_pack
from contentpack.simulate import ReplaySetupError, build_engine, engine_setup
from contentpack.spl.lookups import MatchRules, read_lookup_csv

from .helpers import DATA_SOURCE, LOOKUP, TTP, Validate, at, edit, locate, only, validate_cli

REPO = Path(__file__).resolve().parents[2]
CSV = "lookups/entra_id_known_apps.csv"
OTHER = "data_sources/other.yml"
SOURCE_NAME = "Azure Active Directory Sign-in activity"


def _broken_expression(pack: Path) -> None:
    edit(pack, DATA_SOURCE, """expression: '"Azure AD"'""", "expression: 'if(x,'")


def _end_of_broken_expression(pack: Path) -> tuple[int, int]:
    """Just past the broken expression's last character (its closing quote): where "found end of command" is."""
    line, col = locate(pack, DATA_SOURCE, "if(x,'")
    return line, col + len("if(x,")


def _other_data_source(pack: Path, expression: str = '"Other"') -> None:
    """A second data source of the sourcetype ``azure:monitor:aad`` (after the first in file order)."""
    text = (pack / DATA_SOURCE).read_text(encoding="utf-8")
    (pack / OTHER).write_text(
        text.replace(f"name: {SOURCE_NAME}", "name: Other Sign-ins")
        .replace("id: 5a4e2c1b-9d8f-4a7e-b6c5-d4e3f2a1b0c9", "id: 5a4e2c1b-9d8f-4a7e-b6c5-d4e3f2a1b0ca")
        .replace("""expression: '"Azure AD"'""", f"expression: '{expression}'"), encoding="utf-8")


def _conflict_message(pack: Path) -> str:
    first = locate(pack, DATA_SOURCE, "vendor_product\n    expression")
    return (f"calculated field 'vendor_product' of sourcetype 'azure:monitor:aad' differs from the one data source "
            f"'{SOURCE_NAME}' defines (at {DATA_SOURCE}:{first[0]}:{first[1]}); one sourcetype has one "
            "EVAL-vendor_product: give both data sources the same expression")


# ------------------------------------------------------------------------------- 1. calculated-field expressions


def test_an_expression_that_does_not_parse_is_cp060_at_the_expression(pack: Path, validate: Validate) -> None:
    """The reproducer: ``if(x,`` ends before its arguments; the parser stops at the end of the text, so the
    finding is just past its last character, at the closing quote, where the missing arguments go (it was at the
    opening quote, the value's own position)."""
    _broken_expression(pack)
    diagnostic = only(validate(pack), "CP060")
    assert at(diagnostic) == (DATA_SOURCE, *_end_of_broken_expression(pack))
    assert diagnostic.message == (f"SPL syntax error in data source '{SOURCE_NAME}': EVAL-vendor_product: expected "
                                  "an expression, found end of command")
    assert not validate(pack).ok


def test_a_syntax_error_inside_a_folded_expression_is_at_its_character(pack: Path, validate: Validate) -> None:
    """Positions inside the scalar are mapped as for searches: the stray token on the block's second line."""
    edit(pack, DATA_SOURCE, """expression: '"Azure AD"'""",
         "expression: >-\n      coalesce('properties.userPrincipalName',\n      operationName extra)")
    diagnostic = only(validate(pack), "CP060")
    assert at(diagnostic) == (DATA_SOURCE, *locate(pack, DATA_SOURCE, "extra)"))
    assert diagnostic.message.endswith("EVAL-vendor_product: expected ')' closing coalesce(, found 'extra'")


def test_an_unknown_eval_function_is_cp061_with_a_suggestion(pack: Path, validate: Validate) -> None:
    edit(pack, DATA_SOURCE, """expression: '"Azure AD"'""", "expression: lowr(operationName)")
    diagnostic = only(validate(pack), "CP061")
    assert at(diagnostic) == (DATA_SOURCE, *locate(pack, DATA_SOURCE, "lowr("))
    assert diagnostic.message == f"unknown eval function 'lowr' (did you mean 'lower'?) (in data source '{SOURCE_NAME}')"


def test_a_splunk_function_the_engine_lacks_is_not_a_validation_error(pack: Path, validate: Validate) -> None:
    """``sigfig`` is in the Search Reference's list of eval functions (data/splunk_spl_builtins.json): valid, so
    validate accepts it, as it does in searches; the engine set-up names it at the expression instead."""
    edit(pack, DATA_SOURCE, """expression: '"Azure AD"'""", "expression: sigfig(1.50)")
    result = validate(pack)
    assert result.diagnostics == [] and result.pack is not None
    with pytest.raises(ReplaySetupError) as caught:
        build_engine(result.pack)
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.rule, at(diagnostic)) == ("RP001", (DATA_SOURCE, *locate(pack, DATA_SOURCE, "sigfig(")))


# ------------------------------------------------------------------------ 2. one EVAL-<field> per sourcetype


def test_two_data_sources_defining_a_field_differently_is_cp064_at_the_later_field(pack: Path,
                                                                                   validate: Validate) -> None:
    _other_data_source(pack)
    diagnostic = only(validate(pack), "CP064")
    assert at(diagnostic) == (OTHER, *locate(pack, OTHER, "vendor_product\n    expression"))
    assert diagnostic.message == _conflict_message(pack)


def test_the_same_field_defined_alike_or_on_another_sourcetype_is_fine(pack: Path, validate: Validate) -> None:
    """Equal expressions (but for surrounding whitespace, as a .conf value is read) are one setting; another
    sourcetype is another stanza."""
    _other_data_source(pack, ' "Azure AD" ')
    assert validate(pack).diagnostics == []
    edit(pack, OTHER, "expression: ' \"Azure AD\" '", "expression: '\"Other\"'")
    edit(pack, OTHER, "sourcetype: azure:monitor:aad", "sourcetype: azure:monitor:other")
    assert validate(pack).diagnostics == []


def test_the_engine_set_up_refuses_the_conflict_with_the_validators_own_check(pack: Path) -> None:
    """Defence in depth for API callers that skip validate: build_engine refuses the same pack with exactly the
    validator's findings, because both call the one merge in the content layer (``content.search_time``)."""
    _other_data_source(pack)
    result = validate_pack(pack)
    assert result.pack is not None
    with pytest.raises(ReplaySetupError) as caught:
        build_engine(result.pack)
    assert caught.value.diagnostics == [d for d in result.diagnostics if d.rule == "CP064"]
    assert engine_setup.pack_search_time is search_time.pack_search_time
    assert engine_setup.merged_search_time is search_time.merged_search_time
    assert not hasattr(engine_setup, "_merged_search_time")


def test_the_real_packs_data_sources_share_their_calculated_fields_without_conflict() -> None:
    """The repository's pack has five data sources of one sourcetype, each repeating the add-on's calculated
    fields: the merge finds no conflict, and the pack validates clean with every new check."""
    result = validate_pack(REPO)
    assert result.diagnostics == [] and result.pack is not None
    [merged] = search_time.pack_search_time(result.pack.data_sources)
    assert len(merged.sources) == 5 and merged.conflicts == () and len(merged.calculated_fields) > 10


# -------------------------------------------------------------------------------------------- 3. lookups


def test_a_match_type_field_that_is_not_a_column_is_cp014_at_the_entry(pack: Path, validate: Validate) -> None:
    """transforms.conf.spec: ``match_type = <string>`` "A comma and space-delimited list of
    <match_type>(<field_name>) specification" — the field is one of the lookup's (the engine refuses others)."""
    (pack / LOOKUP).write_text((pack / LOOKUP).read_text(encoding="utf-8")
                               + "match_type:\n- WILDCARD(appDisplayName)\n- CIDR(app_ip)\n", encoding="utf-8")
    diagnostic = only(validate(pack), "CP014")
    assert at(diagnostic) == (LOOKUP, *locate(pack, LOOKUP, "CIDR(app_ip)"))
    assert diagnostic.message == "match_type names 'app_ip', which is not a column (columns: appDisplayName, known)"


def test_a_field_both_wildcard_and_cidr_is_cp014_at_the_second_entry(pack: Path, validate: Validate) -> None:
    (pack / LOOKUP).write_text((pack / LOOKUP).read_text(encoding="utf-8")
                               + "match_type:\n- WILDCARD(known)\n- CIDR(known)\n", encoding="utf-8")
    diagnostic = only(validate(pack), "CP014")
    assert at(diagnostic) == (LOOKUP, *locate(pack, LOOKUP, "CIDR(known)"))
    assert diagnostic.message == "match_type: field 'known' cannot be both WILDCARD and CIDR"


@pytest.fixture
def fresh_csv_limit() -> Iterator[None]:
    """The csv module's field limit as a fresh process has it (131,072), restored afterwards."""
    before = csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(before)


@pytest.mark.parametrize("where", ["row", "header"])
def test_a_long_csv_field_loads_in_validate_and_in_the_engine_alike(pack: Path, validate: Validate, where: str,
                                                                    fresh_csv_limit: None) -> None:
    """Python's csv module refuses a field over its limit, 131,072 characters unless the process raised it
    (backtest's CSV inputs do): the engine's lookups loaded or failed depending on what the process had read
    before, and a header that long made validate itself crash ("internal error"). The limit is Python's, not
    Splunk's, so both now read any field a lookup file can hold."""
    huge = "x" * 140_000
    # the header keeps the column the fixture's search outputs (known): without it that search is CP068's
    text = (f"appDisplayName,known\nContoso Portal,true\n{huge},true\n" if where == "row"
            else f"appDisplayName,known,{huge}\n")
    (pack / CSV).write_text(text, encoding="utf-8")
    result = validate(pack)
    assert result.diagnostics == [] and result.pack is not None
    engine = build_engine(result.pack)
    found = engine.search(f"| inputlookup {result.pack.lookups[0].name}", now=0).rows
    assert (huge in {row.get("appDisplayName") for row in found}) if where == "row" else found == []


def test_the_header_is_the_one_the_engine_reads(pack: Path, validate: Validate) -> None:
    """A quoted name may span lines: the model's fields_list (transforms.conf's, CP014's) is the engine's header,
    not the file's first line (which gave a one-column list for this two-column table)."""
    (pack / CSV).write_text('"app\nDisplayName",known\nContoso,true\n', encoding="utf-8")
    result = validate(pack)
    assert result.pack is not None
    engine_table = read_lookup_csv("t", pack / CSV, MatchRules())
    assert result.pack.lookups[0].fields_list == engine_table.fields == ("app\nDisplayName", "known")


@pytest.mark.parametrize(("text", "line", "message"), [
    ('appDisplayName,known\nContoso,true\n"Fabrikam,true\nNorthwind,true\n', 3,
     "a quoted value is not closed before the end of the file"),
    ('appDisplayName,known\nContoso,true\n"Fabrikam" Portal,true\n', 3, "',' expected after '\"'"),
])
def test_a_csv_quote_the_reader_cannot_close_is_cp014_at_its_record(pack: Path, validate: Validate, text: str,
                                                                   line: int, message: str) -> None:
    """A quoted value never closed took every later line as its text (the table lost its later rows, and
    validate said the pack was valid); text after a closing quote was glued to the value. Refused (assumed:
    Splunk documents neither), at the line where the record starts."""
    (pack / CSV).write_text(text, encoding="utf-8")
    diagnostic = only(validate(pack), "CP014")
    assert at(diagnostic) == (CSV, line, 1)
    assert diagnostic.message == f"lookup CSV: {message}"


def test_a_csv_record_with_more_values_than_columns_is_a_cp014_warning_at_its_line(pack: Path,
                                                                                 validate: Validate) -> None:
    """An allowlist row whose name holds an unquoted comma ('Contoso Expense, Travel') has a value more than the
    header: the engine drops the last and every later column holds its neighbour's value; validate said nothing.
    A warning (the table still loads, as before) at the first such record, naming the others' lines; a short
    record (later columns left empty) is no problem. The pack is still valid and loads the lookup."""
    (pack / CSV).write_text("appDisplayName,known\nContoso Expense, Travel,true\nNorthwind\nFabrikam,true,x\n"
                            '"Contoso, Inc.",true\nTailspin,true,,\n', encoding="utf-8")
    result = validate(pack)
    diagnostic = only(result, "CP014")
    assert at(diagnostic) == (CSV, 2, 1) and diagnostic.severity == "warning"
    assert diagnostic.message == (
        "lookup CSV record has 3 values, more than the header's 2 columns: the values past the last column are "
        "dropped and the others may sit under the wrong column; quote a value that holds a comma "
        '("Contoso Expense, Travel"); so do the records at lines 4, 6')
    assert result.ok and result.pack is not None
    assert result.pack.lookups[0].fields_list == ("appDisplayName", "known")


# --------------------------------------------------------------------------------- all at once, and the CLI


def _all_three(pack: Path) -> list[str]:
    """Every case in one pack, plus an unrelated search typo: how each finding validate prints starts."""
    _other_data_source(pack)
    _broken_expression(pack)
    (pack / LOOKUP).write_text((pack / LOOKUP).read_text(encoding="utf-8") + "match_type:\n- WILDCARD(app)\n",
                               encoding="utf-8")
    edit(pack, TTP, "| fillnull ", "| filnull ")

    def where(relative: str, needle: str) -> str:
        line, col = locate(pack, relative, needle)
        return f"{relative}:{line}:{col}"

    return [
        f"{DATA_SOURCE}:{':'.join(map(str, _end_of_broken_expression(pack)))}: error[CP060]: SPL syntax error in data source '{SOURCE_NAME}': "
        "EVAL-vendor_product: expected an expression, found end of command",
        f"{where(OTHER, 'vendor_product' + chr(10) + '    expression')}: error[CP064]: {_conflict_message(pack)}",
        f"{where(TTP, 'filnull')}: error[CP061]: unknown search command 'filnull' (did you mean 'fillnull'?)",
        f"{where(LOOKUP, 'WILDCARD(app)')}: error[CP014]: match_type names 'app', which is not a column "
        "(columns: appDisplayName, known)",
    ]


def test_every_case_is_reported_in_one_run(pack: Path, validate: Validate) -> None:
    expected = _all_three(pack)
    rendered = [d.render() for d in validate(pack).diagnostics]
    assert len(rendered) == len(expected)
    assert all(any(line.startswith(want) for line in rendered) for want in expected), rendered


def test_validate_on_the_command_line_reports_every_case_with_its_position(pack: Path) -> None:
    expected = _all_three(pack)
    out = validate_cli(pack)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    shown = " ".join(out.stdout.split())  # long findings are wrapped to the terminal
    assert all(" ".join(want.split()) in shown for want in expected), out.stdout
    assert "INVALID: 4 errors" in shown


@pytest.mark.parametrize("case", ["expression", "conflict", "lookup"])
def test_replay_stops_at_validation_instead_of_the_engine_set_up(pack: Path, case: str) -> None:
    """``contentpack replay`` validates first: each case is the validator's finding, never RP001."""
    if case == "expression":
        _broken_expression(pack)
        rule, path = "CP060", DATA_SOURCE
    elif case == "conflict":
        _other_data_source(pack)
        rule, path = "CP064", OTHER
    else:
        (pack / LOOKUP).write_text((pack / LOOKUP).read_text(encoding="utf-8") + "match_type:\n- CIDR(ip)\n",
                                   encoding="utf-8")
        rule, path = "CP014", LOOKUP
    out = subprocess.run([sys.executable, "-m", "contentpack", "replay", "--root", str(pack)],
                         capture_output=True, text=True)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith(f"{path}:") and f"error[{rule}]" in out.stderr.splitlines()[0]
    assert "RP001" not in out.stdout + out.stderr
