"""Accuracy gate for the stance models, on the claims held out of their training.

    python eval/stance_gate.py [--data ../shared/data] [--record]

The shipped models were trained by scripts/train_stance.py on the training part of a split by
claim (seed 0); this gate rebuilds the same split and scores the held-out part, which no choice was
tuned on: Emergent headline stance accuracy and clustering ARI, FNC-1 score and macro-F1.  Floors
live in eval/stance_floors.json.  When the data is absent (a user's fresh clone) the gate says so
and exits 0; with the data but without the stance extra it fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimledger.errors import StanceModelUnavailable  # noqa: E402
from claimledger.evaluation.gate import check_floors, files_hash  # noqa: E402
from claimledger.evaluation.stance import (  # noqa: E402
    emergent_predictions, fnc1_predictions, fnc_claim_groups, held_out_groups, read_emergent, read_fnc1,
    score_emergent, score_fnc1)

FLOORS = Path(__file__).with_name("stance_floors.json")
EPSILON = 0.002  # the models are deterministic; this is slack for numeric drift across library versions
EMERGENT = Path("emergent") / "url-versions-2015-06-14-clean-train.csv"
FNC_STANCES, FNC_BODIES = Path("fnc-1") / "train_stances.csv", Path("fnc-1") / "train_bodies.csv"


def emergent_figures(path: Path) -> dict[str, float]:
    rows = read_emergent(path)
    held = held_out_groups(r.claim_id for r in rows)
    test = [r for r in rows if r.claim_id in held]
    scores = score_emergent(test, emergent_predictions(test))
    return {"emergent_stance_accuracy": scores.figures["stance accuracy"],
            "emergent_stance_macro_f1": scores.figures["stance macro-F1"],
            "emergent_cluster_ari": scores.figures["cluster ARI"]}


def fnc1_figures(stances: Path, bodies_path: Path) -> dict[str, float]:
    pairs, bodies = read_fnc1(stances, bodies_path)
    claim_of = fnc_claim_groups(pairs)
    held = held_out_groups(claim_of.values())
    test = [p for p in pairs if claim_of[p.body_id] in held]
    scores = score_fnc1(test, fnc1_predictions(test, bodies))
    return {"fnc1_score": scores.figures["FNC score"], "fnc1_macro_f1": scores.figures["macro-F1"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--record", action="store_true", help="raise the floors to the current figures")
    args = parser.parse_args()
    files = [args.data / p for p in (EMERGENT, FNC_STANCES, FNC_BODIES)]
    if not all(f.is_file() for f in files):
        print(f"stance gate: not run — Emergent or FNC-1 is absent under {args.data} (the data is not part of the repo)")
        return 0
    started = time.perf_counter()
    try:
        figures = {**emergent_figures(files[0]), **fnc1_figures(files[1], files[2])}
    except StanceModelUnavailable as error:
        print(f"stance gate: FAILED — the data is here but the models cannot run: {error}")
        return 1
    print(f"stance, held-out claims ({time.perf_counter() - started:.0f} s): "
          + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    return check_floors("stance", figures, FLOORS, files_hash(files, args.data), args.record, EPSILON)


if __name__ == "__main__":
    sys.exit(main())
