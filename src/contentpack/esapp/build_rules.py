"""Rule ids of the build's own problems: what stops ``contentpack build`` once the validator has accepted the pack.

They are diagnostics like the validator's (``path:line:col: error[BDxxx]: message``, the same JSON), so every
command reports problems one way; a family of their own (``BD``) because no validator rule found them, and a
user who meets one must look in docs/build.md, not docs/validation_rules.md. All are errors.

Where each is reported (the ``path`` of its position), so a user can tell where to look at a glance:

* a file of the pack: relative to the pack root, as the validator reports it, with the YAML line and column
  of the value when there is one (a detection text, a lookup's ``filename``);
* a file of the app being built (a .conf, a package member): its path inside the app folder;
* the output folder: as the user gave it (``--output``);
* the build date: ``SOURCE_DATE_EPOCH``, the environment variable that fixes every such problem (no file is
  at fault, and a command-line option would not be one either: the build has no date option);
* a write that failed: the file the system named, relative to the pack root when inside it.
"""

from __future__ import annotations

from pathlib import Path

from contentpack.content.diagnostics import Diagnostic, Position, error
from contentpack.esapp.conf import ConfError

UNEXPLAINED = "BD000"  # the validator refused the pack without a finding (a bug): a failure is never silent
OUTPUT_FOLDER = "BD001"  # the output folder may not be replaced
BUILD_DATE = "BD002"  # no reproducible build date
PACKAGE_MEMBER = "BD003"  # a path the app package must not hold
CONF_FILE = "BD004"  # a .conf text the build cannot write, a file that does not read back, an exported [default]
LOOKUP_FILE = "BD005"  # a lookup file the build cannot copy into the app
ATTACK_DATA = "BD006"  # the shipped ATT&CK data cannot be read
WRITE_FAILED = "BD007"  # the system refused a write (disk full, permissions)

DATE_ENV = "SOURCE_DATE_EPOCH"


def build_error(where: Position | str, rule: str, message: str) -> Diagnostic:
    """One of the build's problems; ``where`` a position, or a path for a problem about a whole file."""
    return error(where if isinstance(where, Position) else Position(where), rule, message)


def conf_problem(filename: str, exc: ConfError, lead: str = "") -> Diagnostic:
    """A refused or unreadable .conf of the app (BD004), at that file, and at the line the reader names when it
    read one; the message is ``lead`` (what the build was doing with the file) and what is wrong without the
    place, so the diagnostic does not say the place twice. An error about no file, or another one, keeps its
    whole sentence and is reported at ``filename``."""
    if exc.file != filename:
        return build_error(filename, CONF_FILE, lead + str(exc))
    where = filename if exc.line is None else Position(filename, exc.line, 1)
    return build_error(where, CONF_FILE, lead + exc.message)


def shown_path(path: Path | str, root: Path) -> str:
    """``path`` relative to the pack ``root`` when it is inside it (as the validator shows the pack's files),
    else as it is."""
    try:
        return Path(path).absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return str(path)
