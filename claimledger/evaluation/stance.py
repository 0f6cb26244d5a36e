"""The stance evaluations behind ``claimledger eval``: read an Emergent or FNC-1 file (ARC's recast and
any file in FNC-1's format too), predict with the shipped stance model (``ml.stance``, never fitted on
the file), write the predictions, and score them when the file carries gold labels."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from ..ml.encoder import SentenceEmbedder, shared_embedder
from ..ml.headline_clusters import HeadlineClusterer
from ..ml.stance import LABELS, shipped_model
from ..training.corpora import EmergentRow, FncPair, read_emergent, read_fnc1
from ..training.metrics import accuracy, adjusted_rand_index, fnc_score, macro_f1

Progress = Optional[Callable[[int, int], None]]  # (pairs just done, pairs in all)
BODIES_PER_STEP = 16
EMERGENT_STANCES = ("for", "against", "observing")
# Emergent's headlines are all about their claim: an "unrelated" reading is an observing one.
EMERGENT_OF_LABEL = {"agree": "for", "disagree": "against", "discuss": "observing", "unrelated": "observing"}


@dataclass
class Scores:
    """Figures of one evaluation; a figure is None when the file has no gold for it."""

    rows: int
    figures: dict[str, Optional[float]] = field(default_factory=dict)
    per_class_f1: dict[str, float] = field(default_factory=dict)


def emergent_predictions(rows: Sequence[EmergentRow], embed: SentenceEmbedder | None = None
                         ) -> list[tuple[str, str, str]]:
    """(articleId, claimCluster, stance) per row.  Clusters come from the headlines alone."""
    embed = embed or shared_embedder()
    headlines = [r.headline for r in rows]
    clusters = HeadlineClusterer.load().cluster(headlines, embed(headlines))
    with_claim = [i for i, r in enumerate(rows) if r.claim.strip()]
    labels = shipped_model().predict([rows[i].claim for i in with_claim], [rows[i].headline for i in with_claim])
    stances = {i: EMERGENT_OF_LABEL[label] for i, label in zip(with_claim, labels)}
    return [(r.article_id, f"claim-{clusters[i]}", stances.get(i, "")) for i, r in enumerate(rows)]


def score_emergent(rows: Sequence[EmergentRow], predictions: Sequence[tuple[str, str, str]]) -> Scores:
    scores = Scores(len(rows), {"stance accuracy": None, "stance macro-F1": None, "cluster ARI": None})
    judged = [(r.stance, p[2]) for r, p in zip(rows, predictions) if r.stance and r.claim.strip()]
    if judged:
        gold, guessed = [g for g, _ in judged], [p for _, p in judged]
        scores.figures["stance accuracy"] = accuracy(gold, guessed)
        scores.figures["stance macro-F1"] = macro_f1(gold, guessed, EMERGENT_STANCES)
        scores.per_class_f1 = {s: macro_f1(gold, guessed, [s]) for s in EMERGENT_STANCES}
    if all(r.claim_id for r in rows) and rows:
        scores.figures["cluster ARI"] = adjusted_rand_index([r.claim_id for r in rows], [p[1] for p in predictions])
    return scores


def fnc1_predictions(pairs: Sequence[FncPair], bodies: dict[str, str], progress: Progress = None) -> list[str]:
    """A label per pair, a few bodies at a time so memory stays flat and progress shows."""
    model = shipped_model()
    by_body: dict[str, list[int]] = {}
    for index, pair in enumerate(pairs):
        by_body.setdefault(pair.body_id, []).append(index)
    body_ids = list(by_body)
    labels = [""] * len(pairs)
    for start in range(0, len(body_ids), BODIES_PER_STEP):
        indices = [i for b in body_ids[start:start + BODIES_PER_STEP] for i in by_body[b]]
        guessed = model.predict([pairs[i].headline for i in indices], [bodies[pairs[i].body_id] for i in indices])
        for i, label in zip(indices, guessed):
            labels[i] = label
        if progress:
            progress(len(indices), len(pairs))
    return labels


def score_fnc1(pairs: Sequence[FncPair], predicted: Sequence[str]) -> Scores:
    scores = Scores(len(pairs), {"FNC score": None, "macro-F1": None, "accuracy": None})
    if pairs and all(p.stance for p in pairs):
        gold = [p.stance for p in pairs]
        scores.figures = {"FNC score": fnc_score(gold, predicted), "macro-F1": macro_f1(gold, predicted, LABELS),
                          "accuracy": accuracy(gold, predicted)}
        scores.per_class_f1 = {label: macro_f1(gold, predicted, [label]) for label in LABELS}
    return scores


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def evaluate_emergent(split: Path, predictions_path: Path) -> Scores:
    rows = read_emergent(split)
    predictions = emergent_predictions(rows)
    write_csv(predictions_path, ("articleId", "claimCluster", "stance"), predictions)
    return score_emergent(rows, predictions)


def evaluate_fnc1(stances: Path, bodies_path: Path, predictions_path: Path, progress: Progress = None) -> Scores:
    pairs, bodies = read_fnc1(stances, bodies_path)
    predicted = fnc1_predictions(pairs, bodies, progress=progress)
    write_csv(predictions_path, ("Headline", "Body ID", "Stance"),
              ((p.headline, p.body_id, label) for p, label in zip(pairs, predicted)))
    return score_fnc1(pairs, predicted)
