"""Scores used by the stance evaluations: FNC-1's official score, macro-F1, accuracy and the
adjusted Rand index of a clustering.  Plain functions over label lists."""

from __future__ import annotations

from collections import Counter
from math import comb
from typing import Hashable, Sequence

FNC_RELATED = ("agree", "disagree", "discuss")


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """The FNC-1 score as a share of the best possible: 0.25 for each right related/unrelated call,
    0.75 more for each right label among related pairs (the competition's scorer.py)."""
    def points(g: str, p: str) -> float:
        score = 0.0
        if (g == "unrelated") == (p == "unrelated"):
            score += 0.25
        if g in FNC_RELATED and g == p:
            score += 0.75
        return score

    best = sum(points(g, g) for g in gold)
    return sum(points(g, p) for g, p in zip(gold, predicted)) / best if best else 0.0


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    scores = []
    for label in labels:
        true_positive = sum(1 for g, p in zip(gold, predicted) if g == p == label)
        predicted_count = sum(1 for p in predicted if p == label)
        gold_count = sum(1 for g in gold if g == label)
        precision = true_positive / predicted_count if predicted_count else 0.0
        recall = true_positive / gold_count if gold_count else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(1 for g, p in zip(gold, predicted) if g == p) / len(gold) if gold else 0.0


def adjusted_rand_index(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Hubert and Arabie's adjusted Rand index: 1 for identical clusterings, about 0 for random ones."""
    n = len(gold)
    if n < 2:
        return 1.0
    pairs = Counter(zip(gold, predicted))
    index = sum(comb(c, 2) for c in pairs.values())
    gold_sum = sum(comb(c, 2) for c in Counter(gold).values())
    predicted_sum = sum(comb(c, 2) for c in Counter(predicted).values())
    expected = gold_sum * predicted_sum / comb(n, 2)
    maximum = (gold_sum + predicted_sum) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def stance_scores(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> dict:
    """Recall and F1 per label present in ``gold``, macro-F1 over them, accuracy, and the FNC-1 score
    when the pairs include unrelated ones."""
    labels = labels or [label for label in ("agree", "disagree", "discuss", "unrelated") if label in set(gold)]
    found: dict = {}
    for label in labels:
        hits = sum(1 for g, p in zip(gold, predicted) if g == p == label)
        gold_count = sum(1 for g in gold if g == label)
        found[label] = {"recall": round(hits / gold_count, 4) if gold_count else 0.0,
                        "f1": round(macro_f1(gold, predicted, [label]), 4)}
    found["macro_f1"] = round(macro_f1(gold, predicted, labels), 4)
    found["accuracy"] = round(accuracy(gold, predicted), 4)
    if "unrelated" in labels:
        found["fnc_score"] = round(fnc_score(gold, predicted), 4)
    return found
