"""Lookups matched the way a transforms.conf lookup definition says.

Sources quoted in each test:
* SPEC = transforms.conf.spec, https://help.splunk.com/en/data-management/splunk-enterprise-admin-manual/9.4/
  configuration-file-reference/9.4.0-configuration-file-reference/transforms.conf
* RULES = "Add field matching rules to your lookup configuration",
  https://help.splunk.com/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/9.4/
  use-the-configuration-files-to-configure-lookups/add-field-matching-rules-to-your-lookup-configuration
* LOOKUP = https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/lookup
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from contentpack.spl import Engine, SplError, SplRuntimeError, SplUnsupportedError

from .spl_support import DATA, NOW, azure_sample_engine, event, filter_macro, make_engine, rows


def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_escu_privileged_role_assigned_matches_its_own_sample(tmp_path: Path) -> None:
    """The issue's reproducer: ESCU azure_ad_privileged_role_assigned over its own sample event. The lookup
    definition (lookups/privileged_azure_ad_roles.yml) says match_type WILDCARD(azureadrole),
    WILDCARD(azuretemplateid), min_matches 1, case_sensitive_match false. SPEC: "The available match_type
    values are WILDCARD, CIDR, and EXACT"."""
    engine = azure_sample_engine()
    engine.macros["azure_ad_privileged_role_assigned_filter"] = filter_macro("azure_ad_privileged_role_assigned_filter")
    engine.register_lookup("privileged_azure_ad_roles", DATA / "privileged_azure_ad_roles.csv",
                           case_sensitive=False, min_matches=1,
                           match_type=["WILDCARD(azureadrole)", "WILDCARD(azuretemplateid)"])
    search = (
        '`azure_monitor_aad` "operationName"="Add member to role" | rename properties.* as * '
        "| rename initiatedBy.user.userPrincipalName as initiatedBy "
        "| rename targetResources{}.modifiedProperties{}.newValue as roles | eval role=mvindex(roles,1) | fillnull "
        "| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account "
        "vendor_product initiatedBy result role signature "
        "| lookup privileged_azure_ad_roles azureadrole AS role OUTPUT isprvilegedadrole description "
        "| search isprvilegedadrole = True | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` "
        "| `azure_ad_privileged_role_assigned_filter`"
    )
    found = engine.search(search, now=NOW).rows
    assert [(r["role"], r["isprvilegedadrole"]) for r in found] == [('"Privileged Role Administrator"', "TRUE")]
    assert str(found[0]["description"]).startswith("Can manage role assignments")


def test_case_sensitive_match_defaults_to_true(tmp_path: Path) -> None:
    """RULES: case_sensitive_match "Specify true to consider case when matching input lookup table fields.
    Specify false to ignore case when matching lookup fields." Default: true."""
    table = _csv(tmp_path, "app,risk\nEvil,high\n")
    engine = make_engine([event(NOW - 1, app="evil"), event(NOW - 2, app="Evil")])
    engine.register_lookup("cs", table)
    engine.register_lookup("ci", table, case_sensitive=False)
    assert rows(engine, "* | lookup cs app | table risk") == [{}, {"risk": "high"}]
    assert rows(engine, "* | lookup ci app | table risk") == [{"risk": "high"}, {"risk": "high"}]


def test_wildcard_match_type(tmp_path: Path) -> None:
    """SPEC: match_type "A comma and space-delimited list of <match_type>(<field_name>) specification to allow
    for non-exact matching"; with WILDCARD the table's ``*`` matches any characters. Case still follows
    case_sensitive_match (default true)."""
    table = _csv(tmp_path, "path,verdict\n*\\cmd.exe,shell\nC:\\tools\\*,tool\n")
    engine = make_engine([event(NOW - 1, p="C:\\Windows\\System32\\cmd.exe"), event(NOW - 2, p="C:\\tools\\x.exe"),
                          event(NOW - 3, p="c:\\TOOLS\\y.exe"), event(NOW - 4, p="*\\cmd.exe.bak")])
    engine.register_lookup("w", table, match_type="WILDCARD(path)")
    engine.register_lookup("exact", table)
    assert rows(engine, "* | lookup w path AS p | table verdict") == [
        {"verdict": "shell"}, {"verdict": "tool"}, {}, {}]
    assert rows(engine, "* | lookup exact path AS p | table verdict") == [{}, {}, {}, {}]


