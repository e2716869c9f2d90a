"""Identity and references across files: unique ids (CP040) and names (CP041), stories (CP042) and data
sources (CP043) that resolve."""

from __future__ import annotations

from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import SourceMap
from contentpack.content.rules import RuleContext, clashes
from contentpack.content.rules.naming import named_objects
from contentpack.spl.suggest import did_you_mean


def _ids(context: RuleContext) -> Iterator[tuple[str, str, SourceMap]]:
    pack = context.pack
    yield from (("detection", d.id, d.source) for d in pack.detections)
    yield from (("story", s.id, s.source) for s in pack.stories)
    yield from (("data source", d.id, d.source_map) for d in pack.data_sources)
    yield from (("lookup", lk.id, lk.source) for lk in pack.lookups)


def unique_ids(context: RuleContext) -> Iterator[Diagnostic]:
    """CP040: ids identify content in ES (detection_id) and across versions; a copy-pasted id collides."""
    for (kind, ident, source), others in clashes(_ids(context), lambda item: item[1].lower()):
        places = " and ".join(f"the {other_kind} in {other.at('id')}" for other_kind, _, other in others)
        yield error(source.at("id"), "CP040", f"{kind} id {ident} is also used by {places}")


def unique_names(context: RuleContext) -> Iterator[Diagnostic]:
    """CP041: names are stanza names and reference keys; two objects with one name are ambiguous."""
    # names differing only in case collide too (file names, Splunk's lookups of them)
    for (kind, name, source), others in clashes(named_objects(context), lambda item: item[1].casefold()):
        places = " and ".join(
            f"the {other_kind} in {other.at('name')}"
            + ("" if other_name == name else f" (as '{other_name}': names may not differ only in case)")
            for other_kind, other_name, other in others
        )
        yield error(source.at("name"), "CP041", f"{kind} name '{name}' is also used by {places}")


def stories_resolve(context: RuleContext) -> Iterator[Diagnostic]:
    """CP042: every tags.analytic_story names a story in stories/."""
    pack = context.pack
    for detection in pack.detections:
        for index, name in enumerate(detection.tags.analytic_story):
            if pack.story(name) is None and not context.may_be_broken("story", name):
                yield error(
                    detection.source.at("tags", "analytic_story", index),
                    "CP042",
                    f"analytic story '{name}' is not defined in stories/"
                    f"{did_you_mean(name, (story.name for story in pack.stories))}",
                )


def data_sources_resolve(context: RuleContext) -> Iterator[Diagnostic]:
    """CP043: every data_source entry (each side of "A AND B") names a data source in data_sources/."""
    pack = context.pack
    for detection in pack.detections:
        for index, entry in enumerate(detection.data_source):
            for name in (part.strip() for part in entry.split(" AND ")):
                if pack.data_source(name) is None and not context.may_be_broken("data_source", name):
                    yield error(
                        detection.source.at("data_source", index),
                        "CP043",
                        f"data source '{name}' is not defined in data_sources/"
                        f"{did_you_mean(name, (source.name for source in pack.data_sources))}",
                    )


RULES = (unique_ids, unique_names, stories_resolve, data_sources_resolve)
