"""Extraction on every core: chunks of articles go to worker processes, each with its own copy of
the pipeline, and come back in input order, so callers (and the ledger's claim ids) see exactly
what a single process would produce.

Workers are forked from this process after it loaded the pipeline, so they start at once and share
its memory until they write to it.  Input is streamed: at most ``IN_FLIGHT_PER_WORKER`` chunks of ``CHUNK`` articles per worker are
read ahead, so memory stays flat however long the input (about 2 × workers × 8 articles of text,
plus one pipeline per worker).

spaCy is imported when extraction starts, not with this module, so the commands that only read a
ledger start without it (it takes most of a second and a half)."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Iterable, Iterator, Optional, Union

from ..errors import ExtractionFailed
from ..schema import Article, Extraction

CHUNK = 8
IN_FLIGHT_PER_WORKER = 2
Result = tuple[Article, Union[Extraction, ExtractionFailed]]

_worker_model: Optional[str] = None


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def start_worker(model: Optional[str]) -> None:
    from .pipeline import load_model

    global _worker_model
    _worker_model = model
    torch = sys.modules.get("torch")  # thinc imports it with spaCy when it is installed
    if torch is not None:
        torch.set_num_threads(1)  # the learned tagger's: the worker processes already fill the cores
    load_model(model)  # once per worker process, before its first chunk


def extract_chunk(articles: list[Article]) -> list[Result]:
    from .pipeline import extract_articles

    return list(extract_articles(articles, model=_worker_model))


def extract_in_parallel(articles: Iterable[Article], model: Optional[str] = None,
                        workers: Optional[int] = None) -> Iterator[Result]:
    """(article, extraction or ExtractionFailed) for each article, in input order, from ``workers``
    processes (all cores by default); one worker runs in this process, without a pool."""
    from .pipeline import extract_articles, load_model

    workers = workers or default_workers()
    if workers <= 1:
        yield from extract_articles(articles, model=model)
        return
    # Loaded here, once: forked workers share it (copy-on-write) and start at once; with "spawn"
    # (where fork does not exist) each worker loads its own.
    load_model(model)
    stream = iter(articles)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=start_worker, initargs=(model,)) as pool:
        pending: deque[Future] = deque()

        def submit_next() -> bool:
            chunk = list(islice(stream, CHUNK))
            if chunk:
                pending.append(pool.submit(extract_chunk, chunk))
            return bool(chunk)

        while len(pending) < workers * IN_FLIGHT_PER_WORKER and submit_next():
            pass
        while pending:
            results = pending.popleft().result()
            submit_next()
            yield from results
