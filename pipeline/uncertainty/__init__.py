"""Uncertainty and sensitivity analysis of a composite index edition.

The index is re-computed for thousands of sampled methodological assumptions (weights,
normalisation, aggregation, imputation, winsorisation limit, indicator exclusion) as array
operations over all replications at once, and each stage is recomputed only for the distinct
combinations of the assumptions that touch it (:mod:`pipeline.uncertainty.replicate`). Design
and estimators follow the JRC/OECD Handbook on Constructing Composite Indicators (2008), §6,
Saltelli et al. (2010) and Jansen (1999).
"""
