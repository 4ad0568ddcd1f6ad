"""Regional aggregates at their exact limits: estimates, shares by kind, intervals, publication."""

from __future__ import annotations
