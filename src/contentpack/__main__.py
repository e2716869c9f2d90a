"""``python -m contentpack`` runs the CLI."""

from contentpack.cli import run

run()
