"""JSON-valued .conf settings (``_risk``, ``annotations``, ``drilldown_searches``…) in the two styles we write.

``compact`` (default) is how Enterprise Security itself re-serialises these settings when an analyst saves a
correlation search (security_content issue #3769, contentctl issue #142): sorted keys, no spaces. Writing it
that way means a save in ES does not copy unchanged JSON into ``local/`` and pin it against later updates.
``contentctl`` reproduces Jinja's ``tojson`` as contentctl 5.x uses it: sorted keys, ``", "``/``": "``
separators and ``<``, ``>``, ``&``, ``'`` written as ``\\u003c``-style escapes.
"""

from __future__ import annotations

import functools
import json
from typing import Literal

JsonStyle = Literal["compact", "contentctl"]
JSON_STYLES: tuple[JsonStyle, ...] = ("compact", "contentctl")

_HTML_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"))

# One encoder per style, made once: ``json.dumps`` with any non-default option builds a new encoder on every
# call, a measurable share of a build that writes tens of thousands of these values. Encoders keep no state
# between calls, so sharing them is safe.
_COMPACT = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
_CONTENTCTL = json.JSONEncoder(sort_keys=True, separators=(", ", ": "))


def dump_json(value: object, style: JsonStyle) -> str:
    """One line of JSON (newlines inside strings are escaped by the encoder, so no continuation is needed)."""
    if style == "compact":
        return _COMPACT.encode(value)
    text = _CONTENTCTL.encode(value)
    for raw, escaped in _HTML_SAFE:
        text = text.replace(raw, escaped)
    return text


@functools.lru_cache(maxsize=1024)
def dump_strings(items: tuple[str, ...], style: JsonStyle) -> str:
    """:func:`dump_json` of a list of strings, remembered: the same few lists (products, analytic stories,
    data models, providing technologies) recur in detection after detection."""
    return dump_json(items, style)
