"""The registry of rule kinds, keyed by the short name rules use in ``schemas/rules/*.toml``.

A kind is declared once — its function, the parameters it requires and allows, and which of
them name indicators or breakdowns — so the catalogue loader can report every unknown kind,
missing parameter or unknown indicator before anything runs (pandera's
"check kind declared once, implementation apart").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from pipeline.validate import kinds_cross as cross
from pipeline.validate import kinds_value as value
from pipeline.validate.kinds_value import Context

KindFunction = Callable[[pd.DataFrame, dict, Context], pd.DataFrame]


@dataclass(frozen=True)
class Kind:
    """A rule kind: what it checks, its parameters, and which parameters hold codes."""

    name: str
    function: KindFunction
    description: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    indicator_params: tuple[str, ...] = ()
    breakdown_params: tuple[str, ...] = ()

    @property
    def allowed(self) -> set[str]:
        """Every parameter name the kind understands."""
        return {*self.required, *self.optional}


_TOL = ("tolerance", "rel_tolerance")

REGISTRY: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "range",
            value.check_range,
            "value within [min, max]",
            ("indicators",),
            ("min", "max", "tolerance"),
            ("indicators",),
        ),
        Kind(
            "integer",
            value.check_integer,
            "counts are whole numbers",
            ("indicators",),
            ("tolerance",),
            ("indicators",),
        ),
        Kind(
            "part_whole",
            cross.check_part_whole,
            "part ≤ whole",
            ("part",),
            ("whole", "breakdown", *_TOL),
            ("part", "whole"),
            ("breakdown",),
        ),
        Kind("order", cross.check_order, "ordering chain a ≤ b ≤ …", ("chain",), _TOL, ("chain",)),
        Kind(
            "sum_total",
            cross.check_sum_total,
            "categories sum to the total",
            ("indicator", "breakdown"),
            ("direction", "rel_tolerance"),
            ("indicator",),
            ("breakdown",),
        ),
        Kind(
            "bracket",
            cross.check_bracket,
            "total between its categories",
            ("indicator", "breakdown"),
            ("tolerance",),
            ("indicator",),
            ("breakdown",),
        ),
        Kind(
            "year_change",
            value.check_year_change,
            "change from last year within limits",
            ("indicators",),
            ("mode", "lower", "upper", "keep"),
            ("indicators",),
            ("keep",),
        ),
        Kind(
            "scale_slip",
            value.check_scale_slip,
            "not ~factor× last year",
            ("indicators",),
            ("factor", "band", "keep"),
            ("indicators",),
            ("keep",),
        ),
        Kind(
            "per_capita",
            value.check_per_capita,
            "per-capita rate within [min, max]",
            ("indicator",),
            ("per", "min", "max"),
            ("indicator",),
        ),
        Kind(
            "required",
            value.check_required,
            "core indicators reported",
            ("questionnaire", "indicators"),
            (),
            ("indicators",),
        ),
    )
}
