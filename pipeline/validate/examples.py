"""Turn a rule's inline examples into observation tables and judge their outcome.

Every rule in ``schemas/rules/*.toml`` carries small pass / fail / not-evaluable examples
(as R ``validate``'s rules carry tests). An example lists only what matters — indicator,
value, maybe a year or a breakdown — and this module fills the rest with neutral defaults
(economy ``AAA``, year 2024, totals, the dictionary's unit and questionnaire) so the example
stays readable in the rule file.
"""

from __future__ import annotations

import pandas as pd

from pipeline.dictionary import indicators
from pipeline.observations import DIMENSION_NAMES, TOTAL, observation_table
from pipeline.validate.items import FAIL, NOT_EVALUABLE, PASS
from pipeline.validate.kinds import REGISTRY, Context

DEFAULTS = {"economy": "AAA", "year": 2024, **dict.fromkeys(DIMENSION_NAMES, TOTAL)}
_KIND_OF = {"admin": "admin", "household": "household", "external": "external"}


def _row(entry: dict, position: int) -> dict:
    """The dictionary's unit, questionnaire and sheet for the example's indicator, then the
    example's own fields."""
    table = indicators()
    code = entry["indicator"]
    known = code in table.index
    return {
        "unit": str(table.at[code, "unit"]) if known else "",
        "kind": _KIND_OF.get(str(table.at[code, "questionnaire"]), "admin") if known else "admin",
        "sheet": str(table.at[code, "sheet"]) if known else "",
        "cell": f"J{9 + position}",
        **entry,
    }


def observations(example: dict) -> pd.DataFrame:
    """The example's observations as a schema-valid observation table."""
    rows = [_row(entry, i) for i, entry in enumerate(example.get("observations", []))]
    return observation_table(rows, **DEFAULTS, source_file="example.xlsx")


def population(example: dict) -> pd.DataFrame:
    """The example's reference population (empty when it gives none)."""
    rows = example.get("population", [])
    return pd.DataFrame(rows, columns=["economy", "year", "population"])


def judge(items: pd.DataFrame) -> str:
    """One outcome for a set of items: fail if any fails, else pass if any passes, else not
    evaluable (e.g. the first year of a series is never decided by a year-on-year rule)."""
    outcomes = set(items["outcome"])
    if FAIL in outcomes:
        return FAIL
    return PASS if PASS in outcomes else NOT_EVALUABLE


def run_example(kind: str, params: dict, example: dict) -> str:
    """Outcome of one example under a rule's kind and parameters."""
    function = REGISTRY[kind].function
    items = function(observations(example), params, Context(population=population(example)))
    return judge(items)
