"""Grouping headlines into claims, as Emergent's evaluation asks: average-linkage over the mean of two
distances, sentence embeddings (``encoder.SentenceEmbedder``) and character n-gram TF-IDF.  The cut and
the character idf are fitted by ``python -m claimledger.training.headline_clusters`` on Emergent's
training claims; ``weights/headline_clusters/meta.json`` says how."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ..text import char_ngrams, smoothed_idf

WEIGHTS_DIR = Path(__file__).parent / "weights" / "headline_clusters"
CHAR_BUCKETS = 2 ** 18


def char_gram_buckets(text: str) -> dict[int, int]:
    """Counts of hashed character 3-5-grams taken inside space-padded words (scikit-learn's char_wb)."""
    counts: dict[int, int] = {}
    for word in text.lower().split():
        padded = f" {word} "
        for n in (3, 4, 5):
            for gram in char_ngrams(padded, n):
                bucket = zlib.crc32(gram.encode("utf-8")) % CHAR_BUCKETS
                counts[bucket] = counts.get(bucket, 0) + 1
    return counts


@dataclass
class HeadlineClusterer:
    """Groups headlines into claims; ``char_idf`` is fitted on training headlines, never on the input."""

    threshold: float
    char_idf: np.ndarray

    def char_vectors(self, headlines: Sequence[str]):
        """Sublinear TF-IDF rows, L2-normalised, as a sparse matrix."""
        from scipy.sparse import csr_matrix

        rows, columns, values = [], [], []
        for row, headline in enumerate(headlines):
            counts = char_gram_buckets(headline)
            weights = np.array([(1 + np.log(c)) * self.char_idf[b] for b, c in counts.items()], np.float32)
            rows += [row] * len(counts)
            columns += list(counts)
            values += list(weights / (np.linalg.norm(weights) or 1.0))
        return csr_matrix((values, (rows, columns)), shape=(len(headlines), CHAR_BUCKETS), dtype=np.float32)

    def distances(self, headlines: Sequence[str], embeddings: np.ndarray, kind: str = "both") -> np.ndarray:
        """Pairwise distances: the mean of embedding and character distances (``kind`` "both"), or one
        of them alone ("embedding", "characters"), for comparison."""
        parts = []
        if kind in ("both", "embedding"):
            parts.append(1 - embeddings @ embeddings.T)
        if kind in ("both", "characters"):
            chars = self.char_vectors(headlines)
            parts.append(1 - (chars @ chars.T).toarray())
        distance = sum(parts) / len(parts)
        np.fill_diagonal(distance, 0)
        return np.clip(distance, 0, None)

    def cluster(self, headlines: Sequence[str], embeddings: np.ndarray) -> list[int]:
        """A claim number per headline, numbered in order of first appearance."""
        return cut_tree(self.distances(headlines, embeddings), self.threshold)

    @classmethod
    def fit_char_idf(cls, headlines: Sequence[str]) -> np.ndarray:
        document_frequency = np.zeros(CHAR_BUCKETS, np.float32)
        for headline in headlines:
            document_frequency[list(char_gram_buckets(headline))] += 1
        return smoothed_idf(len(headlines), document_frequency)

    def save(self, directory: Path, meta: dict) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "clusters.json").write_text(json.dumps({"threshold": self.threshold}), encoding="utf-8")
        (directory / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        np.savez_compressed(directory / "clusters.npz", char_idf=self.char_idf.astype(np.float16))

    @classmethod
    def load(cls, directory: Path = WEIGHTS_DIR) -> "HeadlineClusterer":
        threshold = json.loads((directory / "clusters.json").read_text(encoding="utf-8"))["threshold"]
        return cls(threshold, np.load(directory / "clusters.npz")["char_idf"].astype(np.float32))


def cut_tree(distance: np.ndarray, threshold: float) -> list[int]:
    """Average-linkage clusters whose merges all happen below ``threshold``."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if len(distance) < 2:
        return [0] * len(distance)
    merged = fcluster(linkage(squareform(distance, checks=False), method="average"), threshold, criterion="distance")
    first_seen: dict[int, int] = {}
    return [first_seen.setdefault(label, len(first_seen)) for label in merged]
