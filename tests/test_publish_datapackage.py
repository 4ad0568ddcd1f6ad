"""The publication's Frictionless data package: the validator accepts it with 0 errors.

``frictionless validate`` (frictionless-py, the Open Knowledge Foundation's reference
implementation of Data Package / Table Schema) reads every CSV against its declared schema:
types, code lists (enum), the foreign key to the economies, and the descriptor itself.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from frictionless import validate

from pipeline.dictionary import indicators
from pipeline.publish.cli import write_publication
from pipeline.publish.datapackage import DATAHUB_FILE, datahub_codes
from pipeline.publish.publication import publish

sys.path.insert(0, str(Path(__file__).parent / "data" / "publish"))
import synthetic


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    bundle = synthetic.bundle()
    series = pd.DataFrame(
        {
            "series": "IT_USE_II99",
            "indicator_sdg": "17.8.1",
            "economy": ["KEN", "NGA"],
            "m49": [404, 566],
            "year": 2024,
            **{d: "_T" for d in ("sex", "age", "area", "speed", "skill")},
            "value": [40.1, 35.2],
            "unit": "PT",
            "obs_status": ["A", "E"],
            "footnote": "",
            "source_file": "x.xlsx",
            "sheet": "S",
            "cell": "A1",
        }
    )
    out = tmp_path_factory.mktemp("publication")
    write_publication(publish(replace(bundle, sdg_series=series)), out)
    return out


def test_the_data_package_validates_with_zero_errors(folder) -> None:
    report = validate(folder / "datapackage.json")
    errors = [e for task in report.tasks for e in task.errors] + list(report.errors)
    assert report.valid, [e.message for e in errors][:5]
    assert not errors
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in descriptor["resources"]}
    assert {p.relative_to(folder).as_posix() for p in folder.glob("*/*.csv")} == paths


def test_types_units_and_code_lists_are_declared(folder) -> None:
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    series = {f["name"]: f for f in resources["sdg_series"]["schema"]["fields"]}
    assert series["unit"]["type"] == "string", "PT is a unit code, not a duration"
    assert series["unit"]["constraints"]["enum"] == ["PT", "PER_100_POP", "NUMBER"]
    observations = {f["name"]: f for f in resources["observations"]["schema"]["fields"]}
    assert observations["year"]["type"] == "integer"
    assert observations["value"]["type"] == "number"
    assert set(observations["sex"]["constraints"]["enum"]) == {"_T", "F", "M"}
    assert resources["observations"]["schema"]["foreignKeys"][0]["reference"] == {
        "resource": "economies",
        "fields": "economy",
    }
    ranking = {f["name"]: f for f in resources["idi_2024_ranking"]["schema"]["fields"]}
    assert ranking["Score"]["unit"] == "score (0-100)"


def test_a_value_outside_its_code_list_fails_validation(folder, tmp_path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    path = copy / "data" / "observations.csv"
    frame = pd.read_csv(path, keep_default_na=False)
    frame.loc[0, "sex"] = "X"
    frame.to_csv(path, index=False)
    assert not validate(copy / "datapackage.json").valid


def test_datahub_codes_are_data_and_reach_the_tables(folder) -> None:
    mapping = pd.read_csv(DATAHUB_FILE, dtype=str)
    assert set(mapping["indicator"]) <= set(indicators()["code"])
    assert not mapping["indicator"].duplicated().any()
    assert datahub_codes()["HH7"] == "i99H"
    observations = pd.read_csv(folder / "data" / "observations.csv", keep_default_na=False)
    assert list(observations.columns).index("datahub_code") == 3, "right after indicator"
    assert set(observations.loc[observations["indicator"] == "HH7", "datahub_code"]) == {"i99H"}
    series = pd.read_csv(folder / "data" / "sdg_series.csv", keep_default_na=False)
    assert set(series["datahub_code"]) == {"i99H"}, "the series' source indicator's code"
