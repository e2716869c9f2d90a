"""Every search-command example whose result a Search Reference page states, or that can be checked on a small
input, run through the real engine. Each row carries its page and the quoted sentence; rows marked ``assumed``
pin a choice the engine made where the page is silent. Forms the engine does not implement must be refused as
unsupported, never answered. The pages are the Splunk Enterprise 10.0 Search Reference's "Search commands"
pages (``_page`` below) unless a row names another release or manual; the eval-function pages have their own
table (test_eval_documented_examples.py). Quotes are the page text as read ("..." marks words left out).
The dedup, head, join, rename, tail, top, iplocation, eventstats, fillnull, rex, mvexpand, makemv, bin, timechart,
append, appendpipe, format, streamstats, regex and sort rows quote the 10.0 pages. The search, where, eval, stats,
fields, table, spath, makeresults, convert, return, replace and rare rows quote the release whose stored copy was
read (its URL is the row's page): the stored copies hold only each page's opening (description, syntax, argument
descriptions and, for short pages, the first examples), and the Enterprise 10.0 copy of these pages was not
among them.
The search rows quote the Search Manual ("Use CASE() and TERM() to match phrases", 10.0; "Boolean expressions
with logical operators", 9.3) and the SPL2 search command's examples page (the SPL2 command "is similar to the
SPL search command"), since the SPL search page's stored opening stops at its syntax. The join earlier=,
transaction connected=, dedup sortby, where unquoted value, median and multi-row return rows were re-read word
for word in full stored copies of the 10.0 join, transaction, dedup, where and return pages and of the aggregate
functions page (found through the code corpus); so were the convert rows after its first two, in a full stored
copy of the 10.0 convert page. Still marked ``assumed``, found in no stored page: that field
names are case sensitive in search (phrases tried: "field names are case sensitive", "field names are
case-sensitive", "Field names are case sensitive, but field values", "field values are not case sensitive": only
course notes and blogs say it); that stats leaves out events without a BY field (the full 10.0 stats page says
nothing of it; phrases tried: "one row is returned for each distinct value", "missing from an event", "The name of
one or more fields to group by"); that return puts each value in double quotes; that replace matches
case-sensitively (no full replace page is stored: "Non-wildcard replacement values specified later", "fuller
matches take precedence" found only a one-line summary). Text in parentheses is the
row's own explanation, not the page's. A row whose page is an older page or an answer quotes that one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from contentpack.spl import SplSyntaxError, SplUnsupportedError
from contentpack.spl.values import Event

from .spl_support import event, make_engine, rows

_HELP = "https://help.splunk.com/"
# The releases whose stored copies were read where the 10.0 page was not stored or its opening stopped short.
_E90 = "splunk-enterprise/spl-search-reference/9.0"
_E92 = "splunk-enterprise/spl-search-reference/9.2"
_E94 = "splunk-enterprise/spl-search-reference/9.4"
_C2408 = "splunk-cloud-platform/spl-search-reference/9.3.2408"
_C2503 = "splunk-cloud-platform/spl-search-reference/10.0.2503"
_C2507 = "splunk-cloud-platform/spl-search-reference/10.1.2507"
# Pages outside the Search Reference's command pages.
_CASE_TERM = _HELP + "splunk-enterprise/search/search-manual/10.0/search-primer/use-case-and-term-to-match-phrases"
_BOOLEAN = _HELP + "en/splunk-enterprise/search/search-manual/9.3/expressions-and-predicates"
_SPL2_SEARCH = _HELP + "splunk-enterprise/search/spl2-search-reference/search-command/search-command-examples"
_SPL2_WHERE = _HELP + "splunk-enterprise/search/spl2-search-reference/where-command/where-command-examples"
_AGGREGATE_FUNCTIONS = (_HELP + "splunk-enterprise/search/spl-search-reference/10.0/statistical-and-charting-functions/"
                        "aggregate-functions")
_SPL2_SPATH = _HELP + "en/splunk-enterprise/search/spl2-search-reference/spath-command/spath-command-examples"


def _page(command: str, release: str = "splunk-enterprise/search/spl-search-reference/10.0") -> str:
    return f"{_HELP}{release}/search-commands/{command}"


# Where the 10.0 page's wording was not found, the older page or answer that says it.
_TRANSACTION_4_0 = "http://www.splunk.com/base/Documentation/4.0.1/SearchReference/Transaction"


# Four events, newest first as a search returns them: n=1 (no a), n=2 (a=x), n=10 (a=y), n=3 (a=x).
EVENTS: list[Event] = [
    event(100, a="x", n=3, s="Foo bar"),
    event(101, a="y", n=10, s="foo"),
    event(102, a="x", n=2),
    event(103, n=1, s="FOO"),
]


@dataclass(frozen=True)
class Example:
    """One documented example: the search (over ``EVENTS``), the rows it must give (only the ``fields`` shown,
    in order) or ``SplUnsupportedError``, and where and how the page says so."""

    search: str
    fields: tuple[str, ...]
    expected: object
    page: str
    quote: str


def _run(example: Example) -> list[tuple[object, ...]]:
    found = rows(make_engine(EVENTS), example.search)
    return [tuple(row.get(name) for name in example.fields) for row in found]


EXAMPLES: tuple[Example, ...] = (
    # search
    Example("foo | table n", ("n",), [(1,), (10,), (3,)], _CASE_TERM,
            "By default, searches are case-insensitive. For example, if you search for Error, any case of that term "
            "is returned, such as Error, error, and ERROR."),
    Example("a=X | table n", ("n",), [(2,), (3,)], _CASE_TERM,
            "By default, searches are case-insensitive. ... You can use the CASE directive to perform case-sensitive "
            "matches for terms and field values."),
    Example("A=x | table n", ("n",), [], _page("search", _E92),
            "assumed: field names are case sensitive (no stored page says so; see the module docstring)"),
    Example("CASE(Foo) | table n", ("n",), [(3,)], _CASE_TERM,
            "CASE ... Description: Search for case-sensitive matches for terms and field values. ... if you search "
            "for CASE(error), your search returns results containing only the specified case of the term, which "
            "is error."),
    Example("a!=x | table n", ("n",), [(10,)], _SPL2_SEARCH,
            'Searching with the boolean "NOT" comparison operator is not the same as using the "!=" comparison. '
            "(!= keeps only events that have the field)"),
    Example("NOT a=x | table n", ("n",), [(1,), (10,)], _SPL2_SEARCH,
            'Searching with the boolean "NOT" comparison operator is not the same as using the "!=" comparison. '
            "(NOT also keeps events without the field)"),
    Example("n IN (1, 3) | table n", ("n",), [(1,), (3,)], _SPL2_SEARCH,
            'This example shows how to use the IN operator to specify a list of field-value pair matchings. ... '
            '| search (code=10 OR code=29 OR code=43) host!="localhost" xqp>5 | search code IN(10, 29, 43) '
            'host!="localhost" xqp>5'),
    Example("a=x* | table n", ("n",), [(2,), (3,)], _SPL2_SEARCH,
            "This example shows field-value pair matching with wildcards."),
    Example("n>2 | table n", ("n",), [(10,), (3,)], _SPL2_SEARCH,
            'This example searches for events with code values of either 10, 29, or 43 and any host that is not '
            '"localhost", and an xqp value that is greater than 5.'),
    Example("foo bar | table n", ("n",), [(3,)], _BOOLEAN,
            "The AND operator is always implied between terms, that is: web error is the same as web AND error."),
    Example("NOT a=x n>2 | table n", ("n",), [(10,)], _BOOLEAN,
            "The NOT operator only applies to the term immediately following NOT."),
    Example("a=y OR a=x n<3 | table n", ("n",), [(2,)], _BOOLEAN,
            "The search command evaluates OR before AND operators (XOR is not supported)."),
    # where / eval
    Example('* | where a="x" | table n', ("n",), [(2,), (3,)], _page("where", _E92),
            "This expression is a field name equal to a string value. ... Because the value is a string, it must be "
            "enclosed in double quotations."),
    Example("* | where a=x | table n", ("n",), [], _page("where"),
            "The where command uses the same expression syntax as the eval command. Also, both commands interpret "
            "quoted strings as literals. If the string is not quoted, it is treated as a field name. (a compares "
            "with the field x, which no event has)"),
    Example('* | where s="foo" | table n', ("n",), [(10,)], _page("where", _E92),
            "The <eval-expression> is case-sensitive."),
    Example('| makeresults | eval \'5minutes\'="late" | where \'5minutes\'="late" | table 5minutes', ("5minutes",),
            [("late",)], _page("where", _E92), "If the expression references a field name that starts with a "
            "numeric character, the field name must be surrounded by single quotation marks. ... '5minutes'=\"late\""),
    Example("* | where n/2 > 1 | table n", ("n",), [(10,), (3,)], _page("where", _E92),
            "The where command returns only the results for which the eval expression returns true."),
    Example('* | where like(s, "F%") | table n', ("n",), [(1,), (3,)], _SPL2_WHERE,
            "You can only specify a wildcard with the where command by using the like function. The percent ( % ) "
            "symbol is the wildcard you must use with the like function."),
    Example("| makeresults | eval x=1, y=x+1 | table x y", ("x", "y"), [(1, 2)], _page("eval", _E94),
            "You can chain multiple eval expressions in one search using a comma to separate subsequent "
            "expressions. The search processes multiple eval expressions left-to-right and lets you reference "
            "previously evaluated fields in subsequent expressions."),
    Example('* | eval a="z" | table a', ("a",), [("z",)] * 4, _page("eval", _E94),
            "If the field name that you specify matches a field name that already exists in the search results, "
            "the results of the eval expression overwrite the values in that field."),
    # stats family
    Example("* | stats count by a", ("a", "count"), [("x", 2), ("y", 1)], _page("stats", _E92),
            "If a BY clause is used, one row is returned for each distinct value specified in the BY clause. "
            "(assumed, not in the stored opening: the n=1 event, without a, is in no row)"),
    Example("* | stats count", ("count",), [(4,)], _page("stats", _E92),
            "If the stats command is used without a BY clause, only one row is returned, which is the aggregation "
            "over the entire incoming result set."),
    Example("* | stats count(a) as c, dc(a)", ("c", "dc(a)"), [(3, 2)], _page("stats", _E92),
            "Use the AS clause to place the result into a new field with a name that you specify. (count(a) counts "
            "the events with a)"),
    Example("* | stats median(n)", ("median(n)",), [(3,)], _AGGREGATE_FUNCTIONS,
            "median(<value>) ... If you have an even number of events, by default the median calculation is "
            "approximated to the higher of the two values. (1,2,3,10: 3)"),
    Example("* | eventstats avg(n) as m | table n m", ("n", "m"), [(1, 4.0), (2, 4.0), (10, 4.0), (3, 4.0)],
            _page("eventstats"), "Generates summary statistics from fields in your events and saves those "
            "statistics in a new field"),
    Example("* | streamstats sum(n) as t by a | table a t", ("a", "t"),
            [(None, None), ("x", 2), ("y", 10), ("x", 5)], _page("streamstats"),
            "Adds cumulative summary statistics to all search results in a streaming manner. ... by-clause ... "
            "The name of one or more fields to group by."),
    Example("* | streamstats window=2 sum(n) as s | table s", ("s",), [(1,), (3,), (12,), (13,)],
            _page("streamstats"), "window: Specifies the number of events to use when computing the statistics"),
    Example("* | streamstats current=f count | table count", ("count",), [(0,), (1,), (2,), (3,)],
            _page("streamstats"), "current: If true, the search includes the given, or current, event in the "
            "summary calculations"),
    # rename / table / fields
    Example("* | rename * as f_* | table f_a f_n", ("f_a", "f_n"), [(None, 1), ("x", 2), ("y", 10), ("x", 3)],
            _page("rename"), "Use wildcards to rename multiple fields"),
    Example("* | rename a as n | table n", ("n",), [(None,), ("x",), ("y",), ("x",)], _page("rename"),
            "Suppose you rename fieldA to fieldB, but fieldA does not exist. ... If fieldB does exist, the "
            "result of the rename is that the data in fieldB is removed."),
    Example("* | table a* | fields - a", ("a", "n"), [(None, None)] * 4, _page("fields", _C2507),
            "If the negative ( - ) symbol is specified, the fields in the wc-field-list are removed from the "
            "results."),
    Example("* | fields + a | table a n", ("a", "n"), [(None, None), ("x", None), ("y", None), ("x", None)],
            _page("fields", _C2507), "If the plus ( + ) symbol is specified, only the fields in the wc-field-list "
            "are kept in the results."),
    Example("* | fields a | table _time", ("_time",), [(103,), (102,), (101,), (100,)], _page("fields", _C2507),
            "By default, the internal fields _raw and _time are included in the search results in Splunk Web. The "
            "fields command does not remove these internal fields unless you explicitly specify that the fields "
            "should not appear in the output in Splunk Web."),
    Example("* | fields _raw a | table _time", ("_time",), [(103,), (102,), (101,), (100,)], _page("fields", _C2507),
            "The fields command does not remove these internal fields unless you explicitly specify that the fields "
            "should not appear in the output in Splunk Web."),
    Example("* | fields - _* | table _time", ("_time",), [(None,)] * 4, _page("fields", _C2507),
            "For example, to remove all internal fields, you specify: ... | fields - _*"),
    Example("* | table n a*", ("n", "a"), [(1, None), (2, "x"), (10, "y"), (3, "x")], _page("table", _C2503),
            "You can use the asterisk ( * ) as a wildcard to specify a list of fields with similar names."),
    Example("* | table n, a", ("n", "a"), [(1, None), (2, "x"), (10, "y"), (3, "x")], _page("table", _C2503),
            "A list of valid field names. The list can be space-delimited or comma-delimited."),
    Example("| makeresults | eval EU_UK=1, EU_DE=2 | rename EU* AS EMEA* | table EMEA_UK EMEA_DE",
            ("EMEA_UK", "EMEA_DE"), [(1, 2)], _page("rename"),
            "You can rename the fields to replace EU with EMEA: ... | rename EU* AS EMEA*"),
    Example('* | rename s AS "The s" | table "The s"', ("The s",), [("FOO",), (None,), ("foo",), ("Foo bar",)],
            _page("rename"), "Use quotation marks when you rename a field with a phrase."),
    # fillnull
    Example("* | fillnull | table a", ("a",), [("0",), ("x",), ("y",), ("x",)], _page("fillnull"),
            "You can specify a string to fill the null field values or use the default, field value which is zero "
            "( 0 ). ... If you do not specify a field list, the value is applied to all fields."),
    Example("* | fillnull value=NULL a | table a", ("a",), [("NULL",), ("x",), ("y",), ("x",)], _page("fillnull"),
            "If you specify a field list, all of the fields in that list are filled in with the value you specify."),
    # dedup
    Example("* | dedup a | table n", ("n",), [(2,), (10,)], _page("dedup"),
            "Events returned by dedup are based on search order. ... All events where any of the selected "
            "fields are null are dropped."),
    Example("* | dedup a keepempty=true | table n", ("n",), [(1,), (2,), (10,)], _page("dedup"),
            "If set to true, keeps every event where one or more of the specified fields is not present (null)."),
    Example("* | dedup a consecutive=true | table n", ("n",), [(2,), (10,), (3,)], _page("dedup"),
            "If true, only remove events with duplicate combinations of values that are consecutive."),
    Example("* | dedup 2 a | table n", ("n",), [(2,), (10,), (3,)], _page("dedup"),
            "The dedup command retains multiple events for each combination when you specify N."),
    Example("* | dedup a sortby -n | table n", ("n",), [(10,), (3,)], _page("dedup"),
            "The <sort-by-clause> determines which of the duplicate events to keep. When the list of events is "
            "sorted, the top-most event, of the duplicate events in the sorted list, is retained."),
    Example('| makeresults count=3 | streamstats count as i | eval m=if(i<3, split("a,b", ","), split("a,c", ","))'
            " | dedup m | table i", ("i",), [(1,), (3,)], _page("dedup"),
            "To use the dedup command on multivalue fields, the fields must match all values to be deduplicated."),
    Example("* | dedup a sortby n | table n", (), SplUnsupportedError, _page("dedup"),
            "Use the dash symbol ( - ) for descending order and the plus symbol ( + ) for ascending order. You must "
            "specify the sort order for each field specified in the <sort-by-clause>. (refused, where it used to "
            "sort ascending)"),
    Example("* | dedup keepevents=true a", (), SplUnsupportedError, _page("dedup"),
            "keepevents: If true, keep all events, but will remove the selected fields ... (not implemented)"),
    Example("* | dedup a sortby ip(n)", (), SplUnsupportedError, _page("dedup"),
            "ip: Interpret the field values as IP addresses. (not implemented)"),
    # sort
    Example("* | sort n | table n", ("n",), [(1,), (2,), (3,), (10,)], _page("sort"),
            "By default, sort tries to automatically determine what it is sorting. If the field contains numeric "
            "values, the collating sequence is numeric."),
    Example("* | sort str(n) | table n", ("n",), [(1,), (10,), (2,), (3,)], _page("sort"),
            "str ... Interpret the values of the field as strings and order the values alphabetically."),
    Example("* | sort 2 -n | table n", ("n",), [(10,), (3,)], _page("sort"),
            "<count> ... Specify the number of results to return from the sorted results."),
    Example("* | sort limit=2 n | table n", ("n",), [(1,), (2,)], _page("sort"),
            "You can specify the count using an integer or precede the count with a label, for example limit=10"),
    Example("* | sort n desc | table n", ("n",), [(10,), (3,), (2,), (1,)], _page("sort"),
            "desc ... Reverses the order of the results."),
    Example('| makeresults count=4 | streamstats count as i | eval x=case(i=1,"10",i=2,"9",i=3,"a",i=4,"B")'
            " | sort x | table x", ("x",), [("9",), ("10",), ("B",), ("a",)], _page("sort"),
            "for some pairs of values, the order might be lexicographical, while for other pairs the order might "
            "be numerical. ... Numbers are sorted before letters. ... Uppercase letters are sorted before lowercase "
            "letters."),
    # head / tail
    Example("* | head 2 | table n", ("n",), [(1,), (2,)], _page("head"), "Returns the first N number of specified "
            "results in search order."),
    Example("* | tail 2 | table n", ("n",), [(3,), (10,)], _page("tail"),
            "Returns the last N number of specified results. The events are returned in reverse order, starting "
            "at the end of the result set."),
    Example('| makeresults count=3 | streamstats count as i | eval x=case(i=1,"a") | head (x="a") | table i',
            ("i",), [(1,)], _page("head"), "null: ... If false, an expression that evaluates to NULL is treated as "
            "if it evaluated to false. Default: false"),
    Example('| makeresults count=3 | streamstats count as i | eval x=case(i=1,"a") | head null=true (x="a")'
            " | table i", ("i",), [(1,), (2,), (3,)], _page("head"),
            "null: If true, ... treated as if it evaluated to true"),
    Example("| makeresults count=3 | streamstats count as i | head (i<2) keeplast=true | table i", ("i",),
            [(1,), (2,)], _page("head"), "keeplast: ... keep the last result, the one whose expression evaluated "
            "to false"),
    Example("| makeresults count=7 | streamstats count | eval count=if(count=3,null(), count)"
            " | head count<5 keeplast=true null=true | table count", ("count",), [(1,), (2,), (None,), (4,), (5,)],
            _page("head"), "When null is set to true, the head command continues to process the results. ... "
            "Because keeplast=true the event that stopped the processing, count 5, is also included in the output."),
    Example("| makeresults count=7 | streamstats count | eval count=if(count=3,null(), count)"
            " | head count<5 keeplast=true null=false | table count", ("count",), [(1,), (2,), (None,)],
            _page("head"), "When null is set to false, the head command stops processing the results when it "
            "encounters a NULL value. The events with count 1 and 2 are returned. Because keeplast=true the event "
            "with the NULL value that stopped the processing, the third event, is also included in the output."),
    Example("| makeresults count=12 | head limit=10 (1==1) | stats count", ("count",), [(10,)], _page("head"),
            "the following search returns up to the first 10 results, because the <eval-expression> is always "
            "true."),
    Example("| makeresults count=12 | head limit=10 (0==1)", (), [], _page("head"),
            "However, this search returns no results because the <eval-expression> is always false."),
    Example("* | head limit=3 | table n", ("n",), [(1,), (2,), (10,)], _page("head"),
            "limit ... Another way to specify the number of results to return."),
    # top / rare
    Example("* | top a", ("a", "count", "percent"), [("x", 2, 66.666667), ("y", 1, 33.333333)], _page("top"),
            "Calculates a count and a percentage of the frequency the values occur in the events."),
    Example("* | top 1 a", ("a", "count"), [("x", 2)], _page("top"),
            "top [<N>] [<top-options>...] <field-list> [<by-clause>] ... <N> ... The number of results to return."),
    Example("* | top limit=0 a", ("a",), [("x",), ("y",)], _page("top"),
            "To return all values, specify zero ( 0 )."),
    Example("* | top a countfield=c percentfield=p showperc=f", ("a", "c", "p"), [("x", 2, None), ("y", 1, None)],
            _page("top"), "countfield ... specifies the name of the field that contains the count"),
    Example('| makeresults | eval location="Atlanta Orlando Dallas" | makemv location | mvexpand location'
            ' | eval user="Alex Kai Morgan" | makemv user | mvexpand user | top limit=1 location by user',
            ("user", "location", "count", "percent"),
            [("Alex", "Orlando", 1, 33.333333), ("Kai", "Orlando", 1, 33.333333), ("Morgan", "Orlando", 1, 33.333333)],
            _page("top"), "only the last lexicographical value of the <field-list> is returned in the search "
            "results. ... Orlando is the only location field that is returned"),
    Example("* | top a useother=t limit=1", (), SplUnsupportedError, _page("top"),
            "useother: Specify whether or not to add a row that represents all values not included due to the "
            "limit cutoff. (not implemented)"),
    Example("* | rare a", ("a", "count"), [("y", 1), ("x", 2)], _page("rare", _E92),
            "Displays the least common values in a field."),
    Example("* | rare a limit=1", ("a", "count"), [("y", 1)], _page("rare", _E92),
            "limit ... Description: Specifies how many tuples to return."),
    Example("* | rare a countfield=k", ("a", "k"), [("y", 1), ("x", 2)], _page("rare", _E92),
            "countfield ... Description: The name of a new field to write the value of count into."),
    # rex
    Example('| makeresults | eval t="a1b22c333" | rex field=t max_match=0 "(?<d>\\d+)" | table d', ("d",),
            [(("1", "22", "333"),)], _page("rex"),
            "max_match: Controls the number of times the regex is matched. ... Use 0 to specify unlimited matches."),
    Example('| makeresults | eval t="a1b22c333" | rex field=t "(?<d>\\d+)" | table d', ("d",), [("1",)],
            _page("rex"), "max_match: ... Default: 1"),
    Example('| makeresults | eval t="1234-5678-9012-3456" | rex field=t mode=sed "s/(\\d{4}-){3}/XXXX-XXXX-XXXX-/g"'
            " | table t", ("t",), [("XXXX-XXXX-XXXX-3456",)], _page("rex"),
            "Use sed syntax to match the regex to a series of numbers and replace them with an anonymized string. "
            '... | rex field=ccnumber mode=sed "s/(\\d{4}-){3}/XXXX-XXXX-XXXX-/g"'),
    Example('| makeresults | eval t="aaa" | rex field=t mode=sed "s/a/b/2" | table t', ("t",), [("aba",)],
            _page("rex"), "<flags> can be either g to replace all matches, or a number to replace a specified "
            "match."),
    Example('| makeresults | eval t="aaa" | rex field=t mode=sed "y/a/b/" | table t', ("t",), [("bbb",)],
            _page("rex"), "y/<string1>/<string2>/ ... This substitutes the characters that match <string1> with "
            "the characters in <string2>."),
    Example('| makeresults | eval t="abc" | rex field=t "(?<x>b)" offset_field=o', (), SplUnsupportedError,
            _page("rex"), "offset_field: Creates a field that lists the position of certain values in the field "
            "argument (not implemented)"),
    # spath / mvexpand / makemv / makeresults
    Example('| makeresults | eval j="{\\"a\\":{\\"b\\":[1,2]}}" | spath input=j output=o path=a.b{} | table o',
            ("o",), [(("1", "2"),)], _SPL2_SPATH, "The following example shows how to specify an output field and "
            'path with a wildcard for JSON data: ... | spath output=commit_author path="commits{}.author.name"'),
    Example('| makeresults | eval j="{\\"a\\":{\\"b\\":[1,2]}}" | spath input=j a.b{}', ("a.b{}",), [(("1", "2"),)],
            _page("spath", _E90), "Default: If you do not specify an output argument, the value for the path "
            "argument becomes the field name for the extracted value. ... If you do not specify the path=, the first "
            "unlabeled argument is used as the location path."),
    Example('| makeresults | eval x=split("a,b,c", ",") | mvexpand x limit=2 | table x', ("x",), [("a",), ("b",)],
            _page("mvexpand"), "limit: Specify the number of values of <field> to use for each input event."),
    Example('| makeresults | eval m="a b  c" | makemv m | table m', ("m",), [(("a", "b", "c"),)], _page("makemv"),
            "delim: ... Default: A single space (\" \")."),
    Example('| makeresults | eval m="a,b,,c" | makemv delim="," allowempty=t m | table m', ("m",),
            [(("a", "b", "", "c"),)], _page("makemv"), "allowempty: Specifies whether to permit empty string "
            "values in the multivalue field."),
    Example("| makeresults | stats count", ("count",), [(1,)], _page("makeresults", _E94),
            "count ... Description: The number of results to generate. ... Default: 1"),
    Example("| makeresults count=3 | stats count", ("count",), [(3,)], _page("makeresults", _E94),
            "count ... Description: The number of results to generate."),
    Example("| makeresults count=2 annotate=false | stats count", ("count",), [(2,)], _page("makeresults", _E94),
            "If annotate=false, generates results with only the _time field. ... Default: false"),
    Example("| makeresults count=2 annotate=t", (), SplUnsupportedError, _page("makeresults", _E94),
            "annotate ... Description: If annotate=true, generates results with the fields shown in the table "
            "below. (not implemented)"),
    # bin / timechart
    Example("| makeresults | eval n=17 | bin n span=5 as b | table n b", ("n", "b"), [(17, "15-20")], _page("bin"),
            "span: Sets the size of each bin ... newfield: A new name for the field."),
    Example("| makeresults | eval _time=3700 | bin _time span=1h aligntime=600", (), SplUnsupportedError,
            _page("bin"), "aligntime: Align the bin times to something other than base UTC time (epoch 0). "
            "(not implemented)"),
    Example("* | timechart span=1m count by a", ("x", "y", "NULL"), [(2, 1, 1)], _page("timechart"),
            "usenull: Controls whether or not a series is created for events that do not contain the split-by "
            "field. ... nullstr ... Default: NULL"),
    Example("* | timechart span=1m count by a limit=1", ("x", "OTHER"), [(2, 1)], _page("timechart"),
            "useother: ... The useother option specifies whether to merge all of the series not included in the "
            "results table into a single new series. ... Default: true"),
    # convert
    Example("| makeresults | eval t=0 | convert ctime(t) | table t", ("t",), [("01/01/1970 00:00:00",)],
            _page("convert", _C2503), "Unless you use the AS clause, the original values are replaced by the new "
            "values. ... Default:%m/%d/%Y %H:%M:%S."),
    Example('| makeresults | eval t=86400 | convert timeformat="%H:%M:%S" ctime(t) AS c | table t c', ("t", "c"),
            [(86400, "00:00:00")], _page("convert", _C2503), "Creates a new field with the name you specify to place "
            "the converted values into. The original field and values remain intact."),
    Example("| makeresults | eval firsttime=0, lasttime=86400, n=5 | convert ctime(*ttime) | table firsttime "
            "lasttime n", ("firsttime", "lasttime", "n"), [("01/01/1970 00:00:00", "01/02/1970 00:00:00", 5)],
            _page("convert"), "ctime(): Syntax: ctime(<wc-field>) ... You can use a wildcard ( * ) character to "
            "specify all fields. (ESCU's okta_non_standard_vpn_usage: each field the pattern matches is converted)"),
    Example('* | eval p="1,000", q="2,000" | convert rmcomma(*) none(_*) none(q) | table p q', ("p", "q"),
            [("1000", "2,000")] * 4, _page("convert"), "none(): ... In the presence of other wildcards, indicates "
            "that the matching fields should not be converted. ... convert auto(*) none(src_ip)"),
    Example("| makeresults | eval start_time=0 | convert ctime(*time)", (), SplUnsupportedError, _page("convert"),
            "assumed: the page does not say whether a wildcard reaches the internal field _time, so meeting it is "
            "refused"),
    Example("| makeresults | eval at=0 | convert ctime(a*) AS b*", (), SplUnsupportedError, _page("convert"),
            "assumed: the page never says how AS names the fields a wildcard matches, so AS after one is refused"),
    Example("| makeresults | eval a=0 | convert ctime(a) AS b ctime(b)", (), SplUnsupportedError, _page("convert"),
            "assumed: the page never says in which order convert applies its functions, so one field written by "
            "one and read or written by another is refused"),
    Example("| makeresults | eval a=0 | convert ctime(a) none(a)", (), SplUnsupportedError, _page("convert"),
            "assumed: none() is described only 'In the presence of other wildcards', so none() of a named field "
            "is refused"),
    Example("* | convert ctime(nope) AS shown | table n shown", ("n", "shown"), [(1, None), (2, None), (10, None),
            (3, None)], _page("convert"), "assumed: a field the result lacks has no value to convert, and no AS "
            "field is made"),
    Example('| makeresults | eval n="1,000,000.00" | convert rmcomma(n) | table n', ("n",), [("1000000.00",)],
            _page("convert"), "rmcomma(): Removes all commas from value, for example rmcomma(1,000,000.00) returns "
            "1000000.00."),
    Example('| makeresults | eval delay="00:10:15" | convert dur2sec(delay) | table delay', ("delay",), [(615,)],
            _page("convert"), 'For example, if delay="00:10:15", the resulting value is delay="615".'),
    Example('| makeresults | eval d="2+01:00:05" | convert dur2sec(d) | table d', ("d",), [(176405,)],
            _page("convert"), 'dur2sec(): Convert a duration format "[D+]HH:MM:SS" to seconds.'),
    Example('| makeresults | eval d="5 minutes" | convert dur2sec(d)', (), SplUnsupportedError, _page("convert"),
            "assumed: the page does not say what dur2sec() makes of a value not of the form [D+]HH:MM:SS"),
    Example('| makeresults | eval duration="212 sec" | convert rmunit(duration) | table duration', ("duration",),
            [("212",)], _page("convert"), 'For example, if duration="212 sec", the resulting value is '
            'duration="212". This example uses the rmunit convert function.'),
    Example('| makeresults | eval d="sec 212" | convert rmunit(d)', (), SplUnsupportedError, _page("convert"),
            "assumed: rmunit() 'Looks for numbers at the beginning of the value'; the page does not say what it "
            "does when there is none"),
    Example('| makeresults | eval v="10m", w="3", g="1g" | convert memk(v) memk(w) memk(g) | table v w g',
            ("v", "w", "g"), [(10240, 3, 1048576)], _page("convert"), 'memk(): ... followed by an optional "k", '
            '"m", or "g". ... If no letter is specified, kilobytes is assumed. The output field is a number '
            "expressing quantity of kilobytes. (assumed: 1024 kilobytes to the megabyte)"),
    Example('| makeresults | eval v="-5k" | convert memk(v)', (), SplUnsupportedError, _page("convert"),
            "memk(): Accepts a positive number ... Negative values cause data incoherency."),
    Example("| makeresults | eval t=1522196414.839 | convert mstime(t) AS ms_time | table ms_time", ("ms_time",),
            [(1522196414.839,)], _page("convert"), "convert mstime(_time) AS ms_time ... | 2018-03-27 17:20:14.839 "
            "| 1522196414.839 |"),
    Example('| makeresults | eval t="01:30.5" | convert mstime(t) | table t', ("t",), [(90.5,)], _page("convert"),
            "mstime(): Convert a [MM:]SS.SSS format to seconds."),
    Example('| makeresults | eval t="2018-03-27" | convert timeformat="%Y-%m-%d" mktime(t) | table t', ("t",),
            [(1522108800.0,)], _page("convert"), "mktime(): Convert a human readable time string to an epoch time. "
            "Use timeformat option to specify exact format to convert from."),
    Example('| makeresults | eval t="yesterday" | convert mktime(t)', (), SplUnsupportedError, _page("convert"),
            "assumed: the page does not say what mktime() makes of a value the timeformat does not match"),
    Example("* | convert auto(n)", (), SplUnsupportedError, _page("convert"),
            "auto(): Automatically convert the fields to a number using the best conversion (no rule given: "
            "refused)"),
    Example("* | convert num(n)", (), SplUnsupportedError, _page("convert"),
            "num(): Like auto(), except non-convertible values are removed (auto()'s rule is not given: refused)"),
    # join / append / appendpipe / format / return
    Example('* | join a [| makeresults | eval a="x", z=1] | table n z', ("n", "z"), [(2, 1), (3, 1)], _page("join"),
            "The results of an inner join do not include events from the main search that have no matches in the "
            "subsearch. ... Default: inner"),
    Example('* | join type=left a [| makeresults | eval a="x", z=1] | table n z', ("n", "z"),
            [(1, None), (2, 1), (10, None), (3, 1)], _page("join"),
            "The results of a left (or outer) join includes all of the events in the main search"),
    Example('* | join [| makeresults | eval a="x", z=1 | fields - _time] | table n z', ("n", "z"),
            [(2, 1), (3, 1)], _page("join"),
            "If no fields are specified, all of the fields that are common to both datasets are used. (the n=1 "
            "event lacks a, one of them: it joins nothing)"),
    Example('* | join a [| makeresults | eval a="X", z=1] | table n z', ("n", "z"), [], _page("join"),
            "The values of the fields used in <field-list> are case sensitive."),
    Example('* | join a [| makeresults count=2 | streamstats count as z | eval a="x"] | table n z', ("n", "z"),
            [(2, 1), (3, 1)], _page("join"), "By default max=1, which means that the subsearch returns only the "
            "first result from the subsearch."),
    Example('* | join a max=0 [| makeresults count=2 | streamstats count as z | eval a="x"] | table n z',
            ("n", "z"), [(2, 1), (2, 2), (3, 1), (3, 2)], _page("join"),
            "If set to max=0, there is no limit."),
    Example('* | join a earlier=true [| makeresults | eval a="x", z=1] | table n z', ("n", "z"), [(2, 1), (3, 1)],
            _page("join"), "Description: If usetime=true and earlier=true, the main search results are matched only "
            "against earlier results from the subsearch. ... Default: true (without usetime=true it changes "
            "nothing; it used to be refused)"),
    # usetime: the subsearch's z=1, 2, 3 at 100.5, 101.5, 102.5; the main n=3 at 100, n=2 at 102.
    Example('* | join a usetime=true max=0 [| makeresults count=3 | streamstats count as z | eval a="x", _time=99.5+z] | table n z', ("n", "z"),
            [(2, 1), (2, 2), (2, 3), (3, 1)], _page("join"),
            "usetime ... Indicates whether to use time to limit the matches in the subsearch results. ... earlier: "
            "If usetime=true and earlier=true, the main search results are matched only against earlier results "
            "from the subsearch. ... Results that occur at the same time (second) are not eliminated by either "
            "value. Default: true (z=3 at 102.5 is n=2's second, z=1 at 100.5 n=3's: kept)"),
    Example('* | join a usetime=true earlier=false max=0 [| makeresults count=3 | streamstats count as z | eval a="x", _time=99.5+z] | table n z', ("n", "z"),
            [(2, 3), (3, 1), (3, 2), (3, 3)], _page("join"),
            "If earlier=false, the main search results are matched only against later results from the "
            "subsearch. Results that occur at the same time (second) are not eliminated by either value."),
    Example('* | join a usetime=true earlier=false [| makeresults count=3 | streamstats count as z | eval a="x", _time=99.5+z] | table n z', ("n", "z"), [(2, 3), (3, 1)],
            _page("join"), "usetime ... to limit the matches in the subsearch results ... max ... Specifies the "
            "maximum number of subsearch results that each main search result can join with. ... Default: 1 (the "
            "first of the matches time leaves: n=2's is z=3)"),
    Example('* | join a usetime=true type=left [| makeresults | eval a="x"]', (), SplUnsupportedError,
            _page("join"), "If you use the join command with usetime=true and type=left, the search results are "
            "similar to those of an inner join. (similar: not said to be the same, so refused)"),
    Example('* | fields - _time | join a usetime=true [| makeresults | eval a="x"]', (), SplUnsupportedError,
            _page("join"), "usetime ... Used with the earlier option to limit the subsearch results to matches that "
            "are earlier or later than the main search results. (a main result without _time has no time)"),
    # transaction
    Example("* | transaction a connected=true | table a eventcount", ("a", "eventcount"),
            [("y", 1), ("x", 2)], _page("transaction"),
            "connected ... Description: Only relevant if a field or fields list is specified. If an event contains "
            "fields required by the transaction, but none of these fields have been instantiated in the transaction "
            "(added with a previous event), this opens a new transaction (connected=true) or adds the event to the "
            "transaction (connected=false). ... Default: true (the n=1 event has no a: it is in no transaction)"),
    Example("* | transaction a connected=false | table a eventcount", ("a", "eventcount"), [("y", 1), ("x", 2)],
            _TRANSACTION_4_0,
            "connected=<bool> Description: Relevant if fields is not empty. Controls whether an event that is not "
            "inconsistent and not consistent with the fields "
            "of a transaction, opens a new transaction (connected=t) or is added to the transaction. An event can be "
            "not inconsistent and not consistent if it contains fields required by the transaction but none of "
            "these fields has been instantiated in the transaction (by a previous event addition). (every event "
            "holds the one field: connected=false cannot act and gives the same)"),
    Example("* | transaction a s | table a s n eventcount", ("a", "s", "n", "eventcount"),
            [(None, "FOO", 1, 1), ("y", "foo", 10, 1), ("x", "Foo bar", (2, 3), 2)], _page("transaction"),
            "If there is a transitive relationship between the fields in the fields list and if the related events "
            "appear in the correct sequence, each with a different timestamp, transaction command will try to use "
            "it. (the n=2 event, with a=x but no s, joins the n=3 event through a=x; the n=1 event, s=FOO, shares "
            "no value and opens its own; it used to be refused)"),
    Example("* | append [| makeresults | eval n=99] | table n", ("n",), [(1,), (2,), (10,), (3,), (99,)],
            _page("append"), "Appends the results of a subsearch to the current results."),
    Example("* | appendpipe [stats count as n] | table n", ("n",), [(1,), (2,), (10,), (3,), (4,)],
            _page("appendpipe"), "Appends the result of the subpipeline to the search results."),
    Example('| makeresults | eval a=split("x,y", ",") | format', ("search",), [('( ( ( a="x" OR a="y" ) ) )',)],
            _page("format"), "mvsep: The separator to use for multivalue fields. ... Default: OR"),
    Example("* | stats count by a | return a", ("search",), [('a="x"',)], _page("return", _C2503),
            "Default: 1, which is the first row of results passed into the command. ... Field name | return source"),
    Example("* | stats count by a | return ip=a", ("search",), [('ip="x"',)], _page("return", _C2503),
            "Alias=value | return ip=srcip"),
    Example("* | stats count by a | return $a", ("search",), [("x",)], _page("return", _C2503),
            "Value | return $srcip"),
    Example("* | stats count by a | return 2 a", ("search",), [('(a="x") OR (a="y")',)], _page("return", _C2503),
            "You can specify multiple rows, for example ' return 2 ip '. Each row is viewed as an OR clause, that "
            "is, output might be ' (ip=10.1.11.2) OR (ip=10.2.12.3) '. (assumed: the value in double quotes, as "
            "for one row; the page's example shows none, but says the command \"does not escape quotation marks "
            "that are in the fields that are returned\")"),
    # replace / regex
    Example('* | replace "F*" WITH "G*" IN s | table s', ("s",), [("GOO",), (None,), ("foo",), ("Goo bar",)],
            _page("replace", _C2408), "You can use wildcard characters to match one or multiple terms. (assumed: "
            "matching is case-sensitive)"),
    Example("* | replace x WITH p, x WITH q IN a | table a", ("a",), [(None,), ("q",), ("y",), ("q",)],
            _page("replace", _C2408), "Non-wildcard replacement values specified later take precedence over those "
            "replacements specified earlier."),
    Example('* | replace "F*" WITH "A*", "Foo*" WITH "B*" IN s | table s', ("s",),
            [("AOO",), (None,), ("foo",), ("B bar",)], _page("replace", _C2408),
            "For a wildcard replacement, fuller matches take precedence over lesser matches."),
    Example('* | replace "Foo*" WITH "B*", "F*" WITH "A*" IN s | table s', ("s",),
            [("AOO",), (None,), ("foo",), ("B bar",)], _page("replace", _C2408),
            "For a wildcard replacement, fuller matches take precedence over lesser matches."),
    Example("* | replace *oo WITH zz", (), SplUnsupportedError, _page("replace", _C2408),
            "Does not replace values in fields generated by stats or eval functions. If you do not specify a field, "
            "the value is replaced in all non-generated fields. (the engine does not track generated fields)"),
    Example('* | regex s="^F" | table n', ("n",), [(1,), (3,)], _page("regex"),
            "Removes results that do not match the specified regular expression."),
    Example('* | regex s!="^F" | table n', ("n",), [(2,), (10,)], _page("regex"),
            "To keep results that do not match, specify <field>!=<regex-expression>."),
)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.search[:70])
def test_documented_example(example: Example) -> None:
    """The engine gives the page's stated result, or refuses a form it does not implement."""
    if example.expected is SplUnsupportedError:
        with pytest.raises(SplUnsupportedError):
            _run(example)
        return
    assert _run(example) == example.expected, f"{example.page}: {example.quote}"


