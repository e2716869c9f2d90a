"""The shipped JSON Schemas: valid draft 2020-12, exported unchanged, and translated into positioned
errors (CP010–CP013)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from contentpack.content import schemas
from contentpack.content.loader import load_yaml

from .helpers import CTIME, TTP, VALID, Validate, at, edit, locate, only

if TYPE_CHECKING:
    import jsonschema

REPO = Path(__file__).resolve().parents[2]


def reference(kind: schemas.SchemaKind) -> jsonschema.Draft202012Validator:
    """Python jsonschema (the reference implementation) for ``kind``'s schema, formats checked. jsonschema is
    imported by the tests that use it, not with this file: the import builds rfc3987-syntax's grammars (~1.3 s
    CPU), which each ``pytest -n`` worker paid at collection."""
    import jsonschema

    return jsonschema.Draft202012Validator(schemas.schema(kind), format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("kind", schemas.SCHEMA_KINDS)
def test_check_schema_passes(kind: schemas.SchemaKind) -> None:
    schema = schemas.schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    import jsonschema  # here, not at the top: see reference()

    jsonschema.Draft202012Validator.check_schema(schema)


def test_valid_fixture_documents_are_valid_for_the_reference_implementation() -> None:
    documents: list[tuple[str, schemas.SchemaKind]] = [(TTP, "detection"), ("contentpack.yml", "contentpack")]
    for relative, kind in documents:
        document, problems = load_yaml(VALID / relative, relative)
        assert document is not None and problems == []
        assert list(reference(kind).iter_errors(document.data)) == []


def test_exported_schemas_match_the_package() -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "scripts/export_schemas.py"), "--check"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    for kind in schemas.SCHEMA_KINDS:
        assert (REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8") == schemas.schema_text(kind)


def test_cp010_misspelt_key_inside_rba(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "  risk_objects:\n", "  risk_object:\n")
    result = validate(pack)
    finding = only(result, "CP010")
    assert at(finding) == (TTP, *locate(pack, TTP, "risk_object:"))
    assert finding.message == "unknown key 'risk_object' in rba (did you mean 'risk_objects'?)"
    assert not [d for d in result.diagnostics if d.rule == "CP011"]  # one mistake, one error: CP010 names the key


def test_cp011_a_misspelt_required_key_is_one_cp010_not_also_a_cp011(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "known_false_positives:", "known_false_positive:")
    edit(pack, TTP, "how_to_implement:", "xyzzy:")
    messages = sorted(d.message for d in validate(pack).diagnostics if d.rule in ("CP010", "CP011"))
    assert len(messages) == 3, messages  # the key no unknown key is a typo of is still reported missing
    assert messages[0] == "missing required key 'how_to_implement' at top level"
    assert messages[1] == "unknown key 'known_false_positive' at top level (did you mean 'known_false_positives'?)"
    assert messages[2].startswith("unknown key 'xyzzy' at top level (allowed keys: ")


def test_cp010_unknown_key_inside_a_drilldown(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "  latest_offset: $info_max_time$\n", "  latest_offset: $info_max_time$\n  color: red\n")
    finding = only(validate(pack), "CP010")
    assert at(finding) == (TTP, *locate(pack, TTP, "color: red"))
    assert "drilldown_searches[0]" in finding.message


def test_cp011_missing_required_key(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "how_to_implement:", "how_to_implemnt:")
    assert "did you mean 'how_to_implement'?" in only(validate(pack), "CP010").message
    edit(pack, TTP, "how_to_implemnt:", "unrelated_words:")
    result = validate(pack)
    assert only(result, "CP011").message == "missing required key 'how_to_implement' at top level"
    assert at(only(result, "CP011")) == (TTP, 1, 1)


@pytest.mark.parametrize(
    ("old", "new", "needle", "text"),
    [
        ("score: 36", "score: 101", "101", "rba.risk_objects[0].score: 101 is greater than the maximum of 100"),
        ("score: 36", "score: 0\n", "0\n", "rba.risk_objects[0].score: 0 is less than the minimum of 1"),
        ("type: user\n", "type: User\n", "User\n", "'User'"[1:-1]),
        ("id: 3d2c1b0a-9f8e-4d7c-b6a5-948372615a4b", "id: not-a-uuid", "not-a-uuid", "uuid"),
        ("date: '2025-04-30'", "date: 2025-04-30 10:00:00", "2025-04-30 10", "date"),
        ("  - T1528\n", "  - T15\n", "T15\n", "is not an ATT&CK technique id"),
    ],
)
def test_cp012_invalid_values(pack: Path, validate: Validate, old: str, new: str, needle: str, text: str) -> None:
    edit(pack, TTP, old, new)
    finding = only(validate(pack), "CP012")
    assert at(finding) == (TTP, *locate(pack, TTP, needle))
    assert text in finding.message


@pytest.mark.parametrize(
    ("scheduling", "needle", "text"),
    [
        ("cron_schedule: 0 * * *", "0 * * *", 'deployment.scheduling.cron_schedule: "0 * * *" is not five fields '
         "separated by single spaces: minute hour day-of-month month day-of-week, as Splunk's cron_schedule "
         "(0 * * * * runs at the start of every hour)"),
        ("schedule_window: 30m", "30m", 'deployment.scheduling.schedule_window: "30m" is not auto or a whole '
         "number of minutes, quoted ('30')"),
    ],
)
def test_cp012_a_pattern_the_schema_describes_is_named_in_words(pack: Path, validate: Validate, scheduling: str,
                                                                 needle: str, text: str) -> None:
    """A newcomer's four-field cron was answered with the schema's regular expression, ``^\\S+( \\S+){4}$``: the
    schema's description of the value, which an editor shows too, says what is wanted."""
    path = pack / TTP
    path.write_text(path.read_text(encoding="utf-8") + f"deployment:\n  scheduling:\n    {scheduling}\n",
                    encoding="utf-8")
    finding = only(validate(pack), "CP012")
    assert at(finding) == (TTP, *locate(pack, TTP, needle))
    assert finding.message == text


