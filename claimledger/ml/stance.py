"""The stance model: how a text stands toward a claim, agree / disagree / discuss / unrelated (FNC-1's
labels).  One model for every use: an article toward a claim, a headline toward a rumour, a quoted
statement toward the claim it joined, and the FNC-1 and Emergent evaluations.

A cross-encoder: all-MiniLM-L6-v2 reads "[CLS] claim [SEP] passage [SEP]", mean-pooled, then a linear
layer.  The passage is the text's sentences that share the most content words with the claim, and
sentences that dispute or confirm something get a head start, so "The story is a hoax." is read even
when it names nothing of the claim.  Every encoder parameter but the word-embedding table (the installed
package's own, frozen in training) is trained and shipped as int8 rows (``stored_weights``), read back
as float32 and run through ONNX Runtime (``onnx_runtime``).
Trained by ``python -m claimledger.training.stance``; ``weights/stance/meta.json`` says on what data,
with which command, and how it scored on dev."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np

from ..errors import StanceModelUnavailable
from ..text import SENTENCE_BREAK, content_terms
from . import onnx_runtime
from .encoder import WORD_EMBEDDINGS, load_transformers, word_embeddings
from .stored_weights import load_into

LABELS = ("agree", "disagree", "discuss", "unrelated")
DISAGREE, UNRELATED = LABELS.index("disagree"), LABELS.index("unrelated")
MAX_PIECES = 128
PASSAGE_SENTENCES = 3
WEIGHTS_DIR = Path(__file__).parent / "weights" / "stance"
WEIGHTS_FILE = "stance.safetensors"
FROZEN = "encoder." + WORD_EMBEDDINGS
# Sentences that take a side in their own words, whatever they name.
SIDE_TAKING = re.compile(
    r"(?i)\b(false|hoax|fake|untrue|not true|no truth|debunk\w*|den(y|ies|ied)|dismiss\w*|reject\w*|"
    r"baseless|groundless|fabricat\w*|satir\w*|rumou?rs?|no evidence|nonsense|rubbish|misleading|"
    r"confirm\w*|verif\w*|unconfirmed|declin\w*|acknowledg\w*|comment\w*|could not|cannot)\b")
SIDE_TAKING_BONUS = 1.5


@lru_cache(maxsize=16)
def sentence_terms(text: str) -> tuple[list[str], list[frozenset], list[bool]]:
    """The text's sentences, however short ("It is false." is the one that matters), their content
    words and whether each takes a side; remembered, as an article is read against each of its claims."""
    found = [s.strip() for s in SENTENCE_BREAK.split(text) if s.strip()]
    return found, [frozenset(content_terms(s)) for s in found], [bool(SIDE_TAKING.search(s)) for s in found]


def most_about(claim: str, text: str, side_taking_only: bool) -> str:
    """The text's sentences most about the claim, at most ``PASSAGE_SENTENCES``, in text order; a side-
    taking sentence gets a head start, or, with ``side_taking_only``, only those are candidates."""
    found, terms, taking_sides = sentence_terms(text)
    wanted = set(content_terms(claim))

    def weight(i: int) -> float:
        return len(wanted & terms[i]) + SIDE_TAKING_BONUS * taking_sides[i]

    candidates = [i for i in range(len(found)) if taking_sides[i] or not side_taking_only]
    best = sorted(candidates, key=lambda i: (-weight(i), i))[:PASSAGE_SENTENCES]
    return " ".join(found[i] for i in sorted(best))


def passage(claim: str, text: str) -> str:
    """The text's sentences most about the claim, at most ``PASSAGE_SENTENCES``, in text order."""
    found = sentence_terms(text)[0]
    return " ".join(found) if len(found) <= PASSAGE_SENTENCES else most_about(claim, text, False)


def side_passage(claim: str, text: str) -> Optional[str]:
    """The text's side-taking sentences most about the claim, at most ``PASSAGE_SENTENCES``, in text
    order; None when the text is no longer than a passage or none of its sentences takes a side.  A
    debunk often restates the claim at length first, and the restating sentences fill the passage."""
    found, _, taking_sides = sentence_terms(text)
    return most_about(claim, text, True) if len(found) > PASSAGE_SENTENCES and any(taking_sides) else None


def is_trained(name: str) -> bool:
    """The parameters training changes, and the only ones shipped."""
    return name != FROZEN


def encoder_layers(directory: Path) -> Optional[int]:
    """How many of the encoder's layers the weights in ``directory`` use (a distilled model keeps the
    first few); None for all of them."""
    meta = directory / "meta.json"
    return json.loads(meta.read_text(encoding="utf-8")).get("encoder_layers") if meta.exists() else None


def build_model(torch, transformers, encoder_dir: Path, layers: Optional[int] = None):
    """The cross-encoder; with ``layers``, only the encoder's first ``layers`` layers."""

    class StanceNet(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = transformers.AutoModel.from_pretrained(str(encoder_dir))
            if layers:
                self.encoder.encoder.layer = self.encoder.encoder.layer[:layers]
                self.encoder.config.num_hidden_layers = layers
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(LABELS))

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return self.head(self.dropout((hidden * mask).sum(1) / mask.sum(1)))

    return StanceNet()


