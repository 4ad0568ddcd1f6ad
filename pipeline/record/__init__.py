"""The store of record: every ingested value of every vintage, in one DuckDB file.

``processed/`` holds the outputs of the latest run and is replaced by the next one; the store
(``<workdir>/store/ictstats.duckdb``, :data:`pipeline.paths.STORE`) sits beside it and only
grows, so earlier vintages, corrected re-submissions and the values they revised stay
queryable. :func:`record_ingest` is what ``ictstats ingest`` calls after writing
``processed/ingest``; :mod:`pipeline.record.query` answers as-of, history and triangle questions.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.record.append import Appended, append
from pipeline.record.schema import connect, store_file

__all__ = ["Appended", "append", "connect", "record_ingest", "store_file"]


def record_ingest(result: object, store_dir: Path, raw_folder: Path | str = "") -> Appended:
    """Append an :class:`pipeline.ingest.IngestResult` to the store in ``store_dir``."""
    with connect(store_dir) as connection:
        return append(
            connection,
            result.observations,
            result.submissions,
            result.rounds,
            raw_folder=raw_folder,
        )
