"""Everything the publication is made from, gathered in one frozen bundle.

``ictstats run`` fills the bundle from the stage outputs it has just written; ``ictstats
publish`` reads the same tables back from an existing ``processed/`` folder. Either way the
builders in :mod:`pipeline.publish.tables`, :mod:`~pipeline.publish.profiles` and
:mod:`~pipeline.publish.charts` see the same frames, shaped as ARCHITECTURE.md lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline import reference
from pipeline.derive import with_derived
from pipeline.store import read_table
from pipeline.withheld import publishable


@dataclass(frozen=True)
class Bundle:
    """Stage outputs keyed as in ``processed/``; index and uncertainty frames span editions."""

    observations: pd.DataFrame
    findings: pd.DataFrame
    scores: pd.DataFrame
    normalised: pd.DataFrame
    weights: pd.DataFrame
    sdg_series: pd.DataFrame
    sdg_aggregates: pd.DataFrame
    ranks: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Leave-one-out and next-round errors of the estimation methods (``ictstats estimate``).
    backtest: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Values left out because a query is open (``pipeline.withheld``), for the notes.
    withheld: pd.DataFrame = field(default_factory=pd.DataFrame)
    economies: pd.DataFrame = field(default_factory=lambda: reference.economies())

    def editions(self) -> list[str]:
        """Index editions present, newest reference year first (the headline edition first)."""
        if self.scores.empty:
            return []
        years = self.scores.groupby("edition")["year"].max()
        return sorted(years.index, key=lambda name: (-int(years[name]), name))

    def names(self) -> pd.Series:
        """Economy name by ISO3 code, falling back to the code for unknown economies."""
        return self.economies.set_index("economy")["name"]


def _optional(directory: Path, name: str) -> pd.DataFrame:
    """A table when its stage ran, an empty frame when it did not (publish degrades)."""
    if (directory / f"{name}.parquet").exists() or (directory / f"{name}.csv").exists():
        return read_table(directory, name)
    return pd.DataFrame()


def _per_edition(folder: Path, name: str) -> pd.DataFrame:
    """Concatenate ``folder/<edition>/<name>`` over every edition folder present."""
    if not folder.is_dir():
        return pd.DataFrame()
    parts = [_optional(path, name) for path in sorted(folder.iterdir()) if path.is_dir()]
    parts = [part for part in parts if not part.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def load_bundle(processed: Path) -> Bundle:
    """Read every stage output publish needs from ``processed``.

    Observations are required (``FileNotFoundError`` → exit code 2 at the CLI) and are
    completed with the derived indicators (per 100 inhabitants, per subscription) exactly as
    the index stage derives them (:func:`pipeline.derive.with_derived`), since the MISR tables
    print those. The other stages' tables are optional so that a partial run still publishes
    what it can.
    """
    processed = Path(processed)
    usable = publishable(processed)
    return Bundle(
        observations=with_derived(usable.observations, reference.population()),
        withheld=usable.withheld(),
        findings=_optional(processed / "validate", "findings"),
        scores=_per_edition(processed / "index", "scores"),
        normalised=_per_edition(processed / "index", "normalised"),
        weights=_per_edition(processed / "index", "weights"),
        sdg_series=_optional(processed / "sdg", "series"),
        sdg_aggregates=_optional(processed / "sdg", "aggregates"),
        ranks=_per_edition(processed / "uncertainty", "ranks"),
        backtest=_optional(processed / "estimate", "backtest"),
    )
