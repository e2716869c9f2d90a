"""The file layer (CP001–CP009): every way a file can be unreadable gives a positioned error, not a crash."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.content.diagnostics import Position
from contentpack.content.loader import MAX_FILE_BYTES, parse_yaml, read_bytes

from .helpers import HUNTING, STORY, TTP, Validate, at, edit, locate, only


def test_cp001_file_over_the_size_limit_is_not_read(pack: Path, validate: Validate) -> None:
    big = pack / "macros/huge.yml"
    with big.open("wb") as handle:  # sparse: the size is checked before any byte is read
        handle.truncate(MAX_FILE_BYTES + 1)
    finding = only(validate(pack), "CP001")
    assert at(finding) == ("macros/huge.yml", 1, 1)


def test_cp002_binary_file(pack: Path, validate: Validate) -> None:
    (pack / "macros/blob.yml").write_bytes(b"name: x\n\x89PNG\x00\x01")
    finding = only(validate(pack), "CP002")
    assert at(finding) == ("macros/blob.yml", 2, 5)
    assert "binary" in finding.message


def test_cp002_not_utf8(pack: Path, validate: Validate) -> None:
    line, col = locate(pack, STORY, "Attackers")
    (pack / STORY).write_bytes((pack / STORY).read_bytes().replace(b"Attackers", b"Attack\xe9rs"))
    finding = only(validate(pack), "CP002")
    assert at(finding) == (STORY, line, col + len("Attack"))


def test_cp003_tab_indentation(pack: Path, validate: Validate) -> None:
    edit(pack, STORY, "  category:\n", "\tcategory:\n")
    finding = only(validate(pack), "CP003")
    assert at(finding) == (STORY, *locate(pack, STORY, "\tcategory"))


@pytest.mark.parametrize(("char", "name"), [("\u2028", "LINE SEPARATOR (U+2028)"),
                                           ("\u2029", "PARAGRAPH SEPARATOR (U+2029)"), ("\x85", "NEL (U+0085)")])
def test_cp009_a_yaml_1_1_line_break_is_reported_where_an_editor_shows_it(char: str, name: str) -> None:
    """libyaml counts NEL, U+2028 and U+2029 as line breaks: in a comment, the rest of the line became YAML
    (``# note\u2028 and more`` was a syntax error one line below the editor's), and in any text every later
    position was a line off. Each one is an error at its editor line and column, all of them in one run."""
    text = f"name: x\n# a note{char}status: experimental\ndescription: 'one{char}two'\n"
    document, problems = parse_yaml(text, "m.yml")
    assert document is None
    assert [(d.rule, d.position.line, d.position.col) for d in problems] == [("CP009", 2, 9), ("CP009", 3, 18)]
    assert problems[0].message.startswith(f"{name} is a line break to YAML 1.1 readers")


def test_cp009_the_same_characters_escaped_are_text() -> None:
    document, problems = parse_yaml('name: x\ndescription: "a\\Lb\\u2029c\\Nd"\n', "m.yml")
    assert problems == [] and document is not None and isinstance(document.data, dict)
    assert document.data["description"] == "a\u2028b\u2029c\x85d"


def test_cp004_yaml_syntax_error(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "version: 1\n", "version: [1\n")
    finding = only(validate(pack), "CP004")
    assert finding.position.path == HUNTING and finding.position.line >= 3


@pytest.mark.parametrize(("text", "where", "message"), [
    ("a: éé€\nc: \x1b[31mred\n", (2, 4), "character U+001B cannot be written raw in YAML: write it as \\x1b in a "
                                      "double-quoted string, or remove it"),
    ('a: "x\x07"\n', (1, 6), "character U+0007 cannot be written raw in YAML: write it as \\x07"),
    ("a: b\n# \ufffe\n", (2, 3), "character U+FFFE cannot be written raw in YAML: write it as \\ufffe"),
])
def test_cp004_a_raw_control_character_is_reported_where_an_editor_shows_it(
        text: str, where: tuple[int, int], message: str) -> None:
    # libyaml refuses it while reading; its message put it at 1:1, with a byte offset and a line break of its own.
    document, problems = parse_yaml(text, "x.yml")
    assert document is None and len(problems) == 1
    assert problems[0].position == Position("x.yml", *where) and problems[0].rule == "CP004"
    assert problems[0].message.startswith(message) and "\n" not in problems[0].message


@pytest.mark.parametrize(("text", "where", "hint"), [
    # a key indented one space too deep: libyaml reads it as more of the value above
    ("deployment:\n  scheduling:\n    earliest_time: -70m@m\n     latest_time: -10m@m\n", (4, 17),
     "this line is indented deeper than the key on line 3, so YAML reads it as more of that key's value; start it "
     "in column 5, as that key"),
    ("tests:\n- attack_data:\n  - data: a.log\n     source: Azure AD\n", (4, 12),
     "this line is indented deeper than the key on line 3, so YAML reads it as more of that key's value; start it "
     "in column 5, as that key"),
    # a key after a list of plain values, one space deeper than the list's key: libyaml reads it as more of the
    # last item ("Entra ID OAuth Consent Abuse asset_type"), and the hint said to quote a value
    ("tags:\n  analytic_story:\n  - Entra ID OAuth Consent Abuse\n   asset_type: Azure Tenant\n", (4, 14),
     "this line is indented deeper than the '-' on line 3, so YAML reads it as more of that list item's value; start "
     "it in column 3, as the key on line 2"),
    ("tags:\n  mitre_attack_id:\n    - T1528\n     product: x\n", (4, 13),
     "this line is indented deeper than the '-' on line 3, so YAML reads it as more of that list item's value; start "
     "it in column 3, as the key on line 2"),
    ("description: Note: guests may consent\n", (1, 18),
     "a value written without quotes cannot hold ': '; put the value in quotes"),
    ("description: guests\n  may consent: sometimes\n", (2, 14),
     "a value written without quotes cannot hold ': '; put the value in quotes"),
    # a search in '...' that quotes a field name with ' itself
    ("search: 'x\n  | eval a=mvindex('b{}.v', 0)'\nnext: 1\n", (2, 21),
     "the ' just before this ends the quoted value; inside '...' write a single quote twice ('')"),
    ('search: "a "b" c"\n', (1, 13), 'the " just before this ends the quoted value; inside "..." write a double '
                                     'quote as \\"'),
    ("a:\n  b: 1\n c: 2\n", (3, 2),
     "no key above starts in this line's column; indent it as the keys of the mapping it belongs to"),
    # a guest's UPN named in a description: ' #' starts a comment, and the next line is left in no mapping
    ("name: x\ndescription: a guest's name carries #EXT#, the form\n  of every guest\nid: 1\n", (3, 3),
     "the ' #' on line 2 starts a comment, which ends the unquoted value there; put the value in quotes, or write "
     "# without a space before it"),
])
def test_cp004_says_what_the_author_most_likely_did(text: str, where: tuple[int, int], hint: str) -> None:
    """libyaml words a misplaced key or quote in its grammar's terms ("mapping values are not allowed in this
    context", "did not find expected key"): a newcomer writing a detection did not know which of their lines was
    wrong, or why. Its words are kept, and what to change follows them."""
    document, problems = parse_yaml(text, "x.yml")
    assert document is None and [(p.rule, p.position.line, p.position.col) for p in problems] == [("CP004", *where)]
    assert problems[0].message.endswith(": " + hint)


def test_cp004_other_syntax_errors_keep_libyaml_words_alone() -> None:
    _, problems = parse_yaml("version: [1\n", "x.yml")
    assert [p.message for p in problems] == [
        "YAML syntax error: while parsing a flow sequence did not find expected ',' or ']'"]


def test_cp005_duplicate_key(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "status: production\n", "status: production\nversion: 5\n")
    finding = only(validate(pack), "CP005")
    assert at(finding) == (TTP, *locate(pack, TTP, "version: 5"))
    line, col = locate(pack, TTP, "version:")  # the first version key: path:line:col, as CP069 names a first place
    assert finding.message == f"duplicate key 'version' (first defined at {TTP}:{line}:{col})"


def test_cp006_several_documents(pack: Path, validate: Validate) -> None:
    (pack / "macros/two.yml").write_text("name: a\n---\nname: b\n", encoding="utf-8")
    assert at(only(validate(pack), "CP006")) == ("macros/two.yml", 3, 1)


def test_cp006_empty_file(pack: Path, validate: Validate) -> None:
    (pack / "macros/empty.yml").write_text("# nothing\n", encoding="utf-8")
    assert at(only(validate(pack), "CP006")) == ("macros/empty.yml", 1, 1)


def test_cp007_alias_expansion_bomb() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 8):
        prev, cur = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    document, problems = parse_yaml("\n".join(lines) + "\n", "bomb.yml")
    assert document is None
    assert [p.rule for p in problems] == ["CP007"]
    # reported at the list whose aliases push the count past 100,000: `e: &e [*d, ...]` (10^5 nodes), line 5
    assert (problems[0].position.path, problems[0].position.line, problems[0].position.col) == ("bomb.yml", 5, 4)


def test_cp007_recursive_anchor() -> None:
    document, problems = parse_yaml("a: &a [1, *a]\n", "loop.yml")
    assert document is None and [p.rule for p in problems] == ["CP007"]
    # at the first node whose path jumps back in the file: the alias resolves to the anchored list again
    assert [(p.position.line, p.position.col) for p in problems] == [(1, 8)]
    _, problems = parse_yaml("a: &a {b: *a}\n", "loop.yml")
    assert [(p.rule, p.position.line, p.position.col) for p in problems] == [("CP007", 1, 4)]


def test_cp007_text_expansion_is_reported_at_the_collection_holding_the_aliases() -> None:
    text = "x: &x " + "a" * (MAX_FILE_BYTES // 2) + "\ny:\n  z: [1, {q: [*x, *x, *x, *x]}]\n"
    document, problems = parse_yaml(text, "bytes.yml")
    assert document is None
    assert [(p.rule, p.position.line, p.position.col) for p in problems] == [("CP007", 3, 14)]  # the [*x, ...]
    assert "bytes of text" in problems[0].message


def test_cp005_duplicate_key_in_a_nested_mapping() -> None:
    document, problems = parse_yaml("top: 1\nlist:\n- b: 2\n  a: 1\n  a: 3\n", "dup.yml")
    assert document is None
    assert [(p.rule, p.position.line, p.position.col) for p in problems] == [("CP005", 5, 3)]
    assert problems[0].message == "duplicate key 'a' (first defined at dup.yml:4:3)"


def test_cp008_python_tags_are_refused() -> None:
    document, problems = parse_yaml("name: !!python/object/apply:os.system [id]\n", "evil.yml")
    assert document is None
    assert [(p.rule, p.position.line, p.position.col) for p in problems] == [("CP008", 1, 7)]


@pytest.mark.parametrize(("value", "message"), [
    ("!!bool x", "invalid bool value for key 'definition': 'x' is not a YAML bool"),
    ("!!bool ''", "invalid bool value for key 'definition': '' is not a YAML bool"),
    ("!!int ''", "invalid int value for key 'definition': '' is not a YAML int"),
    ("!!int +_", "invalid int value for key 'definition': '+_' is not a YAML int"),
    ("!!float ''", "invalid float value for key 'definition': '' is not a YAML float"),
    ("!!timestamp x", "invalid timestamp value for key 'definition': 'x' is not a YAML timestamp"),
    ("!!timestamp 2025-02-30", "invalid timestamp value for key 'definition': day is out of range for month"),
])
def test_cp004_explicitly_tagged_text_that_is_not_of_the_tag(value: str, message: str) -> None:
    """Once "internal error: KeyError / IndexError / AttributeError": PyYAML's constructors assume the text
    already has the tag's form, which an explicit tag does not check."""
    document, problems = parse_yaml(f"name: x\ndefinition: {value}\n", "tagged.yml")
    assert document is None
    assert [(p.rule, p.position.line, p.position.col, p.message) for p in problems] == [("CP004", 2, 13, message)]


def test_cp004_an_unquoted_date_that_is_no_date_names_its_key() -> None:
    """``date: 2026-13-01`` unquoted is a YAML timestamp by its form, and PyYAML's reason, "month must be in
    1..12", was the whole message: it did not say which value of the file it was. The key holding it is named; a
    list's item has none, its position alone says where."""
    assert refused("name: x\ndate: 2026-13-01\n", "d.yml") == [
        ("CP004", 2, 7, "invalid timestamp value for key 'date': month must be in 1..12")]
    assert refused("name: x\ntests:\n- when:\n    date: 2026-02-30\n", "d.yml") == [
        ("CP004", 4, 11, "invalid timestamp value for key 'date': day is out of range for month")]
    assert refused("name: x\ndays: [2026-01-01, 2026-13-01]\n", "d.yml") == [
        ("CP004", 2, 20, "invalid timestamp value: month must be in 1..12")]


def test_unquoted_and_quoted_dates_and_yaml11_booleans() -> None:
    document, problems = parse_yaml("a: 2025-05-02\nb: '2025-05-02'\nc: on\non: 1\n", "d.yml")
    assert problems == [] and document is not None
    assert document.data == {"a": "2025-05-02", "b": "2025-05-02", "c": True, "on": 1}


def test_positions_of_keys_and_values() -> None:
    document, _ = parse_yaml("top:\n  list:\n  - x: 1\n    y: two\n", "p.yml")
    assert document is not None
    source = document.source
    assert (source.at("top", "list", 0, "y").line, source.at("top", "list", 0, "y").col) == (4, 8)
    assert (source.key("top", "list", 0, "y").line, source.key("top", "list", 0, "y").col) == (4, 5)
    assert source.at("top", "missing").line == 2  # nearest known ancestor


def test_symbolic_links_are_refused(pack: Path, validate: Validate) -> None:
    (pack / "macros/linked.yml").symlink_to(pack / "macros/azure_monitor_aad.yml")
    finding = only(validate(pack), "CP015")
    assert at(finding) == ("macros/linked.yml", 0, 0) and "symbolic links" in finding.message


def test_a_lookup_csv_that_is_a_symbolic_link_is_refused_and_never_read(pack: Path, validate: Validate,
                                                                       tmp_path: Path) -> None:
    """CP015 said "not allowed", yet the lookup's header was read through the link: a link to /etc/passwd
    printed its first line as the table's columns in CP065's messages. Only CP015 is reported now."""
    secret = tmp_path / "outside.csv"
    secret.write_text("appDisplayName,known,SECRET_COLUMN\n", encoding="utf-8")
    csv = pack / "lookups/entra_id_known_apps.csv"
    csv.unlink()
    csv.symlink_to(secret)
    result = validate(pack)
    assert [(d.rule, at(d)) for d in result.diagnostics] == [("CP015", ("lookups/entra_id_known_apps.csv", 0, 0))]
    assert not result.ok and "SECRET_COLUMN" not in repr(result)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"# \n\t\\$%@`,?0123456789.")), max_size=200))
