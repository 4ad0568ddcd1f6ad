"""SDG custodian series, regional and global aggregates, and SDMX-CSV.

ITU is custodian of SDG indicators 4.4.1, 5.b.1, 9.c.1, 17.6.1 and 17.8.1. This package turns
the observation table into the UN SDG Global Database series defined in ``schemas/sdg/``:
economy values (:mod:`~pipeline.sdg.series`), group aggregates with coverage
(:mod:`~pipeline.sdg.aggregates`) and the SDMX-CSV file (:mod:`~pipeline.sdg.sdmx`).
:func:`run` chains them in memory; only :mod:`~pipeline.sdg.cli` writes files.
"""

from __future__ import annotations

from pipeline.sdg.stage import SdgTables, run

__all__ = ["SdgTables", "run"]
