"""CP076 (warning): a ``sort`` sign written apart from its field also orders the later fields written without one.

searchbnf.conf's sort description: "If white space follows "+/-", the sort order is applied to all following
fields without a different explicit sort order", so ``sort 0 - score - total user`` orders ``user`` descending
too (the engine sorts so, ``spl.commands.ordering``). Read as "``-`` on ``score``, ``-`` on ``total``, ``user``
ascending", the tie-break runs the other way: the pack's own risk correlation named the last of the users tied on
score as the finding's ``risk_object`` until v15. Valid SPL, and sometimes meant, so a warning, reported at the
detection's ``search`` with the command; the fix either way is a sign against each field. Searches read as every
SPL rule reads them (the pack's macros expanded, ``RuleContext.spl``); drilldown searches are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from contentpack.content.diagnostics import Diagnostic, warning
from contentpack.content.rules import RuleContext

if TYPE_CHECKING:  # the engine is imported only when a search is judged
    from contentpack.spl.commands.ordering import SortKey

RULE_CARRIED_SORT_SIGN = "CP076"
_RULE_TEXT = ('searchbnf.conf\'s sort description: "If white space follows "+/-", the sort order is applied to all '
              'following fields without a different explicit sort order"')


def carried_sort_signs(context: RuleContext) -> Iterator[Diagnostic]:
    """CP076 (see the module docstring): one warning per ``sort`` with a carried sign (``dedup``'s sortby refuses a
    field without a sign of its own, so it carries none)."""
    from contentpack.spl.commands.ordering import DEFAULT_SORT_LIMIT, SortCommand

    for detection in context.pack.detections:
        expanded = context.spl.expanded_text(detection.search)
        if expanded is None or "sort" not in expanded.lower():
            continue
        for _, command in context.spl.readable_commands(expanded, "sort"):
            if not isinstance(command, SortCommand):
                continue
            carried = [key for key in command.keys if key.carried]
            if not carried:
                continue
            order = "descending" if carried[0].descending else "ascending"
            fields = ", ".join(key.field for key in carried)
            count = "" if command.limit == DEFAULT_SORT_LIMIT else f"{command.limit} "  # pasted, it sorts as many
            written = count + " ".join(_signed(key) for key in command.keys)
            yield warning(
                detection.source.at("search"), RULE_CARRIED_SORT_SIGN,
                f"sort orders {fields} {order} too: a sign written apart from its field applies to every later "
                f"field without one ({_RULE_TEXT}); write a sign against each field, e.g. 'sort {written}' for "
                f"what this sort does")


def _signed(key: SortKey) -> str:
    """``-score``, ``+num(total)``: the key as written with its own sign."""
    field = key.field if key.mode == "auto" else f"{key.mode}({key.field})"
    return ("-" if key.descending else "+") + field


RULES = (carried_sort_signs,)
