"""Accuracy gate on PolNeAR dev: fail when a figure falls below its pinned floor.

    python eval/polnear_gate.py [--data ../shared/data/polnear] [--record]

Floors live in eval/polnear_floors.json with a hash of the dev split they were
measured on.  ``--record`` raises floors to the current figures; it refuses to
lower one (a lower floor would hide a regression).  When the data folder is
absent (a user's fresh clone) the gate says so and exits 0.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimledger.evaluation.gate import check_floors, files_hash  # noqa: E402
from claimledger.evaluation.polnear import headline, score, score_cofenet, write_predictions  # noqa: E402

FLOORS = Path(__file__).with_name("polnear_floors.json")
EPSILON = 0.005  # run-to-run noise allowance; the extractor is deterministic, so this is slack for library drift


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    parser.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "eval" / "score_polnear.py")
    parser.add_argument("--cofenet-scorer", type=Path,
                        default=ROOT.parent / "shared" / "eval" / "cofenet_protocol" / "score.py")
    parser.add_argument("--record", action="store_true", help="raise the floors to the current figures")
    args = parser.parse_args()
    dev = args.data / "dev"
    items = args.data / "cofenet-dev-items.jsonl"
    if not dev.is_dir() or not args.scorer.is_file() or not args.cofenet_scorer.is_file() or not items.is_file():
        print(f"PolNeAR gate: not run — {dev}, its CofeNet items or a scorer is absent (the data is not part of the repo)")
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        predictions = Path(tmp) / "dev.jsonl"
        count = write_predictions(dev, predictions)
        figures = headline(score(dev, predictions, args.scorer)["figures"])
        figures.update(score_cofenet(dev, predictions, args.cofenet_scorer, items))
    print(f"PolNeAR dev ({count} articles, {time.perf_counter() - started:.0f} s): "
          + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    return check_floors("PolNeAR", figures, FLOORS, files_hash(dev.rglob("*"), dev), args.record, EPSILON)

if __name__ == "__main__":
    sys.exit(main())
