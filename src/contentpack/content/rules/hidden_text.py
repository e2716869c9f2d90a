"""CP083: no SPL text of the pack (a detection's ``search``, a drilldown's ``search``, a macro's ``definition``)
holds a Unicode format character (general category ``Cf``): the bidirectional controls (U+202A..U+202E,
U+2066..U+2069, U+200E, U+200F, U+061C), the zero-width characters (U+200B..U+200D, U+2060, U+FEFF), the soft
hyphen (U+00AD), the tag characters (U+E0000..U+E007F) and the rest of the category.

Why: such a character is not seen where the search is reviewed, yet it is part of what Splunk runs. A zero-width
space pasted with a value (``status.errorCode=65004`` copied from a web page) makes a term that matches nothing,
and the detection is silent with nothing to see in its text; a bidirectional control shows the text around it in
another order than the one Splunk reads, the "Trojan Source" way of hiding logic from a reviewer (CVE-2021-42574,
Boucher and Anderson, *Trojan Source: Invisible Vulnerabilities*). ``build`` writes them to the .conf files
unchanged (they are no control characters, CP049), so only ``validate`` can stop them. A search that must match
one in the data writes it as an escape: ``\\x{200B}`` in a regular expression, ``urldecode("%E2%80%8B")`` in
``eval``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import NodePath, SourceMap
from contentpack.content.rules import RuleContext
from contentpack.content.rules.spl_checks import Positions

RULE_HIDDEN = "CP083"


def format_character(text: str) -> int | None:
    """The offset of the first format character (category ``Cf``) in ``text``; None when there is none."""
    if text.isascii():  # nearly every search: one fast pass
        return None
    for offset, char in enumerate(text):
        if not char.isascii() and unicodedata.category(char) == "Cf":
            return offset
    return None


def hidden_characters(context: RuleContext) -> Iterator[Diagnostic]:
    """CP083 (see the module docstring), at the character, once per text."""
    pack = context.pack
    texts: list[tuple[SourceMap, NodePath, str, str]] = [
        (d.source, ("search",), d.search, f"detection '{d.name}' search") for d in pack.detections]
    texts += [(d.source, ("drilldown_searches", i, "search"), drill.search,
               f"drilldown {i + 1} of detection '{d.name}'")
              for d in pack.detections for i, drill in enumerate(d.drilldown_searches)]
    texts += [(m.source, ("definition",), m.definition, f"macro '{m.name}' definition") for m in pack.macros]
    positions = Positions(context.root)
    for source, node, text, owner in texts:
        offset = format_character(text)
        if offset is None:
            continue
        char = text[offset]
        name = unicodedata.name(char, "unnamed")
        yield error(positions.at(source, node, text, offset), RULE_HIDDEN,
                    f"{owner} holds U+{ord(char):04X} ({name}), an invisible format character: it is not seen "
                    "where the search is reviewed but Splunk runs it (a term holding it matches nothing; a "
                    "bidirectional control shows the text in another order than Splunk reads it); delete it, or "
                    f"write it as an escape (\\x{{{ord(char):04X}}} in a regular expression, "
                    f"urldecode(\"{_percent(char)}\") in eval)")


def _percent(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


RULES = (hidden_characters,)