# Searches a page calls invalid: refused as a syntax error at parse time, never run.
INVALID: tuple[Example, ...] = (
    Example("* | rename a as b, a as c", (), None, _page("rename"),
            "You can't rename one field with multiple names. For example if you have field A, you can't specify "
            "| rename A as B, A as C."),
    Example("* | stats first(n) AS site, first(n) AS report", (), None, _page("rename"),
            "This rule also applies to other commands where you can rename fields, such as the stats command. The "
            "following example is not valid: ... | stats first(host) AS site, first(host) AS report"),
    Example("* | rename a* AS b", (), None, _page("rename"),
            "Both the original and renamed fields must include the same number of wildcards, otherwise a wildcard "
            "mismatch error is returned."),
    Example("| makeresults count=7 | head 5 limit=3", (), None, _page("head"),
            "Using both the numeric limit and limit=<int> results in an error."),
    Example('* | replace "F*" WITH "G**" IN s', (), None, _page("replace", _C2408),
            "When using wildcard replacements, the result must have the same number of wildcards, or none at all."),
)


@pytest.mark.parametrize("example", INVALID, ids=lambda e: e.search[:70])
def test_invalid_example(example: Example) -> None:
    """A search the page says is not valid is refused when parsed, not answered."""
    with pytest.raises(SplSyntaxError):
        _run(example)


