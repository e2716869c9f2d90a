"""``check_expanded`` answers each top-level command from a memo keyed on its text and place in the pipeline
(``parser.command_alone``): these tests hold it to the answer of parsing every command where it stands.

Why it can: with offsets left unmapped, a command's check is the same wherever the command sits, shifted by
its start. The reference parse below is ``check_expanded`` with an identity mapper that is not the parser's
own ``_same``, which is what keeps the memo out of it.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.spl import SplError
from contentpack.spl.lexer import split_pipeline
from contentpack.spl.parser import check_expanded, command_alone, parse_pipeline

from .escu_corpus import expanded_searches

Answer = tuple[list[tuple[str, str, int | None, str | None, object]], bool]


def described(checked: tuple[list[SplError], bool]) -> Answer:
    problems, too_deep = checked
    return [(type(p).__name__, p.message, p.offset, p.command, getattr(p, "feature", None)) for p in problems], \
        too_deep


def parsed_in_place(text: str) -> tuple[list[SplError], bool]:
    """Every command parsed where it stands, no memo: ``check_expanded`` spelled out with another mapper."""
    problems: list[SplError] = []
    try:
        parse_pipeline(text, 0, lambda offset: offset, subsearch=False, problems=problems)
    except RecursionError:
        return problems, True
    except SplError as exc:
        problems.append(exc)
    return problems, False


def test_a_shared_command_is_reported_at_each_search_s_own_offset() -> None:
    tail = " | stats count bogus(x) | eval y= | table a"
    for prefix in ("a", "index=main sourcetype=x", "   ", "| makeresults"):
        text = prefix + tail
        found = described(check_expanded(text))
        assert found == described(parsed_in_place(text))
        offsets = [offset for _, _, offset, _, _ in found[0]]
        assert offsets and all(offset is not None and offset >= len(prefix) for offset in offsets)
        # a caller changing a problem it got leaves the next answer alone
        check_expanded(text)[0][0].offset = -1
        assert described(check_expanded(text)) == found
    # what the memo keeps holds no traceback, which would keep the frames of the parse alive
    stored = command_alone(" stats count bogus(x) ", 2, False)
    assert stored.command is None and stored.problem is not None and stored.problem.__traceback__ is None


def test_a_command_alone_is_the_command_parsed_in_place() -> None:
    # What the drilldown rule reads from the memo: the very command a parse of the whole search gives, once
    # that parse counts offsets from the command's start (a mapper subtracting it).
    text = "index=x | stats count values(app) as apps by user | eval y=lower(user) | rename a as b"
    for index, segment in enumerate(split_pipeline(text)):
        alone = command_alone(segment.text, min(index, 2), False)
        assert alone.problem is None
        start = segment.offset

        def from_start(offset: int, start: int = start) -> int:
            return offset - start

        whole = parse_pipeline(text, 0, from_start, subsearch=False)
        assert alone.command == whole.commands[index]
    assert command_alone("", 0, True) == (None, None)  # the empty text before a leading '|'


def test_a_command_with_a_subsearch_alone_is_the_command_parsed_in_place() -> None:
    # What the lookup-column rule and the drilldown rule read for a command holding a subsearch: the whole
    # command, subsearch and all, at offsets from the command's start; a problem inside the subsearch is its own.
    text = "index=x | append [| inputlookup t | lookup t k OUTPUT v] | join user [search y | stats count by user]"
    for index, segment in enumerate(split_pipeline(text)):
        start = segment.offset

        def from_start(offset: int, start: int = start) -> int:
            return offset - start

        whole = parse_pipeline(text, 0, from_start, subsearch=False)
        assert command_alone(segment.text, min(index, 2), False).command == whole.commands[index]
    broken_text = " append [search a | eval x=]"
    broken = command_alone(broken_text, 2, False)
    assert broken.command is None and broken.problem is not None
    assert broken.problem.offset == broken_text.index("]")  # "expected an expression" where the subsearch ends


def test_place_in_the_pipeline_is_part_of_the_answer() -> None:
    # the same text is the implicit search first, a generating command's misuse later, fine after a leading '|'
    assert described(check_expanded("makeresults")) == described(parsed_in_place("makeresults"))
    assert described(check_expanded("a | makeresults")) == described(parsed_in_place("a | makeresults"))
    assert described(check_expanded("| makeresults")) == ([], False)
    assert described(check_expanded("a | makeresults"))[0][0][1] == \
        "'makeresults' is a generating command and must be the first command"


def test_every_escu_search_gets_the_answer_of_parsing_each_command_in_place() -> None:
    compared = 0
    for file, text in expanded_searches():
        assert described(check_expanded(text)) == described(parsed_in_place(text)), file
        compared += 1
    assert compared > 1500


COMMANDS = st.sampled_from([
    "stats count by user", "stats count min(_time) as firstTime by dest", "stats bogus(x)", "stats count as",
    "eval x=1", "eval x=", "eval x=if(a, 1", "where x > 1", "where", "rename a as b", "rename a as",
    "fillnull", "fillnull value=", "convert ctime(firstTime)", "convert nope(x)", "table a b", "fields - a",
    "search x=1 OR y", "search (a", "search a)", "makeresults", "inputlookup x", "head 5", "head x", "rex field=a",
    "dedup a", "sort - a", "bin span=5m _time", "spath", "lookup l a", "tstats count", 'search "open', "search ]",
    "eval x='y", "", " ", "stats count by a | where b", "append [search a | stats count]", "search [ bad",
])
PREFIXES = st.sampled_from(["", "a ", "index=x sourcetype=y ", "| ", "  | ", "x=\"q\" ", "NOT "])


@settings(max_examples=400, deadline=None)
@given(PREFIXES, st.lists(COMMANDS, min_size=1, max_size=6), st.integers(min_value=0, max_value=3))
def test_memo_answers_as_parsing_in_place_wherever_a_command_lands(prefix: str, commands: list[str],
                                                                     pad: int) -> None:
    # the same commands at shifted offsets, so later examples and the second text hit what earlier ones stored
    for text in (prefix + " | ".join(commands), " " * pad + prefix + " |  ".join(commands)):
        assert described(check_expanded(text)) == described(parsed_in_place(text))


def test_a_given_split_gives_the_answer_of_the_text_split_here() -> None:
    """``check_expanded(text, segments)``: a validator that split the text already passes its segments."""
    for text in ('index=a | stats count by x | eval y=( | filnull', '| makeresults | where a="|"',
                 'a [search b | head 1] | nosuch x', "| from datamodel Risk.All_Risk | search *"):
        assert described(check_expanded(text, split_pipeline(text))) == described(check_expanded(text)), text
