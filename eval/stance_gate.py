"""Accuracy gate for the stance model and the headline clusterer, on the parts held out of training.

    python eval/stance_gate.py [--data ../shared/data] [--record]

The shipped stance model was trained by ``python -m claimledger.training.stance`` outside the held-out
parts that ``claimledger.training.corpora`` rebuilds here (FNC-1's fifth of stories, Emergent's fifth of
claims, ARC's fifth of bodies), which no choice but the epoch was tuned on: FNC-1 score and macro-F1,
ARC macro-F1 and disagree recall, Emergent stance accuracy and macro-F1, and the clustering's ARI.
Floors live in eval/stance_floors.json.  When the data is absent (a user's fresh clone) the gate says so
and exits 0; with the data but without the stance extra it fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimledger.errors import ModelUnavailable  # noqa: E402
from claimledger.evaluation.gate import check_floors, files_hash  # noqa: E402
from claimledger.evaluation.stance import emergent_predictions, score_emergent  # noqa: E402
from claimledger.ml.stance import shipped_model  # noqa: E402
from claimledger.training.corpora import arc_splits, held_out_groups, news_splits, read_emergent  # noqa: E402
from claimledger.training.stance import dev_figures  # noqa: E402

FLOORS = Path(__file__).with_name("stance_floors.json")
EPSILON = 0.002  # the models are deterministic; this is slack for numeric drift across library versions
EMERGENT = Path("emergent") / "url-versions-2015-06-14-clean-train.csv"
FNC_STANCES, FNC_BODIES = Path("fnc-1") / "train_stances.csv", Path("fnc-1") / "train_bodies.csv"
ARC = Path("stance-extra") / "arc"
ARC_STANCES, ARC_BODIES = ARC / "arc_stances_train.csv", ARC / "arc_bodies.csv"


def emergent_figures(path: Path) -> dict[str, float]:
    rows = read_emergent(path)
    held = held_out_groups(r.claim_id for r in rows)
    test = [r for r in rows if r.claim_id in held]
    scores = score_emergent(test, emergent_predictions(test))
    return {"emergent_stance_accuracy": scores.figures["stance accuracy"],
            "emergent_stance_macro_f1": scores.figures["stance macro-F1"],
            "emergent_cluster_ari": scores.figures["cluster ARI"]}


def pair_figures(data: Path) -> dict[str, float]:
    """FNC-1 and ARC dev pairs through the stance model."""
    figures = dev_figures(shipped_model(), {"fnc-1": news_splits(data).fnc_dev, "arc": arc_splits(data)[1]})
    fnc, arc = figures["fnc-1"], figures["arc"]
    return {"fnc1_score": fnc["fnc_score"], "fnc1_macro_f1": fnc["macro_f1"],
            "arc_macro_f1": arc["macro_f1"], "arc_disagree_recall": arc["disagree"]["recall"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--record", action="store_true", help="raise the floors to the current figures")
    args = parser.parse_args()
    files = [args.data / p for p in (EMERGENT, FNC_STANCES, FNC_BODIES, ARC_STANCES, ARC_BODIES)]
    if not all(f.is_file() for f in files):
        print(f"stance gate: not run — Emergent, FNC-1 or ARC is absent under {args.data} (the data is not part of the repo)")
        return 0
    started = time.perf_counter()
    try:
        figures = {**emergent_figures(files[0]), **pair_figures(args.data)}
    except ModelUnavailable as error:
        print(f"stance gate: FAILED — the data is here but the models cannot run: {error}")
        return 1
    print(f"stance, held-out claims ({time.perf_counter() - started:.0f} s): "
          + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    return check_floors("stance", figures, FLOORS, files_hash(files, args.data), args.record, EPSILON)


if __name__ == "__main__":
    sys.exit(main())