def test_cidr_match_type(tmp_path: Path) -> None:
    """SPEC: "The available match_type values are WILDCARD, CIDR, and EXACT"; with CIDR the table holds
    networks and an event's address inside one matches (IPv4 and IPv6; text that is no address matches
    nothing)."""
    table = _csv(tmp_path, "net,zone\n10.0.0.0/8,corp\n2001:db8::/32,lab\n192.168.1.7,host\n")
    engine = make_engine([event(NOW - 1, ip="10.1.2.3"), event(NOW - 2, ip="2001:db8::1"),
                          event(NOW - 3, ip="192.168.1.7"), event(NOW - 4, ip="11.0.0.1"),
                          event(NOW - 5, ip="not-an-ip")])
    engine.register_lookup("nets", table, match_type=["CIDR(net)"])
    assert rows(engine, "* | lookup nets net AS ip | table zone") == [
        {"zone": "corp"}, {"zone": "lab"}, {"zone": "host"}, {}, {}]


def test_max_matches_takes_the_first_rows_in_file_order(tmp_path: Path) -> None:
    """RULES: max_matches "Range is 1-1000. If the time_field attribute is is not specified, Splunk software
    uses the first <integer> entries, in file order." Default 100 (all three rows below)."""
    table = _csv(tmp_path, "k,v\na,3\na,1\na,2\n")
    engine = make_engine([event(NOW - 1, k="a")])
    engine.register_lookup("all", table)
    engine.register_lookup("two", table, max_matches=2)
    assert rows(engine, "* | lookup all k | table v") == [{"v": ("3", "1", "2")}]
    assert rows(engine, "* | lookup two k | table v") == [{"v": ("3", "1")}]
    with pytest.raises(SplError, match="max_matches must be between 1 and 1000"):
        engine.register_lookup("bad", table, max_matches=0)


def test_min_matches_and_default_match(tmp_path: Path) -> None:
    """RULES: min_matches default 0, "which means nothing is output to your event if no match is found";
    default_match: "When min_matches is greater than 0 and and Splunk software finds fewer than min_matches
    for any given input, it provides this default_match value one or more times until the min_matches
    threshold is reached." """
    table = _csv(tmp_path, "k,v\na,1\n")
    engine = make_engine([event(NOW - 1, k="a"), event(NOW - 2, k="b")])
    engine.register_lookup("plain", table)
    engine.register_lookup("dflt", table, min_matches=1, default_match="unknown")
    assert rows(engine, "* | lookup plain k | table v") == [{"v": "1"}, {}]
    assert rows(engine, "* | lookup dflt k | table v") == [{"v": "1"}, {"v": "unknown"}]


@pytest.mark.assumed
def test_null_input_gets_no_default_match(tmp_path: Path) -> None:
    """RULES (default_match): "Splunk software treats NULL values as matching values and does not replace
    them with the default_match value." Read here as: an event without the input field is not given the
    default (assumed: the sentence is about NULLs, the page has no example)."""
    table = _csv(tmp_path, "k,v\na,1\n")
    engine = make_engine([event(NOW - 1, other="x")])
    engine.register_lookup("dflt", table, min_matches=1, default_match="unknown")
    assert rows(engine, "* | lookup dflt k | table v") == [{}]


def test_output_overwrites_outputnew_only_fills(tmp_path: Path) -> None:
    """LOOKUP: "If the OUTPUT clause is specified, the output lookup fields overwrite existing fields. If the
    OUTPUTNEW clause is specified, the lookup is not performed for events in which the output fields already
    exist." """
    table = _csv(tmp_path, "app,risk,owner\nEvil,high,eve\n")
    engine = make_engine([event(NOW - 1, app="Evil", risk="old"), event(NOW - 2, app="Evil")])
    engine.register_lookup("apps", table)
    assert rows(engine, "* | lookup apps app OUTPUT risk | table risk") == [{"risk": "high"}, {"risk": "high"}]
    assert rows(engine, "* | lookup apps app OUTPUTNEW risk | table risk") == [{"risk": "old"}, {"risk": "high"}]
    assert rows(engine, "* | lookup apps app OUTPUTNEW risk owner | table risk owner") == [
        {"risk": "old", "owner": "eve"}, {"risk": "high", "owner": "eve"}]


@pytest.mark.assumed
def test_output_with_no_match_clears_the_field(tmp_path: Path) -> None:
    """LOOKUP: with OUTPUT "the output lookup fields overwrite existing fields"; when no row matches, the
    lookup's (empty) value replaces the old one (assumed: the page states the overwrite, not the no-match
    case)."""
    table = _csv(tmp_path, "app,risk\nEvil,high\n")
    engine = make_engine([event(NOW - 1, app="Good", risk="old")])
    engine.register_lookup("apps", table)
    assert rows(engine, "* | lookup apps app OUTPUT risk | table app risk") == [{"app": "Good"}]
    assert rows(engine, "* | lookup apps app OUTPUTNEW risk | table app risk") == [{"app": "Good", "risk": "old"}]


