"""The estimation back-test as a publication table: how well each declared method predicts
official values it did not see, beside the naive baseline (``ictstats estimate``).

Publishing it is the point of declaring methods: ITU publishes no error for its estimates; a
reader of an aggregate or of an index score with estimated inputs can see here how far each
method has been from the truth.
"""

from __future__ import annotations

import pandas as pd

from pipeline.dictionary import indicators
from pipeline.publish.bundle import Bundle
from pipeline.publish.layout import PublicationTable, make_table

COLUMNS = {
    "method": "Method",
    "n": "Cells tested",
    "mae": "Mean absolute error",
    "bias": "Mean error",
    "mae_baseline": "Baseline mean absolute error",
    "mae_scale": "Error on the method's scale",
    "mae_scale_baseline": "Baseline error on that scale",
    "beats_baseline": "Beats the baseline",
    "coverage": "Share inside the 90 % interval",
}


def backtest_table(bundle: Bundle, year: int) -> list[PublicationTable]:
    """Leave-one-out rows over all horizons (none when the estimate stage did not run)."""
    rows = bundle.backtest
    if rows.empty:
        return []
    rows = rows[(rows["horizon"].astype(str) == "all") & rows["test"].eq("leave-one-out")]
    names = indicators()["name"]
    frame = rows[list(COLUMNS)].rename(columns=COLUMNS)
    frame.insert(0, "Indicator", rows["indicator"].map(names).fillna(rows["indicator"]).to_numpy())
    frame.insert(1, "Code", rows["indicator"].to_numpy())
    verdict = rows["beats_baseline"].map({True: "yes", False: "no"}).fillna("is the baseline")
    frame["Beats the baseline"] = verdict.to_numpy()
    formats = dict.fromkeys(
        [
            c
            for c in frame.columns
            if c not in {"Indicator", "Code", "Method", "Beats the baseline"}
        ],
        "0.000",
    )
    formats["Cells tested"] = "0"
    return [make_table("backtest", "estimation_backtest", pd.DataFrame(frame), None, formats,
                       year=year)]  # fmt: skip
