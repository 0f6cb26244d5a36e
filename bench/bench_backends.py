"""SQLite vs PostgreSQL: ingest throughput, and claim and story query latency at a million statements.

    python bench/bench_backends.py [--articles 1000] [--statements 1000000] [--queries 200]

Needs Debian's PostgreSQL (scripts/test.sh installs it); a throwaway server is started on loopback
with fsync on and synchronous_commit off, the durability the SQLite ledger has in WAL mode with
synchronous=NORMAL.  In one run:

1. Articles are synthesised as in bench_ledger.py and extracted once; then each backend stores them
   through ``Ledger.add`` (copy detection, statements, claims, search index).  Reported: store
   articles/s per backend, their ratio, and end-to-end ingest articles/s (the same extraction time
   plus each store time).
2. Each ledger is grown to ``--statements`` by copying what was stored (new article hashes; copies
   spread over ``--copies-per-claim`` copies of each claim, so claims grow as a story would; stories
   grow the same way), then analysed, and the claim and story list and page latencies of
   bench_ledger.py are measured, plus the page of the largest claims.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_ledger import paragraphs, percentiles, query_latency, report, synthesise, timed  # noqa: E402
from throwaway_postgres import throwaway_postgres  # noqa: E402
from tqdm import tqdm  # noqa: E402

from claimledger.extraction.parallel import default_workers, extract_in_parallel  # noqa: E402
from claimledger.store.database import Database  # noqa: E402
from claimledger.store.ledger import Ledger  # noqa: E402

ARTICLE_COLUMNS = ("source, title, url, outlet, published, dateline, text, extraction, minhash, copy_similarity,"
                   " claims_assigned, stances_assigned")
STATEMENT_COLUMNS = ("position, speaker, speaker_entity, anonymous, affiliation, role, cue, cue_lemma, content,"
                     " stance, hedges, date, medium, via, direct, content_start, content_end, origin_speaker,"
                     " origin_anonymous, relayed_by")
CLAIM_COLUMNS = ("canonical, status, support_raw, support_independent, deny_raw, deny_independent, hedge_raw,"
                 " decline_raw, statements, first_seen, last_activity")
STORY_COLUMNS = ("title, status, support_raw, support_independent, deny_raw, deny_independent, hedge_raw, decline_raw,"
                 " statements, claims, articles, agree_articles, disagree_articles, discuss_articles, first_seen,"
                 " last_activity")


def store_all(target: str, extracted: list) -> float:
    with Ledger(target) as ledger:
        return sum(timed(lambda: ledger.add(article, extraction)) for article, extraction in tqdm(
            extracted, desc=f"store in {target.split(':')[0]}", leave=False))


def grow(target: str, statements_wanted: int, copies_per_claim: int) -> dict[str, int]:
    """Copy the stored articles (with their statements, claims and stances) until the ledger holds
    about ``statements_wanted`` statements."""
    db = Database(target)
    articles, statements, claims, stories = (db.scalar(f"SELECT max(id) FROM {t}")
                                             for t in ("articles", "statements", "claims", "stories"))
    copies = max(0, math.ceil(statements_wanted / statements) - 1)
    groups = max(1, (copies + 1) // copies_per_claim)  # copy k's statements join claim group k % groups
    with db:
        db.execute("CREATE TABLE bench_copies (k INTEGER PRIMARY KEY)")
        db.executemany("INSERT INTO bench_copies (k) VALUES (?)", [(k,) for k in range(1, copies + 1)])
        db.execute(f"INSERT INTO articles (id, content_hash, copy_of, {ARTICLE_COLUMNS})"
                   f" SELECT a.id + c.k * ?, a.content_hash || ':' || c.k, a.copy_of + c.k * ?, {ARTICLE_COLUMNS}"
                   " FROM articles a CROSS JOIN bench_copies c WHERE a.id <= ?", (articles, articles, articles))
        db.execute(f"INSERT INTO statements (id, article_id, {STATEMENT_COLUMNS})"
                   f" SELECT s.id + c.k * ?, s.article_id + c.k * ?, {STATEMENT_COLUMNS}"
                   " FROM statements s CROSS JOIN bench_copies c WHERE s.id <= ?", (statements, articles, statements))
        db.execute(f"INSERT INTO claims (id, {CLAIM_COLUMNS}) SELECT cl.id + c.k * ?, {CLAIM_COLUMNS}"
                   " FROM claims cl CROSS JOIN bench_copies c WHERE c.k < ? AND cl.id <= ?", (claims, groups, claims))
        # Stories grow as claims do: copy k's articles and statements join story group k % groups.
        db.execute(f"INSERT INTO stories (id, central_claim, {STORY_COLUMNS}) SELECT st.id + c.k * ?,"
                   f" st.central_claim + c.k * ?, {STORY_COLUMNS} FROM stories st CROSS JOIN bench_copies c"
                   " WHERE c.k < ? AND st.id <= ?", (stories, claims, groups, stories))
        db.execute("INSERT INTO claim_statements (statement_id, claim_id, side, similarity, story_id)"
                   " SELECT cs.statement_id + c.k * ?, cs.claim_id + (c.k % ?) * ?, cs.side, cs.similarity,"
                   " cs.story_id + (c.k % ?) * ? FROM claim_statements cs CROSS JOIN bench_copies c"
                   " WHERE cs.statement_id <= ?", (statements, groups, claims, groups, stories, statements))
        db.execute("INSERT INTO article_stories (article_id, story_id, stance, basis, similarity)"
                   " SELECT ast.article_id + c.k * ?, ast.story_id + (c.k % ?) * ?, ast.stance, ast.basis,"
                   " ast.similarity FROM article_stories ast CROSS JOIN bench_copies c WHERE ast.article_id <= ?",
                   (articles, groups, stories, articles))
        db.execute("INSERT INTO article_claims (article_id, claim_id, stance, basis)"
                   " SELECT ac.article_id + c.k * ?, ac.claim_id + (c.k % ?) * ?, ac.stance, ac.basis"
                   " FROM article_claims ac CROSS JOIN bench_copies c WHERE ac.article_id <= ?",
                   (articles, groups, claims, articles))
        db.execute("UPDATE claims SET statements = (SELECT count(*) FROM claim_statements cs WHERE cs.claim_id = claims.id)")
        db.execute("UPDATE stories SET statements = (SELECT count(*) FROM claim_statements cs"
                   " WHERE cs.story_id = stories.id), articles = (SELECT count(*) FROM article_stories ast"
                   " WHERE ast.story_id = stories.id)")
        db.execute("DROP TABLE bench_copies")
    db.execute("ANALYZE")
    counts = {t: db.scalar(f"SELECT count(*) FROM {t}") for t in ("articles", "statements", "claims", "stories")}
    counts["largest_claim_statements"] = db.scalar("SELECT max(statements) FROM claims")
    counts["largest_story_statements"] = db.scalar("SELECT max(statements) FROM stories")
    db.close()
    return counts


def largest_claim_pages(target: str, repeats: int) -> dict[str, float]:
    with Ledger(target) as ledger:
        largest = [row[0] for row in ledger.db.execute("SELECT id FROM claims ORDER BY statements DESC LIMIT 10")]
        return percentiles([timed(lambda: ledger.claim(largest[i % len(largest)])) for i in range(repeats)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--copies-per-claim", type=int, default=10)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--fnc", type=Path, default=ROOT.parent / "shared" / "data" / "fnc-1")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "backends.json")
    args = parser.parse_args()
    articles = synthesise(args.articles, paragraphs(args.fnc))
    started = time.perf_counter()
    extracted = [pair for pair in tqdm(extract_in_parallel(articles, workers=default_workers()),
                                       total=len(articles), desc="extract", leave=False)]
    extract_s = time.perf_counter() - started
    results: dict = {"articles": len(articles), "extract_articles_per_s": round(len(articles) / extract_s, 2),
                     "backends": {}}
    with tempfile.TemporaryDirectory() as tmp, throwaway_postgres(durable=True) as server:
        targets = {"sqlite": str(Path(tmp) / "bench.db"), "postgresql": server.new_database()}
        for backend, target in targets.items():
            store_s = store_all(target, extracted)
            results["backends"][backend] = {
                "store_articles_per_s": round(len(articles) / store_s, 1),
                "ingest_articles_per_s": round(len(articles) / (extract_s + store_s), 2)}
        for backend, target in targets.items():
            figures = results["backends"][backend]
            started = time.perf_counter()
            figures["grown_to"] = grow(target, args.statements, args.copies_per_claim)
            figures["grow_s"] = round(time.perf_counter() - started, 1)
            with Ledger(target) as ledger:
                figures["latency"] = query_latency(ledger, articles, args.queries)
            figures["latency"]["largest_claim_pages"] = largest_claim_pages(target, max(20, args.queries // 10))
    sqlite, postgres = results["backends"]["sqlite"], results["backends"]["postgresql"]
    results["ratio_store_postgresql_to_sqlite"] = round(postgres["store_articles_per_s"] / sqlite["store_articles_per_s"], 3)
    results["ratio_ingest_postgresql_to_sqlite"] = round(
        postgres["ingest_articles_per_s"] / sqlite["ingest_articles_per_s"], 3)
    report(results, args.out)


if __name__ == "__main__":
    main()
