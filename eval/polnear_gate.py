"""Accuracy gate on PolNeAR dev: fail when a figure falls below its pinned floor.

    python eval/polnear_gate.py [--data ../shared/data/polnear] [--record]

Floors live in eval/polnear_floors.json with a hash of the dev split they were
measured on.  ``--record`` raises floors to the current figures; it refuses to
lower one (a lower floor would hide a regression).  When the data folder is
absent (a user's fresh clone) the gate says so and exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimledger.evaluation.polnear import headline, score, write_predictions  # noqa: E402

FLOORS = Path(__file__).with_name("polnear_floors.json")
EPSILON = 0.005  # run-to-run noise allowance; the extractor is deterministic, so this is slack for library drift


def split_hash(split_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(split_dir.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(split_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    parser.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "eval" / "score_polnear.py")
    parser.add_argument("--record", action="store_true", help="raise the floors to the current figures")
    args = parser.parse_args()
    dev = args.data / "dev"
    if not dev.is_dir() or not args.scorer.is_file():
        print(f"PolNeAR gate: not run — {dev} or {args.scorer} is absent (the data is not part of the repo)")
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        predictions = Path(tmp) / "dev.jsonl"
        count = write_predictions(dev, predictions)
        figures = headline(score(dev, predictions, args.scorer)["figures"])
    print(f"PolNeAR dev ({count} articles, {time.perf_counter() - started:.0f} s): "
          + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    pinned = json.loads(FLOORS.read_text())
    corpus = split_hash(dev)
    if args.record:
        lowered = [k for k, v in figures.items() if v < pinned["floors"].get(k, 0)]
        if lowered and pinned.get("dev_sha256") == corpus:
            print(f"refusing to lower floors: {lowered}")
            return 1
        pinned = {"dev_sha256": corpus, "floors": {k: round(v, 3) for k, v in figures.items()}}
        FLOORS.write_text(json.dumps(pinned, indent=2) + "\n")
        print(f"floors recorded in {FLOORS}")
        return 0
    if pinned.get("dev_sha256") != corpus:
        print("PolNeAR gate: the dev split differs from the one the floors were measured on")
        return 1
    failed = {k: (v, pinned["floors"][k]) for k, v in figures.items() if v < pinned["floors"][k] - EPSILON}
    for key, (value, floor) in failed.items():
        print(f"PolNeAR gate: {key} {value:.3f} is below its floor {floor:.3f}")
    print("PolNeAR gate: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
