"""Moved to ``contentpack.simulate.tokens`` (ES behaviour the simulation shares); kept as an alias."""

from contentpack.simulate.tokens import (
    MESSAGE_SEPARATOR,
    fill_tokens,
    token_names,
    token_text,
    unfilled_tokens,
)

__all__ = ["MESSAGE_SEPARATOR", "fill_tokens", "token_names", "token_text", "unfilled_tokens"]
