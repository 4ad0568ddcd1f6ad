"""Build hook: the methodology and the sample returns travel inside the wheel.

``schemas/`` (indicator dictionary, rules, index editions, SDG series, reference data) and the
shipped returns in ``raw/`` stay top-level folders of the repository, where statisticians edit
them. A wheel must carry them, so the build copies them into the package as
``pipeline/schemas`` and ``pipeline/sample_raw``, where ``pipeline.paths`` finds them through
``importlib.resources``. Editable installs need no copy: they read the checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Repository folder → name inside the ``pipeline`` package of the wheel.
BUNDLED = {"schemas": "schemas", "raw": "sample_raw"}


class BuildWithMethodology(build_py):
    """``build_py`` that also copies the bundled data folders into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for source, target in BUNDLED.items():
            destination = Path(self.build_lib) / "pipeline" / target
            shutil.rmtree(destination, ignore_errors=True)
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
            shutil.copytree(ROOT / source, destination, ignore=ignore)


setup(cmdclass={"build_py": BuildWithMethodology})
