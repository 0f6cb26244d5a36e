"""Extraction: spaCy components that read statements, entities, dates, quantities and places."""

import os

ATTRIBUTION_MODES = ("learned", "rules")
# Read from the environment so that extraction workers and Spark executors use the mode the command chose.
ATTRIBUTION_VARIABLE = "CLAIMLEDGER_ATTRIBUTION"


def attribution_mode(mode: str | None = None) -> str:
    """'learned' (the trained span tagger, the default) or 'rules' (the hand-written rules, for bulk work)."""
    from ..errors import UsageError

    mode = mode or os.environ.get(ATTRIBUTION_VARIABLE) or "learned"
    if mode not in ATTRIBUTION_MODES:
        raise UsageError(problem=f"unknown attribution mode {mode!r} (expected learned or rules)")
    return mode