def test_any_text_gives_data_or_diagnostics_never_an_exception(text: str) -> None:
    document, problems = parse_yaml(text, "fuzz.yml")
    assert (document is None) == bool(problems)
    assert all(p.position.path == "fuzz.yml" and p.rule.startswith("CP00") for p in problems)


def test_position_tables_pickle() -> None:
    """Models (and their source maps) can be pickled, e.g. by a caller that caches or ships them."""
    document, _ = parse_yaml("top:\n- k: 1\n  j: [1, 2]\n", "pk.yml")
    assert document is not None
    copy = pickle.loads(pickle.dumps(document.source))
    assert copy.at("top", 0, "j", 1) == Position("pk.yml", 3, 10)
    assert list(copy.value_positions) == list(document.source.value_positions)


def test_a_byte_order_mark_is_not_part_of_the_file(pack: Path, validate: Validate) -> None:
    """Editors on Windows may save a UTF-8 BOM: a YAML file and a lookup's CSV still load (the CSV's first
    column is not named "\ufeffappDisplayName", which a search's lookup would not find), and positions are the
    editor's (the BOM is not a column)."""
    clean = validate(pack).diagnostics
    for name in (STORY, "lookups/entra_id_known_apps.csv"):
        (pack / name).write_bytes(b"\xef\xbb\xbf" + (pack / name).read_bytes())
    assert validate(pack).diagnostics == clean
    edit(pack, STORY, "  category:\n", "\tcategory:\n")
    assert at(only(validate(pack), "CP003")) == (STORY, *locate(pack, STORY, "\tcategory"))


