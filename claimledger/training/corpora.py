"""Readers of the labelled stance corpora in ``../shared/data`` and the held-out splits that training,
the evaluations and the CI gate share.  Every pair comes out as (claim, text, label) with FNC-1's labels:
agree / disagree / discuss / unrelated."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import MalformedDataset, UnreadableInput

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
HELD_OUT_SHARE = 0.2
EMERGENT_LABELS = {"for": "agree", "against": "disagree", "observing": "discuss"}
NLI_LABELS = {"entailment": "agree", "contradiction": "disagree", "neutral": "discuss"}
LIAR_LABELS = {"true": "agree", "mostly-true": "agree", "false": "disagree", "pants-fire": "disagree"}


@dataclass
class EmergentRow:
    article_id: str
    headline: str
    claim: str = ""
    claim_id: str = ""
    stance: str = ""


@dataclass
class FncPair:
    headline: str
    body_id: str
    stance: str = ""


@dataclass(frozen=True)
class StancePair:
    claim: str
    text: str
    label: str
    corpus: str


def read_csv(path: Path, required: Sequence[str], delimiter: str = ",", encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding=encoding, errors="strict" if encoding.startswith("utf") else "replace") as handle:
            reader = csv.DictReader(handle, delimiter=delimiter,
                                    quoting=csv.QUOTE_MINIMAL if delimiter == "," else csv.QUOTE_NONE)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise MalformedDataset(str(path), problem=f"missing column(s) {', '.join(missing)}")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UnreadableInput(str(path), problem=str(error)) from None


def read_emergent(path: Path) -> list[EmergentRow]:
    # A short row gives None for its missing fields: they read as blank.
    return [EmergentRow(r["articleId"] or "", r["articleHeadline"] or "", r.get("claimHeadline") or "",
                        r.get("claimId") or "", r.get("articleHeadlineStance") or "")
            for r in read_csv(path, ("articleId", "articleHeadline"))]


def read_fnc1(stances_path: Path, bodies_path: Path) -> tuple[list[FncPair], dict[str, str]]:
    """FNC-1's format, which ARC's recast shares: headline-body pairs and the bodies by id."""
    bodies = {r["Body ID"]: r["articleBody"] or "" for r in read_csv(bodies_path, ("Body ID", "articleBody"))}
    pairs = [FncPair(r["Headline"] or "", r["Body ID"], r.get("Stance") or "")
             for r in read_csv(stances_path, ("Headline", "Body ID"))]
    unknown = sorted({p.body_id for p in pairs} - bodies.keys())
    if unknown:
        raise MalformedDataset(str(stances_path), problem=f"Body ID {unknown[0]} is not in {bodies_path}")
    return pairs, bodies


def held_out_groups(groups: Iterable[str], seed: int = 0, share: float = HELD_OUT_SHARE) -> set[str]:
    """A reproducible random ``share`` of the groups (claims or bodies), held out of training."""
    ordered = sorted(set(groups))
    random.Random(seed).shuffle(ordered)
    return set(ordered[:round(len(ordered) * share)])


def fnc_claim_groups(pairs: Sequence[FncPair]) -> dict[str, str]:
    """Each body's claim: bodies joined through a related headline belong to one connected component."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        root(("body", pair.body_id))
        if pair.stance != "unrelated":
            parent[root(("body", pair.body_id))] = root(("headline", pair.headline))
    return {p.body_id: "|".join(root(("body", p.body_id))) for p in pairs}


@dataclass
class NewsSplits:
    """FNC-1 split by claim (every body of a held-out story is dev, so no dev body or story is seen in
    training) and Emergent split by claim, with Emergent's claims that share a headline with an FNC-1 dev
    story kept out of training too."""

    fnc_train: list[StancePair]
    fnc_dev: list[StancePair]
    emergent_train: list[StancePair]
    emergent_dev: list[StancePair]