@pytest.mark.assumed
def test_multivalue_input_matches_any_value(tmp_path: Path) -> None:
    """A multivalue input field is looked up value by value and the outputs are merged (LOOKUP: the output
    of several matches is a multivalue field; rows in file order as RULES says for max_matches)."""
    table = _csv(tmp_path, "scope,risk\nMail.Read,high\nUser.Read,low\nFiles.Read,medium\n")
    engine = make_engine([event(NOW - 1, scope=("User.Read", "Mail.Read", "Nope"))])
    engine.register_lookup("scopes", table)
    assert rows(engine, "* | lookup scopes scope | table risk") == [{"risk": ("high", "low")}]


def test_a_match_field_that_is_not_a_column_stops_the_search(tmp_path: Path) -> None:
    """Splunk: "Error in 'lookup' command: Could not find all of the specified lookup fields in the lookup
    table." (https://github.com/olafhartong/ThreatHunting/issues/46). The match field is the lookup's column,
    left of AS; the event field right of it is not looked for in the table. LOOKUP: the table is named by its
    definition "or the name of a CSV file"."""
    engine = make_engine([event(NOW - 1, application="Evil")])
    engine.register_lookup("apps", _csv(tmp_path, "app,risk\nEvil,high\n", "apps_v2.csv"))
    assert rows(engine, "* | lookup apps app AS application OUTPUT risk | table risk") == [{"risk": "high"}]
    assert rows(engine, "* | lookup apps_v2.csv app AS application | table risk") == [{"risk": "high"}]
    for search in ("* | lookup apps application OUTPUT risk", "* | lookup apps_v2.csv app AS application, owner"):
        with pytest.raises(SplError, match=r"^lookup: table 'apps' has no column '(application|owner)'; its columns: app, risk \("):
            rows(engine, search)


def test_an_output_field_that_is_not_a_column_is_unsupported(tmp_path: Path) -> None:
    """LOOKUP: "OUTPUT | OUTPUTNEW <lookup-destfield> [AS <event-destfield>]", the table's column left of AS. The
    page does not say what Splunk does with an output field the table lacks (refuse the search, or leave the
    field unset): the engine refuses it as unsupported, at the command, rather than answer silently."""
    engine = make_engine([event(NOW - 1, app="Evil")])
    engine.register_lookup("apps", _csv(tmp_path, "app,risk\nEvil,high\n", "apps_v2.csv"))
    assert rows(engine, "* | lookup apps app OUTPUT risk AS verdikt | table verdikt") == [{"verdikt": "high"}]
    for search, clause in (("* | lookup apps app OUTPUT verdikt", "OUTPUT"),
                           ("* | lookup apps_v2.csv app OUTPUTNEW risk, verdikt AS risk", "OUTPUTNEW")):
        with pytest.raises(SplUnsupportedError) as raised:
            rows(engine, search)
        assert raised.value.message == (f"lookup: table 'apps' has no column 'verdikt' to {clause}, which is not "
                                        "supported: what Splunk does with an output field its table lacks is not "
                                        "documented")
        assert (raised.value.offset, raised.value.command) == (search.index("lookup"), "lookup")


def test_a_missing_match_field_is_still_a_runtime_error_before_a_missing_output(tmp_path: Path) -> None:
    """The match field's refusal is documented (see above): it stays an error of the search, not "unsupported",
    when an output field is missing too."""
    engine = make_engine([event(NOW - 1, app="Evil")])
    engine.register_lookup("apps", _csv(tmp_path, "app,risk\nEvil,high\n"))
    with pytest.raises(SplRuntimeError) as raised:
        rows(engine, "* | lookup apps application OUTPUT verdikt")
    assert raised.value.message == "lookup: table 'apps' has no column 'application'; its columns: app, risk"


def test_a_missing_match_field_names_the_tables_columns(tmp_path: Path) -> None:
    """``lookup entra_id_known_applications app_id AS ...`` against a table keyed ``appId``: the search's error
    names the column meant and the table's columns, as validate's CP065 does (it said only that app_id is not
    one, and finding the header meant opening the CSV)."""
    engine = make_engine([event(NOW - 1, app="Evil")])
    engine.register_lookup("apps", _csv(tmp_path, "appId,app_name\nEvil,x\n"))
    with pytest.raises(SplRuntimeError) as raised:
        rows(engine, "* | lookup apps app_id AS app OUTPUT app_name")
    assert raised.value.message == ("lookup: table 'apps' has no column 'app_id' (did you mean 'appId'?); its "
                                    "columns: appId, app_name")


