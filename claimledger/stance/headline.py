"""A headline's stance toward a claim (for / against / observing, Emergent's labels), and the
grouping of headlines into claims.

The stance model is lexical so the ledger can run it on every article it ingests: hedge and
refutation words, punctuation cues, overlap with the claim, and the headline's words and word pairs,
weighed by a multinomial logistic regression kept as plain arrays.  The clustering is average-linkage
over the mean of two distances, sentence embeddings and character n-gram TF-IDF; its threshold is the
one stored with the model."""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .text import TfidfSpace, char_ngrams, has_negation, smoothed_idf, tokens

STANCES = ("for", "against", "observing")
BOW_TERM = re.compile(r"[a-z0-9']+|\?")
REPORTING_TAIL = re.compile(r"(?i)\b(report|reports|says|claims|sources)\s*$")
CHAR_BUCKETS = 2 ** 18


def cue_features(headline: str, claim: str, hedge_words: Sequence[str], refute_words: Sequence[str]) -> list[float]:
    head_words, claim_words = tokens(headline), tokens(claim)
    head, claimed = set(head_words), set(claim_words)
    refutes = any(w in head for w in refute_words)
    hedges = any(w in head for w in hedge_words)
    stripped = headline.strip()
    return ([float(w in head) for w in hedge_words] + [float(w in head) for w in refute_words] + [
        sum(w in head for w in hedge_words), sum(w in head for w in refute_words),
        float("?" in headline), float(":" in headline), float('"' in headline or headline[:1] == "'"),
        len(head_words), len(head & claimed) / max(1, len(claimed)), len(head & claimed) / max(1, len(head)),
        float(refutes and not any(w in claimed for w in refute_words)),
        float(has_negation(head_words)), float(has_negation(head_words) and not has_negation(claim_words)),
        float(hedges and not any(w in claimed for w in hedge_words)),
        float(stripped.endswith("?")), float(bool(REPORTING_TAIL.search(stripped)))])


def bow_terms(text: str) -> list[str]:
    words = BOW_TERM.findall(text.lower().replace("\u2019", "'"))
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


@dataclass
class HeadlineStanceModel:
    bow: dict[str, int]
    tfidf: TfidfSpace
    dense_mean: np.ndarray
    dense_scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    hedge_words: tuple[str, ...]
    refute_words: tuple[str, ...]

    def dense(self, headlines: Sequence[str], claims: Sequence[str]) -> np.ndarray:
        cues = [cue_features(h, c, self.hedge_words, self.refute_words) for h, c in zip(headlines, claims)]
        return np.hstack([np.array(cues, np.float32).reshape(len(cues), -1),
                          self.tfidf.cosines(headlines, claims)[:, None]])

    def bag_of_words(self, headlines: Sequence[str]) -> np.ndarray:
        matrix = np.zeros((len(headlines), len(self.bow)), np.float32)
        for row, headline in enumerate(headlines):
            columns = [self.bow[t] for t in bow_terms(headline) if t in self.bow]
            matrix[row, columns] = 1.0
        return matrix

    def features(self, headlines: Sequence[str], claims: Sequence[str]) -> np.ndarray:
        dense = (self.dense(headlines, claims) - self.dense_mean) / self.dense_scale
        return np.hstack([self.bag_of_words(headlines), dense])

    def probabilities(self, headlines: Sequence[str], claims: Sequence[str]) -> np.ndarray:
        scores = self.features(headlines, claims) @ self.coef.T + self.intercept
        scores = np.exp(scores - scores.max(1, keepdims=True))
        return scores / scores.sum(1, keepdims=True)

    def predict(self, headlines: Sequence[str], claims: Sequence[str]) -> list[str]:
        if not headlines:
            return []
        return [STANCES[k] for k in self.probabilities(headlines, claims).argmax(1)]

    @classmethod
    def train(cls, headlines: Sequence[str], claims: Sequence[str], labels: Sequence[str],
              hedge_words: Sequence[str], refute_words: Sequence[str], stop_words: frozenset[str],
              regularisation: float = 0.3, min_count: int = 3) -> "HeadlineStanceModel":
        from collections import Counter

        from sklearn.linear_model import LogisticRegression

        counts = Counter(t for h in headlines for t in set(bow_terms(h)))
        bow = {t: i for i, t in enumerate(sorted(t for t, n in counts.items() if n >= min_count))}
        tfidf = TfidfSpace.fit(list(headlines) + sorted(set(claims)), stop_words)
        model = cls(bow, tfidf, np.zeros(1, np.float32), np.ones(1, np.float32), np.zeros(0), np.zeros(0),
                    tuple(hedge_words), tuple(refute_words))
        dense = model.dense(headlines, claims)
        model.dense_mean, model.dense_scale = dense.mean(0), dense.std(0) + 1e-6
        classifier = LogisticRegression(C=regularisation, max_iter=3000)
        classifier.fit(model.features(headlines, claims), [STANCES.index(y) for y in labels])
        model.coef = classifier.coef_.astype(np.float32)
        model.intercept = classifier.intercept_.astype(np.float32)
        return model

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        words, idf = self.tfidf.to_arrays()
        config = {"bow": sorted(self.bow, key=self.bow.get), "tfidf_words": words,
                  "stop_words": sorted(self.tfidf.stop_words), "hedge_words": list(self.hedge_words),
                  "refute_words": list(self.refute_words), "labels": list(STANCES)}
        (directory / "stance.json").write_text(json.dumps(config), encoding="utf-8")
        np.savez_compressed(directory / "stance.npz", idf=idf, dense_mean=self.dense_mean,
                            dense_scale=self.dense_scale, coef=self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, directory: Path) -> "HeadlineStanceModel":
        config = json.loads((directory / "stance.json").read_text(encoding="utf-8"))
        arrays = np.load(directory / "stance.npz")
        return cls({t: i for i, t in enumerate(config["bow"])},
                   TfidfSpace.from_arrays(config["tfidf_words"], arrays["idf"], config["stop_words"]),
                   arrays["dense_mean"], arrays["dense_scale"], arrays["coef"], arrays["intercept"],
                   tuple(config["hedge_words"]), tuple(config["refute_words"]))


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

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "clusters.json").write_text(json.dumps({"threshold": self.threshold}), encoding="utf-8")
        np.savez_compressed(directory / "clusters.npz", char_idf=self.char_idf.astype(np.float16))

    @classmethod
    def load(cls, directory: Path) -> "HeadlineClusterer":
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
