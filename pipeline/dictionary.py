"""The indicator dictionary (``schemas/indicators.csv``).

One row per indicator: its ITU-style code, name, unit, which questionnaire collects it (or
``derived`` with a derivation formula, or ``external`` for non-ICT inputs such as schooling),
the sheet of the questionnaire template it sits on, the breakdown dimensions it allows, its
plausible range and the methodology reference it is defined by.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from pipeline.paths import SCHEMAS


@cache
def indicators(path: Path = SCHEMAS / "indicators.csv") -> pd.DataFrame:
    """The dictionary indexed by ``code``, with ``breakdowns`` as a tuple of dimension names
    and ``crossed`` as a tuple of dimension pairs collected crossed (``sex*skill``: each
    skill by sex, as SDG 4.4.1 is reported)."""
    table = pd.read_csv(path, dtype={"code": str}, keep_default_na=False, na_values=[""])
    parts = table["breakdowns"].fillna("").map(lambda text: [p for p in text.split(";") if p])
    table["breakdowns"] = parts.map(lambda ps: tuple(p for p in ps if "*" not in p))
    table["crossed"] = parts.map(lambda ps: tuple(tuple(p.split("*")) for p in ps if "*" in p))
    return table.set_index("code", drop=False)


def collected(kind: str) -> pd.DataFrame:
    """Indicators collected by one questionnaire kind (``admin`` or ``household``)."""
    table = indicators()
    return table[table["questionnaire"] == kind]