def test_iplocation_refuses_a_language_it_cannot_render() -> None:
    """iplocation's lang= changes what the fields hold ("Renders the resulting strings in different languages.
    For example, use lang=es for Spanish. ... Specify lang=code to return the fields as two letter ISO
    abbreviations."); the engine's table holds English names, so any other language is refused, not ignored."""
    engine = make_engine()
    for lang in ("es", "code"):
        with pytest.raises(SplUnsupportedError, match=f"lang={lang}"):
            engine.parse(f'| makeresults | eval ip="192.0.2.1" | iplocation lang={lang} ip')
    engine.parse('| makeresults | eval ip="192.0.2.1" | iplocation lang=en ip')  # English: what the table holds


@pytest.mark.parametrize(("search", "at"), [
    ("* | dedup a sortby -n, n", "n"),
    ("* | dedup a sortby num(n)", "num(n)"),
    ('* | join a earlier=false usetime=true type=left [| makeresults | eval a="x"]', "true"),
])
def test_refusal_points_at_the_option(search: str, at: str) -> None:
    """A refused option is named at its value's (or sort field's) column, the last occurrence of ``at``, not at the
    command's."""
    with pytest.raises(SplUnsupportedError) as caught:
        rows(make_engine(EVENTS), search)
    assert caught.value.offset == search.rindex(at), str(caught.value)


def test_transaction_refuses_a_partial_event_at_the_command() -> None:
    """Found while running: with startswith= the error names the fields the event has and lacks, at
    transaction's column."""
    search = "* | transaction a s startswith=(n=3)"
    with pytest.raises(SplUnsupportedError, match="an event with a but not s") as caught:
        rows(make_engine(EVENTS), search)
    assert caught.value.offset == search.index("transaction")
