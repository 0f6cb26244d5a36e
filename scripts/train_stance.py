"""Train the stance models shipped in claimledger/stance/models/ from the public data in ../shared/data.

    python scripts/train_stance.py emergent [--seeds 5] [--compare]   # headline stance + clustering
    python scripts/train_stance.py fnc1                   # body stance (about 5 minutes on 2 cores)

Each model is trained on the training part of a split by claim (seed 0: a fifth of the claims held
out) and then scored on the held-out claims, which no choice was tuned on; eval/stance_gate.py checks
those held-out figures in CI.  Choices (the regression strength, the clustering threshold) are made
inside the training part only.  ``--seeds N`` also reports the mean over N different held-out splits
(without saving).  Needs the ``stance`` extra.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spacy.lang.en.stop_words import STOP_WORDS  # noqa: E402

from claimledger.evaluation.metrics import accuracy, adjusted_rand_index  # noqa: E402
from claimledger.evaluation.stance import (  # noqa: E402
    EmergentRow, fnc_claim_groups, held_out_groups, read_emergent, read_fnc1, score_fnc1)
from claimledger.lexicon import NEGATIONS, STANCE_HEDGE_WORDS, STANCE_REFUTE_WORDS  # noqa: E402
from claimledger.stance import BODY_DIR, HEADLINE_DIR  # noqa: E402
from claimledger.stance.body import BodyStanceModel  # noqa: E402
from claimledger.stance.embeddings import SentenceEmbedder  # noqa: E402
from claimledger.ledger.claims import ClaimIndex, assign_statements  # noqa: E402
from claimledger.stance.headline import HeadlineClusterer, HeadlineStanceModel, cut_tree  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
REGULARISATION_GRID = (0.03, 0.1, 0.3, 1.0)
THRESHOLD_GRID = [round(0.2 + 0.025 * k, 3) for k in range(32)]
TUNING_SUBSETS = 5
CV_FOLDS = 5


def train_headline_stance(rows: list[EmergentRow], regularisation: float) -> HeadlineStanceModel:
    return HeadlineStanceModel.train([r.headline for r in rows], [r.claim for r in rows], [r.stance for r in rows],
                                     STANCE_HEDGE_WORDS, STANCE_REFUTE_WORDS, frozenset(STOP_WORDS), regularisation)


def choose_regularisation(rows: list[EmergentRow]) -> float:
    """The strength with the best accuracy in grouped cross-validation by claim inside ``rows``."""
    claims = sorted({r.claim_id for r in rows})
    random.Random(1).shuffle(claims)
    fold_of = {c: k % CV_FOLDS for k, c in enumerate(claims)}
    best = (-1.0, REGULARISATION_GRID[0])
    for strength in REGULARISATION_GRID:
        right = 0
        for fold in range(CV_FOLDS):
            train = [r for r in rows if fold_of[r.claim_id] != fold]
            test = [r for r in rows if fold_of[r.claim_id] == fold]
            guessed = train_headline_stance(train, strength).predict([r.headline for r in test], [r.claim for r in test])
            right += sum(g == r.stance for g, r in zip(guessed, test))
        print(f"    C={strength}: grouped-CV accuracy {right / len(rows):.4f}", flush=True)
        best = max(best, (right / len(rows), strength))
    return best[1]


def choose_threshold(rows: list[EmergentRow], clusterer: HeadlineClusterer, embed: SentenceEmbedder,
                     claims_per_subset: int, kind: str = "both") -> float:
    """The cut with the best mean ARI over random subsets of training claims, each the held-out set's size."""
    claims = sorted({r.claim_id for r in rows})
    generator = random.Random(1)
    subsets = []
    for _ in range(TUNING_SUBSETS):
        kept = set(generator.sample(claims, min(claims_per_subset, len(claims))))
        subset = [r for r in rows if r.claim_id in kept]
        headlines = [r.headline for r in subset]
        subsets.append((clusterer.distances(headlines, embed(headlines), kind), [r.claim_id for r in subset]))
    mean_ari = {t: statistics.mean(adjusted_rand_index(gold, cut_tree(d, t)) for d, gold in subsets)
                for t in THRESHOLD_GRID}
    best = max(mean_ari, key=mean_ari.get)
    print(f"    {kind}: threshold {best} (mean training ARI {mean_ari[best]:.3f})", flush=True)
    return best


def online_ledger_clusters(headlines: list[str]) -> list[int]:
    """The ledger's own online claim assignment (lexical), each headline taken as one asserted statement."""
    assignments, _ = assign_statements(ClaimIndex(), [(i, h, "assert") for i, h in enumerate(headlines)], 1)
    claim_of = {a.statement_id: a.claim_id for a in assignments}
    return [claim_of.get(i, -1 - i) for i in range(len(headlines))]  # too short to assign: a claim of its own


