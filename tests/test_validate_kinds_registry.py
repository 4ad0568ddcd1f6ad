"""The rule-kind registry says what each kind's function reads: every declared parameter is
read, none other, and the ones naming indicators or breakdowns are declared as such
(pipeline/validate/kinds.py)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from pipeline.validate.examples import observations
from pipeline.validate.kinds import REGISTRY, Context

POPULATION = pd.DataFrame({"economy": ["AAA"], "year": [2024], "population": [1e6]})

#: Every parameter of each kind, at a value that takes the function down every path.
FULL = {
    "range": {"indicators": ["HH7"], "min": 0, "max": 100, "tolerance": 0.1},
    "integer": {"indicators": ["i271"], "tolerance": 1e-6},
    "part_whole": {"part": "i271p", "whole": "i271", "breakdown": "sex", "tolerance": 1,
                   "rel_tolerance": 0.1},
    "order": {"chain": ["i271GA", "i271G"], "tolerance": 1, "rel_tolerance": 0.1},
    "sum_total": {"indicator": "HH7", "breakdown": "sex", "direction": "over",
                  "rel_tolerance": 0.1},
    "bracket": {"indicator": "HH7", "breakdown": "sex", "tolerance": 0.1},
    "year_change": {"indicators": ["i271"], "mode": "relative", "lower": -30, "upper": 30,
                    "keep": ["sex"]},
    "scale_slip": {"indicators": ["i271"], "factor": 100, "band": 2, "keep": ["sex"]},
    "per_capita": {"indicator": "i271", "per": 100, "min": 0, "max": 200},
    "required": {"questionnaire": "admin", "indicators": ["i271"]},
}  # fmt: skip

#: The parameters that hold indicator codes, and those that hold breakdown names.
CODES = {
    "range": ({"indicators"}, set()),
    "integer": ({"indicators"}, set()),
    "part_whole": ({"part", "whole"}, {"breakdown"}),
    "order": ({"chain"}, set()),
    "sum_total": ({"indicator"}, {"breakdown"}),
    "bracket": ({"indicator"}, {"breakdown"}),
    "year_change": ({"indicators"}, {"keep"}),
    "scale_slip": ({"indicators"}, {"keep"}),
    "per_capita": ({"indicator"}, set()),
    "required": ({"indicators"}, set()),
}


class Reading(dict):
    """A parameter mapping that remembers which keys were asked for."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> object:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: object = None) -> object:
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


def _frame() -> pd.DataFrame:
    rows = [
        {"indicator": code, "value": 10.0, "year": year, "kind": "admin"}
        for code in ("HH7", "i271", "i271p", "i271GA", "i271G")
        for year in (2023, 2024)
    ]
    rows += [{"indicator": "HH7", "sex": "F", "value": 9.0},
             {"indicator": "i271p", "sex": "F", "value": 5.0}]  # fmt: skip
    return observations({"observations": rows})


def test_every_kind_has_full_parameters_here() -> None:
    assert set(FULL) == set(REGISTRY) == set(CODES)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_declared_parameter_is_read_and_no_other(name: str) -> None:
    kind = REGISTRY[name]
    assert set(FULL[name]) == kind.allowed
    assert set(kind.required) <= kind.allowed
    params = Reading(FULL[name])
    kind.function(_frame(), params, Context(population=POPULATION))
    assert params.read == kind.allowed


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_parameters_naming_codes_are_declared(name: str) -> None:
    kind = REGISTRY[name]
    assert (set(kind.indicator_params), set(kind.breakdown_params)) == CODES[name]


def test_kinds_are_read_only() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGISTRY["range"].name = "other"  # type: ignore[misc]
