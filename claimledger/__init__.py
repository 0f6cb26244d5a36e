"""claimledger: a ledger of claims in the news — who said what, how sure, through whom.

The public surface is flat: ``from claimledger import extract``.
"""

from .errors import ClaimledgerError
from .ingest.readers import read_path, read_paths
from .schema import (Article, DateMention, Entity, Evidence, Extraction, Mention, Place, Quantity,
                     Statement)

__all__ = ["Article", "ClaimledgerError", "DateMention", "Entity", "Evidence", "Extraction", "Mention",
           "Place", "Quantity", "Statement", "extract", "extract_many", "load_model", "read_path",
           "read_paths"]
__version__ = "0.1.0"
EXTRACTION = ("extract", "extract_many", "load_model")


def __getattr__(name: str):
    """The extraction functions, imported on first use: spaCy takes most of a second and a half to
    import, and the commands that only read a ledger never need it."""
    if name in EXTRACTION:
        from .extraction import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'claimledger' has no attribute {name!r}")
