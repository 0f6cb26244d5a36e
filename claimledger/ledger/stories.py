"""Stories: the reports about one event or situation, and what they state, gathered as articles arrive.

A story is what an analyst follows ("North Korean troops are deployed to Russia"); its claims are the
propositions people state in its reports (the 12,000 figure, the flags photo, the envoy's "groundless
rumours").  Each article is placed in one story, online and in ingest order so story ids stay
stable: the story it reads most like.  "Reads like" mixes two similarities to the story's centroid:
the IDF-weighted cosine of the article's content words (with its named entities and places as terms
of their own), and the cosine of its lead's sentence embedding (``ml.encoder``), which meets reports
worded differently; the stories of the claims its statements restate add their share.  When no story
reaches the join threshold and the article states something, it opens a new story.

Claims stay what they are (``ledger.claims``): one proposition, wherever it is stated.  A story holds
the statements of its articles, so a claim stated in two stories counts in each with the statements
made there, and a denial counts in the story of the report that carries it.  A story's proposition is
its central claim (the one most of its statements take a side on); its statements' sides count toward
it, flipped where a claim is worded as the negation of the central claim.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Callable, Iterable, Optional

import numpy as np

from ..errors import EmbedderUnavailable

from ..text import content_terms, is_negated, sentences, smoothed_idf

ENTITY_WEIGHT = 2  # a named entity or place counts as two words
EMBEDDED_SENTENCES = 3  # the title and first sentences carry what a news report is about
# Chosen on FNC-1's training stories outside the held-out fifth (README, "Stories"): the weight of the
# embedding similarity, the join threshold with it, and without it (no encoder installed).
EMBEDDING_WEIGHT = 0.8
JOIN_THRESHOLD = 0.5
TERMS_ONLY_THRESHOLD = 0.3
# An article's statements vote for the stories that opened the claims they restate (similarity at least
# VOTE_SIMILARITY): one event's reports, worded apart, meet through their claims.
VOTE_SIMILARITY = 0.35
CLAIM_VOTE_WEIGHT = 0.3
CANDIDATE_TERMS = 12
MAX_CANDIDATES = 40
# The stories closest by lead embedding are word-scored too: while the collection is small its rarest
# terms are arbitrary, and a story sharing none of them would be judged on its embedding alone.
EMBEDDED_CANDIDATES = 20
OPPOSITE = {"support": "deny", "deny": "support"}
RESTATED_SHARE = 0.5
TITLE_CANDIDATES = 10
# Two stories merge when, taken together, one would join the other as an article would (its similarity
# plus the vote of its statements restating the other's claims reaches the join threshold), and only
# while both are dated and active within this many days of each other: one event's reports come in a
# burst.  Undated stories never merge on their own: FNC-1's undated rumours merged this way were mostly
# different rumours about the same actors (README, "Stories").
STORY_WINDOW_DAYS = 14


def article_terms(title: Optional[str], text: str, entities: Iterable[str] = ()) -> Counter:
    """What an article is about: content words of its title and text, and its entities and places."""
    terms = content_terms(f"{title or ''}\n{text}")
    for name in entities:
        terms["@" + " ".join(name.lower().split())] += ENTITY_WEIGHT
    return terms


def lead(title: Optional[str], text: str) -> str:
    """The text whose embedding stands for the article."""
    return " ".join([title or "", *sentences(text, EMBEDDED_SENTENCES)]).strip()


def story_side(side: str, claim_text: str, proposition: str) -> str:
    """A claim member's side toward its story's proposition: flipped where the claim restates the
    proposition (``restates``) and one of the two is worded as a negation and the other is not.  A claim
    about something else keeps its side: "Not rumours - facts" is not the negation of the story."""
    if side in OPPOSITE and is_negated(claim_text) != is_negated(proposition) and restates(claim_text, proposition):
        return OPPOSITE[side]
    return side


@lru_cache(maxsize=1 << 16)  # a story's recount asks it of every member against the one proposition
def restates(claim_text: str, proposition: str) -> bool:
    """Whether most content words of the shorter text are in the other (negations aside)."""
    claim_terms, proposition_terms = content_word_set(claim_text), content_word_set(proposition)
    shorter = min(len(claim_terms), len(proposition_terms))
    return bool(shorter) and len(claim_terms & proposition_terms) >= RESTATED_SHARE * shorter


@lru_cache(maxsize=1 << 16)  # a hot story's claims are asked against each proposition it has had
def content_word_set(text: str) -> frozenset:
    return frozenset(content_terms(text))


@dataclass
class StoryState:
    terms: Counter = field(default_factory=Counter)
    articles: int = 0
    norm: Optional[float] = None  # cached centroid norm: hot stories hold thousands of terms
    norm_documents: int = 0
    # The bag as arrays too, term ids and counts in the bag's order (``slots``: a term's place): a stale
    # norm is recomputed at every lookup, over every term.
    slots: dict[str, int] = field(default_factory=dict)
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0))


class StoryIndex:
    """Stories' centroids (term bags, and summed lead embeddings when an encoder is installed) with an
    inverted index, for placing articles online."""

    def __init__(self) -> None:
        self.stories: dict[int, StoryState] = {}
        self.postings: dict[str, set[int]] = defaultdict(set)
        self.term_ids: dict[str, int] = {}
        self.frequencies = np.zeros(0)  # how many articles hold each term, by term id
        self.documents = 0
        self.idf_of: dict[str, float] = {}  # idf as of ``documents``: a placement reads big stories' terms often
        self.merged_into: dict[int, int] = {}  # a reviewer's merges: merged story -> the one that took it
        self.rows: dict[int, int] = {}  # story -> its row in ``vectors``
        self.vectors = np.zeros((0, 0), np.float32)  # summed lead embeddings, one row per story
        self.claim_story: dict[int, int] = {}  # the story each claim was opened in

    def live(self, story_id: int) -> int:
        seen = {story_id}
        while story_id in self.merged_into and self.merged_into[story_id] not in seen:
            story_id = self.merged_into[story_id]
            seen.add(story_id)
        return story_id

    def idf(self, term: str) -> float:
        found = self.idf_of.get(term)
        if found is None:
            found = self.idf_of[term] = math.log((self.documents + 1) / (self.document_frequency(term) + 1)) + 1.0
        return found

    def document_frequency(self, term: str) -> float:
        found = self.term_ids.get(term)
        return float(self.frequencies[found]) if found is not None else 0.0

    def idfs(self, terms: Counter) -> list[float]:
        """``idf`` of each of the terms, in their order."""
        memo, idf = self.idf_of, self.idf
        return [memo[term] if term in memo else idf(term) for term in terms]

    def bag_norm(self, state: StoryState) -> float:
        """A story's IDF-weighted term norm as of now."""
        weighted = state.counts * smoothed_idf(self.documents, self.frequencies[state.ids], np.float64)
        return float(np.sqrt(np.einsum("i,i->", weighted, weighted)))

    def centroid_norm(self, state: StoryState, keep: bool = False) -> float:
        """A story's term norm, recomputed when the story or the collection grew by a tenth (IDF drifts
        slowly).  Only ``add`` keeps a recomputed norm: adds replay identically when the index is rebuilt
        from the store, lookups do not, and a resumed ingest must place articles as an uninterrupted one."""
        if state.norm is None or self.documents > state.norm_documents * 1.1:
            norm = self.bag_norm(state)
            if not keep:
                return norm
            state.norm, state.norm_documents = norm, self.documents
        return state.norm

    def cosine(self, terms: Counter, state: StoryState, idfs: Optional[list[float]] = None) -> float:
        """IDF-weighted cosine of a term bag and a story's; ``idfs``: the bag's ``idfs``, when known."""
        dot = norm_a = 0.0
        other = state.terms
        for (term, count), idf in zip(terms.items(), idfs or self.idfs(terms)):
            weight = idf ** 2
            norm_a += count * count * weight
            dot += count * other.get(term, 0) * weight
        norm_b = self.centroid_norm(state)
        return dot / math.sqrt(norm_a) / norm_b if norm_a and norm_b else 0.0

    def embedding_similarities(self, vector: np.ndarray) -> dict[int, float]:
        if not self.rows:
            return {}
        matrix = self.vectors[:len(self.rows)]
        # einsum, not a BLAS product: OpenBLAS's threads spin on after one, and in isolation that slowed the
        # stance model's next ONNX Runtime call by a quarter.
        similarities = np.einsum("ij,j->i", matrix, vector) / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector)
                                                               + 1e-9)
        return {story_id: float(similarities[row]) for story_id, row in self.rows.items()}

    def scores(self, terms: Counter, vector: Optional[np.ndarray] = None, votes: Optional[Counter] = None,
               voters: int = 0) -> dict[int, float]:
        """Each candidate story's similarity to an article, plus ``CLAIM_VOTE_WEIGHT`` times the share of
        the article's ``voters`` statements whose closest claim is in the story (``votes``, by story)."""
        rarest = sorted(terms, key=self.document_frequency)[:CANDIDATE_TERMS]
        shared: Counter = Counter()
        for term in rarest:
            for story_id in self.postings.get(term, ()):
                shared[story_id] += 1
        candidates = {s for s, n in shared.most_common(MAX_CANDIDATES) if n >= 2}
        embedded = self.embedding_similarities(vector) if vector is not None else {}
        candidates |= set(embedded)
        worded = candidates & set(shared) | set(sorted(embedded, key=lambda s: -embedded[s])[:EMBEDDED_CANDIDATES])
        shares: Counter = Counter()
        for story_id, count in (votes or {}).items():
            shares[self.live(story_id)] += count / voters
        candidates |= set(shares)
        found = {}
        idfs = self.idfs(terms)
        for story_id in candidates:
            if story_id not in self.stories:
                continue
            words = self.cosine(terms, self.stories[story_id], idfs) if story_id in worded else 0.0
            if vector is not None:
                words = (1 - EMBEDDING_WEIGHT) * words + EMBEDDING_WEIGHT * embedded.get(story_id, 0.0)
            found[story_id] = words + CLAIM_VOTE_WEIGHT * shares[story_id]
        return found

    def kinship(self, story_id: int) -> dict[int, float]:
        """The stories closest to this one by summed lead embedding, each with its similarity taken as
        if it were one article: the word cosine of its term bag and the cosine of its embedding."""
        if story_id not in self.rows or story_id not in self.stories:
            return {}
        embedded = self.embedding_similarities(self.vectors[self.rows[story_id]])
        closest = sorted((s for s in embedded if s != story_id and s in self.stories),
                         key=lambda s: (-embedded[s], s))[:EMBEDDED_CANDIDATES]
        state = self.stories[story_id]
        return {other: (1 - EMBEDDING_WEIGHT) * self.story_cosine(self.stories[other], state)
                + EMBEDDING_WEIGHT * embedded[other] for other in closest}

    def story_cosine(self, other: StoryState, state: StoryState) -> float:
        """``cosine`` of a whole story's bag, taken as one article's, with another story's: the dot
        product over the smaller bag, the norms from arrays (both bags may hold thousands of terms)."""
        small, large = sorted((other.terms, state.terms), key=len)
        idf = self.idf
        dot = sum(count * large[term] * idf(term) ** 2 for term, count in small.items() if term in large)
        norm_a, norm_b = self.bag_norm(other), self.centroid_norm(state)
        return dot / norm_a / norm_b if norm_a and norm_b else 0.0

    def choose(self, terms: Counter, vector: Optional[np.ndarray] = None, votes: Optional[Counter] = None,
               voters: int = 0) -> Optional[tuple[int, float]]:
        """The story an article joins and its score, or None when none reaches the join threshold."""
        scored = self.scores(terms, vector, votes, voters)
        if not scored:
            return None
        story_id = max(scored, key=lambda s: (scored[s], -s))
        threshold = JOIN_THRESHOLD if vector is not None else TERMS_ONLY_THRESHOLD
        return (story_id, scored[story_id]) if scored[story_id] >= threshold else None

    def observe(self, terms: Counter) -> None:
        self.documents += 1
        ids = self.ids_of(terms)  # before indexing: it may grow the array
        self.frequencies[ids] += 1
        self.idf_of.clear()

    def count_into(self, state: StoryState, terms: Counter) -> None:
        """Add a bag's counts to a story's, in its arrays too (extended, not made again: a hot story's
        bag holds tens of thousands of terms)."""
        state.terms.update(terms)
        known = [(state.slots[term], count) for term, count in terms.items() if term in state.slots]
        if known:
            slots, counts = zip(*known)
            state.counts[list(slots)] += counts
        new = [term for term in terms if term not in state.slots]
        if new:
            state.slots.update({term: len(state.slots) + n for n, term in enumerate(new)})
            state.ids = np.concatenate([state.ids, self.ids_of(new)])
            state.counts = np.concatenate([state.counts, np.array([terms[term] for term in new], np.float64)])

    def ids_of(self, terms: Iterable[str]) -> np.ndarray:
        """The terms' ids in ``frequencies``, new terms numbered on first sight."""
        ids = [self.term_ids.setdefault(term, len(self.term_ids)) for term in terms]
        if len(self.term_ids) > len(self.frequencies):  # grow by half: amortised appends
            grown = np.zeros(max(1024, len(self.term_ids) * 3 // 2))
            grown[:len(self.frequencies)] = self.frequencies
            self.frequencies = grown
        return np.array(ids, np.int64)

    def add(self, story_id: int, terms: Counter, vector: Optional[np.ndarray] = None) -> None:
        state = self.stories.setdefault(story_id, StoryState())
        self.count_into(state, terms)
        state.articles += 1
        state.norm = None
        self.centroid_norm(state, keep=True)
        for term in terms:
            self.postings[term].add(story_id)
        if vector is not None:
            self.add_vector(story_id, vector)

    def add_vector(self, story_id: int, vector: np.ndarray) -> None:
        if story_id not in self.rows:
            if len(self.rows) == len(self.vectors):  # grow by half: amortised appends
                grown = np.zeros((max(16, len(self.vectors) * 3 // 2), len(vector)), np.float32)
                if len(self.vectors):
                    grown[:len(self.vectors)] = self.vectors
                self.vectors = grown
            self.rows[story_id] = len(self.rows)
        self.vectors[self.rows[story_id]] += vector

    def merge(self, story_id: int, into: int) -> None:
        """A reviewer's merge: the merged story's articles count in the other's centroid."""
        self.merged_into[story_id] = into
        merged = self.stories.pop(story_id, None)
        if merged is not None:
            target = self.stories.setdefault(into, StoryState())
            self.count_into(target, merged.terms)
            target.articles += merged.articles
            target.norm = None
            for term in merged.terms:
                self.postings[term].discard(story_id)
                self.postings[term].add(into)
        if story_id in self.rows:
            self.add_vector(into, self.vectors[self.rows[story_id]])
            self.vectors[self.rows[story_id]] = 0.0  # a zero row never scores


def close_in_time(span: tuple[str, str], other: tuple[str, str], days: int = STORY_WINDOW_DAYS) -> bool:
    """Whether two (first, last) ISO date spans lie within ``days`` of each other."""
    (first, last), (other_first, other_last) = [(date.fromisoformat(a[:10]), date.fromisoformat(b[:10]))
                                                for a, b in (span, other)]
    return (max(first, other_first) - min(last, other_last)).days <= days


@lru_cache(maxsize=1)
def lead_embedder():
    """The shared sentence encoder, or None when torch or the encoder package is not installed (then
    stories are placed by their words alone)."""
    from ..ml.encoder import shared_embedder

    try:
        return shared_embedder()
    except EmbedderUnavailable:
        return None


def central_claim(claims: Iterable[tuple[int, int, int, int]],
                  reads_alone: Callable[[int], bool] = lambda _claim: True) -> Optional[int]:
    """The claim a story is about, from (claim id, the story's statements taking a side on it, the
    story's statements on it, independent sources taking a side on it anywhere): the one most of the
    story's statements take a side on, then the most stated, then the most sourced, then the oldest;
    among the first ``TITLE_CANDIDATES`` the first whose text ``reads_alone``, as the story's title is
    its text."""
    ranked = [c[0] for c in sorted(claims, key=lambda c: (-c[1], -c[2], -c[3], c[0]))]
    return next((c for c in ranked[:TITLE_CANDIDATES] if reads_alone(c)), ranked[0] if ranked else None)
