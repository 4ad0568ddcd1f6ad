"""Value cells → observations and cell findings, for workbooks and long CSVs alike.

Input is the long table of non-empty value cells that :mod:`pipeline.ingest.sheet` or
:mod:`pipeline.ingest.longcsv` produced (raw cell content plus the row's code, breakdowns,
status and note). Each step below is vectorised over all cells of a file and either keeps a
cell (perhaps with an informational finding) or drops it *with* a finding at that cell, so the
conservation law holds by construction: a cell ends as an observation, a finding,
or both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.ingest import layout
from pipeline.ingest.numbers import MISSING, NUMBER, parse_text_numbers
from pipeline.ingest.pending import pending
from pipeline.observations import DIMENSION_NAMES, DIMENSIONS, TOTAL

COLLECTED = ("admin", "household", "external")
CONTEXT = ["economy", "year", "indicator", "source_file", "sheet", "cell", "value"]


def _format(values: pd.Series) -> pd.Series:
    """Numbers as a person would read them in a message (shortest exact repr)."""
    return values.map(lambda v: np.format_float_positional(v, trim="-"))


def _finding(cells: pd.DataFrame, mask: pd.Series, code: str, **extra: object) -> pd.DataFrame:
    """Findings of ``code`` for the cells under ``mask``; extra columns may be Series."""
    if not mask.any():  # most codes find nothing: skip selecting from the whole table
        return pending(code, [])
    chosen = cells[mask]
    columns = {
        key: (v.reindex(chosen.index) if isinstance(v, pd.Series) else v)
        for key, v in extra.items()
    }
    return pending(code, chosen[CONTEXT].assign(**columns))


def resolve_indicators(raw: pd.Series, dictionary: pd.DataFrame) -> pd.Series:
    """Dictionary code for each raw code (exact, else unique case-insensitive match) or NaN."""
    codes = dictionary.index[dictionary["questionnaire"].isin(COLLECTED)]
    lower = pd.Series(codes, index=codes.str.lower())
    lower = lower[~lower.index.duplicated(keep=False)]
    exact = raw.where(raw.isin(codes))
    return exact.fillna(raw.str.lower().map(lower))


def distinct_text(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each value's position among the distinct stripped texts ('' for an empty cell), and
    those texts: a breakdown column of a batch repeats a few codes, so the text work is done
    once per distinct code. When every value is text or empty the raw values are told apart
    directly (equal texts are equal values); otherwise the texts are made first, so that
    values that compare equal but read differently (1, 1.0, True) stay apart."""
    keys, distinct = pd.factorize(values)
    if all(type(value) is str for value in distinct):
        text = pd.Series([*distinct, ""], dtype=object).astype(str).str.strip()
        return np.where(keys < 0, len(distinct), keys), text
    keys, distinct = pd.factorize(values.fillna("").astype(str).str.strip())
    return keys, pd.Series(distinct)


def normalise_breakdowns(cells: pd.DataFrame, dictionary: pd.DataFrame) -> pd.Series:
    """Upper-case breakdown codes, '_T' for totals; returns the text of any bad breakdown
    (the first bad breakdown of a cell, in :data:`DIMENSION_NAMES` order)."""
    problems = np.full(len(cells), "", dtype=object)
    indicator, indicators_seen = pd.factorize(cells["indicator"], use_na_sentinel=False)
    for name in DIMENSION_NAMES:
        keys, text = distinct_text(cells[name])
        code = text.str.upper().where(~text.str.lower().isin(layout.TOTAL_WORDS), TOTAL)
        allows = dictionary["breakdowns"].map(lambda b, n=name: n in b).reindex(indicators_seen)
        allowed = allows.fillna(False).astype(bool).to_numpy()[indicator]
        known = code.isin(DIMENSIONS[name]).to_numpy()[keys]
        total = (code == TOTAL).to_numpy()[keys]
        first = (~known | (~total & ~allowed)) & (problems == "")
        problems[first] = (f"{name}=" + text.to_numpy(dtype=object)[keys[first]]).astype(object)
        cells[name] = code.take(keys).set_axis(cells.index)
    return pd.Series(problems, index=cells.index, dtype=object)


def read_values(raw: pd.Series) -> pd.DataFrame:
    """Numeric cells as they are; text cells through the text-number parser."""
    kinds = raw.map(type)
    numeric = kinds.isin([int, float])
    text = kinds.eq(str)
    parsed = parse_text_numbers(raw[text].astype(str))
    out = pd.DataFrame(
        {"value": np.nan, "outcome": "unparseable", "marker": "", "ambiguous": False, "style": ""},
        index=raw.index,
    )
    numbers = pd.to_numeric(raw[numeric]).astype(float)
    finite = numbers[np.isfinite(numbers)]
    out.loc[finite.index, "value"] = finite
    out.loc[finite.index, "outcome"] = NUMBER
    columns = ["value", "outcome", "marker", "ambiguous", "style"]
    out.loc[text, columns] = parsed[columns]
    out["text"] = text
    return out.astype({"value": float, "ambiguous": bool})


