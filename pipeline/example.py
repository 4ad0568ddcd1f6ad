"""``ictstats example DIR``: a working folder with the shipped sample returns.

A statistician who installed the package (not the repository) has no ``raw/`` to try the
pipeline on. The sample returns travel inside the package (:data:`pipeline.paths.SAMPLE_RAW`);
this command copies them into ``DIR/raw/`` with a short README, so that ``cd DIR && ictstats
run`` works anywhere. It never overwrites: an existing non-empty ``DIR/raw`` is a usage error.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from pipeline.findings import EXIT_OK, EXIT_USAGE
from pipeline.paths import HOME_VARIABLE, SAMPLE_RAW
from pipeline.progress import say

README = """# ictstats working folder

`raw/` holds sample returns: the ICT questionnaires (administrative and household) that
economies send each year, rebuilt from ITU's published figures, with a few deliberately flawed
submissions (listed in `raw/flawed.csv`) so that validation has something to find.

    ictstats run        # every stage; outputs in processed/, exit 1 because of the flaws
    ictstats --help     # the stages one by one

Outputs go to `processed/` beside `raw/` (replaced by each run) and the store of record to
`store/` (kept across runs). Commands resolve these folders against the current directory, or
against the folder named by the environment variable {variable}.
"""


def write_example(target: Path) -> Path:
    """Copy the sample returns into ``target/raw`` and write ``target/README.md``."""
    raw = target / "raw"
    if raw.exists() and any(raw.iterdir()):
        raise FileExistsError(f"{raw} already holds files; choose an empty folder")
    target.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(SAMPLE_RAW, raw, ignore=ignore, dirs_exist_ok=True)
    (target / "README.md").write_text(README.format(variable=HOME_VARIABLE), encoding="utf-8")
    return raw


def run(args: argparse.Namespace) -> int:
    """Handler of ``ictstats example``."""
    try:
        raw = write_example(Path(args.folder))
    except FileExistsError as error:
        print(f"ictstats example: {error}", file=sys.stderr)
        return EXIT_USAGE
    files = sum(1 for path in raw.rglob("*") if path.is_file())
    say(f"example: {files} files in {raw}; now: cd {args.folder} && ictstats run")
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``example`` subcommand."""
    parser = subparsers.add_parser(
        "example",
        help="write a working folder with the shipped sample returns in raw/",
        description="Copy the sample returns into FOLDER/raw/ (with a README), ready for "
        "`cd FOLDER && ictstats run`.",
    )
    parser.add_argument("folder", help="the working folder to create")
    parser.set_defaults(handler=run)
