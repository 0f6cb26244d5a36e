"""Spark local mode (batch + load) against single-machine ingest, on the same articles.

    python bench/bench_spark.py [--articles 10000] [--shards 10] [--workers CORES] [--fnc ../shared/data/fnc-1]

Articles are synthesised as in bench_ledger.py and written as JSON Lines shards, which both sides
read.  In one run: ``ingest`` with ``--workers`` processes (default: all cores) into one ledger,
then Spark on ``local[WORKERS]``: the session's start, ``batch`` into Parquet (WORKERS partitions,
the pipeline loaded once per partition) and ``load`` into a second ledger.  Reports articles/s of
each, the overhead ratio (Spark's total time over ingest's) and whether the two ledgers are equal.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ledger import paragraphs, report, synthesise  # noqa: E402

from claimledger.distributed.load import load_output  # noqa: E402
from claimledger.distributed.spark_batch import run_batch, spark_session  # noqa: E402
from claimledger.extraction.parallel import default_workers  # noqa: E402
from claimledger.ingest.batch import ingest_paths  # noqa: E402
from claimledger.store.ledger import Ledger  # noqa: E402

TABLES = ("articles", "statements", "claims", "claim_statements", "article_claims")


def write_shards(articles: list, folder: Path, shards: int) -> list[Path]:
    folder.mkdir()
    paths = [folder / f"shard-{n:03d}.jsonl" for n in range(shards)]
    per_shard = -(-len(articles) // shards)
    for n, path in enumerate(paths):
        with path.open("w", encoding="utf-8") as out:
            for a in articles[n * per_shard:(n + 1) * per_shard]:
                out.write(json.dumps({"text": a.text, "published": a.published, "source": a.outlet}) + "\n")
    return paths


def table_rows(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        dump = {}
        for table in TABLES:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "ingested_at"]
            order = ", ".join(str(n) for n in range(1, len(columns) + 1))
            dump[table] = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}").fetchall()
        return dump


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--shards", type=int, default=10)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--fnc", type=Path, default=ROOT.parent / "shared" / "data" / "fnc-1")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "spark.json")
    args = parser.parse_args()
    articles = synthesise(args.articles, paragraphs(args.fnc))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shards = write_shards(articles, tmp / "shards", args.shards)
        with Ledger(tmp / "ingest.db") as ledger:
            ingest_s, ingested = timed(lambda: ingest_paths(shards, ledger, workers=args.workers))
        master = f"local[{args.workers}]"
        started = time.perf_counter()
        with spark_session(master):
            startup_s = time.perf_counter() - started
            batch_s, batched = timed(lambda: run_batch(shards, str(tmp / "out"), master=master,
                                                       partitions=args.workers))
        with Ledger(tmp / "spark.db") as ledger:
            load_s, loaded = timed(lambda: load_output(tmp / "out", ledger))
        identical = table_rows(tmp / "spark.db") == table_rows(tmp / "ingest.db")
    spark_s = startup_s + batch_s + load_s
    results = {"articles": len(articles), "shards": args.shards, "workers": args.workers,
               "ingest": {"seconds": round(ingest_s, 1), "articles_per_s": round(len(articles) / ingest_s, 2),
                          "added": ingested.added, "failed": len(ingested.failed)},
               "spark": {"seconds": round(spark_s, 1), "articles_per_s": round(len(articles) / spark_s, 2),
                         "startup_s": round(startup_s, 1), "batch_s": round(batch_s, 1), "load_s": round(load_s, 1),
                         "batch_articles_per_s": round(len(articles) / batch_s, 2),
                         "added": loaded.added, "failed": len(loaded.failed), "statements": batched.statements},
               "overhead_ratio_spark_to_ingest": round(spark_s / ingest_s, 3),
               "ledgers_identical": identical}
    report(results, args.out)


if __name__ == "__main__":
    main()
