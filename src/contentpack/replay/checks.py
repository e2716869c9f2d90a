"""The pass/fail checks of one detection test, each a pure function of the detection, the test and its rows.

* ``expected_results`` (our extension): the exact number of result rows; 0 makes a must-miss test.
* ``expected_rows`` (our extension): each field → value subset matches at least one row (a multivalue field
  matches when one of its values equals the expected text). ``row_matches`` is that comparison's one home: the
  scheduled replay's ``expected_notable_rows`` compares a notable's fields by it too.
* contentctl's pass rule (escu_format.md §4, "PASS requires"): ``resultCount > 0``; every risk-object field
  present and not ``null`` in every result; every threat-object field non-null in at least one result. It is
  checked whenever the test expects results (``expected_results`` unset or > 0); a must-miss test cannot
  meet ``resultCount > 0`` by design, which is why contentctl has no negative tests and we do.

Beside the checks, a test's warnings: the job messages of the searches it ran (``job_warnings``), which do not
fail it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from contentpack.content.model import Detection, NodePath, UnitTest
from contentpack.cut_lists import count_text, cut_list
from contentpack.spl import Results
from contentpack.spl.values import Value, mv_values, to_str

Row = Mapping[str, Value]
_NULL_TEXTS = ("", "null")


@dataclass(frozen=True)
class CheckResult:
    # what is checked, as a path of keys: the check's ``name`` (``("expected_rows", 0)`` is ``expected_rows[0]``)
    # and, when ``placed``, where the expectation is written under the test's ``tests[i]`` entry (its ``node``)
    key: NodePath
    ok: bool
    detail: str = ""
    # False for a check no key of the test writes (contentctl's pass rule, a drilldown's): reported at the entry
    placed: bool = True

    @property
    def name(self) -> str:
        """``key`` as it reads in a report: ``expected_risk[host1]``, ``expected_results``."""
        head, *indexes = self.key
        return f"{head}" + "".join(f"[{index}]" for index in indexes)

    @property
    def node(self) -> NodePath:
        """Where the expectation checked is written, under the test's ``tests[i]`` entry (``("expected_rows", 0)``,
        ``("expected_results",)``): a failure is reported there (``runner``), an editor's jump landing on the row,
        count or notable that was not found; () the entry itself (a check not ``placed``)."""
        return self.key if self.placed else ()


def job_warnings(what: str, results: Results) -> list[str]:
    """A search's job messages as the test's warnings: the rows the checks judged are what Splunk would return,
    and Splunk would say the same beside them."""
    return [message.said_by(what) for message in results.messages]


def _is_null(value: Value) -> bool:
    texts = [to_str(v) for v in mv_values(value)]
    return all(text is None or text in _NULL_TEXTS for text in texts)


def row_matches(row: Row, expected: Mapping[str, str]) -> bool:
    """Every expected field has the expected text among its values (one of them, for a multivalue field)."""
    return all(str(want) in [to_str(v) for v in mv_values(row.get(name))] for name, want in expected.items())


FIELDS_SHOWN = 6  # a row's fields a failure's detail shows, beside any more the expectation names


def _field_text(name: str, value: Value) -> str:
    """``name=value``, a multivalue field's values joined by ``|``; a null field (Splunk's absent) ``(absent)``."""
    if value is None:
        return f"{name}=(absent)"
    return f"{name}={'|'.join(t for t in (to_str(v) for v in mv_values(value)) if t is not None)}"


def _row_text(row: Row, named: Sequence[str]) -> str:
    """The ``named`` fields first, each whatever its place in the row, then the row's other fields (internal
    fields left out) up to ``FIELDS_SHOWN`` in all, and how many were cut: a field past the cut is never read
    as missing."""
    others = [name for name in row if not name.startswith("_") and name not in named]
    fields = cut_list([*named, *others], max(FIELDS_SHOWN, len(named)), lambda name: _field_text(name, row.get(name)),
                      ", ", "fields")
    return "{" + fields + "}"


def rows_text(rows: Sequence[Row], shown: int = 3, named: Sequence[str] = ()) -> str:
    """The first rows, short (``_row_text``), for a failure's detail."""
    return cut_list(rows, shown, lambda row: _row_text(row, named))


def result_checks(detection: Detection, test: UnitTest, rows: Sequence[Row]) -> list[CheckResult]:
    """The checks of a test's rows, in order: ``expected_results``, each ``expected_rows[i]``, contentctl's pass
    rule. The rows that came back are shown once, by the first failed check (with the fields every failed
    expectation names first), the later failures saying ``rows as above``: a wrong count and a missing row each
    repeated the same rows, tens of lines of a terminal."""
    counted = expected_results_check(test, rows, _unmatched_fields(test, rows))
    return [*counted, *expected_rows_checks(test, rows, rows_above=any(not c.ok for c in counted)),
            *contentctl_pass_rule(detection, test, rows)]


