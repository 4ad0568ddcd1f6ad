"""The ``ictstats`` command line.

Each stage package contributes its subcommands through a ``register(subparsers)`` function in
its own ``cli`` module, so this file only wires them together, adds the options every command
shares (``-q``, ``-v``) and turns what escapes a handler into the exit-code contract: 0 ok,
1 findings of severity error, 2 usage, IO or methodology error — a crash included, reported in
one line (the traceback only with ``-v``), never with the code that means "error findings".
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence

from pipeline import __version__, progress
from pipeline.findings import EXIT_USAGE

#: Stage modules that register subcommands, in the order they appear in ``--help``.
COMMAND_MODULES = (
    "pipeline.example",
    "pipeline.ingest.cli",
    "pipeline.record.cli",
    "pipeline.validate.cli",
    "pipeline.validate.answers_cli",
    "pipeline.estimate.cli",
    "pipeline.index.cli",
    "pipeline.uncertainty.cli",
    "pipeline.sdg.cli",
    "pipeline.publish.cli",
    "pipeline.readme",
)


def _add_verbosity(parser: argparse.ArgumentParser, default: object) -> None:
    """``-q``/``-v`` on ``parser``; subcommands default to SUPPRESS so either position works."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="no progress, no notes"
    )
    group.add_argument(
        "-v", "--verbose", action="store_true", default=default, help="more detail, tracebacks"
    )


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every stage's subcommands."""
    parser = argparse.ArgumentParser(
        prog="ictstats",
        description="ICT indicator returns → validated data, IDI scores, SDG tables, publication.",
    )
    parser.add_argument("--version", action="version", version=f"ictstats {__version__}")
    _add_verbosity(parser, default=False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    for subparser in subparsers.choices.values():
        _add_verbosity(subparser, default=argparse.SUPPRESS)
    return parser


def _level(args: argparse.Namespace) -> int:
    if getattr(args, "quiet", False):
        return progress.QUIET
    return progress.VERBOSE if getattr(args, "verbose", False) else progress.NORMAL


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2): returned, not raised
        return int(stop.code or 0)
    previous = progress.LEVEL
    progress.set_level(_level(args))
    try:
        return _handle(args)
    finally:  # a library caller (a test, a notebook) keeps its own verbosity
        progress.set_level(previous)


def _handle(args: argparse.Namespace) -> int:
    """Run the chosen handler and map what escapes it onto the exit-code contract."""
    try:
        return int(args.handler(args))
    except (FileNotFoundError, NotADirectoryError, PermissionError, IsADirectoryError) as error:
        print(f"ictstats {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"ictstats {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the boundary: a crash is exit 2, never "error findings"
        if progress.LEVEL >= progress.VERBOSE:
            traceback.print_exc()
        hint = "" if progress.LEVEL >= progress.VERBOSE else " (run with -v for the traceback)"
        print(
            f"ictstats {args.command}: crashed: {type(error).__name__}: {error}{hint}",
            file=sys.stderr,
        )
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
