"""Build the shipped returns in ``raw/``, one folder per collection round, from public sources.

Deterministic, in two steps:

1. ``source_table()`` assembles one long table — round, economy, year, indicator, the six
   breakdown dimensions, value, estimate, note and ``origin`` (where the figure came from):
   the 2016 round of the MISR 2017 IDI (``raw_misr2017.py``), one round per IDI edition
   2023–2025 holding the inputs exactly as that edition published them (``raw_rounds.py``),
   and a last round from ITU DataHub (December 2025) with synthetic breakdowns.
2. ``write_raw()`` writes each round: ``round.toml``, then long CSV returns (edition rounds)
   or admin and household questionnaires (the last round) with the ingest stage's template
   writer, and replaces a few last-round returns with deliberately flawed submissions
   (``FLAWS`` in ``scripts/raw_flaws.py``, listed in ``raw/flawed.csv``).

``--check`` rebuilds into a scratch folder and compares every workbook's cell values (and the
bytes of every other file) with ``raw/``; exit 1 on any difference.
Reads the public sources in ``data/sources/`` (origin and vintage in each folder's SOURCES.md);
``raw/README.md`` documents every rule.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from pipeline.ingest.template import write_questionnaire

sys.path.insert(0, str(Path(__file__).resolve().parent))
from raw_flaws import BOOK_FLAWS, FLAWS, OLE_MAGIC, VALUE_FLAWS, Flaw, cache_formula
from raw_misr2017 import misr2017_rows
from raw_rounds import (
    LATEST,
    PRICE_INDICATORS,
    ROUNDS,
    TRAFFIC_DENOMINATORS,
    Round,
    edition_values,
    idi_values,
    reconstruct,
    round_toml,
    traffic,
)
from raw_synthetic import synthetic_rows

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "data" / "sources"
HUB_DIR = SOURCES / "itu_datahub_2025-12"
HUB_OLD = SOURCES / "itu_datahub_2025-07"
DIMENSIONS = ("sex", "age", "area", "speed", "technology", "skill")
TOTAL = "_T"
KEY = ["economy", "year", "indicator", *DIMENSIONS]
COLUMNS = ["round", *KEY, "value", "estimate", "note", "origin"]
#: ITU DataHub series code → (source file, questionnaire indicator), from schemas/datahub_codes.csv.
HUB_SERIES = {
    row.datahub_code: (SOURCES / row.datahub_file, row.indicator)
    for row in pd.read_csv(REPO / "schemas" / "datahub_codes.csv", dtype=str).itertuples()
}
#: Priority of origins within the last round when two sources give the same key (lower wins):
#: DataHub is the newer vintage of every figure it has.
ORIGIN_RANK = {"datahub": 0, "idi": 1, "idi-reconstructed": 1, "borrowed": 1, "synthetic": 2}


def _rows(frame: pd.DataFrame, **fixed: object) -> pd.DataFrame:
    """Complete a partial table to the source-table columns (totals for absent dimensions)."""
    out = frame.assign(**fixed)
    for dimension in DIMENSIONS:
        if dimension not in out:
            out[dimension] = TOTAL
    for column, default in (("estimate", False), ("note", ""), ("origin", ""), ("round", "")):
        if column not in out:
            out[column] = default
    return out[COLUMNS]


def economies() -> set[str]:
    """ISO3 codes of the economy reference (DataHub also lists aggregates and territories)."""
    return set(pd.read_csv(REPO / "schemas/reference/economies.csv")["economy"])


def hub_values(years: tuple[int, ...]) -> pd.DataFrame:
    """ITU DataHub series (exports of 2025-12; i271 of 2025-07) as questionnaire indicators.

    A 0 price basket is a placeholder (CUB 2022 fixed broadband), not a price: dropped.
    """
    frames = []
    for series, (path, indicator) in HUB_SERIES.items():
        hub = pd.read_csv(path, encoding="utf-8-sig", low_memory=False)
        hub = hub[(hub["seriesCode"] == series) & hub["dataYear"].isin(years)]
        frames.append(
            pd.DataFrame(
                {
                    "economy": hub["entityIso"],
                    "year": hub["dataYear"].astype(int),
                    "indicator": indicator,
                    "value": pd.to_numeric(hub["dataValue"]),
                    "estimate": hub["dataSource"].fillna("").str.contains("(?i)ITU estimate"),
                    "note": hub["dataNote"].fillna(""),
                }
            )
        )
    hub = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    hub = hub[hub["economy"].isin(economies())]
    hub = hub[~(hub["indicator"].isin(PRICE_INDICATORS) & hub["value"].le(0))]
    return _rows(hub, origin="datahub")


def _population() -> pd.Series:
    """ITU population (i61, UN WPP 2024) by economy and year, as in schemas/reference."""
    pop = pd.read_csv(REPO / "schemas/reference/population.csv")
    return pop.set_index(["economy", "year"])["population"]


def _counts(table: pd.DataFrame) -> pd.Series:
    """Subscription totals of a table: economy, year, indicator → value."""
    totals = table[table[list(DIMENSIONS)].eq(TOTAL).all(axis=1)]
    totals = totals[totals["indicator"].isin(["i271mw", "i4213tfbb"])]
    return totals.set_index(["economy", "year", "indicator"])["value"]


def _denominators(needed: pd.DataFrame, own: pd.Series, hub: pd.Series, population: pd.Series):
    """Subscription counts for the traffic rows of an edition round.

    The same-year count of the round itself (reconstructed from the published per-100
    figure), else DataHub's. Where neither exists (ITU published the traffic per subscription
    but no public count of that year exists: 2 cases), the nearest year's count scaled by
    population is shipped as an estimate, only so that the traffic per subscription the
    return implies equals ITU's published figure.
    """
    keys = pd.MultiIndex.from_frame(needed[["economy", "year", "indicator"]])
    found = own.reindex(keys).fillna(hub.reindex(keys))
    rows = needed.assign(value=found.to_numpy(), origin="datahub", estimate=False, note="")
    rows = rows[~pd.MultiIndex.from_frame(rows[["economy", "year", "indicator"]]).isin(own.index)]
    missing = rows[rows["value"].isna()]
    pool = pd.concat([own, hub[~hub.index.isin(own.index)]]).rename("count").reset_index()
    near = missing.drop(columns="value").merge(
        pool, on=["economy", "indicator"], suffixes=("", "_c")
    )
    near = near.assign(
        gap=(near["year_c"] - near["year"]).abs() * 2 + (near["year_c"] > near["year"])
    )
    near = near.sort_values("gap", kind="stable").drop_duplicates(["economy", "year", "indicator"])
    ratio = population.reindex(pd.MultiIndex.from_frame(near[["economy", "year"]])).to_numpy() / (
        population.reindex(pd.MultiIndex.from_frame(near[["economy", "year_c"]])).to_numpy()
    )
    near = near.assign(
        value=(near["count"] * ratio).round(), origin="borrowed", estimate=True,
        note="No public count of this year: the " + near["year_c"].astype(str)
        + " count scaled by population (denominator of the published traffic per subscription)",
    )  # fmt: skip
    return pd.concat([rows.dropna(subset=["value"]), near[rows.columns]], ignore_index=True)


def edition_round(round_: Round, population: pd.Series, hub: pd.DataFrame) -> pd.DataFrame:
    """The inputs one IDI edition published, as the returns of its round.

    Traffic per subscription needs a subscription count of the same year in the same return
    (:func:`_denominators`); the traffic total is then per subscription × that count.
    """
    idi = edition_values(int(round_.edition))
    values = _rows(reconstruct(idi, population))
    per_sub = idi[idi["column"].isin(TRAFFIC_DENOMINATORS)].dropna(subset=["value"])
    needed = per_sub[["economy", "year"]].assign(
        indicator=per_sub["column"].map(TRAFFIC_DENOMINATORS)
    )
    counts = _denominators(needed, _counts(values), _counts(hub), population)
    values = pd.concat([values, _rows(counts)], ignore_index=True)
    values = pd.concat([values, _rows(traffic(idi, _counts(values)))], ignore_index=True)
    return values.assign(round=round_.id)


def _resolve(candidates: pd.DataFrame) -> pd.DataFrame:
    """One value per key: the best-ranked origin wins."""
    ranked = candidates.assign(rank=candidates["origin"].map(ORIGIN_RANK))
    ranked = ranked.sort_values(["rank", *KEY], kind="stable").drop_duplicates(KEY)
    return ranked[COLUMNS]


def latest_round(population: pd.Series, hub: pd.DataFrame) -> pd.DataFrame:
    """The last round: DataHub's December 2025 vintage of 2021–2023, the latest published IDI
    figure where DataHub has none (traffic, mobile basket), and synthetic breakdowns."""
    idi = idi_values()
    idi = idi[idi["year"].isin(LATEST.years)].sort_values("edition", ascending=False)
    idi = idi.drop_duplicates(["economy", "year", "column"], keep="first")
    table = _resolve(pd.concat([hub, _rows(reconstruct(idi, population))], ignore_index=True))
    table = pd.concat([table, _rows(traffic(idi, _counts(table)))], ignore_index=True)
    table = pd.concat([table, synthetic_rows(table)], ignore_index=True)
    return table.assign(round=LATEST.id)


def source_table() -> pd.DataFrame:
    """Every value the clean returns carry: one row per round and key, with its origin."""
    population = _population()
    hub = hub_values(tuple(sorted({y for r in ROUNDS if r.edition for y in r.years})))
    parts = [misr2017_rows(population).assign(round=ROUNDS[0].id)]
    parts += [edition_round(r, population, hub) for r in ROUNDS if r.edition]
    parts.append(latest_round(population, hub[hub["year"].isin(LATEST.years)]))
    table = pd.concat([_rows(part) for part in parts], ignore_index=True)
    return table.sort_values(["round", *KEY], kind="stable").reset_index(drop=True)


def _indicator_kinds() -> pd.Series:
    """Questionnaire kind of every collected indicator (from the dictionary)."""
    table = pd.read_csv(REPO / "schemas/indicators.csv", keep_default_na=False)
    table = table[table["questionnaire"].isin(["admin", "household"])]
    return table.set_index("code")["questionnaire"]


def _write_one(
    folder: Path, economy: str, kind: str, values: pd.DataFrame, flaw: Flaw | None
) -> None:
    """Write one last-round questionnaire; a flawed return replaces the economy's clean one."""
    defect = flaw.defect if flaw else ""
    if defect in VALUE_FLAWS:
        values = VALUE_FLAWS[defect](values)
    year = LATEST.years[-1]
    default = f"{LATEST.id}/{kind}/{economy}_{year}_{kind}.xlsx"
    path = folder / (flaw.file if flaw else default)
    path.parent.mkdir(parents=True, exist_ok=True)
    if defect == "legacy-xls":
        path.write_bytes(OLE_MAGIC + bytes(1536 - len(OLE_MAGIC)))
        return
    footnoted = values.rename(columns={"note": "footnote"})
    write_questionnaire(path, economy, LATEST.years, kind, footnoted, collection_round=LATEST.id)
    if defect in BOOK_FLAWS:
        book = load_workbook(path)
        cached = BOOK_FLAWS[defect](book) or []
        book.save(path)
        for sheet, coordinate, value in cached:
            cache_formula(path, sheet, coordinate, value)
    if defect == "truncated-file":
        path.write_bytes(path.read_bytes()[:1500])


