"""Moved to ``contentpack.simulate.tokens`` (ES behaviour the simulation shares); kept as an alias."""

from contentpack.simulate.tokens import (
    DRILLDOWN_SEPARATOR,
    MESSAGE_SEPARATOR,
    fill_tokens,
    token_names,
    token_text,
    unfilled_tokens,
)

__all__ = ["DRILLDOWN_SEPARATOR", "MESSAGE_SEPARATOR", "fill_tokens", "token_names", "token_text",
           "unfilled_tokens"]
