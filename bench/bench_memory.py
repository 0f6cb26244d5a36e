"""Peak memory of `extract` and `ingest` with 2 workers as the input grows tenfold.

    python bench/bench_memory.py [--articles 300] [--factor 10]

Writes two JSON Lines inputs of N and factor × N synthetic articles (as bench_ledger.py makes
them), runs `claimledger extract --json --workers 2` (output discarded) and `claimledger ingest
--workers 2` into a new SQLite ledger on each, and samples the resident memory of the whole process
tree (the command and its workers; proportional set size, so pages the forked workers share with
their parent count once) every 0.2 s.  Reports each peak and the ratio large / small:
extraction streams its input, so its peak should not grow; ingest also keeps the ledger's
in-memory claim and copy indexes, which grow with the ledger (reported per 1,000 articles).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ledger import paragraphs, report, synthesise  # noqa: E402

CLAIMLEDGER = str(Path(sys.executable).with_name("claimledger"))


def tree_pss_mb(root: int) -> float:
    """Proportional resident memory of ``root`` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total / 1024


def peak_memory_mb(command: list[str]) -> tuple[float, float]:
    """(peak MB of the process tree, seconds) for a command whose output is discarded."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, tree_pss_mb(process.pid))
        time.sleep(0.2)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    return round(peak, 1), round(time.perf_counter() - started, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--fnc", type=Path, default=ROOT.parent / "shared" / "data" / "fnc-1")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "memory.json")
    args = parser.parse_args()
    pool = paragraphs(args.fnc)
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (args.articles, args.articles * args.factor):
            feed = Path(tmp) / f"{size}.jsonl"
            with feed.open("w", encoding="utf-8") as handle:
                for article in synthesise(size, pool):
                    handle.write(json.dumps({"text": article.text, "source": article.source}) + "\n")
            extract_mb, extract_s = peak_memory_mb([CLAIMLEDGER, "extract", "--json", "--workers", "2", str(feed)])
            ingest_mb, ingest_s = peak_memory_mb([CLAIMLEDGER, "ingest", "--workers", "2", "--db",
                                               str(Path(tmp) / f"{size}.db"), str(feed)])
            results[size] = {"input_mb": round(feed.stat().st_size / 2 ** 20, 1), "extract_peak_mb": extract_mb,
                             "extract_s": extract_s, "ingest_peak_mb": ingest_mb, "ingest_s": ingest_s}
    small, large = results[args.articles], results[args.articles * args.factor]
    extra_articles = args.articles * (args.factor - 1)
    summary = {"runs": results,
               "ratio_extract_peak_large_to_small": round(large["extract_peak_mb"] / small["extract_peak_mb"], 3),
               "ratio_ingest_peak_large_to_small": round(large["ingest_peak_mb"] / small["ingest_peak_mb"], 3),
               "ingest_mb_per_1000_articles_stored": round(
                   (large["ingest_peak_mb"] - small["ingest_peak_mb"]) / extra_articles * 1000, 1)}
    report(summary, args.out)


if __name__ == "__main__":
    main()