class StanceModel:
    """Reads (claim, text) pairs: the shipped weights through ONNX Runtime, exported once per machine,
    or ``model``, a torch module in training.  Computes in float32: int8 matrix products were only 1.2
    times as fast here and cost 2 to 4 points of dev macro-F1 (README, "The stance model")."""

    def __init__(self, directory: Optional[Path] = None, model=None) -> None:
        torch, transformers, encoder_dir = load_transformers(StanceModelUnavailable)
        self.torch = torch
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(str(encoder_dir))
        self.model = model.eval() if model is not None else None
        if model is None:
            self.session = onnx_runtime.session(shipped_export(directory or WEIGHTS_DIR), StanceModelUnavailable,
                                                {FROZEN: word_embeddings(encoder_dir)})

    def piece_ids(self, claims: Sequence[str], passages: Sequence[str]) -> list[list[int]]:
        return self.tokenizer(list(claims), list(passages), truncation="longest_first",
                              max_length=MAX_PIECES)["input_ids"]

    def logits(self, rows: Sequence[list[int]]) -> np.ndarray:
        found = onnx_runtime.inputs(rows)
        if self.model is None:
            return self.session.run(None, found)[0]
        with self.torch.inference_mode():
            return self.model(**{name: self.torch.from_numpy(value) for name, value in found.items()}).numpy()

    def probabilities(self, claims: Sequence[str], texts: Sequence[str], batch: int = 0) -> np.ndarray:
        """(pairs x LABELS) probabilities of the text's passage on the claim; where that reads related and
        the text's side-taking sentences (``side_passage``) read as disputing the claim, theirs.  On
        FNC-1's held-out stories this second reading raised disagree recall from 0.26 to 0.38, the FNC
        score going from 0.850 to 0.849 (README, "The stance model").  With ``batch`` 0 all pairs go in
        one batch: the same pairs always meet the same arithmetic, so a resumed ingest reads what an
        uninterrupted one read; evaluations pass a batch size and sort by length to pad less."""
        passages = [passage(c, t) for c, t in zip(claims, texts)]
        found = self.read(claims, passages, batch)
        second = {i: taking for i in range(len(claims)) if found[i].argmax() != UNRELATED
                  and (taking := side_passage(claims[i], texts[i])) not in (None, passages[i])}
        if second:
            disputes = self.read([claims[i] for i in second], list(second.values()), batch)
            for i, row in zip(second, disputes):
                if row.argmax() == DISAGREE:
                    found[i] = row
        return found

    def read(self, claims: Sequence[str], passages: Sequence[str], batch: int) -> np.ndarray:
        """(pairs x LABELS) probabilities of each (claim, passage) pair."""
        if not claims:
            return np.zeros((0, len(LABELS)), np.float32)
        rows = self.piece_ids(claims, passages)
        order = sorted(range(len(rows)), key=lambda i: len(rows[i])) if batch else list(range(len(rows)))
        step = batch or len(rows)
        found = np.zeros((len(rows), len(LABELS)), np.float32)
        for start in range(0, len(order), step):
            chosen = order[start:start + step]
            logits = self.logits([rows[i] for i in chosen])
            exp = np.exp(logits - logits.max(axis=1, keepdims=True))
            found[chosen] = exp / exp.sum(axis=1, keepdims=True)
        return found

    def predict(self, claims: Sequence[str], texts: Sequence[str], batch: int = 64) -> list[str]:
        return [LABELS[k] for k in self.probabilities(claims, texts, batch).argmax(1)] if claims else []


def shipped_export(directory: Union[Path, str] = WEIGHTS_DIR) -> Path:
    """The ONNX export of the weights in ``directory``, made now when this machine has none."""
    torch, transformers, encoder_dir = load_transformers(StanceModelUnavailable)
    directory = Path(directory)

    def build():
        shipped = build_model(torch, transformers, encoder_dir, encoder_layers(directory))
        load_into(torch, shipped, directory, WEIGHTS_FILE, is_trained, "stance", quantize=False)
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(encoder_dir))
        return shipped, onnx_runtime.inputs(tokenizer(["a claim"], ["a passage."])["input_ids"]), ["logits"]

    defined_by = [directory / WEIGHTS_FILE, directory / "meta.json", encoder_dir / "config.json", Path(__file__)]
    key = onnx_runtime.fingerprint(defined_by, torch.__version__, transformers.__version__)
    return onnx_runtime.exported("stance", key, build, StanceModelUnavailable,
                                 (__name__, "shipped_export", str(directory)))


@lru_cache(maxsize=1)
def shipped_model() -> StanceModel:
    """The shipped weights, loaded once per process for every caller (ledger and evaluations)."""
    return StanceModel()
