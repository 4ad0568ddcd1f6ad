"""ictstats: ICT indicator returns → validated observations → indices, SDG tables, publication.

Stages live in sub-packages (``ingest``, ``validate``, ``index``, ``sdg``, ``uncertainty``,
``publish``); each takes data plus methodology and returns new data. Only ``ingest`` reads
``raw/`` and only the writers in :mod:`pipeline.store` touch ``processed/``.
"""

__version__ = "0.1.0"