@pytest.mark.parametrize(("written", "said"), [
    ("3", "expected string, got integer 3: write it in quotes, '3', for the text"),
    ("true", "expected string, got boolean true: write it in quotes, 'true', for the text"),
    ("[a]", 'expected string, got array ["a"]'),  # not a scalar: quoting is not the fix
])
def test_cp012_a_number_where_text_is_wanted_says_to_quote_it(pack: Path, validate: Validate, written: str,
                                                               said: str) -> None:
    """``definition: 3`` (a threshold macro) is an integer to YAML; the message says the quotes make it text."""
    edit(pack, CTIME, "definition: 'convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime($field$)'", f"definition: {written}")
    finding = only(validate(pack), "CP012")
    assert finding.message == f"definition: {said}"


def test_cp012_an_attack_id_is_named_in_words(pack: Path, validate: Validate) -> None:
    """``t1528`` was answered with the schema's regular expression, ``^T[0-9]{4}(\\.[0-9]{3})?$``."""
    edit(pack, TTP, "  - T1528\n", "  - t1528\n")
    finding = only(validate(pack), "CP012")
    assert at(finding) == (TTP, *locate(pack, TTP, "t1528"))
    assert finding.message == ('tags.mitre_attack_id[0]: "t1528" is not an ATT&CK technique id: T and four digits, '
                               "a sub-technique's with a dot and three more (T1528, T1566.002)")


def test_cp012_a_date_is_named_in_words(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "date: '2025-04-30'", "date: '2025-4-30'")
    assert only(validate(pack), "CP012").message == (
        'date: "2025-4-30" is not a date written YYYY-MM-DD, from year 0001 (quoted or not)')


