"""Rule examples as observation tables: dictionary fields filled in, cells numbered, outcomes
judged fail before pass before not evaluable (pipeline/validate/examples.py)."""

from __future__ import annotations

import pandas as pd

from pipeline.validate.examples import judge, observations, population, run_example
from pipeline.validate.items import FAIL, NOT_EVALUABLE, PASS


def test_example_rows_take_the_dictionary_fields_and_numbered_cells() -> None:
    frame = observations(
        {
            "observations": [
                {"indicator": "HH7", "value": 50},
                {"indicator": "i271", "value": 5, "economy": "BBB", "year": 2023},
                {"indicator": "i4213tfbb", "value": 1, "unit": "own", "cell": "Z1"},
            ]
        }
    )
    assert frame["unit"].tolist() == ["% of individuals", "subscriptions", "own"]
    assert frame["kind"].tolist() == ["household", "admin", "admin"]
    assert frame["sheet"].tolist()[:2] == ["Individuals", "Mobile"]
    assert frame["cell"].tolist() == ["J9", "J10", "Z1"], "the example's own fields win"
    assert frame[["economy", "year"]].values.tolist() == [["AAA", 2024], ["BBB", 2023],
                                                         ["AAA", 2024]]  # fmt: skip
    assert set(frame["sex"]) == {"_T"} and set(frame["source_file"]) == {"example.xlsx"}


def test_population_of_an_example_and_its_absence() -> None:
    assert list(population({}).columns) == ["economy", "year", "population"]
    assert population({}).empty
    given = population({"population": [{"economy": "AAA", "year": 2024, "population": 10}]})
    assert given.values.tolist() == [["AAA", 2024, 10]]


def test_judge_fail_then_pass_then_not_evaluable() -> None:
    def items(*outcomes: str) -> pd.DataFrame:
        return pd.DataFrame({"outcome": list(outcomes)})

    assert judge(items(PASS, FAIL, NOT_EVALUABLE)) == FAIL
    assert judge(items(NOT_EVALUABLE, PASS)) == PASS
    assert judge(items(NOT_EVALUABLE)) == NOT_EVALUABLE
    assert judge(items()) == NOT_EVALUABLE


def test_run_example_uses_the_kind_and_the_example_population() -> None:
    example = {
        "observations": [{"indicator": "i271", "value": 3000}],
        "population": [{"economy": "AAA", "year": 2024, "population": 1000}],
    }
    params = {"indicator": "i271", "max": 200}
    assert run_example("per_capita", params, example) == FAIL
    assert run_example("per_capita", params | {"max": 300}, example) == PASS
    assert run_example("per_capita", params, {"observations": example["observations"]}) == (
        NOT_EVALUABLE
    )


def test_external_indicators_keep_their_kind_and_derived_ones_read_as_admin() -> None:
    frame = observations(
        {"observations": [{"indicator": "mys", "value": 9}, {"indicator": "i112_p100",
                                                             "value": 20}]}
    )  # fmt: skip
    assert frame["kind"].tolist() == ["external", "admin"]
