"""The ``ictstats`` command line.

Each stage package contributes its subcommands through a ``register(subparsers)`` function in
its own ``cli`` module, so this file only wires them together and turns exceptions at the
boundary into exit codes: 0 ok, 1 findings of severity error, 2 usage or IO error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pipeline import __version__
from pipeline.findings import EXIT_USAGE

#: Stage modules that register subcommands, in the order they appear in ``--help``.
COMMAND_MODULES = (
    "pipeline.ingest.cli",
    "pipeline.validate.cli",
    "pipeline.validate.answers_cli",
    "pipeline.index.cli",
    "pipeline.uncertainty.cli",
    "pipeline.sdg.cli",
    "pipeline.publish.cli",
    "pipeline.readme",
)


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every stage's subcommands."""
    parser = argparse.ArgumentParser(
        prog="ictstats",
        description="ICT indicator returns → validated data, IDI scores, SDG tables, publication.",
    )
    parser.add_argument("--version", action="version", version=f"ictstats {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except (FileNotFoundError, NotADirectoryError, PermissionError, IsADirectoryError) as error:
        print(f"ictstats {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"ictstats {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