def read_status(status: pd.Series) -> pd.DataFrame:
    """E / B status codes to flags; any other text is reported and ignored.

    A batch holds a handful of distinct status texts, so when every status is a text each
    distinct one is read once (the reading is a function of the text alone).
    """
    keys, distinct = pd.factorize(status)
    if len(status) and keys.min() >= 0 and all(type(value) is str for value in distinct):
        flags = _status_flags(pd.Series(distinct, dtype=object))
        return flags.iloc[keys].set_axis(status.index)
    return _status_flags(status)


def _status_flags(status: pd.Series) -> pd.DataFrame:
    text = status.fillna("").astype(str).str.upper().str.replace(r"[\s,;+/]", "", regex=True)
    valid = text.str.fullmatch(r"[EB]*")
    return pd.DataFrame(
        {
            "estimate": valid & text.str.contains("E", regex=False),
            "break_in_series": valid & text.str.contains("B", regex=False),
            "bad": ~valid,
        }
    )


def screen(
    cells: pd.DataFrame, dictionary: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    """Keep the cells with a known indicator, allowed breakdowns and a number; report the rest."""
    cells = cells.assign(value=cells["raw"].map(str), indicator=cells["indicator_raw"])
    found = resolve_indicators(cells["indicator_raw"], dictionary)
    unknown = found.isna()
    findings = [_finding(cells, unknown, "ING-UNKNOWN-INDICATOR", value=cells["indicator_raw"])]
    cells = cells[~unknown].assign(indicator=found[~unknown])
    problems = normalise_breakdowns(cells, dictionary)
    bad = problems != ""
    findings.append(_finding(cells, bad, "ING-UNKNOWN-BREAKDOWN", value=problems))
    cells = cells[~bad]
    values = read_values(cells["raw"])
    missing = values["outcome"].eq(MISSING)
    failed = ~values["outcome"].isin([NUMBER, MISSING])
    findings.append(_finding(cells, missing, "ING-MISSING-MARKER"))
    findings.append(_finding(cells, failed, "ING-UNPARSEABLE"))
    keep = values["outcome"].eq(NUMBER)
    cells, values = cells[keep], values[keep]
    findings.extend(_text_findings(cells, values))
    return cells, values, findings


def interpret(cells: pd.DataFrame, dictionary: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    """Observations and findings from value cells (see the module docstring)."""
    cells, values, findings = screen(cells, dictionary)
    unit = cells["indicator"].map(dictionary["unit"]).astype(str)
    counts = ~unit.str.startswith(layout.UNSCALED_UNIT_PREFIX)
    factor = cells["multiplier"].astype(float)
    unscalable = counts & factor.isna()
    scaled = counts & factor.notna() & factor.ne(1.0)
    with np.errstate(over="ignore"):
        result = values["value"] * factor.where(scaled, 1.0)
    beyond = ~np.isfinite(result) & ~unscalable
    status = read_status(cells["status_raw"])
    text = cells["multiplier_text"]
    findings += [
        _finding(cells, unscalable, "ING-BAD-MULTIPLIER", detail=text),
        _finding(cells, beyond, "ING-OUT-OF-RANGE"),
        _finding(
            cells, scaled & ~beyond, "ING-SCALED", detail=text, expected=_format(result[scaled])
        ),
        _finding(cells, status["bad"], "ING-BAD-STATUS", value=cells["status_raw"]),
        _finding(cells, cells["hidden"].astype(bool), "ING-HIDDEN-ROW"),
    ]
    observations = _observations(cells, values, result, status, unit, dictionary)
    return observations[~unscalable & ~beyond], findings


def _text_findings(cells: pd.DataFrame, values: pd.DataFrame) -> list[pd.DataFrame]:
    """One informational or warning finding per number that was typed as text.

    In a CSV every value is text, so there only the non-plain styles are reported.
    """
    plain = values["style"].eq("plain") & values["marker"].eq("")
    plain_csv = ~cells["typed_text"].astype(bool) & plain
    text = values["text"].astype(bool) & ~plain_csv
    ambiguous = text & values["ambiguous"]
    marked = text & ~ambiguous & values["marker"].ne("")
    plain = text & ~ambiguous & ~marked
    read = _format(values["value"][text])
    return [
        _finding(cells, ambiguous, "ING-AMBIGUOUS-NUMBER", expected=read),
        _finding(cells, marked, "ING-FOOTNOTE-MARKER", expected=read),
        _finding(cells, plain, "ING-TEXT-NUMBER", expected=read),
    ]


def _observations(
    cells: pd.DataFrame,
    values: pd.DataFrame,
    result: pd.Series,
    status: pd.DataFrame,
    unit: pd.Series,
    dictionary: pd.DataFrame,
) -> pd.DataFrame:
    marker = values["marker"].astype(str)
    note = cells["note"].fillna("").astype(str)
    footnote = note.where(marker.eq(""), (note + " ").str.lstrip() + "[" + marker + "]")
    questionnaire = cells["indicator"].map(dictionary["questionnaire"])
    return pd.DataFrame(
        {
            "economy": cells["economy"],
            "year": cells["year"].astype("int64"),
            "indicator": cells["indicator"],
            **{name: cells[name] for name in DIMENSION_NAMES},
            "value": result.astype(float),
            "unit": unit,
            "estimate": status["estimate"].astype(bool),
            "break_in_series": status["break_in_series"].astype(bool),
            "footnote": footnote,
            "kind": questionnaire,
            "source_file": cells["source_file"],
            "sheet": cells["sheet"],
            "cell": cells["cell"],
        }
    )
