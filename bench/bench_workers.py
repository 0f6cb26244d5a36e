"""Extraction throughput with 1 and 2 worker processes, each against the bare spaCy model.

    python bench/bench_workers.py [--articles 600] [--fnc ../shared/data/fnc-1]

Articles are synthesised as in bench_ledger.py.  In one run, on the same texts: the bare model's
``nlp.pipe`` (one process), claimledger's extraction with ``--workers 1`` and with ``--workers 2``.
Worker start-up (each worker loads its own pipeline) is included in the parallel timings, as a
user sees it.  Reports articles/s and the ratios 2 workers / 1 worker and each / bare model.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ledger import paragraphs, report, synthesise, timed  # noqa: E402

from claimledger.extraction.parallel import extract_in_parallel  # noqa: E402
from claimledger.extraction.pipeline import DEFAULT_MODEL, load_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--fnc", type=Path, default=ROOT.parent / "shared" / "data" / "fnc-1")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "workers.json")
    args = parser.parse_args()
    articles = synthesise(args.articles, paragraphs(args.fnc))
    import spacy

    bare = spacy.load(DEFAULT_MODEL)
    load_model()
    seconds = {
        "bare_spacy": timed(lambda: sum(1 for _ in bare.pipe([a.text for a in articles], batch_size=4))),
        "workers_1": timed(lambda: sum(1 for _ in extract_in_parallel(articles, workers=1))),
        "workers_2": timed(lambda: sum(1 for _ in extract_in_parallel(articles, workers=2))),
    }
    rate = {k: round(len(articles) / v, 2) for k, v in seconds.items()}
    results = {"articles": len(articles), "articles_per_s": rate,
               "ratio_2_to_1_workers": round(seconds["workers_1"] / seconds["workers_2"], 3),
               "ratio_1_worker_to_bare": round(seconds["bare_spacy"] / seconds["workers_1"], 3),
               "ratio_2_workers_to_bare": round(seconds["bare_spacy"] / seconds["workers_2"], 3)}
    report(results, args.out)


if __name__ == "__main__":
    main()
