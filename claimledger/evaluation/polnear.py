"""Run extraction over a PolNeAR split and score it with the reference scorer.

The gold files stay in ../shared/data/polnear; the scorer is
../shared/eval/score_polnear.py, whose input is exactly ``extract --json``.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from typing import Optional

SUMMARY_FIELDS = re.compile(r"(cue|source|content|attribution) exactF1 ([\d.]+) overlapF1 ([\d.]+) partialF1 ([\d.]+)")
COFENET_SUMMARY = re.compile(r"cofenet-protocol exact F1 source ([\d.]+) cue ([\d.]+) content ([\d.]+)")


def scorer_module(scorer: Path):
    spec = importlib.util.spec_from_file_location("score_polnear", scorer)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_split(split_dir: Path, scorer: Optional[Path] = None) -> list[dict]:
    """Articles of a split with their gold attributions (one annotator each), as the scorer reads them."""
    scorer = scorer or split_dir.parent.parent.parent / "eval" / "score_polnear.py"
    gold = scorer_module(scorer).load_gold(str(split_dir))
    return [{"name": name, **article} for name, article in sorted(gold.items())]


def write_predictions(split_dir: Path, out: Path, model: Optional[str] = None,
                      progress: Optional[callable] = None, attribution: Optional[str] = None) -> int:
    """Extract every text of a split and write one JSON line per article."""
    from ..extraction.pipeline import extract_many, load_model
    from ..schema import Article

    texts = sorted((split_dir / "text").glob("*.txt"))
    articles = (Article(text=p.read_bytes().decode("utf-8"), source=p.name) for p in texts)
    with out.open("w", encoding="utf-8") as fh:
        for extraction in extract_many(articles, nlp=load_model(model, attribution)):
            fh.write(extraction.to_json() + "\n")
            if progress:
                progress()
    return len(texts)


def score(split_dir: Path, predictions: Path, scorer: Path) -> dict[str, dict[str, float]]:
    """Run the reference scorer and parse its summary line into figures."""
    result = subprocess.run([sys.executable, str(scorer), str(split_dir), str(predictions)],
                            capture_output=True, text=True, check=True)
    summary = result.stdout.strip().splitlines()[-1]
    figures = {role: {"exact": float(e), "overlap": float(o), "partial": float(p)}
               for role, e, o, p in SUMMARY_FIELDS.findall(summary)}
    return {"figures": figures, "report": result.stdout}


def score_cofenet(split_dir: Path, predictions: Path, scorer: Path, items: Path) -> dict[str, float]:
    """CofeNet's own metric over its paragraph items (exact F1 per role, as fractions)."""
    result = subprocess.run([sys.executable, str(scorer), "--items", str(items), "--split-dir", str(split_dir),
                             "--pred", str(predictions)], capture_output=True, text=True, check=True)
    found = COFENET_SUMMARY.search(result.stdout.strip().splitlines()[-1])
    if found is None:
        raise ValueError(f"unexpected CofeNet scorer output: {result.stdout[-300:]}")
    return {f"cofenet_{role}_exact_f1": round(float(value) / 100, 4)
            for role, value in zip(("source", "cue", "content"), found.groups())}


def headline(figures: dict) -> dict[str, float]:
    """The four figures issue targets are set on."""
    return {"cue_exact_f1": figures["cue"]["exact"], "source_exact_f1": figures["source"]["exact"],
            "content_overlap_f1": figures["content"]["overlap"],
            "attribution_partial_f1": figures["attribution"]["partial"]}
