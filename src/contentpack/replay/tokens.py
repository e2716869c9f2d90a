"""Moved to ``contentpack.simulate.tokens`` (ES behaviour the simulation shares) and, for the drilldown separator,
``contentpack.content.naming``; kept as an alias."""

from contentpack.content.naming import DRILLDOWN_SEPARATOR
from contentpack.simulate.tokens import (
    MESSAGE_SEPARATOR,
    fill_tokens,
    token_names,
    token_text,
    unfilled_tokens,
)

__all__ = ["DRILLDOWN_SEPARATOR", "MESSAGE_SEPARATOR", "fill_tokens", "token_names", "token_text",
           "unfilled_tokens"]