#: Columns of a long CSV return (pipeline/ingest/longcsv.py); totals only, so no breakdowns.
CSV_COLUMNS = ["economy", "year", "indicator", "value", "estimate", "footnote"]


def _write_csv(folder: Path, round_: Round, economy: str, values: pd.DataFrame) -> None:
    """One economy's return of an edition round as a long CSV (the database-export form)."""
    rows = values.sort_values(["year", "indicator"], kind="stable").rename(
        columns={"note": "footnote"}
    )
    rows = rows.assign(estimate=rows["estimate"].map({True: "true", False: "false"}))
    path = folder / round_.id / f"{economy}_{round_.id}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    rows[CSV_COLUMNS].to_csv(path, index=False, lineterminator="\n", float_format="%.15g")


def _write_round(folder: Path, round_: Round, table: pd.DataFrame, chosen: set[str] | None) -> None:
    folder.joinpath(round_.id).mkdir(parents=True, exist_ok=True)
    folder.joinpath(round_.id, "round.toml").write_text(round_toml(round_), encoding="utf-8")
    table = table[table["economy"].isin(chosen)] if chosen is not None else table
    if round_.form == "csv":
        for economy, values in table.groupby("economy"):
            _write_csv(folder, round_, str(economy), values)
        return
    kinds = table["indicator"].map(_indicator_kinds())
    flaws = {(flaw.economy, flaw.kind): flaw for flaw in FLAWS}
    for (economy, kind), values in table.groupby([table["economy"], kinds]):
        _write_one(folder, economy, kind, values, flaws.get((economy, kind)))


