"""CP075 (warning): a throttle field the search makes with ``values()`` or ``list()`` can hold several values.

ES throttles a detection's results by ``alert.suppress.fields`` (``tags.throttling.fields``): per combination of
their values, the first result fires and the same values are suppressed for the period (Splunk Alerting Manual,
"Throttle alerts"). No Splunk page read says how a field holding several values is keyed — each value, the
first, all of them joined — and each reading suppresses different findings. The replay refuses such a result
(RP007, ``simulate/throttle.py`` ``MultivalueKey``), but only when a test's data happens to produce one; this
rule tells the author from the search alone.

Kept to what is certain, so it never reports a one-value field: a field is flagged only when it is an output
of ``values(...)`` or ``list(...)`` in the search's last ``stats`` (or of a later ``eventstats``/``streamstats``),
or a later command certainly passes such values on, and no later command may have made it one value again.
Followed after that ``stats``, on the engine's parse of the pack-expanded search that every SPL rule shares
(``RuleContext.spl``), by each command's own registration of what it does to a field's values
(``CommandSpec.multivalue``, beside the command's parser in ``spl/commands``; for ``eval``, each function's
``FunctionSpec.keeps_values``, ``span_args``, ``zips_values``, ``makes_from_arity``): ``eval f=coalesce(f, g)``,
``coalesce(g, f)``, ``mvdedup(f)``, ``mvsort(f)``, ``mvappend(f, ...)``, ``mvindex(f, i, j)`` (but not from an
index to itself or before it, ``mvindex(f, 0, 0)``), ``mvfilter(<expression of f>)``, ``mvmap(f, ...)``, ``g=f``,
``if(c, g, f)`` or a ``case`` value keep or pass on the values (either branch can be the one taken), ``mvzip`` of
two such fields pairs them, ``split``, ``mvrange`` and an ``mvappend`` of two or more values make several, any
other assignment (``mvjoin``, ``mvindex(f, i)``, ``mvcount``…) ends the certainty; ``rex …
max_match=0`` (or more than 1) makes its groups multivalue, the field it reads keeps what it holds; a ``lookup …
OUTPUT`` field is no longer certain (several table rows may match, but whether they do is the table's data), its
input fields and a lone ``OUTPUTNEW`` field keep theirs; ``mvexpand`` and ``makemv`` end it for their field;
``rename`` moves it; ``table``/``fields`` end it for a field they drop; commands that only filter, order or pick
results keep it. A command with no such registration after the last ``stats`` (``join``, ``append``, a ``lookup``
without an output clause, ``spath`` without a path, ``timechart``…), or a search the engine cannot split or parse,
leaves the detection unjudged: no finding.

A warning, not an error: that the field can hold several values is certain, that it does in production is not
(``values(app_id) by client_sp_id`` may hold one value in every real result), and a multivalue key is not
known to be wrong, only not known to be right (as CP072's "can be raised again"); ``validate --strict`` fails
on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from contentpack.content.diagnostics import Diagnostic, warning
from contentpack.content.model import Detection
from contentpack.content.rules import RuleContext

if TYPE_CHECKING:  # the engine is imported only when a throttled detection is judged (``RuleContext.spl``)
    from contentpack.content.rules.spl_analysis import SplAnalysis

RULE_MULTIVALUE_THROTTLE = "CP075"

Flagged = dict[str, str]  # field name -> what made it, e.g. "the search's stats makes it with values(scope)"


def multivalue_results(analysis: SplAnalysis, search: str) -> Flagged:
    """The result fields of ``search`` that certainly can hold several values (see the module docstring), each
    with the aggregation that made it; empty when none is, or the search is not judged. CP029 reads drilldown
    tokens and CP087 risk message tokens through it too (``search.multivalue_fields``): one reading of what
    follows the stats, worked out once per search text (``SplAnalysis.multivalued``) for the three rules.
    Callers must not change the answer."""
    found = analysis.multivalued.get(search)
    if found is None:
        found = analysis.multivalued[search] = _read_multivalues(analysis, search)
    return found


def _read_multivalues(analysis: SplAnalysis, search: str) -> Flagged:
    """``multivalue_results``, worked out: each command from the last ``stats`` on, by its registration."""
    expanded = analysis.expanded_text(search)
    segments = analysis.segments(expanded) if expanded is not None else None
    if expanded is None or not segments:
        return {}
    words = [segment.text.split(None, 1) for segment in segments]
    last = max((index for index, word in enumerate(words) if word and word[0].lower() == "stats"), default=None)
    if last is None:
        return {}
    from contentpack.spl.commands import multivalues_after
    from contentpack.spl.commands.base import CommandNode

    flagged: Flagged = {}
    for index in range(last, len(segments)):
        command = analysis.command(expanded, index)
        followed = multivalues_after(command, flagged) if isinstance(command, CommandNode) else None
        if followed is None:
            return {}
        flagged = followed
    return flagged


def _findings(detection: Detection, flagged: Flagged) -> Iterator[Diagnostic]:
    throttling = detection.tags.throttling
    assert throttling is not None
    for index, name in enumerate(throttling.fields):
        made = flagged.get(name)
        if made is None:
            continue
        yield warning(
            detection.source.at("tags", "throttling", "fields", index), RULE_MULTIVALUE_THROTTLE,
            f"throttling field '{name}' can hold several values ({made}), "
            "and no Splunk page says how alert suppression keys a multivalue field (each value? the first? all of "
            "them?), so which findings the throttle suppresses is unknown (the replay refuses such a result, "
            f"RP007); throttle on one value instead: | eval {name}_key=mvjoin(mvsort({name}), \" \") and list "
            f"{name}_key in tags.throttling.fields")


def multivalue_throttle_fields(context: RuleContext) -> Iterator[Diagnostic]:
    """CP075 (see the module docstring), at each flagged entry of ``tags.throttling.fields``."""
    for detection in context.pack.detections:
        if detection.tags.throttling is None or not detection.tags.throttling.fields:
            continue
        flagged = multivalue_results(context.spl, detection.search)
        if flagged:
            yield from _findings(detection, flagged)


RULES = (multivalue_throttle_fields,)
