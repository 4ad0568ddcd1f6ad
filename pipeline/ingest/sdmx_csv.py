"""SDMX-CSV 1.0 input: one observation per row (for example Eurostat's ICT household data).

Columns map onto the interpreter frame as declared in ``schemas/readers.toml`` ([sdmx_csv]):
REF_AREA (ISO3, or a UN M49 number translated through the economy reference), the indicator
(INDICATOR or SERIES), TIME_PERIOD, OBS_VALUE, breakdowns under their SDMX names (SEX, AGE,
URBANISATION), OBS_STATUS (A normal, E estimate, B break; other codes are reported), UNIT_MULT
(power of ten: 0, 3, 6) and COMMENT_OBS as the note. The cell of a value is its row
(``row N``, header = row 1), the sheet the file name. Values go through the same checks as
every other value (:mod:`pipeline.ingest.cells`). Reference: SDMX-CSV format v1.0
(SDMX Technical Working Group, 2017), section "Data message".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.ingest import layout
from pipeline.ingest.frame import column, reader_spec
from pipeline.ingest.longcsv import checked_rows, header_names, load_csv, text_cells
from pipeline.ingest.safety import LIMITS, Limits
from pipeline.ingest.sheet import is_blank
from pipeline.ingest.workbook import WorkbookRead
from pipeline.observations import DIMENSION_NAMES


def accepts(head: bytes) -> bool:
    """An SDMX-CSV file names OBS_VALUE and TIME_PERIOD in its header."""
    return set(reader_spec("sdmx_csv")["recognise"]) <= set(header_names(head))


def _economies(area: pd.Series) -> pd.Series:
    """ISO3 codes from REF_AREA: ISO3 as is, M49 numbers through the economy reference."""
    from pipeline.reference import economies

    by_m49 = economies().dropna(subset=["m49"])
    m49 = pd.Series(by_m49["economy"].to_numpy(), index=by_m49["m49"].astype(int).astype(str))
    numeric = area.str.fullmatch(r"[0-9]{1,3}")
    return area.str.upper().where(~numeric, area.str.lstrip("0").map(m49).fillna(area))


def read_sdmx_csv(
    path: Path, source_file: str, known: set[str] | None = None, limits: Limits = LIMITS
) -> WorkbookRead:
    """Value cells and findings of one SDMX-CSV file."""
    frame = load_csv(path, source_file, limits)
    if isinstance(frame, WorkbookRead):
        return frame
    spec = reader_spec("sdmx_csv")
    frame = frame[~is_blank(column(frame, spec["value"]))]
    status = column(frame, spec["status"]).str.upper()
    power = column(frame, spec["unit_mult"])
    multiplier_text = power.map(spec["unit_mult_codes"]).fillna(power).replace("", "units")
    cells = text_cells(
        frame,
        column(frame, spec["year"]),
        economy=_economies(column(frame, spec["economy"])),
        raw=column(frame, spec["value"]),
        indicator_raw=column(frame, spec["indicator"]),
        **{name: column(frame, spec[name]) for name in DIMENSION_NAMES},
        note=column(frame, spec["note"]),
        status_raw=status.map(spec["status_codes"]).fillna(status),
        multiplier=multiplier_text.map(layout.MULTIPLIERS).astype(float).fillna(np.nan),
        multiplier_text=multiplier_text,
        source_file=source_file,
        sheet=path.name,
    )
    return checked_rows(cells, column(frame, spec["year"]), known)
