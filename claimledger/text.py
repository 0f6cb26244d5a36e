"""Plain text helpers shared by every layer: words, content terms, sentences, n-grams and idf.

No model and no store here, so the learned models (``ml``), the ledger and the evaluations all read
text the same way."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import numpy as np

from .lexicon import NEGATIONS

WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d,.]*")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
MIN_SENTENCE_CHARS = 20


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, imported on first use (spaCy is slow to import; reading a ledger needs none)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def stem(word: str) -> str:
    """A light suffix strip so "troops"/"troop" and "sending"/"send" share a term."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_terms(text: str) -> Counter:
    """Stemmed content words, negations left out, so "troops were sent" and "no troops were sent" meet."""
    words = (w.lower().strip("'-") for w in WORD.findall(text))
    stops = stop_words()
    return Counter(stem(w) for w in words if w and w not in stops and w not in NEGATIONS and len(w) > 1)


@lru_cache(maxsize=1 << 16)  # a story's recount asks it of every member's claim text
def is_negated(text: str) -> bool:
    words = {w.lower() for w in WORD.findall(text)}
    return bool(words & NEGATIONS) or "n't" in text.lower()


def sentences(text: str, limit: int) -> list[str]:
    """The first ``limit`` sentences long enough to carry a proposition (the text's start if none)."""
    found = [s.strip() for s in SENTENCE_BREAK.split(text) if len(s.strip()) > MIN_SENTENCE_CHARS]
    return found[:limit] or [text[:200]]


def char_ngrams(text: str, n: int) -> set[str]:
    return {text[i:i + n] for i in range(len(text) - n + 1)}


def smoothed_idf(documents: int, document_frequency, dtype=np.float32) -> np.ndarray:
    """ln((1 + n) / (1 + df)) + 1, scikit-learn's smoothed idf, for one count or an array of them."""
    return (np.log((1 + documents) / (1 + np.asarray(document_frequency, np.float64))) + 1).astype(dtype)
