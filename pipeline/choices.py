"""Codes typed on the command line: matched case-insensitively, refused with the valid ones.

A statistician types ``--edition IDI_2024`` or ``--economy ken``; both mean something, so they
are matched without regard to case. A code that matches nothing is a usage error (exit 2)
whose message lists what would have worked — all the editions, or for an economy the closest
ISO3 codes and where the full list lives — instead of an empty result with exit 0.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Callable, Iterable

#: How many close matches an unknown economy code is answered with.
SUGGESTIONS = 5


def match(code: str, valid: Iterable[str], what: str, listing: str = "") -> str:
    """The canonical spelling of ``code`` among ``valid``; ArgumentTypeError when none."""
    choices = sorted(valid)
    by_folded = {choice.casefold(): choice for choice in choices}
    found = by_folded.get(code.strip().casefold())
    if found is not None:
        return found
    shown = listing or ", ".join(choices)
    raise argparse.ArgumentTypeError(f"unknown {what} {code!r}; {shown}")


def edition_or(*extra: str) -> Callable[[str], str]:
    """An index edition of ``schemas/indices/`` or one of the named extra cases (e.g.
    ``coinr_asem``), as an argparse ``type=``."""

    def parse(name: str) -> str:
        from pipeline.index.methodology import available_editions

        known = [*available_editions(), *extra]
        return match(name, known, "edition", "known editions: " + _joined(known))

    return parse


#: An index edition of ``schemas/indices/`` (argparse ``type=``).
edition = edition_or()


def economy(code: str) -> str:
    """An ISO3 code of ``schemas/reference/economies.csv`` (argparse ``type=``)."""
    from pipeline.reference import economies

    codes = economies()["economy"].tolist()
    close = difflib.get_close_matches(code.upper(), codes, n=SUGGESTIONS, cutoff=0.5)
    hint = f"did you mean {_joined(close)}? " if close else ""
    listing = f"{hint}{len(codes)} ISO3 codes are listed in schemas/reference/economies.csv"
    return match(code, codes, "economy", listing)


def _joined(names: Iterable[str]) -> str:
    return ", ".join(names)
