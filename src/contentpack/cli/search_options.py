"""`contentpack search`'s options, which need none of what the search runs: its ``--help`` and a usage error
import no SPL engine, no pack loader and no backtest reader. The search itself is ``cli.search``."""

from __future__ import annotations

import argparse
from pathlib import Path

from contentpack.cli import run_from
from contentpack.cut_lists import count_text
from contentpack.spl.limits import Limits


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = "Run an SPL search over events from files, as Splunk would at search time."
    parser.add_argument("spl", help="the search, e.g. 'properties.status.errorCode=65004 | stats count by user'")
    parser.add_argument("--events", action="append", default=[], metavar="FILE",
                        help="JSON lines, JSON array or text file, or a Splunk export (JSON, CSV) or Event Hub "
                        "messages as backtest reads them; a folder of log files or a .gz file, as backtest "
                        "--events takes them (repeatable); none for a search that "
                        "makes its own rows ('| makeresults ...', '| inputlookup ...')")
    parser.add_argument("--sourcetype", default="azure:monitor:aad",
                        help="sourcetype of the --events (default azure:monitor:aad)")
    parser.add_argument("--source", default=None,
                        help="source field value (default: the pack's data-source source for the sourcetype, "
                        "else the file path)")
    parser.add_argument("--host", default="", help="host field value (default: empty)")
    parser.add_argument("--index", default="main", help="index field value (default main)")
    parser.add_argument("--time-field", default="time", help="JSON field holding the event time (default time)")
    parser.add_argument("--macros", action="append", default=[], metavar="DIR_OR_YAML",
                        help="ESCU macro YAML file or directory of them (repeatable)")
    parser.add_argument("--lookup", action="append", default=[], metavar="NAME=CSV",
                        help="register a CSV lookup (repeatable)")
    parser.add_argument("--lookup-option", action="append", default=[], metavar="NAME:SETTING=VALUE",
                        help="a transforms.conf matching setting of lookup NAME (repeatable): "
                             "case_sensitive_match=false, match_type=WILDCARD(field) or CIDR(field), "
                             "max_matches=N, min_matches=N, default_match=TEXT")
    parser.add_argument("--geoip", default=None, metavar="CSV",
                        help="GeoIP table for iplocation: a 'network' column (CIDR) and City, Country, Region, "
                             "lat, lon columns")
    parser.add_argument("--alias", action="append", default=[], metavar="FIELD=ALIAS",
                        help="search-time field alias for the sourcetype (repeatable)")
    parser.add_argument("--calc", action="append", default=[], metavar="FIELD=EXPR",
                        help="search-time calculated field (eval expression) for the sourcetype (repeatable)")
    parser.add_argument("--root", type=Path, default=None,
                        help="pack root whose knowledge objects to load (default: the pack around the working "
                        "directory, if any)")
    parser.add_argument("--no-pack", action="store_true",
                        help="do not load the pack's macros, lookups and search-time fields")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table",
                        help="table (default: at most 1,000 rows shown), or every row as a JSON array or CSV")
    parser.add_argument("--earliest", default=None,
                        help="epoch, time modifier (-7d@d), m/d/Y:H:M:S (in --tz), or ISO 8601 "
                        "(2026-10-08T05:00:00Z; without a zone UTC, as backtest --from reads it)")
    parser.add_argument("--latest", default=None, help="as --earliest (default: no upper bound)")
    parser.add_argument("--now", default=None,
                        help="the search time (epoch, m/d/Y:H:M:S in --tz, or ISO 8601 as --earliest reads it); "
                        "default: the latest event time + 1 s")
    parser.add_argument("--tz", default="UTC", help="IANA time zone for strftime/convert and m/d/Y:H:M:S (default UTC)")
    defaults = Limits()
    parser.add_argument("--max-search-seconds", type=float, default=defaults.search_seconds, metavar="S",
                        help=f"wall-clock budget of the search, 0 = none (default {defaults.search_seconds:g})")
    parser.add_argument("--max-regex-seconds", type=float, default=defaults.regex_seconds, metavar="S",
                        help=f"time one regex match of one value may take (default {defaults.regex_seconds:g})")
    parser.add_argument("--max-generated-rows", type=int, default=defaults.max_generated_rows, metavar="N",
                        help=f"rows makeresults may generate (default {count_text(defaults.max_generated_rows)})")
    parser.add_argument("--max-mv-values", type=int, default=defaults.max_mv_values, metavar="N",
                        help="values one built multivalue field may hold (default "
                        f"{count_text(defaults.max_mv_values)})")
    parser.set_defaults(func=run_from("contentpack.cli.search"))