def news_splits(data: Path = DATA) -> NewsSplits:
    pairs, bodies = read_fnc1(data / "fnc-1" / "train_stances.csv", data / "fnc-1" / "train_bodies.csv")
    claim_of = fnc_claim_groups(pairs)
    held = held_out_groups(claim_of.values())
    fnc = {True: [], False: []}
    for p in pairs:
        fnc[claim_of[p.body_id] in held].append(StancePair(p.headline, bodies[p.body_id], p.stance, "fnc-1"))
    rows = read_emergent(data / "emergent" / "url-versions-2015-06-14-clean-train.csv")
    emergent_held = held_out_groups(r.claim_id for r in rows)
    fnc_dev_headlines = {p.headline for p in pairs if claim_of[p.body_id] in held}
    touching_fnc_dev = {r.claim_id for r in rows if r.headline in fnc_dev_headlines}
    emergent = {True: [], False: []}
    for r in rows:
        if r.stance in EMERGENT_LABELS and r.claim.strip():
            pair = StancePair(r.claim, r.headline, EMERGENT_LABELS[r.stance], "emergent")
            if r.claim_id in emergent_held:
                emergent[True].append(pair)
            elif r.claim_id not in touching_fnc_dev:
                emergent[False].append(pair)
    return NewsSplits(fnc[False], fnc[True], emergent[False], emergent[True])


def arc_splits(data: Path = DATA) -> tuple[list[StancePair], list[StancePair]]:
    """ARC (train file only; its test pairs are kept apart) split into train and dev by body: a comment
    answers one debate claim, so no dev comment is seen in training."""
    folder = data / "stance-extra" / "arc"
    pairs, bodies = read_fnc1(folder / "arc_stances_train.csv", folder / "arc_bodies.csv")
    held = held_out_groups(p.body_id for p in pairs)
    split = {True: [], False: []}
    for p in pairs:
        split[p.body_id in held].append(StancePair(p.headline, bodies[p.body_id], p.stance, "arc"))
    return split[False], split[True]


def perspectrum(data: Path = DATA, part: str = "train") -> list[StancePair]:
    """PERSPECTRUM's perspectives toward their debate claims (support / undermine)."""
    path = data / "stance-extra" / "perspectrum" / "train_dev.jsonl"
    found = []
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["split"] == part and row["stance"] in ("agree", "disagree"):
                found.append(StancePair(row["claim"], row["perspective"].strip(), row["stance"], "perspectrum"))
    except (OSError, ValueError, KeyError) as error:
        raise UnreadableInput(str(path), problem=str(error)) from None
    return found


def liar_rulings(data: Path = DATA) -> list[StancePair]:
    """LIAR-PLUS: a PolitiFact ruling's justification toward the statement it rules on; true and
    mostly-true agree, false and pants-fire disagree, the middle ratings are left out."""
    path = data / "stance-extra" / "liar-plus" / "val2.tsv"
    found = []
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            columns = line.split("\t")
            if len(columns) >= 16 and columns[2] in LIAR_LABELS and columns[-1].strip():
                found.append(StancePair(columns[3], columns[-1].strip(), LIAR_LABELS[columns[2]], "liar-plus"))
    except OSError as error:
        raise UnreadableInput(str(path), problem=str(error)) from None
    return found


def negation_nli(data: Path = DATA) -> dict[str, list[StancePair]]:
    """Hossain et al.'s negation NLI pairs, by set: hypothesis as the claim, premise as the text.  RTE's
    not_entailment is left out (it folds contradiction and neutral together)."""
    found = {}
    for name in ("MNLI", "SNLI", "RTE"):
        path = data / "stance-extra" / "negation-nli" / f"{name}.txt"
        rows = read_csv(path, ("Text", "Hypothesis", "gold_label"), delimiter="\t", encoding="cp1252")
        found[name] = [StancePair(r["Hypothesis"].strip(), r["Text"].strip(), NLI_LABELS[r["gold_label"].strip()], name)
                       for r in rows if r["gold_label"].strip() in NLI_LABELS]
    return found
