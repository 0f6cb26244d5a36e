"""An article body's stance toward a headline, with FNC-1's labels (agree / disagree / discuss /
unrelated).

Gradient-boosted trees (LightGBM) over 120 features of each pair: word, word n-gram and character
n-gram overlap; hedge and refutation words in the headline and their density in the body; TF-IDF and
LSA cosines; sentence-embedding similarity of the headline to the body and to its first sentences;
and the hedge, refutation and negation density of the three sentences closest to the headline.
Stored as LightGBM's own text model plus plain arrays; nothing is pickled."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import StanceModelUnavailable
from .embeddings import INSTALL_HINT, SentenceEmbedder
from .text import TfidfSpace, char_ngrams, overlap, sentences, tokens, word_ngrams

LABELS = ("agree", "disagree", "discuss", "unrelated")
SENTENCES_READ = 12
LEAD_WORDS = 60
TREE_SETTINGS = dict(n_estimators=500, learning_rate=0.05, num_leaves=31, min_child_samples=20, subsample=0.8,
                     subsample_freq=1, colsample_bytree=0.5, random_state=0, verbose=-1)


def lightgbm():
    try:
        import lightgbm as lgb
    except ImportError:
        raise StanceModelUnavailable(problem=f"lightgbm is not installed ({INSTALL_HINT})") from None
    return lgb


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


@dataclass
class BodyFeatures:
    tfidf: TfidfSpace
    lsa: np.ndarray  # (components, vocabulary): the TF-IDF space's principal directions
    hedge_words: tuple[str, ...]
    refute_words: tuple[str, ...]
    negations: frozenset[str]

    def lexical(self, headline: str, body: str) -> list[float]:
        head_words, body_words = tokens(headline), tokens(body)
        stop = self.tfidf.stop_words
        head = {w for w in head_words if w not in stop}
        body_set = {w for w in body_words if w not in stop}
        lead = {w for w in body_words[:LEAD_WORDS] if w not in stop}
        features = [len(head & body_set) / max(1, len(head | body_set)), overlap(head, body_set), overlap(head, lead)]
        features += [overlap(word_ngrams(head_words, n), word_ngrams(body_words, n)) for n in (2, 3, 4)]
        head_text = " ".join(w for w in head_words if w not in stop)
        body_text = " ".join(w for w in body_words if w not in stop)
        features += [overlap(char_ngrams(head_text, n), char_ngrams(body_text, n)) for n in (4, 8)]
        counts: dict[str, int] = {}
        for word in body_words:
            counts[word] = counts.get(word, 0) + 1
        length = max(1, len(body_words))
        words_in_head = set(head_words)
        for words in (self.refute_words, self.hedge_words):
            features += [float(w in words_in_head) for w in words]
            features += [1000 * counts.get(w, 0) / length for w in words]
        features += [sum(w in words_in_head for w in self.refute_words) % 2,
                     sum(counts.get(w, 0) for w in self.refute_words) % 2,
                     float("?" in headline), 1000 * body.count("?") / length, np.log1p(len(body_words)),
                     len(head_words)]
        return features

    def closest_sentences(self, similarities: np.ndarray, body_sentences: list[str]) -> list[float]:
        order = np.argsort(-similarities)[:3]
        closest = [tokens(body_sentences[i]) for i in order]
        length = max(1, sum(map(len, closest)))
        densities = [100 * sum(w in words for sentence in closest for w in sentence) / length
                     for words in (set(self.refute_words), set(self.hedge_words), self.negations)]
        top = similarities[order]
        return ([float(top[0]), float(top.mean()), float(similarities.mean()), float(similarities[0])] + densities
                + [float(any("?" in body_sentences[i] for i in order)), order[0] / len(similarities)])

    def __call__(self, headlines: Sequence[str], bodies: Sequence[str], embed: SentenceEmbedder) -> np.ndarray:
        unique_heads, head_of = np.unique(np.asarray(headlines, dtype=object), return_inverse=True)
        unique_bodies, body_of = np.unique(np.asarray(bodies, dtype=object), return_inverse=True)
        head_tfidf, body_tfidf = self.tfidf.transform(unique_heads), self.tfidf.transform(unique_bodies)
        head_lsa = normalise_rows(head_tfidf @ self.lsa.T)
        body_lsa = normalise_rows(body_tfidf @ self.lsa.T)
        head_vectors, body_vectors = embed(list(unique_heads)), embed(list(unique_bodies))
        body_sentences = [sentences(b, SENTENCES_READ) for b in unique_bodies]
        offsets = np.cumsum([0] + [len(s) for s in body_sentences])
        sentence_vectors = embed([s for group in body_sentences for s in group])
        rows = []
        for headline, body, h, b in zip(headlines, bodies, head_of, body_of):
            similarities = sentence_vectors[offsets[b]:offsets[b + 1]] @ head_vectors[h]
            rows.append(self.lexical(headline, body)
                        + [float(head_tfidf[h].multiply(body_tfidf[b]).sum()), float(head_lsa[h] @ body_lsa[b]),
                           float(head_vectors[h] @ body_vectors[b])]
                        + self.closest_sentences(similarities, body_sentences[b]))
        return np.asarray(rows, np.float32)


@dataclass
class BodyStanceModel:
    features: BodyFeatures
    booster: object  # lightgbm.Booster

    def predict(self, headlines: Sequence[str], bodies: Sequence[str], embed: SentenceEmbedder) -> list[str]:
        if not headlines:
            return []
        scores = self.booster.predict(self.features(headlines, bodies, embed))
        return [LABELS[k] for k in np.asarray(scores).argmax(1)]

    @classmethod
    def train(cls, headlines: Sequence[str], bodies: Sequence[str], labels: Sequence[str], embed: SentenceEmbedder,
              hedge_words: Sequence[str], refute_words: Sequence[str], negations: frozenset[str],
              stop_words: frozenset[str], threads: int = 2) -> "BodyStanceModel":
        from sklearn.decomposition import TruncatedSVD

        texts = sorted(set(headlines)) + sorted(set(bodies))
        tfidf = TfidfSpace.fit(texts, stop_words, max_features=5000)
        lsa = TruncatedSVD(100, random_state=0).fit(tfidf.transform(texts)).components_.astype(np.float32)
        features = BodyFeatures(tfidf, lsa, tuple(hedge_words), tuple(refute_words), frozenset(negations))
        classifier = lightgbm().LGBMClassifier(n_jobs=threads, **TREE_SETTINGS)
        classifier.fit(features(headlines, bodies, embed), [LABELS.index(y) for y in labels])
        return cls(features, classifier.booster_)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        words, idf = self.features.tfidf.to_arrays()
        config = {"tfidf_words": words, "stop_words": sorted(self.features.tfidf.stop_words),
                  "hedge_words": list(self.features.hedge_words), "refute_words": list(self.features.refute_words),
                  "negations": sorted(self.features.negations), "labels": list(LABELS)}
        (directory / "body.json").write_text(json.dumps(config), encoding="utf-8")
        np.savez_compressed(directory / "body.npz", idf=idf, lsa=self.features.lsa.astype(np.float16))
        with gzip.open(directory / "body_trees.txt.gz", "wt", encoding="utf-8") as handle:
            handle.write(self.booster.model_to_string())

    @classmethod
    def load(cls, directory: Path) -> "BodyStanceModel":
        config = json.loads((directory / "body.json").read_text(encoding="utf-8"))
        arrays = np.load(directory / "body.npz")
        features = BodyFeatures(TfidfSpace.from_arrays(config["tfidf_words"], arrays["idf"], config["stop_words"]),
                                arrays["lsa"].astype(np.float32), tuple(config["hedge_words"]),
                                tuple(config["refute_words"]), frozenset(config["negations"]))
        with gzip.open(directory / "body_trees.txt.gz", "rt", encoding="utf-8") as handle:
            booster = lightgbm().Booster(model_str=handle.read())
        return cls(features, booster)
