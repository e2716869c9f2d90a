"""The stats argument readers (``read_aggregates``, its ``_read_agg`` and ``args.read_field_list``) read the token
list with an index for the usual spellings; these tests hold them to the plain cursor-method readers they replace,
kept below as the reference, on every command of ESCU and on generated argument texts.

Why a reference: the index reading skips the cursor's per-token calls only where the answer cannot differ (a
word with a space after it is a whole name, ``f(word)`` a one-word field); comparing every answer, error and
stopping place with the readers written the plain way is what shows that it does not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.spl import SplError
from contentpack.spl.aggregates import aggregate_label, get_aggregate
from contentpack.spl.ast import Expr
from contentpack.spl.commands.args import at_option, read_field, read_field_list, read_option
from contentpack.spl.commands.stats import AggTerm, _read_agg, read_aggregates
from contentpack.spl.cursor import Cursor
from contentpack.spl.errors import SplSyntaxError, SplUnsupportedError
from contentpack.spl.exprparser import parse_full_expression
from contentpack.spl.lexer import split_pipeline

from .escu_corpus import expanded_searches

_ALIASES = {"c": "count", "distinct_count": "dc", "mean": "avg"}


# ----------------------------------------------------------------------------- the reference readers


def reference_field_list(cur: Cursor, stop: Sequence[str] = (), *, allow_options: bool = False) -> list[str]:
    stops = {s.lower() for s in stop}
    names: list[str] = []
    while not cur.at_end():
        if cur.accept("COMMA"):
            continue
        if cur.peek().kind == "WORD" and cur.peek().text.lower() in stops:
            break
        if allow_options and at_option(cur):
            break
        name, _ = read_field(cur)
        names.append(name)
    return names


def reference_agg(cur: Cursor) -> AggTerm:
    tok = cur.peek()
    if tok.text.lower() == "eval" and cur.at("LPAREN", k=1) and cur.adjacent():
        raise cur.unsupported("an eval expression over statistical functions", tok)  # chart's eval(avg(x)/max(y))
    if tok.kind != "WORD":
        raise cur.error("expected a statistical function")
    cur.next()
    written = tok.text
    name = _ALIASES.get(written.lower(), written.lower())
    field: str | None = None
    expr: Expr | None = None
    if cur.at("LPAREN") and cur.adjacent(-1):
        cur.next()
        if cur.at("RPAREN"):
            cur.next()
        else:
            arg = cur.peek()
            if arg.kind == "WORD" and arg.text.lower() == "eval" and cur.at("LPAREN", k=1):
                cur.next()
                inner = cur.parenthesised_eval()
                if inner.at_end():
                    raise cur.error("expected an expression inside eval( )", arg)
                expr = parse_full_expression(inner)
            else:
                field, _ = read_field(cur, "a field name")
            cur.expect("RPAREN", f"')' closing {written}(")
    spec = get_aggregate(name)
    if spec is None:
        raise SplUnsupportedError(f"{cur.command}: stats function '{written}' is not supported",
                                  offset=cur.off(tok), command=cur.command, feature=("stats function", written))
    if spec.requires_field and field is None and expr is None:
        raise cur.error(f"the function '{written}' needs a field, e.g. {written}(user)", tok)
    output = aggregate_label(written, field)
    if cur.accept_keyword("as"):
        output, out_tok = read_field(cur, "the output name after AS")
        if "*" in output and (field is None or output.count("*") != field.count("*")):
            raise cur.error("a wildcard output name needs a field with as many wildcards", out_tok)
    elif expr is not None:
        raise cur.error(f"{written}(eval(...)) needs AS <name> to name its result", tok)
    return AggTerm(name, field, output, cur.off(tok), expr)


def reference_aggregates(cur: Cursor, options: Sequence[str]) -> object:
    found: dict[str, tuple[str, object]] = {}
    terms: list[AggTerm] = []
    by: list[str] = []
    while not cur.at_end():
        if cur.accept("COMMA"):
            continue
        if at_option(cur):
            key, value, tok = read_option(cur, options)
            found[key] = (value, tok)
            continue
        if cur.accept_keyword("by"):
            by = reference_field_list(cur, allow_options=True)
            if not by:
                raise cur.error("expected field names after BY")
            continue
        if by:
            raise cur.error("unexpected text after the BY fields")
        terms.append(reference_agg(cur))
    if not terms:
        raise cur.error("expected at least one statistical function")
    outputs = [t.output for t in terms]
    if len(set(outputs)) != len(outputs):
        duplicate = next(o for o in outputs if outputs.count(o) > 1)
        raise SplSyntaxError(f"{cur.command}: the output field '{duplicate}' is defined twice (use AS)",
                             offset=terms[0].offset, command=cur.command)
    inputs = [(t.function, t.field) for t in terms if t.expr is None]
    for twice in (t for t in terms if t.expr is None and inputs.count((t.function, t.field)) > 1):
        raise SplSyntaxError(f"{cur.command}: '{aggregate_label(twice.function, twice.field)}' is computed twice "
                             "(a field can't be renamed with multiple names)", offset=twice.offset, command=cur.command)
    return found, terms, by


# ----------------------------------------------------------------------------- comparing


Reader = Callable[[Cursor], object]

READERS: list[tuple[str, Reader, Reader]] = [
    ("aggregates", lambda cur: read_aggregates(cur, ("allnum", "window")),
     lambda cur: reference_aggregates(cur, ("allnum", "window"))),
    ("one aggregate", _read_agg, reference_agg),
    ("fields", read_field_list, reference_field_list),
    ("fields up to BY or AS", lambda cur: read_field_list(cur, ("by", "AS")),
     lambda cur: reference_field_list(cur, ("by", "AS"))),
    ("fields up to an option", lambda cur: read_field_list(cur, allow_options=True),
     lambda cur: reference_field_list(cur, allow_options=True)),
]


def outcome(read: Reader, text: str) -> object:
    """What a reader makes of ``text`` (placed at offset 7, offsets mapped elsewhere): its answer and where it
    stopped, or its error with message, offset and command."""
    cur = Cursor.search(text, 7, lambda offset: offset + 100, "stats")
    try:
        answer = read(cur)
    except SplError as exc:
        return type(exc).__name__, exc.message, exc.offset, exc.command, getattr(exc, "feature", None)
    except RecursionError:
        return "too deep"
    return answer, cur.i


def assert_same(text: str) -> None:
    try:
        Cursor.search(text, 7, lambda offset: offset, "stats")
    except SplError:
        return  # not tokens at all: nothing for a reader to read
    for what, read, reference in READERS:
        assert outcome(read, text) == outcome(reference, text), (what, text)


def test_the_usual_spellings_read_as_the_reference_reads_them() -> None:
    for text in ("count min(_time) as firstTime max(_time) as lastTime by dest user src",
                 "count by a,b , c", "count() as n by a", "dc(user) AS users by \"a b\" c",
                 "values(*) as * by x", "avg(x) as y*", "count(eval(a=1)) as hits", "count(eval(a=1))",
                 "sum(bytes)by host", "allnum=t count by a window=5", "count BY", "count by a count",
                 "latest(x) as x, earliest(x) as x", "p95(x) perc101(x)", "bogus(x) by a", "count(a b)",
                 "count (x) by a", "count(avg(x)) by a", "count by a(b) \"c\".* d", "by", "", "count by a=1",
                 "eval(", "eval(x", "EVAL(avg(x)/2) as r", "eval (x)", "count(eval(x>1)) as n"):
        assert_same(text)
    # what the readers return for the benchmark pack's stats, spelled out once
    found = outcome(lambda cur: read_aggregates(cur, ()), "count min(_time) as firstTime by dest user")
    assert found == (({}, [AggTerm("count", None, "count", 107), AggTerm("min", "_time", "firstTime", 113)],
                      ["dest", "user"]), 10)


def test_every_escu_command_reads_as_the_reference_reads_it() -> None:
    compared = 0
    for _, text in expanded_searches():
        for segment in split_pipeline(text):
            words = segment.text.split(None, 1)
            if len(words) == 2:  # the arguments, whatever the command: every reader meets every spelling
                assert_same(words[1])
                compared += 1
    assert compared > 5000


PIECES = st.sampled_from([
    "count", "c", "dc", "min", "max", "values", "avg", "eval", "bogus", "p95", "as", "AS", "by", "BY", "a",
    "user", "_time", "x*", "*", "properties.*", '"a b"', '"q"', "(", ")", ",", "=", "!=", "allnum", "window",
    "t", "5", "a=1", "span", "-", "'",
])
GAPS = st.sampled_from(["", " ", "  ", ", ", ","])


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(PIECES, GAPS), max_size=14), st.sampled_from(["", " "]))
def test_generated_arguments_read_as_the_reference_reads_them(pieces: list[tuple[str, str]], end: str) -> None:
    # pieces written together or apart, so adjacency (``f(x)``, ``key=``, ``"a".*``) meets every reader path
    assert_same("".join(piece + gap for piece, gap in pieces) + end)