def test_match_type_errors_name_the_problem(tmp_path: Path) -> None:
    """A match_type that names no column, or is not WILDCARD/CIDR/EXACT(field), is an error, never ignored."""
    table = _csv(tmp_path, "k,v\na,1\n")
    engine = Engine()
    with pytest.raises(SplError, match="'nope', which is not a column"):
        engine.register_lookup("x", table, match_type=["WILDCARD(nope)"])
    with pytest.raises(SplError, match="expected WILDCARD"):
        engine.register_lookup("x", table, match_type=["FUZZY(k)"])


@pytest.mark.assumed
def test_a_long_cell_loads_whatever_the_processs_csv_limit_and_records_read_as_before(tmp_path: Path) -> None:
    """Python's csv module refuses a field over ``csv.field_size_limit()`` (131,072 characters in a fresh
    process), a setting of the whole process: the table reads any field its file can hold (assumed: Splunk
    documents no per-cell limit for CSV lookups). Empty lines between records are skipped, short records get
    empty values and extra values are dropped (as ``csv.DictReader`` did)."""
    before = csv.field_size_limit(131_072)
    try:
        engine = make_engine([])
        engine.register_lookup("x", _csv(tmp_path, "k,v\n\na\nb,2,extra\n" + "x" * 140_000 + ",3\n"))
    finally:
        csv.field_size_limit(max(before, csv.field_size_limit()))
    assert rows(engine, "| inputlookup x") == [{"k": "a"}, {"k": "b", "v": "2"}, {"k": "x" * 140_000, "v": "3"}]
    with pytest.raises(SplError, match=r"empty\.csv: lookup 'y': line 1: no header row"):
        engine.register_lookup("y", _csv(tmp_path, "\nk,v\n", "empty.csv"))


@pytest.mark.assumed
def test_a_quoted_value_never_closed_is_refused_not_read_to_the_end_of_the_file(tmp_path: Path) -> None:
    """Python's csv reader, unless strict, reads an unclosed quote to the end of the file: the table had one row
    holding the rest of the file as text. Splunk documents no such case, so the engine refuses it (assumed)."""
    with pytest.raises(SplError, match=r"t\.csv: lookup 'x': line 3: a quoted value is not closed"):
        make_engine([]).register_lookup("x", _csv(tmp_path, 'k,v\na,1\n"b,2\nc,3\n'))


def test_default_match_fills_up_to_min_matches_after_some_matches(tmp_path: Path) -> None:
    """RULES (default_match): "When min_matches is greater than 0 and Splunk software finds fewer than
    min_matches for any given input, it provides this default_match value one or more times until the
    min_matches threshold is reached": one match of two wanted gets the default once, not nothing."""
    table = _csv(tmp_path, "k,v\na,1\n")
    engine = make_engine([event(NOW - 1, k="a")])
    engine.register_lookup("dflt", table, min_matches=2, default_match="unknown")
    assert rows(engine, "* | lookup dflt k | table v") == [{"v": ("1", "unknown")}]


@pytest.mark.assumed
def test_matching_rows_give_each_output_value_once_and_skip_empty_cells(tmp_path: Path) -> None:
    """Assumed (no page says): several matching rows holding the same output value give it once, and an empty
    cell (which inputlookup reads as no field) adds no empty value; a match whose only cell is empty leaves no
    field."""
    table = _csv(tmp_path, "k,v\na,high\na,\na,high\nb,\n")
    engine = make_engine([event(NOW - 1, k="a"), event(NOW - 2, k="b")])
    engine.register_lookup("t", table)
    assert rows(engine, "* | lookup t k | table k v") == [{"k": "a", "v": "high"}, {"k": "b"}]


def test_inputlookup_start_and_max_take_a_slice_of_the_rows(tmp_path: Path) -> None:
    """inputlookup (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/
    inputlookup): ``start`` is the 0-based offset of the first row read and ``max`` the most rows read, so
    ``max=1`` is one row, not two."""
    engine = make_engine([])
    engine.register_lookup("t", _csv(tmp_path, "n\n0\n1\n2\n3\n"))
    assert rows(engine, "| inputlookup max=1 t") == [{"n": "0"}]
    assert rows(engine, "| inputlookup start=1 max=2 t") == [{"n": "1"}, {"n": "2"}]
