"""Text pieces shared by the stance models: tokens, n-gram overlap, sentences, and a TF-IDF space
kept as plain arrays (a vocabulary and idf weights) so models load without pickles."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

WORD = re.compile(r"[a-z0-9']+")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
MIN_SENTENCE_CHARS = 20


def tokens(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("\u2019", "'"))


def word_ngrams(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return set(zip(*[words[i:] for i in range(n)]))


def char_ngrams(text: str, n: int) -> set[str]:
    return {text[i:i + n] for i in range(len(text) - n + 1)}


def overlap(part: set, whole: set) -> float:
    """Share of ``part`` found in ``whole``."""
    return len(part & whole) / len(part) if part else 0.0


def sentences(text: str, limit: int) -> list[str]:
    """The first ``limit`` sentences long enough to carry a proposition (the text's start if none)."""
    found = [s.strip() for s in SENTENCE_BREAK.split(text) if len(s.strip()) > MIN_SENTENCE_CHARS]
    return found[:limit] or [text[:200]]


def smoothed_idf(documents: int, document_frequency) -> np.ndarray:
    """ln((1 + n) / (1 + df)) + 1, scikit-learn's smoothed idf, for one count or an array of them."""
    return (np.log((1 + documents) / (1 + np.asarray(document_frequency, np.float64))) + 1).astype(np.float32)


def has_negation(words: Iterable[str]) -> bool:
    return any(w.endswith("n't") for w in words)


@dataclass
class TfidfSpace:
    """TF-IDF over a fixed vocabulary with L2-normalised rows (scikit-learn's default weighting)."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    stop_words: frozenset[str]

    @classmethod
    def fit(cls, texts: Sequence[str], stop_words: frozenset[str], max_features: int | None = None) -> "TfidfSpace":
        """Smoothed idf (``smoothed_idf``); keeps the ``max_features`` most frequent words."""
        document_frequency: Counter[str] = Counter()
        term_frequency: Counter[str] = Counter()
        for text in texts:
            words = [w for w in tokens(text) if w not in stop_words]
            term_frequency.update(words)
            document_frequency.update(set(words))
        kept = sorted(term_frequency, key=lambda w: (-term_frequency[w], w))[:max_features]
        words = sorted(kept)
        idf = smoothed_idf(len(texts), [document_frequency[w] for w in words])
        return cls({w: i for i, w in enumerate(words)}, idf, stop_words)

    def transform(self, texts: Sequence[str]):
        """A CSR matrix, one L2-normalised row per text."""
        from scipy.sparse import csr_matrix

        rows, cols, values = [], [], []
        for row, text in enumerate(texts):
            counts: dict[int, int] = {}
            for word in tokens(text):
                column = self.vocabulary.get(word)
                if column is not None and word not in self.stop_words:
                    counts[column] = counts.get(column, 0) + 1
            weights = np.array([c * self.idf[k] for k, c in counts.items()], np.float32)
            norm = float(np.sqrt((weights ** 2).sum())) or 1.0
            rows += [row] * len(counts)
            cols += list(counts)
            values += list(weights / norm)
        return csr_matrix((values, (rows, cols)), shape=(len(texts), len(self.idf)), dtype=np.float32)

    def cosines(self, left: Sequence[str], right: Sequence[str]) -> np.ndarray:
        return np.asarray(self.transform(left).multiply(self.transform(right)).sum(1)).ravel()

    def to_arrays(self) -> tuple[list[str], np.ndarray]:
        return sorted(self.vocabulary, key=self.vocabulary.get), self.idf

    @classmethod
    def from_arrays(cls, words: Sequence[str], idf: np.ndarray, stop_words: Iterable[str]) -> "TfidfSpace":
        return cls({w: i for i, w in enumerate(words)}, np.asarray(idf, np.float32), frozenset(stop_words))
