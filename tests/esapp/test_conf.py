"""The .conf writer/reader: escaping cannot add a stanza or a key, and the reader follows Splunk's syntax.

Splunk sources: Splunk Enterprise Admin Manual, "Configuration file structure"
(https://help.splunk.com/data-management/splunk-enterprise-admin-manual/9.4/administer-splunk-enterprise-with-configuration-files/configuration-file-structure):
stanzas are ``[name]`` headers, settings are ``attribute = value`` lines, comments are ``#`` lines, settings
are case-sensitive. Backslash line continuation is how Splunk writes multi-line searches and how ESCU ships
them (shared/reference/escu_format.md §3.10); the docs corpus did not yield a Splunk page stating the rule,
so those tests carry the ``assumed`` marker.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.esapp.conf import (
    ConfError,
    ConfFile,
    Rendered,
    Stanza,
    _lines,
    check_round_trip,
    encode_value,
    read_conf,
    render,
)
from contentpack.content.conf_text import TRAILING_BACKSLASH


def one(value: str, key: str = "description") -> tuple[str, tuple[Stanza, ...]]:
    rendered = render(ConfFile((Stanza("target", ((key, value), ("after", "1"))),)), "t.conf")
    check_round_trip(rendered, "t.conf")
    return rendered.text, read_conf(rendered.text).stanzas


HOSTILE = [
    "benign\n[evil]\nsearch = | outputlookup x",
    "line one\naction.script = 1",
    "text\n  [indented evil]",
    "text\n# not a comment\n; nor this",
    "x\n=starts with equals",
    "ends with backslash-space \\ \nnext",
    "a\\\nb",
]


@pytest.mark.assumed
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_adds_no_stanza_and_no_key(value: str) -> None:
    text, stanzas = one(value)
    assert [s.name for s in stanzas] == ["target"]
    assert [k for k, _ in stanzas[0].entries] == ["description", "after"]
    assert stanzas[0].entries[1] == ("after", "1")
    # every original line survives, in order, inside the one value
    got = stanzas[0].entries[0][1]
    for line in value.split("\n"):
        assert line.strip() in got


@pytest.mark.assumed
def test_multiline_value_is_written_with_continuations_and_reads_back_with_line_breaks() -> None:
    text, stanzas = one("| tstats count\n| where count > 5")
    assert "description = | tstats count \\\n| where count > 5\n" in text
    assert stanzas[0].entries[0] == ("description", "| tstats count \n| where count > 5")


def test_continuation_that_looks_like_a_stanza_is_indented() -> None:
    text, _ = one("a\n[evil]")
    assert "\n[evil]" not in text and "\n [evil]" in text


@pytest.mark.parametrize("value", ["C:\\temp\\", "first line\nC:\\temp\\", "first line\nC:\\temp\\  \n"])
def test_trailing_backslash_is_rejected_with_where(value: str) -> None:
    """A line ending in a backslash continues onto the next (the .conf format), so a value ending in one -- on its
    first line or its last, after stripping -- would swallow the next setting."""
    with pytest.raises(ConfError, match=r"t.conf \[target\] description: .*end with a backslash"):
        one(value)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028"])
def test_control_characters_are_rejected_with_position(char: str) -> None:
    with pytest.raises(ConfError, match=r"value line 2 column 4: control character U\+"):
        one(f"ok\nabc{char}def")


def test_carriage_returns_are_normalised_to_line_breaks() -> None:
    _, stanzas = one("a\r\nb\rc")
    assert stanzas[0].entries[0][1] == "a \nb \nc"


def test_non_ascii_text_round_trips() -> None:
    _, stanzas = one("Zustimmung verweigert — 同意 🙅")
    assert stanzas[0].entries[0][1] == "Zustimmung verweigert — 同意 🙅"


@pytest.mark.parametrize("name", ["a]b", "a[b", "a\nb", " lead", "x\x00"])
def test_unsafe_stanza_names_are_rejected(name: str) -> None:
    with pytest.raises(ConfError, match="stanza name"):
        render(ConfFile((Stanza(name, (("k", "v"),)),)))


@pytest.mark.parametrize("key", ["a b", "a=b", "#x", "[x", "", "k\n"])
def test_unsafe_keys_are_rejected(key: str) -> None:
    with pytest.raises(ConfError, match="not a valid .conf key"):
        render(ConfFile((Stanza("s", ((key, "v"),)),)))


def test_duplicates_are_rejected_by_writer_and_reader() -> None:
    with pytest.raises(ConfError, match="duplicate key"):
        render(ConfFile((Stanza("s", (("k", "1"), ("k", "2"))),)))
    with pytest.raises(ConfError, match="duplicate stanza"):
        read_conf("[s]\nk = 1\n[s]\nk = 2\n")
    with pytest.raises(ConfError, match=r"conf:3: duplicate key"):
        read_conf("[s]\nk = 1\nk = 2\n")


def test_reader_follows_splunk_syntax() -> None:
    """Comments only at line start; ``#`` and ``;`` later in a line belong to the value; keys keep their case;
    settings before any stanza belong to [default] (Admin Manual, "Configuration file structure")."""
    parsed = read_conf("top = 1\n# comment\n  # indented comment\n[s]\nKey = a # b ; c\nx=y=z\n")
    assert parsed.stanzas == (Stanza("default", (("top", "1"),)),
                              Stanza("s", (("Key", "a # b ; c"), ("x", "y=z"))))


def test_reader_rejects_junk_with_line_numbers() -> None:
    with pytest.raises(ConfError, match=r"f.conf:2: line is neither"):
        read_conf("[s]\njust words\n", "f.conf")
    with pytest.raises(ConfError, match=r"f.conf:1: malformed stanza header"):
        read_conf("[s] trailing\n", "f.conf")


def test_addonfactory_parser_misreads_what_splunk_reads() -> None:
    """Why conf.py has its own reader: the installed addonfactory-splunk-conf-parser-lib cuts values at
    `` ;`` and keeps the continuation backslash inside the value."""
    from addonfactory_splunk_conf_parser_lib import TABConfigParser

    parser = TABConfigParser()
    parser.read_file(io.StringIO("[s]\nsearch = a ; b\nmulti = one \\\ntwo\n"))
    assert parser.get("s", "search") == "a"  # Splunk keeps "a ; b"
    assert parser.get("s", "multi") == "one \\\ntwo"  # Splunk drops the backslash
    ours = read_conf("[s]\nsearch = a ; b\nmulti = one \\\ntwo\n").stanzas[0].entries
    assert ours == (("search", "a ; b"), ("multi", "one \ntwo"))


def test_encode_value_returns_what_splunk_will_hold() -> None:
    written, stored = encode_value("  a\n\nb  ")
    assert written == "a \\\n \\\nb"
    assert stored == "a \n \nb"


def test_ten_thousand_line_search_round_trips() -> None:
    search = "\n".join(f"| eval f{i} = {i}" for i in range(10_000))
    _, stanzas = one(search, "search")
    assert stanzas[0].entries[0][1].count("\n") == 9_999
    assert stanzas[0].entries[1] == ("after", "1")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=80))
def test_any_text_either_round_trips_or_is_refused(value: str) -> None:
    """Property: no input text can yield an extra stanza or key; refusals are ConfError, never a crash."""
    try:
        _, stanzas = one(value)
    except ConfError:
        return
    assert [s.name for s in stanzas] == ["target"]
    assert [k for k, _ in stanzas[0].entries] == ["description", "after"]


def test_round_trip_names_the_value_that_reads_back_differently() -> None:
    rendered = Rendered("[s]\nk = b\n", (Stanza("s", (("k", "a"),)),))
    with pytest.raises(ConfError, match=r"^t.conf: does not read back as written: \[s\] k: expected 'a', read 'b'$"):
        check_round_trip(rendered, "t.conf")


def test_round_trip_names_keys_and_stanzas_that_read_back_differently() -> None:
    keys = Rendered("[s]\nk = 1\nj = 2\n", (Stanza("s", (("k", "1"),)),))
    with pytest.raises(ConfError, match=r"\[s\] keys differ: expected \['k'\], read \['k', 'j'\]$"):
        check_round_trip(keys, "t.conf")
    # a stanza too many hides the value differences of the others: the stanza lists are reported alone
    stanzas = Rendered("[s]\nk = 2\n[evil]\nx = 1\n", (Stanza("s", (("k", "1"),)),))
    with pytest.raises(ConfError, match=r"read back as written: stanzas differ: expected \['s'\]…, "
                                        r"read \['s', 'evil'\]…$"):
        check_round_trip(stanzas, "t.conf")
    missing = Rendered("[s]\nk = 1\n", (Stanza("s", (("k", "1"),)), Stanza("t", ())))
    with pytest.raises(ConfError, match=r"stanzas differ: expected \['s', 't'\]…, read \['s'\]…$"):
        check_round_trip(missing, "t.conf")


def test_round_trip_stops_at_a_file_the_reader_refuses() -> None:
    rendered = Rendered("[s]\nk = 1\n[s]\nk = 1\n", (Stanza("s", (("k", "1"),)), Stanza("s", (("k", "1"),))))
    with pytest.raises(ConfError, match=r"^t.conf:3: duplicate stanza \[s\]$"):
        check_round_trip(rendered, "t.conf")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab =#[]\\\n\t"), max_size=40).filter(lambda v: "\n" in v.strip()))
def test_an_unescaped_line_break_never_reads_back_as_meant(value: str) -> None:
    """Property: the check catches a writer that forgets to escape, whatever the value holds (a stanza header,
    a setting, a comment, continuation backslashes): written raw, a multi-line value never reads back as
    itself, so the build stops instead of shipping a file Splunk would read differently."""
    stored = value.strip()
    naive = Rendered(f"[target]\ndescription = {stored}\nafter = 1\n",
                     (Stanza("target", (("description", stored), ("after", "1"))),))
    with pytest.raises(ConfError):
        check_round_trip(naive, "t.conf")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab\n\\["), max_size=60), st.integers(min_value=0, max_value=8))
def test_lines_are_those_of_split_whatever_the_piece_size(text: str, chunk: int) -> None:
    assert list(_lines(text, chunk)) == text.split("\n")


def test_a_file_of_many_pieces_reads_like_one() -> None:
    """Continuations that straddle the reader's pieces are joined as within one piece."""
    value = "\n".join(f"| eval f{i} = \"{'x' * (i % 97)}\"" for i in range(5_000))
    rendered = render(ConfFile((Stanza("s", (("search", value), ("after", "1"))),)), "t.conf")
    assert len(rendered.text) > 4 * (1 << 16)
    assert check_round_trip(rendered, "t.conf") == read_conf(rendered.text).stanzas == rendered.expected