def write_raw(folder: Path, table: pd.DataFrame, economies: list[str] | None = None) -> None:
    """Write every round's returns of ``economies`` (default all) and ``flawed.csv``."""
    chosen = None if economies is None else set(economies)
    for round_ in ROUNDS:
        _write_round(folder, round_, table[table["round"] == round_.id], chosen)
    columns = ["file", "defect", "expected_codes", "economy", "kind", "description"]
    records = pd.DataFrame([flaw.__dict__ for flaw in FLAWS])[columns]
    records.to_csv(folder / "flawed.csv", index=False, lineterminator="\n")


def workbook_content(path: Path) -> object:
    """What a return holds, for comparing two builds: cell values (formulas as text), merged
    ranges and hidden rows per sheet; for a file that is not a workbook, its size and magic."""
    try:
        book = load_workbook(path)
    except Exception:  # any unreadable file: compare what can be compared
        data = path.read_bytes()
        return ("not-a-workbook", len(data), data[:8])
    content = {}
    for sheet in book.worksheets:
        cells = {c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.value}
        merged = sorted(str(cell_range) for cell_range in sheet.merged_cells.ranges)
        hidden = sorted(i for i, dim in sheet.row_dimensions.items() if dim.hidden)
        content[sheet.title] = (cells, merged, hidden)
    return content


def differences(expected: Path, actual: Path) -> list[str]:
    """Files of two raw/ folders that differ in content (README.md is hand-written)."""

    def listing(folder: Path) -> set[str]:
        files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        return files - {"README.md"}

    names = listing(expected) | listing(actual)
    out = []
    for name in sorted(names):
        left, right = expected / name, actual / name
        if not (left.exists() and right.exists()):
            out.append(f"{name}: only in {'built' if left.exists() else 'raw/'}")
        elif not name.endswith((".xlsx", ".xls")):
            out += [f"{name}: differs"] if left.read_bytes() != right.read_bytes() else []
        elif workbook_content(left) != workbook_content(right):
            out.append(f"{name}: differs")
    return out


def main(argv: list[str] | None = None) -> int:
    """Write raw/ (default) or, with --check, compare a fresh build with raw/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with raw/, do not write")
    parser.add_argument("--raw", type=Path, default=REPO / "raw", help="target folder")
    args = parser.parse_args(argv)
    table = source_table()
    if not args.check:
        write_raw(args.raw, table)
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        write_raw(Path(scratch), table)
        problems = differences(Path(scratch), args.raw)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
