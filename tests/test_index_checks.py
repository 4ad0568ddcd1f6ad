"""The methodology checker at its limits: each accepted setting, each scale key and default,
the levels it counts, and the table each problem names (pipeline/index/checks.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from pipeline.index.methodology import Methodology, MethodologyError, build

BASE: dict[str, Any] = {
    "edition": {"name": "t", "index": "IDX"},
    "nodes": [
        {"code": "IDX"},
        {"code": "P1", "parent": "IDX", "weight": 0.5},
        {"code": "P2", "parent": "IDX", "weight": 0.5},
    ],
    "indicators": [
        {"code": "i1", "parent": "P1", "normalisation": {"method": "goalposts", "goalpost": 100}},
        {"code": "i2", "parent": "P2", "normalisation": {"method": "goalposts", "goalpost": 100}},
    ],
}


def _edition(**changes: Any) -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    raw["edition"].update(changes.pop("edition", {}))
    for table, edits in changes.items():  # table = {position: {key: value}}
        for position, values in edits.items():
            raw[table][position].update(values)
    return raw


def _problems(raw: dict[str, Any]) -> list[str]:
    try:
        build(raw, "t.toml", None)
    except MethodologyError as error:
        return error.problems
    return []


def test_base_edition_is_clean_and_levels_count_from_the_indicators() -> None:
    methodology: Methodology = build(_edition(), "t.toml", None)
    levels = methodology.nodes.set_index("code")["level"]
    assert levels.to_dict() == {"IDX": 3, "P1": 2, "P2": 2}


@pytest.mark.parametrize("ties", ["distinct", "min", "average"])
@pytest.mark.parametrize("weights", ["absolute", "relative"])
def test_every_tie_rule_and_weight_mode_is_accepted(ties: str, weights: str) -> None:
    assert _problems(_edition(edition={"ties": ties, "weights": weights})) == []


def test_relative_weights_need_not_sum_to_one() -> None:
    raw = _edition(edition={"weights": "relative"}, nodes={1: {"weight": 2}, 2: {"weight": 1}})
    assert _problems(raw) == []
    assert _problems(_edition(nodes={1: {"weight": 2}, 2: {"weight": 1}})) == [
        "weights of the children of IDX sum to 3, not 1"
    ]


def test_a_zero_weight_is_allowed_and_a_negative_one_is_not() -> None:
    assert _problems(_edition(nodes={1: {"weight": 0}, 2: {"weight": 1}})) == []
    problems = _problems(_edition(nodes={1: {"weight": -0.5}, 2: {"weight": 1.5}}))
    assert problems == ["nodes[P1].weight -0.5 is negative"]


def test_problems_name_the_table_of_the_row() -> None:
    raw = _edition(nodes={2: {"weight": "half"}}, indicators={1: {"weight": "one"}})
    assert _problems(raw) == [
        "nodes[P2].weight 'half' is not a number or fraction",
        "indicators[i2].weight 'one' is not a number or fraction",
        "weights of the children of IDX sum to 0.5, not 1",
    ]
    raw = _edition(nodes={2: {"parent": "NOPE"}}, indicators={1: {"parent": "NOPE"}})
    problems = _problems(raw)
    assert "nodes[P2].parent 'NOPE' is not a node" in problems
    assert "indicators[i2].parent 'NOPE' is not a node" in problems


#: Each bounded normalisation, the key holding its best score and that key's default.
BOUNDED = [
    ("goalposts", "scale", 100.0, {"goalpost": 100}),
    ("reference", "scale", 1.0, {"reference": 50}),
    ("minmax", "upper", 100.0, {}),
    ("percentile_rank", "scale", 100.0, {}),
]


@pytest.mark.parametrize(("method", "key", "default", "required"), BOUNDED)
def test_bounded_normalisation_must_reach_the_edition_scale(
    method: str, key: str, default: float, required: dict
) -> None:
    spec = {"method": method, **required}
    same = {0: {"normalisation": {**spec, key: 10}}, 1: {"normalisation": {**spec, key: 10}}}
    assert _problems(_edition(edition={"scale": 10}, indicators=same)) == []
    other = {0: {"normalisation": {**spec, key: 7}}}
    assert _problems(_edition(edition={"scale": 10}, indicators={**same, **other})) == [
        f"indicators[i1].normalisation.{key} 7 differs from edition.scale 10"
    ]
    by_default = {0: {"normalisation": spec}, 1: {"normalisation": spec}}
    assert _problems(_edition(edition={"scale": default}, indicators=by_default)) == []
    assert len(_problems(_edition(edition={"scale": default + 1}, indicators=by_default))) == 2


@pytest.mark.parametrize(
    ("normalisation", "direction", "clean"),
    [
        ({"goalpost": 0.5}, 1, True),  # threshold 0 by default: slope 0.5 rises
        ({"goalpost": 1}, 1, True),
        ({"goalpost": 1, "threshold": 1}, 1, False),  # no slope at all
        ({"goalpost": 0, "threshold": 100}, -1, True),
        ({"goalpost": 100, "threshold": 0}, -1, False),
        ({"goalpost": 0.5}, -1, False),
    ],
)
def test_goalposts_agree_with_direction(normalisation: dict, direction: int, clean: bool) -> None:
    spec = {"method": "goalposts", **normalisation}
    problems = _problems(_edition(indicators={0: {"normalisation": spec, "direction": direction}}))
    problem = f"indicators[i1]: goalpost and threshold disagree with direction {direction}"
    expected = [] if clean else [problem]
    assert problems == expected


SHARES = [(0, True), (0.0, True), (1, True), (1.0, True), (1.5, False), (-0.1, False),
          ("half", False)]  # fmt: skip


@pytest.mark.parametrize(("share", "clean"), SHARES)
def test_min_share_within_zero_and_one(share: object, clean: bool) -> None:
    problems = _problems(_edition(nodes={1: {"min_share": share}}))
    expected = [] if clean else [f"nodes[P1].min_share {share!r} must be a number within [0, 1]"]
    assert problems == expected