def _unmatched_fields(test: UnitTest, rows: Sequence[Row]) -> list[str]:
    """The fields the expected rows no row matches name, each once, in the order they are named."""
    unmatched = [expected for expected in test.expected_rows if not any(row_matches(row, expected) for row in rows)]
    return list(dict.fromkeys(name for expected in unmatched for name in expected))


def expected_results_check(test: UnitTest, rows: Sequence[Row], named: Sequence[str] = ()) -> list[CheckResult]:
    """The count of rows; a wrong count shows the rows (``named`` fields first)."""
    if test.expected_results is None:
        return []
    ok = len(rows) == test.expected_results
    detail = f"{count_text(len(rows))} result(s), expected {count_text(test.expected_results)}"
    if not ok and rows:
        detail += f"; rows: {rows_text(rows, named=named)}"
    return [CheckResult(("expected_results",), ok, detail)]


def expected_rows_checks(test: UnitTest, rows: Sequence[Row], rows_above: bool = False) -> list[CheckResult]:
    """One check per expected row; the first failure shows the rows (the fields of every failed one first) unless
    ``rows_above`` (a check before showed them), the others say ``rows as above``."""
    out = []
    named = _unmatched_fields(test, rows)
    for index, expected in enumerate(test.expected_rows):
        ok = any(row_matches(row, expected) for row in rows)
        shown = ", ".join(f"{k}={v}" for k, v in expected.items())
        if ok:
            out.append(CheckResult(("expected_rows", index), True, f"matched: {shown}"))
            continue
        if not rows:
            came_back = "; no rows"
        elif rows_above:
            came_back = f"; {closest_row_text(rows, expected)}; rows as above"
        else:
            came_back, rows_above = f"; {closest_row_text(rows, expected)}; rows: {rows_text(rows, named=named)}", True
        out.append(CheckResult(("expected_rows", index), False, f"no row has: {shown}{came_back}"))
    return out


DIFFERENCES_SHOWN = 3  # the differing fields a failure names, the rest counted
VALUE_SHOWN = 40  # characters of a value a difference quotes


def closest_row_text(rows: Sequence[Row], expected: Mapping[str, str]) -> str:
    """``closest row differs in app_id (expected 'B81F', found 'b81f': case differs), count (expected '3', found
    '2')``: of the rows, the first matching the most expected fields, and the fields it does not match. A
    walkthrough's failure listed the expected fields and the rows, and left the author to find the one differing
    value by eye (an id's case, among 36-character ids). Bounded: a few fields, each value cut."""
    def unmatched(row: Row) -> list[str]:
        return [name for name, want in expected.items() if not row_matches(row, {name: want})]

    def distance(row: Row) -> tuple[int, int]:  # of rows as far, one holding the field tells more than one without
        differing = unmatched(row)
        return len(differing), sum(1 for name in differing if row.get(name) is None)

    closest = min(rows, key=distance)
    return "closest row differs in " + cut_list(unmatched(closest), DIFFERENCES_SHOWN,
                                                lambda name: _difference(name, str(expected[name]),
                                                                         closest.get(name)), ", ")


def _difference(name: str, want: str, value: Value) -> str:
    """``name (expected 'x', found 'y')``, with ``: case differs`` when only case does; ``absent`` for a null
    field (Splunk's absent, as ``rows_text`` shows it), a multivalue field's values joined by ``|``."""
    found = [text for text in (to_str(v) for v in mv_values(value)) if text is not None]
    if not found:
        return f"{name} (expected {_quoted(want)}, absent)"
    case = ": case differs" if any(text.lower() == want.lower() for text in found) else ""
    return f"{name} (expected {_quoted(want)}, found {_quoted('|'.join(found))}{case})"


def _quoted(text: str) -> str:
    """``'text'``, cut to ``VALUE_SHOWN`` characters with ``...`` marking the cut."""
    return f"'{text[:VALUE_SHOWN]}...'" if len(text) > VALUE_SHOWN else f"'{text}'"


def contentctl_pass_rule(detection: Detection, test: UnitTest, rows: Sequence[Row]) -> list[CheckResult]:
    if test.expected_results == 0:
        return []
    problems: list[str] = []
    if not rows:
        problems.append("no results (contentctl requires resultCount > 0)")
    rba = detection.rba
    if rba is not None and rows:
        for risk in rba.risk_objects:
            missing = sum(1 for row in rows if _is_null(row.get(risk.field)))
            if missing:
                problems.append(f"risk object field '{risk.field}' is null in {count_text(missing)} of "
                                f"{count_text(len(rows))} result(s)")
        for threat in rba.threat_objects:
            if all(_is_null(row.get(threat.field)) for row in rows):
                problems.append(f"threat object field '{threat.field}' is null in every result")
    return [CheckResult(("contentctl_pass_rule",), not problems, "; ".join(problems) or "passed", placed=False)]