def _read_plainly(text: str) -> tuple[Stanza, ...]:
    """The reader's rules spelled out one physical line at a time, nothing remembered between lines: the
    oracle for ``read_conf``, which reads in pieces and remembers short lines it has read."""
    if "\r" in text:
        raise ConfError("conf: contains a carriage return")
    stanzas: list[tuple[str, list[tuple[str, str]]]] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        raw, lineno = lines[i], i + 1
        i += 1
        line = raw.strip()
        if line == "" or line.startswith("#"):
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise ConfError(f"conf:{lineno}: malformed stanza header {raw!r}")
            if line[1:-1] in [name for name, _ in stanzas]:
                raise ConfError(f"conf:{lineno}: duplicate stanza [{line[1:-1]}]")
            stanzas.append((line[1:-1], []))
            continue
        if "=" not in line:
            raise ConfError(f"conf:{lineno}: line is neither a stanza, a comment nor key = value: {raw!r}")
        key, value = line.split("=", 1)
        value = value.lstrip()
        if raw.endswith("\\"):
            value = value[:-1]
            while True:
                if i == len(lines):
                    raise ConfError(f"conf:{lineno}: continuation backslash on the last line")
                nxt = lines[i]
                i += 1
                if not nxt.endswith("\\"):
                    value += "\n" + nxt
                    break
                value += "\n" + nxt[:-1]
        if not stanzas:
            stanzas.append(("default", []))
        if key.rstrip() in [k for k, _ in stanzas[-1][1]]:
            raise ConfError(f"conf:{lineno}: duplicate key {key.rstrip()!r}")
        stanzas[-1][1].append((key.rstrip(), value.rstrip()))
    return tuple(Stanza(name, tuple(entries)) for name, entries in stanzas)


