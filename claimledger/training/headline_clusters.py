"""Fit the headline clusterer (``claimledger.ml.headline_clusters``) on Emergent and write its files.

    python -m claimledger.training.headline_clusters [--seeds 5]

A fifth of Emergent's claims is held out (seed 0, the split the stance gate scores); the character idf
is fitted on the training headlines and the cut is the one with the best mean adjusted Rand index over
random subsets of training claims, each the held-out part's size.  The held-out ARI goes in meta.json;
``--seeds N`` also reports the mean over N held-out splits (without saving).  A minute or two on 2 cores."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Optional

from ..ml.encoder import SentenceEmbedder
from ..ml.headline_clusters import WEIGHTS_DIR, HeadlineClusterer, cut_tree
from .corpora import DATA, EmergentRow, held_out_groups, read_emergent
from .metrics import adjusted_rand_index

THRESHOLD_GRID = [round(0.2 + 0.025 * k, 3) for k in range(32)]
TUNING_SUBSETS = 5


def choose_threshold(rows: list[EmergentRow], clusterer: HeadlineClusterer, embed: SentenceEmbedder,
                     claims_per_subset: int) -> float:
    """The cut with the best mean ARI over random subsets of training claims."""
    claims = sorted({r.claim_id for r in rows})
    generator = random.Random(1)
    subsets = []
    for _ in range(TUNING_SUBSETS):
        kept = set(generator.sample(claims, min(claims_per_subset, len(claims))))
        subset = [r for r in rows if r.claim_id in kept]
        headlines = [r.headline for r in subset]
        subsets.append((clusterer.distances(headlines, embed(headlines)), [r.claim_id for r in subset]))
    mean_ari = {t: statistics.mean(adjusted_rand_index(gold, cut_tree(d, t)) for d, gold in subsets)
                for t in THRESHOLD_GRID}
    return max(mean_ari, key=mean_ari.get)


def fit_on_split(rows: list[EmergentRow], seed: int, embed: SentenceEmbedder) -> tuple[HeadlineClusterer, float]:
    """The clusterer fitted on the training claims of split ``seed``, and its held-out ARI."""
    held = held_out_groups((r.claim_id for r in rows), seed)
    train = [r for r in rows if r.claim_id not in held]
    test = [r for r in rows if r.claim_id in held]
    clusterer = HeadlineClusterer(0.0, HeadlineClusterer.fit_char_idf([r.headline for r in train]))
    clusterer.threshold = choose_threshold(train, clusterer, embed, len(held))
    headlines = [r.headline for r in test]
    return clusterer, adjusted_rand_index([r.claim_id for r in test], clusterer.cluster(headlines, embed(headlines)))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder (emergent/)")
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR)
    parser.add_argument("--seeds", type=int, default=1, help="also report the mean held-out ARI over this many splits")
    args = parser.parse_args(argv)
    path = args.data / "emergent" / "url-versions-2015-06-14-clean-train.csv"
    if not path.exists():
        print(f"error: {path} is absent (Emergent lives in ../shared/data)", file=sys.stderr)
        return 2
    rows, embed, started = read_emergent(path), SentenceEmbedder(), time.time()
    clusterer, ari = fit_on_split(rows, 0, embed)
    meta = {"model": "average-linkage over the mean of MiniLM embedding and character 3-5-gram TF-IDF distances",
            "data": "Emergent train outside the held-out fifth of claims (seed 0)",
            "command": "python -m claimledger.training.headline_clusters " + " ".join(argv if argv is not None else sys.argv[1:]),
            "threshold": clusterer.threshold, "dev": {"held_out_claims_ari": round(ari, 4)},
            "training_minutes_cpu": round((time.time() - started) / 60, 1)}
    clusterer.save(args.out, meta)
    print(f"saved {args.out}: threshold {clusterer.threshold}, held-out ARI {ari:.4f}")
    if args.seeds > 1:
        values = [fit_on_split(rows, seed, embed)[1] for seed in range(args.seeds)]
        print(f"{args.seeds} held-out splits: ARI {statistics.mean(values):.4f} ± {statistics.pstdev(values):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
