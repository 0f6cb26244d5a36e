"""The ledger on real news, scored twice: on all of FNC-1's training stories (the shared protocol), and
on the fifth of them the stance model never trained on (``held_out_groups``, seed 0), which is the
figure to choose by.

    python eval/realnews_held_out.py [KEEP_DIR]

Runs ../shared/eval/ledger_realnews.sh into KEEP_DIR (a new temporary folder by default), then scores
its export again with only the held-out stories' rows of train_stances.csv."""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimledger.training.corpora import fnc_claim_groups, held_out_groups, read_fnc1  # noqa: E402

SHARED = ROOT.parent / "shared"
FNC = SHARED / "data" / "fnc-1"


def held_out_stances(keep: Path) -> Path:
    """train_stances.csv with only the rows of the held-out stories' bodies."""
    pairs, _ = read_fnc1(FNC / "train_stances.csv", FNC / "train_bodies.csv")
    claim_of = fnc_claim_groups(pairs)
    held = held_out_groups(claim_of.values(), seed=0)
    path = keep / "held_out_stances.csv"
    with open(FNC / "train_stances.csv", encoding="utf-8", newline="") as source, \
            open(path, "w", encoding="utf-8", newline="") as target:
        rows = csv.DictReader(source)
        writer = csv.DictWriter(target, rows.fieldnames)
        writer.writeheader()
        writer.writerows(r for r in rows if claim_of[r["Body ID"]] in held)
    return path


def main() -> None:
    if not FNC.exists():
        print(f"skipped: {FNC} is absent")
        return
    keep = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="realnews-"))
    print("all training stories:", flush=True)
    subprocess.run(["bash", str(SHARED / "eval" / "ledger_realnews.sh"), str(ROOT / ".venv" / "bin" / "claimledger"),
                    str(keep)], check=True)
    print("held-out stories (the stance model never saw them):", flush=True)
    subprocess.run([sys.executable, str(SHARED / "eval" / "score_ledger_claims.py"), str(held_out_stances(keep)),
                    str(keep / "order.txt"), str(keep / "claims.jsonl")], check=True)


if __name__ == "__main__":
    main()