def refused(text: str, name: str) -> list[tuple[str, int, int, str]]:
    """(rule, line, column, message) of each problem that keeps ``text`` from loading (it must not load)."""
    document, problems = parse_yaml(text, name)
    assert document is None
    return [(p.rule, p.position.line, p.position.col, p.message) for p in problems]


def test_cp008_a_tag_on_a_sequence_and_a_key_that_is_not_text() -> None:
    assert refused("name: x\nreferences: !links [a, b]\n", "tag.yml") == [
        ("CP008", 2, 13, "unsupported YAML tag '!links'")]
    assert refused("name: x\n? [a, b]\n: 1\n", "key.yml") == [("CP008", 2, 3, "mapping keys must be plain text")]


def test_cp007_expansion_counts_numbers_too() -> None:
    """An anchored number written with many digits costs its text at every alias, like an anchored string."""
    number = "1." + "0" * (MAX_FILE_BYTES // 2)
    document, problems = parse_yaml(f"x: &x {number}\ny: [*x, *x, *x]\n", "numbers.yml")
    assert document is None
    assert [(p.rule, p.position.line, p.position.col) for p in problems] == [("CP007", 2, 4)]
    assert "bytes of text" in problems[0].message


def test_cp004_an_integer_with_too_many_digits() -> None:
    """Python refuses to convert more than 4,300 decimal digits: its message told the YAML author to call
    ``sys.set_int_max_str_digits()``; the author is told what is wrong with the value instead."""
    assert refused(f"name: x\ncount: {'9' * 5000}\n", "big.yml") == [
        ("CP004", 2, 8, "invalid int value for key 'count': more than 4,300 digits")]


def test_cp008_a_tag_on_a_mapping_and_merge_keys() -> None:
    """``!!set`` and other tags on a mapping, and YAML 1.1 merge keys, are refused where they are written."""
    assert refused("name: x\ntags: !!set {a, b}\n", "set.yml") == [
        ("CP008", 2, 7, "unsupported YAML tag 'tag:yaml.org,2002:set'")]
    assert refused("base: &b {a: 1}\nname:\n  <<: *b\n", "merge.yml") == [
        ("CP008", 3, 3, "merge keys (<<) are not supported")]


def test_a_content_file_that_went_missing_is_said_in_the_commands_one_wording(tmp_path: Path) -> None:
    """A file gone between listing and reading: ``no such file or folder`` (``spl.files.NO_SUCH_PATH``), not the
    system's ``No such file or directory``; any other failure keeps the system's words."""
    raw, problems = read_bytes(tmp_path / "gone.yml", "detections/gone.yml")
    assert raw is None and [p.render() for p in problems] == [
        "detections/gone.yml: error[CP002]: cannot read file: no such file or folder"]
    (tmp_path / "plain").write_text("x")
    raw, problems = read_bytes(tmp_path / "plain" / "x.yml", "plain/x.yml")
    assert [p.render() for p in problems] == ["plain/x.yml: error[CP002]: cannot read file: Not a directory"]
