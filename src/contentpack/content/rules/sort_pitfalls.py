"""``sort`` pitfalls in a detection's search: valid SPL that silently does other than it reads (warnings).

* CP076: a ``sort`` sign written apart from its field also orders the later fields written without one.
  searchbnf.conf's sort description: "If white space follows "+/-", the sort order is applied to all following
  fields without a different explicit sort order", so ``sort 0 - score - total user`` orders ``user`` descending
  too (the engine sorts so, ``spl.commands.ordering``). Read as "``-`` on ``score``, ``-`` on ``total``, ``user``
  ascending", the tie-break runs the other way: the pack's own risk correlation named the last of the users tied
  on score as the finding's ``risk_object`` until v15. Sometimes meant, so a warning, placed at the ``sort`` as
  CP081 is; the fix either way is a sign against each field.
* CP081: a ``sort`` without a count keeps only the first 10,000 results (Search Reference, sort, cited in
  ``spl.commands.ordering``, which cuts there too: "If no count is specified,
  the default limit of 10000 is used. If 0 is specified, all results are returned."), so a detection sorting a
  busy tenant's day silently drops the rows past 10,000, the least-counted first when it sorts descending: the
  pack's OAuth Consent Prompts for Unlisted Application wrote ``sort - user_count`` until v10. Sometimes meant (a
  top N), so a warning, placed at the ``sort`` (``spl_checks.search_finding``: in a macro's definition when the
  macro writes it); the fix is ``sort 0 ...``, or a count of its own when the truncation is meant.

Searches are read as every SPL rule reads them (the pack's macros expanded, ``RuleContext.spl``). Drilldown
searches are not judged: an analyst reads their results, sorted for reading, and sees a cut list as one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from contentpack.content.diagnostics import Diagnostic, warning
from contentpack.content.model import Detection
from contentpack.content.rules import RuleContext
from contentpack.content.rules.spl_checks import Positions, search_finding

if TYPE_CHECKING:  # the engine is imported only when a search is judged
    from contentpack.spl.commands.ordering import SortCommand, SortKey

RULE_CARRIED_SORT_SIGN = "CP076"
RULE_SORT_WITHOUT_COUNT = "CP081"
_RULE_TEXT = ('searchbnf.conf\'s sort description: "If white space follows "+/-", the sort order is applied to all '
              'following fields without a different explicit sort order"')
_DEFAULT_COUNT = ('the sort page: "If no count is specified, the default limit of 10000 is used. If 0 is specified, '
                  'all results are returned."')
_COMMAND_TEXT = re.compile(r"[^|\]]*")  # a sort's text: up to the next command, or the end of its subsearch


def _detection_sorts(context: RuleContext) -> Iterator[tuple[Detection, str, int, SortCommand]]:
    """(detection, its search expanded, offset of the command in it, command) of each ``sort`` of each detection's
    search, read as every SPL rule reads it (the pack's macros expanded)."""
    from contentpack.spl.commands.ordering import SortCommand

    for detection in context.pack.detections:
        expanded = context.spl.expanded_text(detection.search)
        if expanded is None or "sort" not in expanded.lower():
            continue
        for base, command in context.spl.readable_commands(expanded, "sort"):
            if isinstance(command, SortCommand):
                yield detection, expanded, base + command.offset, command


def _sort_finding(context: RuleContext, positions: Positions, detection: Detection, expanded: str, at: int,
                  rule: str, message: Callable[[str], str]) -> Diagnostic:
    """A warning at the ``sort`` that starts at ``at`` of the expanded search (``spl_checks.search_finding``: in
    the search's own text, in a macro's definition that writes it, or at the macro call); ``message`` is given the
    command as written, on one line."""
    written = _COMMAND_TEXT.match(expanded, at)
    text = expanded[at:written.end() if written else len(expanded)].rstrip()
    return search_finding(context, positions, detection, warning, rule, message(" ".join(text.split())), (at, 0),
                          re.compile(rf"(?<![\w.])(?={re.escape(text)})"))


def carried_sort_signs(context: RuleContext) -> Iterator[Diagnostic]:
    """CP076 (see the module docstring): one warning per ``sort`` with a carried sign (``dedup``'s sortby refuses a
    field without a sign of its own, so it carries none), at the command (one a macro writes is found in every
    search calling the macro, the same finding: validate keeps each finding once)."""
    positions = Positions(context.root)
    for detection, expanded, at, command in _detection_sorts(context):
        carried = [key for key in command.keys if key.carried]
        if carried:
            order = "descending" if carried[0].descending else "ascending"
            fields = ", ".join(key.field for key in carried)
            count = "" if command.limit is None else f"{command.limit} "  # pasted, it sorts as many
            signed = count + " ".join(_signed(key) for key in command.keys)
            yield _sort_finding(
                context, positions, detection, expanded, at, RULE_CARRIED_SORT_SIGN,
                lambda _: f"sort orders {fields} {order} too: a sign written apart from its field applies to "
                          f"every later field without one ({_RULE_TEXT}); write a sign against each field, "
                          f"e.g. 'sort {signed}' for what this sort does")


def _signed(key: SortKey) -> str:
    """``-score``, ``+num(total)``: the key as written with its own sign."""
    field = key.field if key.mode == "auto" else f"{key.mode}({key.field})"
    return ("-" if key.descending else "+") + field


def sorts_without_count(context: RuleContext) -> Iterator[Diagnostic]:
    """CP081 (see the module docstring): one warning per ``sort`` written without a count, at the command; a
    ``sort`` a macro's definition writes is the same finding from every search calling the macro, which validate
    keeps once."""
    positions = Positions(context.root)

    def message(shown: str) -> str:
        arguments = shown[len("sort"):].strip()
        return (f"'{shown}' keeps only the first 10,000 results and drops the rest ({_DEFAULT_COUNT}); write "
                f"'sort 0 {arguments}' to keep every result, or a count of its own if the cut is meant")

    return (_sort_finding(context, positions, detection, expanded, at, RULE_SORT_WITHOUT_COUNT, message)
            for detection, expanded, at, command in _detection_sorts(context) if command.limit is None)


RULES = (carried_sort_signs, sorts_without_count)
