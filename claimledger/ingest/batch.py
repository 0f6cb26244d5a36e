"""Batch jobs shared by every interface: extract files, ingest them into a ledger.

Inputs that cannot be read come out as errors in the stream, in order with
the articles around them, so a caller reports each in one line and goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from ..errors import ClaimledgerError, ModelUnavailable
from ..extraction.parallel import default_workers, extract_in_parallel
from ..schema import Article, Extraction
from ..store.ledger import Ledger
from .readers import DEFAULT_MAX_BYTES, read_paths

Extracted = Union[tuple[Article, Extraction], ClaimledgerError, Article]


SMALL_BATCH = 32  # fewer articles than this are extracted in this process: starting workers costs more


def workers_for(requested: Optional[int], articles: int) -> int:
    """Worker processes for about ``articles`` articles: as asked (all cores by default), one for small batches."""
    return 1 if articles < SMALL_BATCH else max(1, requested or default_workers())


def extract_paths(paths: Iterable[Union[str, Path]], model: Optional[str] = None,
                  max_bytes: int = DEFAULT_MAX_BYTES,
                  skip: Optional[Callable[[Article], bool]] = None, workers: int = 1) -> Iterator[Extracted]:
    """Stream the inputs' outcomes: (article, extraction) for each article extracted, the
    error for each input that failed, and the bare Article for each one ``skip`` turned away.
    Extraction runs in ``workers`` processes; the outcomes keep the input order."""
    return extract_articles(read_paths(paths, max_bytes), model, skip, workers)


def extract_articles(items: Iterable[Union[Article, ClaimledgerError]], model: Optional[str] = None,
                     skip: Optional[Callable[[Article], bool]] = None, workers: int = 1) -> Iterator[Extracted]:
    """``extract_paths`` over articles already read (errors among them pass through in order)."""
    held: list[Union[ClaimledgerError, Article]] = []

    def to_extract() -> Iterator[Article]:
        for item in items:
            if isinstance(item, ClaimledgerError) or (skip is not None and skip(item)):
                held.append(item)
            else:
                yield item

    for article, extraction in extract_in_parallel(to_extract(), model=model, workers=workers):
        yield from drain(held)
        yield extraction if isinstance(extraction, ClaimledgerError) else (article, extraction)
    yield from drain(held)


def prepare_models() -> None:
    """Export the ledger's models for ONNX Runtime (``ml.onnx_runtime``) now, where this machine has no
    export yet, before the extraction pipeline loads, so that an export's child process runs while
    this one is still small (ingest's peak memory)."""
    from ..ml.encoder import embedder_export
    from ..ml.stance import shipped_export

    for export in (shipped_export, embedder_export):
        try:
            export()
        except ModelUnavailable:
            pass  # the ledger goes without that model: see stance_model() and lead_embedder()


def drain(items: list) -> Iterator:
    while items:
        yield items.pop(0)


@dataclass
class IngestSummary:
    added: int = 0
    duplicates: int = 0
    copies: int = 0  # articles linked as near-duplicates (wire copies, reprints; a reprint its original follows)
    failed: list = field(default_factory=list)  # each failure prints as one line


def store_outcomes(items: Iterable, ledger: Ledger, on_item: Optional[Callable] = None) -> IngestSummary:
    """Store each (article, extraction) in order; a bare Article (its text already stored) counts as
    a duplicate, anything else as a failure."""
    summary = IngestSummary()
    for item in items:
        if isinstance(item, Article) or (isinstance(item, tuple) and ledger.add(*item) is None):
            summary.duplicates += 1
        elif isinstance(item, tuple):
            summary.added += 1
            summary.copies += ledger.linked_copies
        else:
            summary.failed.append(item)
        if on_item:
            on_item(item)
    return summary


def ingest_articles(items: Iterable[Union[Article, ClaimledgerError]], ledger: Ledger, model: Optional[str] = None,
                    on_item: Optional[Callable[[Extracted], None]] = None, workers: int = 1) -> IngestSummary:
    """``ingest_paths`` over articles already read (a watched feed's entries)."""
    prepare_models()
    return store_outcomes(extract_articles(items, model, skip=lambda article: ledger.has_article(article.text),
                                           workers=workers), ledger, on_item)


def ingest_paths(paths: Iterable[Union[str, Path]], ledger: Ledger, model: Optional[str] = None,
                 max_bytes: int = DEFAULT_MAX_BYTES,
                 on_item: Optional[Callable[[Extracted], None]] = None, workers: int = 1) -> IngestSummary:
    """Extract and store every article, in input order; texts already in the ledger are skipped
    before extraction, so an interrupted ingest resumes where it stopped."""
    return ingest_articles(read_paths(paths, max_bytes), ledger, model, on_item, workers)