_LINES = ["[a]", "[b]", "[c]", "k = 1", " k = 1", "k = 1 \\", "k = 1\\", "j=2", "j = [x]", "# k = 1", "", "  ",
          "x", "[d", "= 3", "k =", "\\", "[a] \\", "\tk\t=\t1\t"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_LINES), max_size=14), st.booleans())
def test_reader_reads_as_the_plain_rules_say(lines: list[str], final_newline: bool) -> None:
    """Property: reading in pieces and remembering recurring lines changes nothing, errors included."""
    text = "\n".join(lines) + ("\n" if final_newline else "")
    try:
        want: tuple[Stanza, ...] | str = _read_plainly(text)
    except ConfError as exc:
        want = str(exc)
    try:
        got: tuple[Stanza, ...] | str = read_conf(text).stanzas
    except ConfError as exc:
        got = str(exc)
    assert got == want


def test_a_recurring_line_is_still_a_duplicate_key_or_a_continuation() -> None:
    with pytest.raises(ConfError, match=r"^conf:5: duplicate key 'k'$"):
        read_conf("[a]\nk = 1\n[b]\nk = 1\nk = 1\n")
    parsed = read_conf("[a]\nk = 1\n[b]\nj = x \\\nk = 1\n")
    assert parsed.stanzas[1] == Stanza("b", (("j", "x \nk = 1"),))


