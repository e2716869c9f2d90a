"""``$token$`` text: balanced (CP044) and not attacker-controlled in drilldowns (CP045, a warning)."""

from __future__ import annotations

from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, error, warning
from contentpack.content.model import Detection, NodePath, Pack
from contentpack.content.rules import RuleContext
from contentpack.content.rules.search import data_source_entries
from contentpack.content.rules.spl_text import scan_tokens


def _token_texts(detection: Detection) -> Iterator[tuple[str, str, NodePath]]:
    """(what, text, node) for the author-written texts ES substitutes ``$field$`` tokens in."""
    if detection.rba is not None:
        yield "rba message", detection.rba.message, ("rba", "message")
    for index, drilldown in enumerate(detection.drilldown_searches):
        yield "drilldown name", drilldown.name, ("drilldown_searches", index, "name")
        yield "drilldown search", drilldown.search, ("drilldown_searches", index, "search")
        for key in ("earliest_offset", "latest_offset"):
            value = getattr(drilldown, key)
            if value is not None:
                yield f"drilldown {key}", value, ("drilldown_searches", index, key)


def balanced_tokens(context: RuleContext) -> Iterator[Diagnostic]:
    """CP044: a stray ``$`` swallows text up to the next one, so ES substitutes garbage or nothing."""
    for detection in context.pack.detections:
        for what, text, node in _token_texts(detection):
            if "$" not in text:
                continue
            problem = scan_tokens(text).problem
            if problem is not None:
                yield error(detection.source.at(*node), "CP044", f"{what}: {problem}")


def _attacker_fields(pack: Pack, detection: Detection) -> dict[str, str]:
    """Token name → declared attacker-controlled field it stands for.

    A search that does ``rename properties.* as *`` lets the author write ``$appDisplayName$`` for
    ``properties.appDisplayName``, so both spellings are matched.
    """
    names: dict[str, str] = {}
    for name in data_source_entries(detection):
        data_source = pack.data_source(name)
        if data_source is None:
            continue
        for field in data_source.attacker_controlled_fields:
            names.setdefault(field, field)
            if field.startswith("properties."):
                names.setdefault(field.removeprefix("properties."), field)
    return names


def attacker_controlled_drilldown_tokens(context: RuleContext) -> Iterator[Diagnostic]:
    """CP045 (warning): a drilldown token the attacker chooses lets them shape the analyst's next search."""
    for detection in context.pack.detections:
        risky = _attacker_fields(context.pack, detection)
        if not risky:
            continue
        for index, drilldown in enumerate(detection.drilldown_searches):
            for key in ("name", "search"):
                text = getattr(drilldown, key)
                for token in dict.fromkeys(scan_tokens(text).tokens):
                    if token in risky:
                        yield warning(
                            detection.source.at("drilldown_searches", index, key),
                            "CP045",
                            f"drilldown {key} uses ${token}$, and '{risky[token]}' is attacker-controlled "
                            "(its value can inject search text): prefer a field the tenant controls",
                        )


RULES = (balanced_tokens, attacker_controlled_drilldown_tokens)
