"""Publication and the full run.

``ictstats run`` (:mod:`~pipeline.publish.cli`, :mod:`~pipeline.publish.run`) chains every
stage into a staging folder that replaces ``processed/`` atomically
(:mod:`~pipeline.publish.staging`) and records a manifest (:mod:`~pipeline.publish.manifest`).
:func:`publish` turns the stage outputs (:class:`Bundle`) into the workbook and tables
(:mod:`~pipeline.publish.tables`, :mod:`~pipeline.publish.indicators`,
:mod:`~pipeline.publish.workbook`, :mod:`~pipeline.publish.notes`), the statistical audit of
each edition (:mod:`~pipeline.publish.audit`, :mod:`~pipeline.publish.audit_tables`,
:mod:`~pipeline.publish.audit_charts`), economy profiles (:mod:`~pipeline.publish.profiles`,
:mod:`~pipeline.publish.definitions`), charts (:mod:`~pipeline.publish.charts`) and the data
package (:mod:`~pipeline.publish.datapackage`). Publish is the one stage that imports the
others.
"""

from __future__ import annotations

from pipeline.publish.bundle import Bundle, load_bundle
from pipeline.publish.publication import Publication, publish

__all__ = ["Bundle", "Publication", "load_bundle", "publish"]
