"""Build the shipped returns in ``raw/`` from published ITU figures (issue #2 part 8).

Two steps, both deterministic:

1. ``source_table()`` assembles one long table of values — economy, year, indicator, the six
   breakdown dimensions, value, estimate, note and ``origin`` (where the figure came from) — in
   the priority order documented in ``raw/README.md``: the IDI inputs exactly as ITU published
   them in its IDI dataset, then ITU DataHub series, then synthetic breakdowns that are
   consistent with their totals.
2. ``write_raw()`` writes one admin and one household questionnaire per economy with the
   ingest stage's template writer, then replaces a few economies' returns with deliberately
   flawed submissions (``FLAWS`` in ``scripts/raw_flaws.py``, listed in ``raw/flawed.csv``).

``--check`` rebuilds into a scratch folder and compares every workbook's cell values (and the
bytes of non-workbook files) with ``raw/``; exit 1 on any difference.
Reads the public sources in ``data/sources/`` (origin and vintage in each folder's SOURCES.md).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from pipeline.ingest.template import write_questionnaire

sys.path.insert(0, str(Path(__file__).resolve().parent))
from raw_flaws import BOOK_FLAWS, FLAWS, OLE_MAGIC, VALUE_FLAWS, Flaw, cache_formula
from raw_synthetic import synthetic_rows

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "data" / "sources"
IDI_DIR = SOURCES / "itu_idi_dataset"
HUB_DIR = SOURCES / "itu_datahub_2025-12"
HUB_OLD = SOURCES / "itu_datahub_2025-07"
YEARS = (2021, 2022, 2023)
REFERENCE_YEAR = 2023
DIMENSIONS = ("sex", "age", "area", "speed", "technology", "skill")
TOTAL = "_T"
KEY = ["economy", "year", "indicator", *DIMENSIONS]
COLUMNS = [*KEY, "value", "estimate", "note", "origin"]
#: IDI edition → data year (t−2). A value marked ‡ is the t−3 value (data year − 1).
IDI_EDITIONS = {2025: 2023, 2024: 2022, 2023: 2021}
IDI_CODE_FIXES = {"WBG": "PSE"}
#: IDI dataset column → (indicator collected by the questionnaire, reconstruction).
IDI_COLUMNS = {
    "internet_users_pct": ("HH7", "as_published"),
    "households_internet_pct": ("HH6", "as_published"),
    "mobile_owners_pct": ("HH18", "as_published"),
    "cov_3g_pct": ("i271G", "as_published"),
    "cov_4g_pct": ("i271GA", "as_published"),
    "mobile_basket_pct_gni": ("i271mb_high_ts_GNI", "as_published"),
    "fbb_basket_pct_gni": ("i154_FBB5_GNI", "as_published"),
    "mbb_subs_per100": ("i271mw", "per100_to_count"),
    "mbb_traffic_gb_per_sub": ("i136mwi", "per_sub_to_total"),
    "fbb_traffic_gb_per_sub": ("i135tfb", "per_sub_to_total"),
}
#: ITU DataHub series code → questionnaire indicator (files: data/sources/itu_datahub_*/SOURCES.md).
HUB_SERIES = {
    "i99H": (HUB_DIR / "individuals_using_internet.csv", "HH7"),
    "xHH6_IDI": (HUB_DIR / "households_internet_access.csv", "HH6"),
    "xHH18_IDI": (HUB_DIR / "mobile_phone_ownership.csv", "HH18"),
    "i271mw": (HUB_DIR / "active_mobile_broadband_subscriptions.csv", "i271mw"),
    "i4213tfbb": (HUB_DIR / "fixed_broadband_subscriptions.csv", "i4213tfbb"),
    "i271pop": (HUB_DIR / "population_coverage_mobile_network.csv", "i271pop"),
    "i271G": (HUB_DIR / "population_coverage_mobile_network.csv", "i271G"),
    "i271GA": (HUB_DIR / "population_coverage_mobile_network.csv", "i271GA"),
    "i271G5_pop": (HUB_DIR / "population_coverage_mobile_network.csv", "i271G5"),
    "i154_FBB5_GNI": (HUB_DIR / "fixed_broadband_price_5gb.csv", "i154_FBB5_GNI"),
    "i271mb_5GB_GNI": (HUB_DIR / "data_only_mobile_broadband_basket_5gb.csv", "i271mb_5GB_GNI"),
    "i271": (HUB_OLD / "mobile_cellular_subscriptions.csv", "i271"),
}
#: Priority of origins when two sources give the same key (lower wins).
ORIGIN_RANK = {"idi": 0, "idi-lagged": 1, "idi-reconstructed": 0, "datahub": 2, "synthetic": 3}


def _rows(frame: pd.DataFrame, **fixed: object) -> pd.DataFrame:
    """Complete a partial table to the source-table columns (totals for absent dimensions)."""
    out = frame.assign(**fixed)
    for dimension in DIMENSIONS:
        if dimension not in out:
            out[dimension] = TOTAL
    for column, default in (("estimate", False), ("note", ""), ("origin", "")):
        if column not in out:
            out[column] = default
    return out[COLUMNS]


def _idi_edition(edition: int) -> pd.DataFrame:
    """One IDI sheet in long form: economy, column, text as published, source note."""
    wide = pd.read_csv(IDI_DIR / f"idi_{edition}_data.csv", dtype=str, keep_default_na=False)
    wide["economy"] = wide["iso3"].replace(IDI_CODE_FIXES)
    parts = []
    for column in IDI_COLUMNS:
        # Each value column is followed by its "_src" column (ITU's source note).
        source = wide.columns[wide.columns.get_loc(column) + 1]
        parts.append(
            pd.DataFrame(
                {
                    "economy": wide["economy"],
                    "column": column,
                    "text": wide[column],
                    "note": wide[source],
                }
            )
        )
    return pd.concat(parts, ignore_index=True).assign(edition=edition)


def idi_values() -> pd.DataFrame:
    """IDI inputs as published: † → estimate, ‡ → the t−3 year, n.a. → not published.

    Returns rows with the published value in the IDI's own unit (``column``); ``blocked`` rows
    mark 'n.a.' (ITU estimate not published), which must stay empty in the return.
    """
    long = pd.concat([_idi_edition(edition) for edition in IDI_EDITIONS], ignore_index=True)
    lagged = long["text"].str.endswith("‡")
    long["year"] = long["edition"].map(IDI_EDITIONS) - lagged.astype(int)
    long["estimate"] = long["text"].str.endswith("†")
    long["blocked"] = long["text"].eq("n.a.")
    long["value"] = pd.to_numeric(long["text"].str.rstrip("†‡").where(~long["blocked"]))
    long["origin"] = np.where(lagged, "idi-lagged", "idi")
    long = long[long["year"].isin(YEARS)]
    # Latest edition first: a later edition's lagged value for a year supersedes an earlier
    # edition's value for the same year (it is the newer vintage of that figure).
    long = long.sort_values(["edition"], ascending=False, kind="stable")
    return long.drop_duplicates(["economy", "year", "column"], keep="first")


def hub_values() -> pd.DataFrame:
    """ITU DataHub series (exports of 2025-12; i271 of 2025-07) as questionnaire indicators."""
    frames = []
    for series, (path, indicator) in HUB_SERIES.items():
        hub = pd.read_csv(path, encoding="utf-8-sig", low_memory=False)
        hub = hub[(hub["seriesCode"] == series) & hub["dataYear"].isin(YEARS)]
        frames.append(
            pd.DataFrame(
                {
                    "economy": hub["entityIso"],
                    "year": hub["dataYear"].astype(int),
                    "indicator": indicator,
                    "value": pd.to_numeric(hub["dataValue"]),
                    "estimate": hub["dataSource"].fillna("").str.contains("ITU estimate"),
                    "note": hub["dataNote"].fillna(""),
                }
            )
        )
    hub = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    return _rows(hub, origin="datahub")


def _population() -> pd.Series:
    """ITU population (i61, UN WPP 2024) by economy and year, as in schemas/reference."""
    pop = pd.read_csv(REPO / "schemas/reference/population.csv")
    return pop.set_index(["economy", "year"])["population"]


def _idi_rows(idi: pd.DataFrame, population: pd.Series) -> pd.DataFrame:
    """IDI values converted to what the questionnaire collects (see raw/README.md).

    Per-100 subscriptions become counts with ITU's population (per100 × population / 100,
    rounded to a whole subscription), so that ictstats' per-100 derivation gives back the
    published figure. Traffic per subscription is turned into totals later (``_traffic``),
    once the subscription counts of the return are known.
    """
    idi = idi.dropna(subset=["value"]).copy()
    idi["indicator"] = idi["column"].map(lambda column: IDI_COLUMNS[column][0])
    method = idi["column"].map(lambda column: IDI_COLUMNS[column][1])
    direct = idi[method == "as_published"]
    per100 = idi[method == "per100_to_count"].copy()
    people = population.reindex(pd.MultiIndex.from_frame(per100[["economy", "year"]]))
    per100["value"] = (per100["value"] * people.to_numpy() / 100).round()
    per100["origin"] = "idi-reconstructed"
    return _rows(pd.concat([direct, per100.dropna(subset=["value"])]))


def _resolve(candidates: pd.DataFrame, blocked: pd.DataFrame) -> pd.DataFrame:
    """One value per key: the best-ranked origin wins; IDI 'n.a.' keys stay empty."""
    ranked = candidates.assign(rank=candidates["origin"].map(ORIGIN_RANK))
    ranked = ranked.sort_values(["rank", *KEY], kind="stable").drop_duplicates(KEY)
    keys = ["economy", "year", "indicator"]
    hit = ranked[keys].merge(blocked[keys].drop_duplicates(), how="left", indicator=True)
    return ranked[hit["_merge"].to_numpy() == "left_only"][COLUMNS]


def _traffic(idi: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Annual traffic totals (GB) = published GB per subscription × subscriptions in the return."""
    denominators = {"mbb_traffic_gb_per_sub": "i271mw", "fbb_traffic_gb_per_sub": "i4213tfbb"}
    totals = table[table["indicator"].isin(denominators.values())]
    counts = totals[totals["speed"].eq(TOTAL) & totals["technology"].eq(TOTAL)]
    counts = counts.set_index(["economy", "year", "indicator"])["value"]
    per_sub = idi[idi["column"].isin(denominators)].dropna(subset=["value"]).copy()
    per_sub["denominator"] = per_sub["column"].map(denominators)
    index = pd.MultiIndex.from_frame(per_sub[["economy", "year", "denominator"]])
    per_sub["value"] = per_sub["value"] * counts.reindex(index).to_numpy()
    per_sub["indicator"] = per_sub["column"].map(lambda column: IDI_COLUMNS[column][0])
    per_sub["origin"] = "idi-reconstructed"
    return _rows(per_sub.dropna(subset=["value"]))


