"""Dates (CP034): content dated in the future (UTC) is a typo contentctl also rejects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import SourceMap
from contentpack.content.rules import RuleContext


def _dated(context: RuleContext) -> Iterator[tuple[dt.date, SourceMap]]:
    pack = context.pack
    yield from ((d.date, d.source) for d in pack.detections)
    yield from ((s.date, s.source) for s in pack.stories)
    yield from ((d.date, d.source_map) for d in pack.data_sources)
    yield from ((lk.date, lk.source) for lk in pack.lookups)


def date_not_in_future(context: RuleContext) -> Iterator[Diagnostic]:
    for date, source in _dated(context):
        if date > context.today:
            yield error(
                source.at("date"), "CP034", f"date {date.isoformat()} is in the future (today is {context.today} UTC)"
            )


RULES = (date_not_in_future,)