def test_cp012_a_value_close_to_an_allowed_one_gets_a_did_you_mean(pack: Path, validate: Validate) -> None:
    """As a misspelt key does (CP010): the list of allowed values is still given, the one meant named last."""
    edit(pack, TTP, "type: TTP\n", "type: TTPP\n")
    finding = only(validate(pack), "CP012")
    assert at(finding) == (TTP, *locate(pack, TTP, "TTPP"))
    assert finding.message == 'type: "TTPP" is not one of: TTP, Anomaly, Hunting, Correlation (did you mean \'TTP\'?)'


@pytest.mark.parametrize(("old", "new", "meant"), [
    ("type: user\n", "type: User\n", "user"),  # compared without case, suggested as the schema writes it
    ("asset_type: Azure Tenant", "asset_type: Azure Tenantt", "Azure Tenant"),  # one of 44
    # a newcomer's value cut short: difflib finds 'prod' too far from 'production' to name it
    ("status: production\n", "status: prod\n", "production"),
])
def test_cp012_did_you_mean_names_the_allowed_value(pack: Path, validate: Validate, old: str, new: str,
                                                    meant: str) -> None:
    edit(pack, TTP, old, new)
    assert only(validate(pack), "CP012").message.endswith(f" (did you mean '{meant}'?)")


@pytest.mark.parametrize(("new", "meant"), [("Azure Tenantt", " (did you mean 'Azure Tenant'?)"), ("Mainframe", "")])
def test_cp012_a_long_enum_lists_a_few_values_and_names_the_schema(pack: Path, validate: Validate, new: str,
                                                                  meant: str) -> None:
    """asset_type allows 44 values: listing them all made one message about 800 characters long. The first
    few are listed, the rest counted, the exported schema that lists them all named; a did-you-mean stays."""
    edit(pack, TTP, "asset_type: Azure Tenant", f"asset_type: {new}")
    message = only(validate(pack), "CP012").message
    first = ", ".join(schemas.schema("detection")["$defs"]["tags"]["properties"]["asset_type"]["enum"][:5])
    assert message == (f'tags.asset_type: "{new}" is not one of: {first} (+39 more '
                       f"in schemas/detection.schema.json){meant}")
    assert len(message) < 250 and (REPO / "schemas/detection.schema.json").is_file()


@pytest.mark.parametrize(("new", "ending"), [
    ("application", "service, signature, system, tls_hash, url"),  # none close: all 26 listed
    ("filename", "(+21 more in schemas/detection.schema.json) (did you mean 'file_name'?)"),  # the one meant named
])
def test_cp012_an_enum_that_fits_a_line_is_listed_whole_when_nothing_is_close(pack: Path, validate: Validate,
                                                                            new: str, ending: str) -> None:
    """A new user's threat object type ``application`` (there is none) was answered with 5 of the 26 types and
    "+21 more in schemas/...", nothing close to suggest: the 26 are listed, the message still one line, as
    asset_type's 44 are not (``test_cp012_a_long_enum_lists_a_few_values_and_names_the_schema``)."""
    edit(pack, TTP, "  threat_objects: []\n", f"  threat_objects:\n  - field: user\n    type: {new}\n")
    finding = only(validate(pack), "CP012")
    line, col = locate(pack, TTP, f"type: {new}")
    assert at(finding) == (TTP, line, col + len("type: "))
    allowed = schemas.schema("detection")["$defs"]["rba"]["properties"]["threat_objects"]["items"]["properties"]
    assert finding.message.startswith(f'rba.threat_objects[0].type: "{new}" is not one of: certificate_common_name, ')
    assert finding.message.endswith(ending) and len(allowed["type"]["enum"]) == 26 and len(finding.message) < 500


