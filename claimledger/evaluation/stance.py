"""The stance evaluations behind ``claimledger eval``: read an Emergent or FNC-1 file, predict with
the shipped models (never fitted on the file), write the predictions, and score them when the file
carries gold labels.  Also the held-out-claim splits that training and the CI gate share."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from ..errors import MalformedDataset, UnreadableInput
from ..stance import body_stance_model, headline_clusterer, headline_stance_model
from ..stance.body import LABELS
from ..stance.embeddings import SentenceEmbedder, shared_embedder
from ..stance.headline import STANCES
from .metrics import accuracy, adjusted_rand_index, fnc_score, macro_f1

Progress = Optional[Callable[[int, int], None]]  # (pairs just done, pairs in all)
HELD_OUT_SHARE = 0.2
BODIES_PER_STEP = 16


@dataclass
class EmergentRow:
    article_id: str
    headline: str
    claim: str = ""
    claim_id: str = ""
    stance: str = ""


@dataclass
class FncPair:
    headline: str
    body_id: str
    stance: str = ""


@dataclass
class Scores:
    """Figures of one evaluation; a figure is None when the file has no gold for it."""

    rows: int
    figures: dict[str, Optional[float]] = field(default_factory=dict)
    per_class_f1: dict[str, float] = field(default_factory=dict)


def read_csv(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise MalformedDataset(str(path), problem=f"missing column(s) {', '.join(missing)}")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UnreadableInput(str(path), problem=str(error)) from None


def read_emergent(path: Path) -> list[EmergentRow]:
    # A short row gives None for its missing fields: they read as blank.
    return [EmergentRow(r["articleId"] or "", r["articleHeadline"] or "", r.get("claimHeadline") or "",
                        r.get("claimId") or "", r.get("articleHeadlineStance") or "")
            for r in read_csv(path, ("articleId", "articleHeadline"))]


def read_fnc1(stances_path: Path, bodies_path: Path) -> tuple[list[FncPair], dict[str, str]]:
    bodies = {r["Body ID"]: r["articleBody"] or "" for r in read_csv(bodies_path, ("Body ID", "articleBody"))}
    pairs = [FncPair(r["Headline"] or "", r["Body ID"], r.get("Stance") or "")
             for r in read_csv(stances_path, ("Headline", "Body ID"))]
    unknown = sorted({p.body_id for p in pairs} - bodies.keys())
    if unknown:
        raise MalformedDataset(str(stances_path), problem=f"Body ID {unknown[0]} is not in {bodies_path}")
    return pairs, bodies


def held_out_groups(groups: Iterable[str], seed: int = 0, share: float = HELD_OUT_SHARE) -> set[str]:
    """A reproducible random ``share`` of the groups (claims), held out of training."""
    ordered = sorted(set(groups))
    random.Random(seed).shuffle(ordered)
    return set(ordered[:round(len(ordered) * share)])


def fnc_claim_groups(pairs: Sequence[FncPair]) -> dict[str, str]:
    """Each body's claim: bodies joined through a related headline belong to one connected component."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        root(("body", pair.body_id))
        if pair.stance != "unrelated":
            parent[root(("body", pair.body_id))] = root(("headline", pair.headline))
    return {p.body_id: "|".join(root(("body", p.body_id))) for p in pairs}


def emergent_predictions(rows: Sequence[EmergentRow], embed: SentenceEmbedder | None = None
                         ) -> list[tuple[str, str, str]]:
    """(articleId, claimCluster, stance) per row.  Clusters come from the headlines alone."""
    embed = embed or shared_embedder()
    headlines = [r.headline for r in rows]
    clusters = headline_clusterer().cluster(headlines, embed(headlines))
    with_claim = [i for i, r in enumerate(rows) if r.claim.strip()]
    stances = dict(zip(with_claim, headline_stance_model().predict([rows[i].headline for i in with_claim],
                                                                   [rows[i].claim for i in with_claim])))
    return [(r.article_id, f"claim-{clusters[i]}", stances.get(i, "")) for i, r in enumerate(rows)]


def score_emergent(rows: Sequence[EmergentRow], predictions: Sequence[tuple[str, str, str]]) -> Scores:
    scores = Scores(len(rows), {"stance accuracy": None, "stance macro-F1": None, "cluster ARI": None})
    judged = [(r.stance, p[2]) for r, p in zip(rows, predictions) if r.stance and r.claim.strip()]
    if judged:
        gold, guessed = [g for g, _ in judged], [p for _, p in judged]
        scores.figures["stance accuracy"] = accuracy(gold, guessed)
        scores.figures["stance macro-F1"] = macro_f1(gold, guessed, STANCES)
        scores.per_class_f1 = {s: macro_f1(gold, guessed, [s]) for s in STANCES}
    if all(r.claim_id for r in rows) and rows:
        scores.figures["cluster ARI"] = adjusted_rand_index([r.claim_id for r in rows], [p[1] for p in predictions])
    return scores


def fnc1_predictions(pairs: Sequence[FncPair], bodies: dict[str, str], embed: SentenceEmbedder | None = None,
                     progress: Progress = None) -> list[str]:
    """A stance per pair, computed a few bodies at a time so memory stays flat and progress shows."""
    embed = embed or shared_embedder()
    model = body_stance_model()
    by_body: dict[str, list[int]] = {}
    for index, pair in enumerate(pairs):
        by_body.setdefault(pair.body_id, []).append(index)
    body_ids = list(by_body)
    labels = [""] * len(pairs)
    for start in range(0, len(body_ids), BODIES_PER_STEP):
        indices = [i for b in body_ids[start:start + BODIES_PER_STEP] for i in by_body[b]]
        guessed = model.predict([pairs[i].headline for i in indices], [bodies[pairs[i].body_id] for i in indices], embed)
        for i, label in zip(indices, guessed):
            labels[i] = label
        embed.cache.clear()
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
