"""Composite-index engine: editions as data in ``schemas/indices/*.toml``.

Registries of vectorised methods — :mod:`~pipeline.index.impute`, :mod:`~pipeline.index.treat`,
:mod:`~pipeline.index.normalise`, :mod:`~pipeline.index.aggregate` — are chosen by name and
parameters from an edition file (:mod:`~pipeline.index.methodology`); :func:`compute_edition`
runs an edition on the observation table and returns :class:`IndexResult`.
"""

from pipeline.index.engine import IndexResult, compute_edition

__all__ = ["IndexResult", "compute_edition"]
