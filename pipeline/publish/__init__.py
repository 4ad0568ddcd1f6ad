"""Publication and the full run (issue #7).

``ictstats run`` (:mod:`~pipeline.publish.cli`, :mod:`~pipeline.publish.run`) chains every
stage into a staging folder that replaces ``processed/`` atomically
(:mod:`~pipeline.publish.staging`) and records a manifest (:mod:`~pipeline.publish.manifest`).
:func:`publish` turns the stage outputs (:class:`Bundle`) into the MISR-style workbook and
tables (:mod:`~pipeline.publish.tables`, :mod:`~pipeline.publish.indicators`,
:mod:`~pipeline.publish.workbook`), economy profiles (:mod:`~pipeline.publish.profiles`) and
charts (:mod:`~pipeline.publish.charts`). Publish is the one stage that imports the others.
"""

from __future__ import annotations

from pipeline.publish.bundle import Bundle, load_bundle
from pipeline.publish.publication import Publication, publish

__all__ = ["Bundle", "Publication", "load_bundle", "publish"]
