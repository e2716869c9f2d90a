"""``contentpack.yml`` ``custom_commands`` (CP069): each entry names one command another app adds to Splunk.

Splunk's Search Manual ("Add the custom command to your Splunk deployment") says of a commands.conf stanza
name: "Command names must be unique. The stanza_name cannot be the same as any other custom or built-in
commands." So a declared name that is a Splunk built-in (the Search Reference list CP061 reads,
``data/splunk_spl_builtins.json``, aliases included) is an error, not a warning: no app can provide it, and
declaring it only hides which command a search really runs. A name declared twice, compared without case as
Splunk matches command names, is an error too: one of the two entries (and the app it credits) is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.rules import RuleContext
from contentpack.content.rules.spl_checks import builtins

RULE_CUSTOM_COMMAND = "CP069"
_KEY = "custom_commands"


def custom_command_rules(context: RuleContext) -> Iterator[Diagnostic]:
    """CP069 (see the module docstring), at each offending entry's ``name``."""
    app = context.pack.app
    known = builtins().commands
    first: dict[str, int] = {}  # lower-case name -> index of the entry that declared it first
    for index, (name, provider) in enumerate(app.custom_commands):
        where = app.source.at(_KEY, index, "name")
        low = name.lower()
        if low in known:
            yield error(where, RULE_CUSTOM_COMMAND,
                        f"custom command '{name}' (from '{provider}') is a Splunk built-in search command: no app "
                        "can provide a command of that name (\"The stanza_name cannot be the same as any other "
                        "custom or built-in commands\", Splunk Search Manual); remove the entry")
        elif low in first:
            earlier = app.source.at(_KEY, first[low], "name")
            yield error(where, RULE_CUSTOM_COMMAND,
                        f"custom command '{name}' is already declared at {earlier} (command names are compared "
                        "without case): declare each command once, with the app that provides it")
        else:
            first[low] = index


RULES = (custom_command_rules,)
