"""How far PolNeAR's annotators agree with each other: the ceiling for any system scored against one of them.

    python eval/polnear_agreement.py [--data ../shared/data/polnear]

Some train and dev articles were annotated by several people.  Each ordered
pair of annotators is scored with the reference scorer as if one were gold and
the other a prediction, over the articles both annotated; the four figures the
issue sets targets on are printed per pair, then their range and mean.
Nothing is written outside a temporary folder; the data stays where it is.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimledger.evaluation.polnear import headline, score, scorer_module  # noqa: E402


def annotations_by_article(data: Path, scorer) -> dict[tuple[Path, str], list[Path]]:
    """Articles with more than one annotator's file, each with its files in name order."""
    files = defaultdict(list)
    for split in ("train", "dev"):
        for ann in sorted((data / split / "attributions").glob("*.ann")):
            files[(data / split, scorer.article_name_of_ann(str(ann)))].append(ann)
    return {key: anns for key, anns in files.items() if len(anns) > 1}


def score_pair(multi: dict, gold_index: int, predicted_index: int, scorer, scorer_path: Path, work: Path) -> dict:
    """Annotator ``predicted_index`` scored against annotator ``gold_index`` of each article."""
    gold_dir = work / f"{gold_index}-{predicted_index}"
    (gold_dir / "text").mkdir(parents=True)
    (gold_dir / "attributions").mkdir()
    predictions = gold_dir / "predicted.jsonl"
    with predictions.open("w", encoding="utf-8") as out:
        for (split_dir, name), anns in multi.items():
            if max(gold_index, predicted_index) >= len(anns):
                continue
            shutil.copy(split_dir / "text" / f"{name}.txt", gold_dir / "text")
            shutil.copy(anns[gold_index], gold_dir / "attributions")
            statements = [{"speaker_span": a["source"], "cue_span": a["cue"], "content_span": a["content"]}
                          for a in scorer.parse_ann(str(anns[predicted_index]))]
            out.write(json.dumps({"source": f"{name}.txt", "statements": statements}) + "\n")
    return headline(score(gold_dir, predictions, scorer_path)["figures"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    parser.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "eval" / "score_polnear.py")
    args = parser.parse_args()
    if not (args.data / "train").is_dir() or not args.scorer.is_file():
        print(f"PolNeAR agreement: not run — {args.data} or {args.scorer} is absent")
        return 0
    scorer = scorer_module(args.scorer)
    multi = annotations_by_article(args.data, scorer)
    most = max(len(anns) for anns in multi.values())
    print(f"{len(multi)} articles with several annotators (up to {most})")
    figures = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        for gold_index, predicted_index in itertools.combinations(range(most), 2):
            pair = score_pair(multi, gold_index, predicted_index, scorer, args.scorer, Path(tmp))
            print(f"annotator {predicted_index} against {gold_index}: "
                  + ", ".join(f"{k} {v:.3f}" for k, v in pair.items()))
            for key, value in pair.items():
                figures[key].append(value)
    for key, values in figures.items():
        print(f"{key}: {min(values):.3f}–{max(values):.3f}, mean {statistics.mean(values):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
