"""The pack's macros as the SPL engine takes them: one home for validate (SPL checks) and replay.

Keyed as macros.conf stanzas (``name`` or ``name(N)``), plus the ``<stem>_filter`` macro the build generates
for every detection (``search *``, as contentctl does) unless the pack defines it.
"""

from __future__ import annotations

from contentpack.content.model import Pack
from contentpack.spl import MacroDef

FILTER_DEFINITION = "search *"


def pack_macros(pack: Pack) -> dict[str, MacroDef]:
    """The pack's macros keyed as macros.conf stanzas, plus a ``search *`` filter macro per detection."""
    macros: dict[str, MacroDef] = {}
    for macro in pack.macros:
        definition = MacroDef(macro.name, tuple(macro.arguments), macro.definition)
        macros[definition.key] = definition
    for detection in pack.detections:
        macros.setdefault(detection.filter_macro, MacroDef(detection.filter_macro, (), FILTER_DEFINITION))
    return macros
