"""Ingest throughput as a ratio to extraction alone, and claim and story query latency, on a synthetic corpus.

    python bench/bench_ledger.py [--articles 10000] [--window 500] [--fnc ../shared/data/fnc-1] [--queries 200]
                                 [--keep DB]

Articles are synthesised by recombining paragraphs of the example corpus and of the
FNC-1 article bodies (when ../shared/data is present), each with a unique first line;
one in twenty is a light rewrite of an earlier one, so near-duplicate linking is
exercised.  In one run, the ingest loop times the ledger's work (copy detection,
statements, claims, FTS) apart from extraction: the ratio ingest/extract articles/s
is extraction time over total time; the ledger's time per article is also given per window of
``--window`` articles, as it grows with the ledger.  Then p50/p95 latency of the claim list (plain,
by status, by full-text search, by entity) and of claim pages, at that size.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqdm import tqdm  # noqa: E402

from claimledger import read_paths  # noqa: E402
from claimledger.extraction.pipeline import extract_articles  # noqa: E402
from claimledger.schema import Article  # noqa: E402
from claimledger.store.ledger import Ledger  # noqa: E402

SEED = 7


def paragraphs(fnc: Path) -> list[str]:
    pool = [p.strip() for a in read_paths([ROOT / "examples" / "corpus"]) if isinstance(a, Article)
            for p in a.text.split("\n\n") if len(p.split()) > 12]
    bodies = fnc / "train_bodies.csv"
    if bodies.exists():
        csv.field_size_limit(10_000_000)
        with bodies.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                pool += [p.strip() for p in row["articleBody"].split("\n\n") if len(p.split()) > 12]
    return pool


def synthesise(count: int, pool: list[str]) -> list[Article]:
    rng = random.Random(SEED)
    articles: list[Article] = []
    for i in range(count):
        if articles and rng.random() < 0.05:
            base = rng.choice(articles)
            text = base.text.replace(" said ", " told reporters ", 1) + "\n\nEditing by the desk."
        else:
            text = f"Synthetic report {i}\n\n" + "\n\n".join(rng.sample(pool, rng.randint(2, 5)))
        articles.append(Article(text=text, source=f"synthetic/{i}.txt", outlet=f"Outlet {rng.randint(1, 40)}",
                                published=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))
    return articles


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2)}


def report(results: dict, out: Path) -> None:
    """Print the results and keep them as JSON in ``out``."""
    print(json.dumps(results, indent=2))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def query_latency(ledger: Ledger, articles: list[Article], repeats: int) -> dict[str, dict[str, float]]:
    """p50/p95 of the claim list (plain, by status, by full-text search, by entity), of claim pages, of
    the story list (plain, by full-text search) and of story pages."""
    rng = random.Random(SEED)
    claim_ids = [row[0] for row in ledger.db.execute("SELECT id FROM claims WHERE statements > 0")]
    story_ids = [row[0] for row in ledger.db.execute("SELECT id FROM stories WHERE claims > 0")]
    speakers = [r[0] for r in ledger.db.execute(
        "SELECT speaker_entity FROM statements WHERE speaker_entity IS NOT NULL GROUP BY speaker_entity"
        " ORDER BY count(*) DESC LIMIT 50")]
    words_pool = [w for a in articles[:200] for w in a.text.split() if w.isalpha() and len(w) > 5]
    queries = {
        "claim_list": lambda: ledger.claims(limit=50),
        "claim_list_by_status": lambda: ledger.claims(status=rng.choice(["contested", "corroborated", "denied"])),
        "claim_list_search": lambda: ledger.claims(search=rng.choice(words_pool)),
        "claim_list_by_entity": lambda: ledger.claims(entity=rng.choice(speakers)),
        "claim_page": lambda: ledger.claim(rng.choice(claim_ids)),
        "story_list": lambda: ledger.stories(limit=50),
        "story_list_search": lambda: ledger.stories(search=rng.choice(words_pool)),
        "story_page": lambda: ledger.story(rng.choice(story_ids)),
    }
    return {name: percentiles([timed(query) for _ in range(repeats)]) for name, query in queries.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--fnc", type=Path, default=ROOT.parent / "shared" / "data" / "fnc-1")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--window", type=int, default=500, help="report the ledger's ms per article per this many")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ledger.json")
    parser.add_argument("--keep", type=Path, help="keep the ledger at this path (bench_web.py serves it)")
    args = parser.parse_args()
    articles = synthesise(args.articles, paragraphs(args.fnc))
    words = sum(len(a.text.split()) for a in articles)
    with tempfile.TemporaryDirectory() as tmp, Ledger(args.keep or Path(tmp) / "bench.db") as ledger:
        ledger_s, window_s, started, windows = 0.0, 0.0, time.perf_counter(), []
        for n, (article, extraction) in enumerate(tqdm(extract_articles(articles), total=len(articles), desc="ingest"),
                                                  1):
            spent = timed(lambda: ledger.add(article, extraction))
            ledger_s, window_s = ledger_s + spent, window_s + spent
            if n % args.window == 0:
                windows.append([n, round(window_s / args.window * 1000, 1)])
                window_s = 0.0
        total_s = time.perf_counter() - started
        counts = ledger.counts()
        latency = query_latency(ledger, articles, args.queries)
    extract_s = total_s - ledger_s
    results = {"articles_in": len(articles), "words": words, "stored": counts,
               "extract_articles_per_s": round(len(articles) / extract_s, 2),
               "ingest_articles_per_s": round(len(articles) / total_s, 2),
               "ratio_ingest_to_extract": round(extract_s / total_s, 3),
               "ledger_ms_per_article": round(ledger_s / len(articles) * 1000, 2),
               "ledger_ms_per_article_by_window": windows,
               "latency": latency}
    report(results, args.out)


if __name__ == "__main__":
    main()
