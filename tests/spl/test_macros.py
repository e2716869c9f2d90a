"""Macro expansion (S24): https://help.splunk.com/en/data-management/splunk-enterprise-admin-manual/10.0/
10.0.0-configuration-file-reference/macros.conf and the Knowledge Manager Manual's search macro pages."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from contentpack.spl import MacroDef, SplMacroError, SplSyntaxError, parse
from contentpack.spl.macros import MAX_DEPTH, expand, expand_text, macro_table
from contentpack.spl.suggest import did_you_mean

MACROS = {
    "a": MacroDef("azure_monitor_aad", (), "sourcetype=azure:monitor:aad"),
    "c": MacroDef("ctime", ("field",), 'convert ctime($field$)'),
    "two": MacroDef("pair", ("x", "y"), "$x$=$y$"),
    "one": MacroDef("pair", ("x",), "$x$=one"),
    "nest": MacroDef("outer", (), "`azure_monitor_aad` `pair(a, b)`"),
    "bad": MacroDef("broken", (), "foo | frob x"),
}


def test_plain_macro_and_argument_substitution() -> None:
    assert expand("`azure_monitor_aad` x=1 | `ctime(firstTime)`", MACROS).text == (
        "sourcetype=azure:monitor:aad x=1 | convert ctime(firstTime)"
    )


def test_overloading_by_argument_count_and_named_arguments() -> None:
    """Stanza ``name(N)``; "overloading by arg count allowed"; named call ``iis_search(fragment=TM)``."""
    assert expand("`pair(k)`", MACROS).text == "k=one"
    assert expand("`pair(k, v)`", MACROS).text == "k=v"
    assert expand("`pair(y=v, x=k)`", MACROS).text == "k=v"


def test_nested_macros_expand() -> None:
    assert expand("`outer`", MACROS).text == "sourcetype=azure:monitor:aad a=b"


def test_no_expansion_inside_quoted_values() -> None:
    """"Macros inside of quoted values are not expanded" (search macro examples)."""
    assert expand('x="audit`azure_monitor_aad`local"', MACROS).text == 'x="audit`azure_monitor_aad`local"'


def test_triple_backtick_comments_are_replaced_by_a_space() -> None:
    """"The search processor replaces comments with a space when the search is run."
    (https://help.splunk.com/splunk-enterprise/search/search-manual/9.4/using-the-search-app/add-comments-to-searches)"""
    assert expand("a ```note``` b", MACROS).text == "a   b"
    assert expand("stats```x```count", MACROS).text == "stats count"


def test_unknown_macro_error_points_at_the_call() -> None:
    with pytest.raises(SplMacroError) as info:
        parse("x=1 | `nope(1)`", MACROS)
    assert info.value.offset == 6 and "nope(1)" in info.value.message


def test_wrong_argument_count_lists_defined_overloads() -> None:
    with pytest.raises(SplMacroError, match=r"pair\(1\), pair\(2\)"):
        parse("`pair(a, b, c)`", MACROS)


def test_recursion_is_limited() -> None:
    loop = {"l": MacroDef("loop", (), "x `loop`")}
    with pytest.raises(SplMacroError, match=f"deeper than {MAX_DEPTH}"):
        parse("`loop`", loop)


def test_errors_inside_a_macro_body_map_to_the_macro_call() -> None:
    with pytest.raises(Exception) as info:
        parse("a=1 | `broken`", MACROS)
    assert info.value.offset == 6  # type: ignore[attr-defined]


def test_errors_after_a_macro_keep_the_authors_columns() -> None:
    with pytest.raises(SplSyntaxError) as info:
        parse("`azure_monitor_aad` | stats count by", MACROS)
    assert info.value.column == len("`azure_monitor_aad` | stats count by") + 1


def test_unterminated_call() -> None:
    with pytest.raises(SplMacroError, match="missing closing backtick"):
        parse("a `azure_monitor_aad", MACROS)


def test_an_error_at_the_end_of_a_macro_body_points_at_the_call() -> None:
    """A search that ends inside a macro body reports the column of the backtick the author wrote."""
    table = {"tail": MacroDef("tail", (), "stats count by")}
    with pytest.raises(SplSyntaxError) as info:
        parse("a=1 | `tail`", table)
    assert info.value.column == len("a=1 | ") + 1
    with pytest.raises(SplSyntaxError) as first:
        parse("`lead`", {"lead": MacroDef("lead", (), "| stats count by")})
    assert first.value.column == 1


def test_one_table_expands_many_searches_as_fresh_tables_would() -> None:
    """A table remembers each call's expansion: what it remembers must not depend on where the call was first
    met (offsets of the author's text) nor on how deep it was nested then (the depth limit still holds)."""
    chain = {f"n{i}": MacroDef(f"n{i}", (), f"`n{i + 1}`" if i <= MAX_DEPTH else "x") for i in range(1, MAX_DEPTH + 2)}
    table = macro_table(chain)
    assert expand("`n2`", table).text == "x"  # n2 .. n21: the deepest call is at the limit, not past it
    with pytest.raises(SplMacroError, match=f"deeper than {MAX_DEPTH}") as deep:
        expand("a `n1`", table)  # the same calls one level deeper
    assert deep.value.offset == 2
    both = expand("`n2` | `n2` `azure_monitor_aad`", macro_table({**chain, **MACROS}))
    assert both.text == "x | x sourcetype=azure:monitor:aad"
    assert [both.original_offset(i) for i in range(8)] == [0, 4, 5, 6, 7, 11, 12, 12]
    assert both.origin == expand("`n2` | `n2` `azure_monitor_aad`", {**chain, **MACROS}).origin


@pytest.mark.parametrize("search", ["`pair(k, v)` ```c``` `outer`", 'x="`nope`" `azure_monitor_aad`', "`nope`",
                                    "a `pair(1, 2, 3)`", "b `azure_monitor_aad"])
def test_expand_text_is_expand_without_the_origins(search: str) -> None:
    try:
        expected: tuple[object, ...] = ("text", expand(search, MACROS).text)
    except SplMacroError as exc:
        expected = (exc.message, exc.offset)
    try:
        found: tuple[object, ...] = ("text", expand_text(search, MACROS))
    except SplMacroError as exc:
        found = (exc.message, exc.offset)
    assert found == expected


def test_a_lenient_expansion_leaves_calls_it_cannot_expand_as_written() -> None:
    """For a validator reading the rest of a search whose macros are not all known (another app's, a wrong
    call): each such call stays as written, every other call is expanded, and the origins still point at the
    author's text. The strict expansion refuses the same text."""
    text = "`azure_monitor_aad` | `cim_macro(x)` | `ctime(a, b)` | `outer` | `unclosed"
    with pytest.raises(SplMacroError):
        expand(text, MACROS)
    expanded = expand(text, MACROS, lenient=True)
    assert expanded.text == ("sourcetype=azure:monitor:aad | `cim_macro(x)` | `ctime(a, b)` "
                             "| sourcetype=azure:monitor:aad a=b | `unclosed")
    assert expand_text(text, MACROS, lenient=True) == expanded.text
    call = expanded.text.index("`cim_macro")
    assert expanded.original_offset(call) == text.index("`cim_macro")
    assert expanded.original_offset(expanded.text.index("a=b")) == text.index("`outer`")
    assert expand("`azure_monitor_aad`", MACROS).text == "sourcetype=azure:monitor:aad"  # strict memo unaffected


def test_a_strict_expansion_is_not_answered_from_a_lenient_one() -> None:
    """The table remembers expansions per call: a lenient one (holding a call left as written) must not stand in
    for the strict one, which refuses it."""
    table = macro_table({"wrap": MacroDef("wrap", (), "x `missing`")})
    assert expand_text("`wrap`", table, lenient=True) == "x `missing`"
    with pytest.raises(SplMacroError, match="unknown macro 'missing'"):
        expand_text("`wrap`", table)


def test_an_unknown_macro_names_the_closest_defined_one() -> None:
    """A typo of a macro (`` `entra_id_ctme(x)` ``) was only "unknown macro": the engine now suggests the close
    name, as validate does for commands and keys; a name close to none gets no suggestion, and a known name with
    another argument count keeps the list of what is defined."""
    table = macro_table({"entra_id_ctime(1)": MacroDef("entra_id_ctime", ("field",), "convert ctime($field$)")})
    with pytest.raises(SplMacroError) as raised:
        expand_text("x | `entra_id_ctme(lastTime)`", table)
    assert (raised.value.message, raised.value.offset) == (
        "unknown macro 'entra_id_ctme(1)' (did you mean 'entra_id_ctime'?)", 4)
    for text, message in (("`azure_monitor_aad`", "unknown macro 'azure_monitor_aad'"),
                          ("`entra_id_ctime`", "unknown macro 'entra_id_ctime' (defined: entra_id_ctime(1))")):
        with pytest.raises(SplMacroError) as raised:
            expand_text(text, table)
        assert raised.value.message == message


def test_a_lenient_expansion_does_not_look_for_a_close_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lenient expansion drops the error of an unknown macro, so it must not pay for the error's did-you-mean
    hint: comparing the name with every macro of ESCU's 2,000 took most of validating such a pack's lookups. The
    strict expansion still gives the hint (above)."""
    import contentpack.spl.macros as macros

    def no_comparison(name: str, known: object) -> str:
        raise AssertionError(f"a lenient expansion compared {name!r} with the macros")

    monkeypatch.setattr(macros, "did_you_mean", no_comparison)
    table = macro_table({"entra_id_ctime(1)": MacroDef("entra_id_ctime", ("field",), "convert ctime($field$)")})
    assert expand_text("x | `entra_id_ctme(a)`", table, lenient=True) == "x | `entra_id_ctme(a)`"
    with pytest.raises(AssertionError, match="compared 'entra_id_ctme'"):
        expand_text("x | `entra_id_ctme(a)`", table)


def test_an_unknown_macro_is_compared_with_the_macros_once_per_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """ESCU's searches call CIM's `drop_dm_object_name`, which its macros do not define, 954 times: each strict
    expansion compared the name with all 2,000 macros again, most of validating ESCU. The table remembers the
    hint per name, so every error still carries it (and another table, other macros, looks again)."""
    import contentpack.spl.macros as macros

    compared: list[str] = []

    def counted(name: str, known: Iterable[str]) -> str:
        compared.append(name)
        return did_you_mean(name, known)

    monkeypatch.setattr(macros, "did_you_mean", counted)

    def message(text: str, table: macros.MacroTable) -> str:
        with pytest.raises(SplMacroError) as raised:
            expand_text(text, table)
        return raised.value.message

    table = macro_table({"entra_id_ctime(1)": MacroDef("entra_id_ctime", ("field",), "convert ctime($field$)"),
                         "pair(2)": MacroDef("pair", ("x", "y"), "$x$=$y$"), "pair": MacroDef("pair", (), "a=b")})
    assert [message(text, table) for text in ("`entra_id_ctme(a)`", "x | `entra_id_ctme(b)`", "`entra_id_ctme`")] == [
        "unknown macro 'entra_id_ctme(1)' (did you mean 'entra_id_ctime'?)",
        "unknown macro 'entra_id_ctme(1)' (did you mean 'entra_id_ctime'?)",
        "unknown macro 'entra_id_ctme' (did you mean 'entra_id_ctime'?)"]
    assert compared == ["entra_id_ctme"]
    assert message("`pair(z)`", table) == "unknown macro 'pair(1)' (defined: pair, pair(2))"
    assert message("`entra_id_ctme`", macro_table(dict(table))) == \
        "unknown macro 'entra_id_ctme' (did you mean 'entra_id_ctime'?)"
    assert compared == ["entra_id_ctme"] * 2
