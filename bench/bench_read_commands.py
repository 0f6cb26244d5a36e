"""Peak memory and time of the commands that read a whole ledger, `check` and `ledger`, as the ledger
grows tenfold, on SQLite and PostgreSQL.

    python bench/bench_read_commands.py [--articles 300] [--factor 10]

Synthesises factor × N articles as bench_ledger.py does and extracts them once; stores the first N
into one ledger and all of them into another, on each backend (a throwaway PostgreSQL server on
loopback, as bench_backends.py starts).  Then runs `claimledger check` and `claimledger ledger`
(output discarded) on each ledger and reads each one's peak resident memory (the process's own
high-water mark, VmHWM, read as it exits).  Both stream the ledger (`check` through one snapshot,
`ledger` a page at a time), so their peaks should not grow with it: reported as the ratio large /
small per command and backend, with seconds per 1,000 more articles (start-up cancels out).
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

COMMANDS = ("check", "ledger")


def peak_rss_mb(arguments: list[str], scratch: Path) -> tuple[float, float]:
    """(peak resident memory in MB of ``claimledger ARGUMENTS``, seconds).  A problem that `check`
    finds (exit 1) or any other failure stops the benchmark: the ledgers are sound."""
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
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "read_commands.json")
    args = parser.parse_args()
    sizes = (args.articles, args.articles * args.factor)
    articles = synthesise(sizes[1], paragraphs(args.fnc))
    extracted = list(tqdm(extract_in_parallel(articles, workers=default_workers()), total=len(articles),
                          desc="extract", leave=False))
    results: dict = {"articles": list(sizes), "backends": {}}
    with tempfile.TemporaryDirectory() as tmp, throwaway_postgres(durable=True) as server:
        for backend in ("sqlite", "postgresql"):
            runs: dict = {}
            for size in sizes:
                target = str(Path(tmp) / f"{size}.db") if backend == "sqlite" else server.new_database()
                store_all(target, extracted[:size])
                for command in COMMANDS:
                    peak_mb, seconds = peak_rss_mb([command, "--db", target], Path(tmp) / "peak")
                    runs.setdefault(command, {})[size] = {"peak_mb": peak_mb, "s": seconds}
            results["backends"][backend] = {command: {
                "runs": by_size,
                "ratio_peak_large_to_small": round(by_size[sizes[1]]["peak_mb"] / by_size[sizes[0]]["peak_mb"], 3),
                "s_per_1000_more_articles": round(
                    (by_size[sizes[1]]["s"] - by_size[sizes[0]]["s"]) / (sizes[1] - sizes[0]) * 1000, 2)}
                for command, by_size in runs.items()}
    report(results, args.out)


if __name__ == "__main__":
    main()