_VALUE_PIECES = st.text(alphabet=st.sampled_from("ab [#=\\\n\r "), max_size=12).filter(
    lambda v: not v.strip().endswith("\\"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_VALUE_PIECES, min_size=1, max_size=5), min_size=1, max_size=4))
def test_expected_stanzas_are_every_value_as_stored(stanzas: list[list[str]]) -> None:
    """What the round-trip check compares the read-back with is every value as Splunk stores it, for any mix
    of plain, padded and multi-line values in any order."""
    conf = ConfFile(tuple(Stanza(f"s{i}", tuple((f"k{j}", v) for j, v in enumerate(values)))
                          for i, values in enumerate(stanzas)))
    rendered = render(conf, "t.conf")
    assert rendered.expected == tuple(
        Stanza(s.name, tuple((k, encode_value(v)[1]) for k, v in s.entries)) for s in conf.stanzas)
    assert read_conf(rendered.text).stanzas == rendered.expected


@pytest.mark.parametrize("refuse, file, line, message, text", [
    (lambda: read_conf("[s]\nk = 1\nk = 2\n", "f.conf"), "f.conf", 3, "duplicate key 'k'",
     "f.conf:3: duplicate key 'k'"),
    (lambda: render(ConfFile((Stanza("s", (("k", "a\\"),)),)), "f.conf"), "f.conf", None,
     f"[s] k: {TRAILING_BACKSLASH}", f"f.conf [s] k: {TRAILING_BACKSLASH}"),
    (lambda: render(ConfFile((), ("a\n",)), "f.conf"), "f.conf", None,
     "header comment lines may not contain line breaks", "f.conf: header comment lines may not contain line breaks"),
    (lambda: encode_value("a\\", "description"), None, None, f"description: {TRAILING_BACKSLASH}",
     f"description: {TRAILING_BACKSLASH}"),
])
def test_a_refusal_names_its_file_and_line_apart_from_what_is_wrong(
        refuse: Callable[[], object], file: str | None, line: int | None, message: str, text: str) -> None:
    """A caller positions the problem from the fields (the builder's BD004), never by reading the place back out
    of the sentence; the sentence, which other messages quote, is the place then the message."""
    with pytest.raises(ConfError) as caught:
        refuse()
    assert (caught.value.file, caught.value.line, caught.value.message, str(caught.value)) == (file, line, message,
                                                                                               text)
