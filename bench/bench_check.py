"""Peak memory and time of `claimledger check` as the ledger grows tenfold, on SQLite and PostgreSQL.

    python bench/bench_check.py [--articles 300] [--factor 10]

Synthesises factor × N articles as bench_ledger.py does and extracts them once; stores the first N
into one ledger and all of them into another, on each backend (a throwaway PostgreSQL server on
loopback, as bench_backends.py starts).  Then runs `claimledger check` on each ledger and reads its
peak resident memory (the process's own high-water mark, VmHWM, read as it exits).  The check streams the
articles through one snapshot, so its peak should not grow with the ledger: reported as the ratio
large / small per backend, with the check's seconds per 1,000 more articles (its start-up cancels out).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_backends import store_all  # noqa: E402
from bench_ledger import paragraphs, report, synthesise  # noqa: E402
from throwaway_postgres import throwaway_postgres  # noqa: E402
from tqdm import tqdm  # noqa: E402

from claimledger.extraction.parallel import default_workers, extract_in_parallel  # noqa: E402

# The command reports its own high-water mark: a child's rusage would count the memory of this
# (large) process it was forked from, before it exec'd.
MEASURED = ("import atexit, sys\n"
            "scratch = sys.argv.pop(1)\n"
            "sys.argv[0] = 'claimledger'\n"
            "def report():\n"
            "    status = open('/proc/self/status').read()\n"
            "    peak = next(line.split()[1] for line in status.splitlines() if line.startswith('VmHWM:'))\n"
            "    open(scratch, 'w').write(peak)\n"
            "atexit.register(report)\n"
            "from claimledger.interfaces.cli import main\n"
            "main()\n")


def peak_rss_mb(arguments: list[str], scratch: Path) -> tuple[float, float]:
    """(peak resident memory in MB of ``claimledger ARGUMENTS``, seconds).  A problem found (exit 1)
    or any other failure stops the benchmark: the ledgers are sound."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURED, str(scratch), *arguments],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"claimledger {' '.join(arguments)} exited with {done.returncode}: {done.stderr[-500:]}")
    return round(int(scratch.read_text()) / 1024, 1), round(time.perf_counter() - started, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--fnc", type=Path, default=ROOT.parent / "shared" / "data" / "fnc-1")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "check.json")
    args = parser.parse_args()
    sizes = (args.articles, args.articles * args.factor)
    articles = synthesise(sizes[1], paragraphs(args.fnc))
    extracted = list(tqdm(extract_in_parallel(articles, workers=default_workers()), total=len(articles),
                          desc="extract", leave=False))
    results: dict = {"articles": list(sizes), "backends": {}}
    with tempfile.TemporaryDirectory() as tmp, throwaway_postgres(durable=True) as server:
        for backend in ("sqlite", "postgresql"):
            runs = {}
            for size in sizes:
                target = str(Path(tmp) / f"{size}.db") if backend == "sqlite" else server.new_database()
                store_all(target, extracted[:size])
                peak_mb, seconds = peak_rss_mb(["check", "--db", target], Path(tmp) / "peak")
                runs[size] = {"check_peak_mb": peak_mb, "check_s": seconds}
            small, large = runs[sizes[0]], runs[sizes[1]]
            results["backends"][backend] = {
                "runs": runs, "ratio_check_peak_large_to_small": round(large["check_peak_mb"] / small["check_peak_mb"], 3),
                "check_s_per_1000_more_articles": round(
                    (large["check_s"] - small["check_s"]) / (sizes[1] - sizes[0]) * 1000, 2)}
    report(results, args.out)


if __name__ == "__main__":
    main()
