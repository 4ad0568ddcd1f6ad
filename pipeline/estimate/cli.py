"""``ictstats estimate``: estimates for every gap the cascades reach, and their back-test.

Reads the publishable observations (``processed/ingest`` filtered by validate's statuses),
runs ``schemas/estimation/*.toml`` over every economy of the reference and every year with
data, and writes ``processed/estimate/``:

- ``estimates`` — one row per estimated economy × indicator × year: value, 90 % interval,
  method, kind (interpolated / extrapolated / modelled), horizon and the inputs used. These are
  ictstats' estimates, kept apart from the observation table (where ITU estimates received in
  returns stay flagged ``estimate``); they feed aggregates and index inputs, never a country
  row of a published table.
- ``backtest`` — per indicator and method: leave-one-out errors on the official cells the
  method would fill (MAE, bias, MAE on the estimation scale), the naive baseline on the same
  cells (latest official value, else the income group's median) and whether the method beats
  it; and the "next round" test on the store's vintages: the cascade run on what was known when
  a round closed, against the official values the next round brought.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import reference, vintage
from pipeline.estimate.cascade import load
from pipeline.estimate.engine import Estimation, estimate
from pipeline.estimate.inputs import categories, long_frame
from pipeline.findings import EXIT_OK, EXIT_USAGE
from pipeline.index.methodology import MethodologyError
from pipeline.paths import PROCESSED
from pipeline.progress import say
from pipeline.store import read_table, write_table
from pipeline.withheld import Publishable, drop_left_out, publishable


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``estimate`` subcommand."""
    parser = subparsers.add_parser(
        "estimate",
        help="estimate missing values with the declared cascades, and back-test them",
        description="Fill gaps with schemas/estimation/*.toml and write estimates and "
        "the back-test table to processed/estimate/.",
    )
    parser.add_argument("--processed", type=Path, default=PROCESSED, help="processed/ folder")
    parser.set_defaults(handler=run)


def run_all(observations: pd.DataFrame, cascades: list) -> Estimation:
    """Estimates over the reference economies and every year of the data."""
    frame = long_frame(observations, cascades, reference.population())
    members = sorted(reference.economies()["economy"])
    if frame.empty:
        return estimate(frame, cascades, members, [0])
    years = list(range(int(frame["year"].min()), int(frame["year"].max()) + 1))
    return estimate(frame, cascades, members, years, categories(members, years))


def next_round(observations: pd.DataFrame, cascades: list) -> pd.DataFrame:
    """Out-of-sample test on the vintages: estimates made with what was known when each round
    closed, against the official values the following rounds brought for those cells."""
    if "submitted" not in observations or observations["submitted"].isna().all():
        return pd.DataFrame()
    dates = sorted(observations.groupby("round")["submitted"].max().dropna().astype(str))
    latest = long_frame(vintage.known(observations), cascades, reference.population())
    official = latest[~latest["estimate"]]
    rows = []
    for date in dates[:-1]:
        known = vintage.as_of(observations, date)
        if known.empty:
            continue
        made = run_all(known, cascades).estimates
        later = made.merge(
            official[["economy", "indicator", "year", "value"]].rename(columns={"value": "truth"}),
            on=["economy", "indicator", "year"],
        )
        rows.append(later.assign(vintage=date))
    if not rows:
        return pd.DataFrame()
    table = pd.concat(rows, ignore_index=True)
    table["error"] = table["value"] - table["truth"]
    table["inside"] = (table["truth"] >= table["low"]) & (table["truth"] <= table["high"])
    summary = table.groupby(["indicator", "method"]).agg(
        n=("error", "size"), mae=("error", lambda e: float(np.mean(np.abs(e)))),
        bias=("error", "mean"), coverage=("inside", "mean"),
    ).reset_index()  # fmt: skip
    return summary.assign(horizon="all", test="next round (vintages)")


def _history(processed: Path, usable: Publishable) -> pd.DataFrame:
    """Every vintage of the ingested observations but the withheld ones, for the next-round
    test: what was known when a round closed includes values a later round replaced (now
    superseded, current then), which :func:`publishable` has collapsed to the latest."""
    ingested = read_table(Path(processed) / "ingest", "observations")
    return drop_left_out(ingested, usable.withheld())


def run(args: argparse.Namespace) -> int:
    """Handler of ``ictstats estimate``; 2 when a cascade file is broken."""
    try:
        cascades = load()
    except MethodologyError as error:
        print(f"ictstats estimate: {error}", file=sys.stderr)
        return EXIT_USAGE
    usable = publishable(args.processed)
    result = run_all(vintage.known(usable.observations), cascades)
    history = _history(args.processed, usable)
    backtest = pd.concat([result.backtest, next_round(history, cascades)], ignore_index=True)
    out = args.processed / "estimate"
    write_table(result.estimates, out, "estimates")
    write_table(backtest, out, "backtest")
    kinds = result.estimates["kind"].value_counts().to_dict()
    loo = result.backtest[result.backtest["horizon"] == "all"]
    beaten = loo[~loo["method"].str.startswith("carry_forward")]
    say(
        f"estimate: {len(result.estimates)} estimates ("
        + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        + f") for {result.estimates['indicator'].nunique()} indicators; back-test: "
        f"{int(beaten['beats_baseline'].sum())} of {len(beaten)} methods beat the naive "
        f"baseline; wrote {out}"
    )
    return EXIT_OK
