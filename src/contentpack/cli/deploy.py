"""`contentpack deploy --splunk URL [--mode objects|package] ...`: put the pack on a Splunk search head.

Exit status: 0 deployed (or nothing to change), 1 invalid content, 2 usage, credentials or Splunk errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

from contentpack.cli.common import pack_root, print_diagnostics, usage_error, warning
from contentpack.cli.help_format import ParagraphsFormatter
from contentpack.printable import printable
from contentpack.cli.splunk_connection import add_connection_options, connect
from contentpack.content.config import CONFIG_FILE, PackRootError

DESCRIPTION = """\
Deploy the built app to a Splunk search head through its REST API (splunk-sdk).

--mode package: the server installs or upgrades the app from --package, a path ON THE SERVER or a URL the server \
can fetch (apps/local; nothing is uploaded). Skipped when that version is already installed (--force reinstalls). \
Splunk Cloud Platform does not allow this: install the tarball as a private app with the Admin Config Service \
(acs apps install private) after AppInspect vetting. Nor is it for a search head cluster's member: the cluster's \
deployer distributes apps (splunk apply shcluster-bundle), so copy the app there instead. deploy asks the server \
(server/info) and refuses both, before installing anything.
--mode objects (default): saved searches, macros, analytic stories and lookup definitions are created or updated \
one by one in the app. Splunk keeps them in the app's local/ folder, where they override default/ -- also after \
a later package upgrade; --remove-local deletes those local copies. Lookup CSV files cannot be uploaded over \
REST: objects mode reports them when they are missing.
Every run reads first and writes only what differs: a second run reports no changes. --dry-run writes nothing: \
it connects with the same credentials and reads the server, since what would change is what differs from what the \
server holds; to see the app itself without a server, contentpack build.
"""


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = ParagraphsFormatter
    parser.add_argument("--splunk", required=True, metavar="URL", help="splunkd management URL, e.g. https://sh:8089")
    parser.add_argument("--mode", choices=("objects", "package"), default="objects", help="default: objects")
    parser.add_argument("--package", metavar="PATH_OR_URL",
                        help="package mode: the tarball's location as the SERVER sees it (a path there, or a URL)")
    parser.add_argument("--force", action="store_true",
                        help="package mode: reinstall even the same version, or replace an app of another author "
                        "under the pack's appid")
    parser.add_argument("--remove-local", action="store_true",
                        help="objects mode: delete the local/ copies of the pack's objects instead of writing them")
    parser.add_argument("--dry-run", action="store_true",
                        help="connect, compare with what the server holds and print the changes, writing nothing")
    parser.add_argument("--root", type=Path, help=f"pack root (default: nearest directory holding {CONFIG_FILE})")
    add_connection_options(parser, searches=False)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from contentpack.content.validate import validate_pack
    from contentpack.esapp.builder import BuildFailed, date_problem, render_app
    from contentpack.esapp.dates import BuildDateError, build_date
    from contentpack.splunk.client import SplunkError
    from contentpack.splunk.credentials import shown_location
    from contentpack.splunk.deploy import deploy_objects, deploy_package

    if args.mode == "package" and not args.package:
        return usage_error("deploy", "--mode package needs --package PATH_OR_URL (as the server sees it)")
    if args.mode == "package" and args.remove_local:
        return usage_error("deploy", "--remove-local belongs to --mode objects")
    if args.mode == "objects" and (args.force or args.package is not None):
        return usage_error("deploy", f"{'--force' if args.force else '--package'} belongs to --mode package")
    shown = shown_location(args.package or "")  # a URL's user information and query are no text to print
    if args.package is not None and printable(args.package) != args.package:
        return usage_error("deploy", f"--package {shown!r}: a location holds no line break or other control "
                           "character")
    if args.package is not None and not _server_location(args.package):
        return usage_error("deploy", f"--package {shown}: not an absolute path or a URL, and the server reads "
                           "it, not this machine: copy the tarball to the search head and give its absolute path there "
                           f"(such as /tmp/{PurePosixPath(shown).name}), or a URL the server can fetch")
    root = pack_root("deploy", args.root)
    if isinstance(root, int):
        return root
    try:
        result = validate_pack(root)
    except PackRootError as exc:
        return usage_error("deploy", str(exc))
    if result.pack is None or result.errors:
        print_diagnostics(result.errors, sys.stderr)
        print("contentpack deploy: the pack is invalid; fix it (contentpack validate) before deploying", file=sys.stderr)
        return 1
    try:
        built = render_app(result.pack, build_date(root))
    except BuildFailed as exc:
        print_diagnostics(exc.problems, sys.stderr)
        return 1
    except BuildDateError as exc:  # the machine's set-up, not the content: exit 2, but reported as build does
        print_diagnostics((date_problem(exc),), sys.stderr)
        return 2
    connection = connect(args, args.splunk, built.appid, "deploy")
    if connection is None:
        return 2
    with connection:  # its kept-open connections closed when the command is done
        try:
            if args.mode == "package":
                report = deploy_package(connection, built, args.package, dry_run=args.dry_run, force=args.force)
            else:
                report = deploy_objects(connection, built, dry_run=args.dry_run, remove_local=args.remove_local)
        except SplunkError as exc:
            return usage_error("deploy", str(exc))
        for line in report.warnings:
            warning("deploy", line)
        print_diagnostics(report.lines())
        return 0


def _server_location(location: str) -> bool:
    """Whether ``location`` can name the tarball for the server: a URL, or an absolute path (POSIX or Windows, the
    server's system not being known). Splunk's REST reference (apps/local, ``filename=true``) says the name is the
    package's path or URL and not what a relative path is read from (splunkd's working folder, assumed); a newcomer
    gave ``dist/DA-ESS-EntraConsent-0.1.0.tar.gz``, the path in their own clone, which the server cannot read."""
    return "://" in location or PurePosixPath(location).is_absolute() or PureWindowsPath(location).is_absolute()