def compare_clusterings(train: list[EmergentRow], test: list[EmergentRow], clusterer: HeadlineClusterer,
                        embed: SentenceEmbedder, claims: int) -> dict[str, float]:
    """Held-out ARI of each way to group headlines, each cut chosen on training claims only."""
    headlines, gold = [r.headline for r in test], [r.claim_id for r in test]
    found = {"ARI ledger online lexical": adjusted_rand_index(gold, online_ledger_clusters(headlines))}
    for kind in ("characters", "embedding"):
        threshold = choose_threshold(train, clusterer, embed, claims, kind)
        found[f"ARI {kind} only"] = adjusted_rand_index(
            gold, cut_tree(clusterer.distances(headlines, embed(headlines), kind), threshold))
    return found


def emergent_split(rows: list[EmergentRow], seed: int, embed: SentenceEmbedder, save: bool,
                   compare: bool = False) -> dict[str, float]:
    held = held_out_groups((r.claim_id for r in rows), seed)
    train = [r for r in rows if r.claim_id not in held]
    test = [r for r in rows if r.claim_id in held]
    started = time.time()
    stance_model = train_headline_stance(train, choose_regularisation(train))
    clusterer = HeadlineClusterer(0.0, HeadlineClusterer.fit_char_idf([r.headline for r in train]))
    clusterer.threshold = choose_threshold(train, clusterer, embed, len(held))
    trained = time.time() - started
    if save:
        stance_model.save(HEADLINE_DIR)
        clusterer.save(HEADLINE_DIR)
        stance_model, clusterer = HeadlineStanceModel.load(HEADLINE_DIR), HeadlineClusterer.load(HEADLINE_DIR)
    headlines = [r.headline for r in test]
    guessed = stance_model.predict(headlines, [r.claim for r in test])
    figures = {"accuracy": accuracy([r.stance for r in test], guessed),
               "ARI": adjusted_rand_index([r.claim_id for r in test], clusterer.cluster(headlines, embed(headlines)))}
    if compare:
        figures.update(compare_clusterings(train, test, clusterer, embed, len(held)))
    print(f"  seed {seed}: {len(train)} training / {len(test)} held-out headlines ({len(held)} claims); "
          f"held-out stance accuracy {figures['accuracy']:.4f}, clustering ARI {figures['ARI']:.3f} "
          f"(trained in {trained:.0f} s)", flush=True)
    return figures


def train_emergent(data: Path, seeds: int, compare: bool) -> None:
    rows = read_emergent(data / "emergent" / "url-versions-2015-06-14-clean-train.csv")
    embed = SentenceEmbedder()
    emergent_split(rows, 0, embed, save=True)
    print(f"saved {HEADLINE_DIR}")
    if seeds > 1 or compare:
        runs = [emergent_split(rows, seed, embed, save=False, compare=compare) for seed in range(seeds)]
        for name in runs[0]:
            values = [r[name] for r in runs]
            print(f"{seeds} held-out splits: {name} {statistics.mean(values):.4f} ± {statistics.pstdev(values):.4f}")


def train_fnc1(data: Path) -> None:
    pairs, bodies = read_fnc1(data / "fnc-1" / "train_stances.csv", data / "fnc-1" / "train_bodies.csv")
    claim_of = fnc_claim_groups(pairs)
    held = held_out_groups(claim_of.values(), seed=0)
    train = [p for p in pairs if claim_of[p.body_id] not in held]
    test = [p for p in pairs if claim_of[p.body_id] in held]
    print(f"{len(train)} training pairs, {len(test)} held-out pairs "
          f"({len({p.body_id for p in test})} bodies of unseen claims)", flush=True)
    embed = SentenceEmbedder()
    started = time.time()
    model = BodyStanceModel.train([p.headline for p in train], [bodies[p.body_id] for p in train],
                                  [p.stance for p in train], embed, STANCE_HEDGE_WORDS, STANCE_REFUTE_WORDS,
                                  NEGATIONS, frozenset(STOP_WORDS))
    print(f"trained in {time.time() - started:.0f} s", flush=True)
    model.save(BODY_DIR)
    model = BodyStanceModel.load(BODY_DIR)
    embed.cache.clear()
    started = time.time()
    guessed = model.predict([p.headline for p in test], [bodies[p.body_id] for p in test], embed)
    elapsed = time.time() - started
    scores = score_fnc1(test, guessed)
    print("held-out: " + ", ".join(f"{k} {v:.4f}" for k, v in scores.figures.items())
          + "; F1 " + " ".join(f"{k} {v:.3f}" for k, v in scores.per_class_f1.items())
          + f"; {len(test) / elapsed:.0f} pairs/s")
    print(f"saved {BODY_DIR}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=("emergent", "fnc1"))
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--seeds", type=int, default=1, help="emergent: also report the mean over this many splits")
    parser.add_argument("--compare", action="store_true",
                        help="emergent: also score the other ways to group headlines (the ledger's online lexical "
                             "assignment, character or embedding distance alone)")
    args = parser.parse_args()
    if args.task == "emergent":
        train_emergent(args.data, args.seeds, args.compare)
    else:
        train_fnc1(args.data)


if __name__ == "__main__":
    main()
