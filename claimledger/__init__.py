"""claimledger: a ledger of claims in the news — who said what, how sure, through whom.

The public surface is flat: ``from claimledger import extract``.
"""

from .errors import ClaimledgerError
from .extraction.pipeline import extract, extract_many, load_model
from .ingest.readers import read_path, read_paths
from .schema import (Article, DateMention, Entity, Evidence, Extraction, Mention, Place, Quantity,
                     Statement)

__all__ = ["Article", "ClaimledgerError", "DateMention", "Entity", "Evidence", "Extraction", "Mention",
           "Place", "Quantity", "Statement", "extract", "extract_many", "load_model", "read_path",
           "read_paths"]
__version__ = "0.1.0"