def source_table() -> pd.DataFrame:
    """Every value the clean returns carry, one row per key, with its origin."""
    population = _population()
    idi = idi_values()
    blocked = idi[idi["blocked"]].assign(
        indicator=lambda f: f["column"].map(lambda column: IDI_COLUMNS[column][0])
    )
    candidates = pd.concat([_idi_rows(idi, population), hub_values()], ignore_index=True)
    economies = set(idi["economy"])
    candidates = candidates[candidates["economy"].isin(economies)]
    table = _resolve(candidates, blocked)
    table = pd.concat([table, _traffic(idi, table)], ignore_index=True)
    table = _resolve(table, blocked)
    table = pd.concat([table, synthetic_rows(table)], ignore_index=True)
    return table.sort_values(KEY, kind="stable").reset_index(drop=True)


def _indicator_kinds() -> pd.Series:
    """Questionnaire kind of every collected indicator (from the dictionary)."""
    table = pd.read_csv(REPO / "schemas/indicators.csv", keep_default_na=False)
    table = table[table["questionnaire"].isin(["admin", "household"])]
    return table.set_index("code")["questionnaire"]


def _write_one(
    folder: Path, economy: str, kind: str, values: pd.DataFrame, flaw: Flaw | None
) -> None:
    """Write one return; a flawed return replaces the economy's clean one."""
    defect = flaw.defect if flaw else ""
    if defect in VALUE_FLAWS:
        values = VALUE_FLAWS[defect](values)
    path = folder / (flaw.file if flaw else f"{kind}/{economy}_{REFERENCE_YEAR}_{kind}.xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)
    if defect == "legacy-xls":
        path.write_bytes(OLE_MAGIC + bytes(1536 - len(OLE_MAGIC)))
        return
    values = values.rename(columns={"note": "footnote"})
    write_questionnaire(path, economy, YEARS, kind, values, collection_round="")
    if defect in BOOK_FLAWS:
        book = load_workbook(path)
        cached = BOOK_FLAWS[defect](book) or []
        book.save(path)
        for sheet, coordinate, value in cached:
            cache_formula(path, sheet, coordinate, value)
    if defect == "truncated-file":
        path.write_bytes(path.read_bytes()[:1500])


def write_raw(folder: Path, table: pd.DataFrame, economies: list[str] | None = None) -> None:
    """Write the returns of ``economies`` (default all) and ``flawed.csv`` into ``folder``."""
    kinds = table["indicator"].map(_indicator_kinds())
    flaws = {(flaw.economy, flaw.kind): flaw for flaw in FLAWS}
    chosen = sorted(set(table["economy"])) if economies is None else economies
    for (economy, kind), values in table.groupby([table["economy"], kinds]):
        if economy in chosen:
            _write_one(folder, economy, kind, values, flaws.get((economy, kind)))
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
        elif name.endswith(".csv"):
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
