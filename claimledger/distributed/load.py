"""Store the Parquet output of ``claimledger batch`` in a ledger, in the order ``ingest`` would.

Articles and failures are merged by sequence key, so each article reaches ``Ledger.add`` where
``ingest`` of the same inputs would have added it (claim ids and near-duplicate links depend on
that order), and failures are reported in place.  Texts already in the ledger are skipped before
their extraction is parsed, so loading twice adds nothing the second time.  Needs pyarrow only.
"""

from __future__ import annotations

import heapq
from pathlib import Path
from typing import Callable, Iterator, Optional, Union

from ..ingest.batch import IngestSummary, store_outcomes
from ..schema import Article, Extraction
from .parquet_io import ARTICLE_COLUMNS, Failure, article_of, key_of, sorted_rows

Loaded = Union[tuple[Article, Extraction], Failure, Article]


def batch_items(output: Union[str, Path]) -> Iterator[Union[dict, Failure]]:
    """Articles rows and failures of a batch output, in sequence order."""
    articles = sorted_rows(output, "articles", ARTICLE_COLUMNS)
    failures = ({**row, "failure": Failure(row["where"], row["code"], row["reason"])}
                for row in sorted_rows(output, "failures", ("where", "code", "reason")))
    for row in heapq.merge(articles, failures, key=key_of):
        yield row.get("failure") or row


def load_output(output: Union[str, Path], ledger, on_item: Optional[Callable[[Loaded], None]] = None) -> IngestSummary:
    """Add every article of a batch output to ``ledger`` (a ``Ledger``), in sequence order; the
    skipped duplicates come to ``on_item`` as the bare Article, failures as the Failure."""
    def outcomes() -> Iterator[Loaded]:
        for item in batch_items(output):
            if isinstance(item, Failure):
                yield item
            elif ledger.has_article(item["text"]):
                yield Article(text=item["text"], source=item["source"])
            else:
                yield article_of(item)

    return store_outcomes(outcomes(), ledger, on_item)