@pytest.mark.parametrize(("new", "listed"), [
    # a detection's 20 top-level keys: the first few listed, the rest counted, the schema named
    ("colour: red\nrba:\n", "author, data_source, date, deployment, description (+15 more "
                             "in schemas/detection.schema.json)"),
    ("rba:\n  colour: red\n", "message, risk_objects, threat_objects"),  # rba's 3: all listed
])
def test_cp010_lists_the_allowed_keys_as_cp012_lists_an_enum(pack: Path, validate: Validate, new: str,
                                                           listed: str) -> None:
    """Listing all 20 top-level keys made an unknown key's message about 330 characters long: the keys are
    cut as an enum's values are (one helper for both)."""
    edit(pack, TTP, "rba:\n", new)
    finding = only(validate(pack), "CP010")
    assert at(finding) == (TTP, *locate(pack, TTP, "colour: red"))
    assert finding.message.endswith(f"(allowed keys: {listed})") and len(finding.message) < 150


@pytest.mark.parametrize("new", ["security_domain: cloud", f"security_domain: {'identity' * 2_000}"])
def test_cp012_no_did_you_mean_when_no_allowed_value_is_close(pack: Path, validate: Validate, new: str) -> None:
    """``cloud`` is close to none of endpoint, network, ...; a 16,000-character value is not compared (it is no
    typo of a short name), and the message stays as short as CP012's quoting of a value keeps it."""
    edit(pack, TTP, "security_domain: identity", new)
    message = only(validate(pack), "CP012").message
    assert "did you mean" not in message and message.endswith("audit") and len(message) < 200


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("version: 4", "version: .inf", "version: expected integer, got number Infinity"),
    ("version: 4", "version: -.inf", "version: expected integer, got number -Infinity"),
    ("security_domain: identity", "security_domain: .nan", "tags.security_domain: NaN is not one of: "),
])
def test_cp012_names_a_yaml_infinity_or_nan_as_written_not_as_null(pack: Path, validate: Validate, old: str,
                                                                   new: str, expected: str) -> None:
    """The validator hands ``.inf`` and ``.nan`` (YAML floats JSON cannot hold) back as null: the message said
    "expected integer, got null null" of a value the author can see is not null."""
    edit(pack, TTP, old, new)
    assert only(validate(pack), "CP012").message.startswith(expected)


def test_cp013_status_removed(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "status: production", "status: removed")
    finding = only(validate(pack), "CP013")
    assert at(finding) == (TTP, *locate(pack, TTP, "removed"))


def test_contentpack_yml_is_checked_and_pack_is_none_when_invalid(pack: Path, validate: Validate) -> None:
    edit(pack, "contentpack.yml", "author_email: fixture@example.com", "author_email: not-an-email")
    result = validate(pack)
    finding = only(result, "CP012")
    assert at(finding) == ("contentpack.yml", *locate(pack, "contentpack.yml", "not-an-email"))
    assert result.pack is None and not result.ok


MUTATIONS = [
    ("score: 36", "score: 0"),
    ("security_domain: identity", "security_domain: cloud"),
    ("asset_type: Azure Tenant", "asset_type: Azure AD"),
    ("- https://attack.mitre.org/techniques/T1528/\n", "- not a url\n"),
    ("version: 4", "version: '4'"),
    ("version: 4", "version: -1"),
    ("  - Splunk Cloud\n", "  - Splunk Cloud\n  - Splunk Cloud\n"),
    ("    type: user\n", "    type: user\n    extra: 1\n"),
    ("earliest_offset: $info_min_time$", "earliest_offset: 5"),
    ("how_to_implement: Install", "how_to_implement: ab\nx_how: Install"),
]


@pytest.mark.parametrize(("old", "new"), MUTATIONS)
def test_fast_and_reference_validators_agree(tmp_path: Path, old: str, new: str) -> None:
    """jsonschema-rs (run time) and Python jsonschema (the reference implementation) agree on every case."""
    text = (VALID / TTP).read_text(encoding="utf-8")
    assert old in text
    file = tmp_path / "d.yml"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    document, problems = load_yaml(file, "d.yml")
    assert document is not None and problems == []
    assert schemas.validator("detection").is_valid(document.data) is False
    assert reference("detection").is_valid(document.data) is False
    assert schemas.validate("detection", document.data, document.source)
