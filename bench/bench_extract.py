"""Throughput of ``extract`` in each attribution mode as a ratio to the bare spaCy model, and peak memory.

    python bench/bench_extract.py [--rounds 3] [--polnear ../shared/data/polnear/dev]

Every run sees the same texts in the same process and on the same threads: the bare pipeline is the
model's own ``nlp.pipe``; claimledger's is ``extract_many`` (the same model plus the claimledger
components, dateline reading and record building), with the learned span tagger (``learned``) or the
hand-written rules (``rules``).  Rounds alternate the three after a warm-up and the median of each is
reported.  Peak RSS is measured in a fresh child process that only runs ``extract`` in that mode.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from claimledger import extract_many, load_model, read_paths  # noqa: E402
from claimledger.extraction import ATTRIBUTION_MODES as MODES  # noqa: E402
from claimledger.extraction.pipeline import DEFAULT_MODEL  # noqa: E402
from claimledger.schema import Article  # noqa: E402


def corpora(polnear: Path) -> dict[str, list[Article]]:
    found = {"examples": [a for a in read_paths([ROOT / "examples" / "corpus"]) if isinstance(a, Article)]}
    if (polnear / "text").is_dir():
        found["polnear-dev"] = [Article(text=p.read_text(encoding="utf-8"), source=p.name)
                                for p in sorted((polnear / "text").glob("*.txt"))]
    return found


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def peak_rss_mb(corpus: str, polnear: Path, mode: str) -> float:
    """Peak RSS of a child that only runs extract.  VmHWM, not ru_maxrss: a forked child's
    ru_maxrss keeps the parent's high-water mark across exec."""
    code = (f"import sys, resource; sys.path.insert(0, {str(ROOT)!r}); sys.argv=['x'];"
            f"from bench.bench_extract import corpora; from claimledger import extract_many;"
            f"from pathlib import Path; arts = corpora(Path({str(polnear)!r}))[{corpus!r}];"
            f"from claimledger import load_model; nlp = load_model(attribution={mode!r});"
            f"[None for _ in extract_many(arts, nlp=nlp)];"
            f"print(next(int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmHWM')) / 1024)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--polnear", type=Path, default=ROOT.parent / "shared" / "data" / "polnear" / "dev")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extract.json")
    args = parser.parse_args()
    bare = spacy.load(DEFAULT_MODEL)
    pipelines = {mode: load_model(attribution=mode) for mode in MODES}
    results = {}
    for name, articles in corpora(args.polnear).items():
        texts = [a.text for a in articles]
        words = sum(len(t.split()) for t in texts)
        runs = {"bare": lambda: [None for _ in bare.pipe(texts, batch_size=16)]}
        for mode, nlp in pipelines.items():
            runs[mode] = lambda nlp=nlp: [None for _ in extract_many(articles, nlp=nlp)]
        for run in runs.values():
            run()  # warm-up: lazy tables (gazetteer, lexicons) and the tagger's weights load here
        times = {key: [] for key in runs}
        for _ in range(args.rounds):
            for key, run in runs.items():
                times[key].append(timed(run))
        median = {key: statistics.median(values) for key, values in times.items()}
        results[name] = {"articles": len(texts), "words": words, "bare_words_per_s": round(words / median["bare"])}
        for mode in MODES:
            results[name][mode] = {"words_per_s": round(words / median[mode]),
                                   "articles_per_s": round(len(texts) / median[mode], 2),
                                   "ratio_to_bare": round(median["bare"] / median[mode], 3),
                                   "peak_rss_mb": round(peak_rss_mb(name, args.polnear, mode))}
    print(f"{'corpus':<12} {'mode':<8} {'articles':>8} {'words':>7} {'bare w/s':>9} {'extract w/s':>11} "
          f"{'art/s':>6} {'ratio':>6} {'peak MB':>8}")
    for name, r in results.items():
        for mode in MODES:
            m = r[mode]
            print(f"{name:<12} {mode:<8} {r['articles']:>8} {r['words']:>7} {r['bare_words_per_s']:>9} "
                  f"{m['words_per_s']:>11} {m['articles_per_s']:>6} {m['ratio_to_bare']:>6} {m['peak_rss_mb']:>8}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"rounds": args.rounds, "max_rss_this_process_mb":
                                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                    "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
