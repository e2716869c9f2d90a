"""How a description in ``--help`` is filled: one home for the commands whose description argparse's own filling
reads badly (``deploy``'s paragraphs, the top-level list of commands)."""

from __future__ import annotations

import argparse
import textwrap


class ParagraphsFormatter(argparse.HelpFormatter):
    """Each line of the description is a paragraph, wrapped to the terminal's width; continuation lines indented.

    argparse either joins every line into one paragraph (its default) or keeps the text as written
    (``RawDescriptionHelpFormatter``, which also left deploy's shared "Splunk connection" text one 230-character
    line). A group's text (indented) is one paragraph, filled as argparse fills it for ``replay`` and
    ``backtest``; names are never split at their hyphens (``splunk-`` / ``sdk``, ``generate-`` / ``data``), which
    argparse's filling of a description does.
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if indent:
            return super()._fill_text(text, width, indent)
        return "\n".join(textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent + "  ",
                                        break_on_hyphens=False) for line in text.splitlines())
