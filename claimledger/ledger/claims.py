"""Claims: statements from many articles that assert or deny one proposition.

A statement's content becomes a weighted bag of content words (negations
left out, so "troops were sent" and "no troops were sent" meet); it joins
the claim whose centroid is most similar by IDF-weighted cosine when that
reaches ``JOIN_THRESHOLD``, else it opens a new claim.  Assignment is online,
in ingest order, so claim ids stay stable as the ledger grows.  Which side a
member takes comes from its speaker's stance and the polarity of its content
against the claim's canonical text.  A content that points at other reports
("the accusations that it is sending soldiers", "the reports as groundless
rumours") is read as what those reports said: its that-clause when it has one,
else, like a short anaphoric denial, the claim the same article last touched
(or its next one); calling them rumours or false is a denial, unverified a hedge.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from ..lexicon import DECLINE_MARKERS, DENY_MARKERS, REPORT_NOUNS
from ..text import content_terms, is_negated
from .wording import proposition, reads_badly

JOIN_THRESHOLD = 0.2  # chosen on half of Emergent's claims (ARI 0.698), 0.719 on the other half
CANDIDATE_TERMS = 8
MAX_CANDIDATES = 30
# An article whose own sentences restate an existing claim, with no statement joining it, is read
# against it (``ledger.article_stance``).  Chosen on FNC-1's training stories outside the held-out fifth.
RESTATED_SIMILARITY = 0.3
RESTATED_CLAIMS = 2
MIN_CLAIM_TERMS = 3  # contents with fewer content words ("it", "the accusations") state no proposition
SIDES = {"assert": "support", "deny": "deny", "hedge": "hedge", "decline": "decline"}  # speaker stance -> side
OPPOSITE = {"support": "deny", "deny": "support"}


Reading = Callable[[str, str], str]  # (claim, text) -> agree / disagree / discuss / unrelated

# "the accusations from South Korea and Ukraine that it is sending soldiers ...", "the reports as rumours":
# a content that points at other reports, with what they said when a that-clause gives it.
REPORT_REFERENCE = re.compile(
    rf"^(?:the|these|those|such|all|any|recent|western|media)?\s*(?:[\w'’\-]+\s+){{0,3}}?"
    rf"(?:{'|'.join(sorted(REPORT_NOUNS, key=len, reverse=True))})\b(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
THAT_CLAUSE = re.compile(r"^[^\"“”]{0,80}?\bthat\s+(?P<said>.+)$", re.IGNORECASE | re.DOTALL)
# "... are false", "... as unverified": the judgement of the reports, not what they said.
JUDGED = re.compile(rf"\s+(?:are|is|were|was|as)\s+[\"“']?(?:\w+\s+){{0,2}}"
                    rf"(?:{'|'.join(sorted(DENY_MARKERS | {'unverified', 'unconfirmed', 'accurate', 'true'}))})\b.*$",
                    re.IGNORECASE | re.DOTALL)


UNVERIFIED = frozenset({"unverified", "unconfirmed", "unproven"})


def says_any(content: str, words: frozenset[str]) -> bool:
    """Whether the content uses one of ``words``: DENY_MARKERS calls what it names false ("the reports
    as 'groundless rumours'"), UNVERIFIED calls it unverified."""
    return any(word.lower() in words for word in re.findall(r"[A-Za-z]+", content))


def matched_text(content: str) -> str:
    """The words a content joins a claim by: what the reports it points at said, or the content itself."""
    said = reported(content)
    return content if said is None else said


def reported(content: str) -> Optional[str]:
    """What a content that points at other reports says they said ("" when it only names them: "the
    reports as 'groundless rumours'"), or None for a content that states something itself."""
    found = REPORT_REFERENCE.match(content.strip())
    if found is None:
        return None
    clause = THAT_CLAUSE.match(found["rest"].strip())
    return JUDGED.sub("", clause["said"]).strip() if clause else ""


def side_of(stance: str, content: str, canonical: str, reading: Optional[Reading] = None) -> str:
    """support / deny / hedge / decline: the speaker's stance, flipped when the content negates the claim.
    Where only one of the two has a negation word, ``reading`` (the stance model) decides when it can:
    a content it reads as agreeing with the claim keeps the speaker's side ("evidence of troops was
    seen" under a claim worded "... are not supported by anything we have seen" is no denial)."""
    side = SIDES.get(stance, "support")
    if side in OPPOSITE and is_negated(content) != is_negated(canonical):
        if reading is None or reading(canonical, content) != "agree":
            side = OPPOSITE[side]
    return side


@dataclass
class ClaimState:
    """What the index keeps per claim: the summed term bag and the canonical member."""

    terms: Counter = field(default_factory=Counter)
    canonical: str = ""
    canonical_terms: Counter = field(default_factory=Counter)
    canonical_penalty: float = 0.0  # how badly the canonical member reads alone
    size: int = 0
    norm: Optional[float] = None  # cached centroid norm, see ClaimIndex.centroid_norm
    norm_size: int = 0
    norm_documents: int = 0


class ClaimIndex:
    """Claims' centroids with an inverted index, for online assignment of statements."""

    def __init__(self) -> None:
        # Keyed by facet: the claim a statement first joined.  A merge moves statements to another
        # claim but keeps their facets, so each merged wording goes on attracting its own matches.
        self.claims: dict[int, ClaimState] = {}
        self.postings: dict[str, set[int]] = defaultdict(set)
        self.document_frequency: Counter = Counter()
        self.documents = 0
        self.merged_into: dict[int, int] = {}  # merged facet -> the live claim that took its statements

    def live(self, facet: int) -> int:
        """The claim that holds a facet's statements now."""
        return self.merged_into.get(facet, facet)

    def idf(self, term: str) -> float:
        return math.log((self.documents + 1) / (self.document_frequency[term] + 1)) + 1.0

    def cosine(self, a: Counter, b: Counter, b_norm: Optional[float] = None) -> float:
        dot = norm_a = 0.0
        for term, count in a.items():
            weight = self.idf(term) ** 2
            norm_a += count * count * weight
            if term in b:
                dot += count * b[term] * weight
        norm_a = math.sqrt(norm_a)
        norm_b = b_norm if b_norm is not None else self.norm(b)
        return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0

    def norm(self, terms: Counter) -> float:
        return math.sqrt(sum((c * self.idf(t)) ** 2 for t, c in terms.items()))

    def centroid_norm(self, state: ClaimState, keep: bool = False) -> float:
        """A claim's centroid norm, recomputed only when the claim or the collection grew by a tenth:
        hot claims hold thousands of terms, and IDF drifts slowly.  Only ``add`` keeps a recomputed
        norm: adds replay identically when the index is rebuilt from the store, lookups do not, and a
        resumed ingest must see the norms an uninterrupted one saw."""
        if state.norm is None or state.size > state.norm_size * 1.1 or self.documents > state.norm_documents * 1.1:
            if not keep:
                return self.norm(state.terms)
            state.norm, state.norm_size, state.norm_documents = self.norm(state.terms), state.size, self.documents
        return state.norm

    def similar(self, terms: Counter) -> list[tuple[float, int]]:
        """(similarity, facet) of the claims worth scoring against these terms."""
        # Candidates come from the text's rarest terms: common words' postings grow with the ledger
        # and carry little of the similarity.  Only claims sharing two of them are scored.
        rarest = sorted(terms, key=lambda t: self.document_frequency[t])[:CANDIDATE_TERMS]
        candidates: Counter = Counter()
        for term in rarest:
            for claim_id in self.postings.get(term, ()):
                candidates[claim_id] += 1
        return [(self.cosine(terms, self.claims[c].terms, self.centroid_norm(self.claims[c])), c)
                for c, shared in candidates.most_common(MAX_CANDIDATES) if shared >= 2]

    def best_claim(self, terms: Counter) -> Optional[tuple[int, float]]:
        scored = self.similar(terms)
        if not scored:
            return None
        similarity, claim_id = max(scored, key=lambda pair: (pair[0], -pair[1]))
        return (claim_id, similarity) if similarity >= JOIN_THRESHOLD else None

    def observe(self, terms: Counter) -> None:
        self.documents += 1
        self.document_frequency.update(set(terms))

    def add(self, claim_id: int, content: str, terms: Counter, speaker: Optional[str] = None) -> None:
        """Add a member to a claim (creating it), and keep as canonical the member nearest the centroid
        (its pronoun subject named by its ``speaker``: ``wording.proposition``)."""
        state = self.claims.setdefault(claim_id, ClaimState())
        state.terms.update(terms)
        state.size += 1
        for term in terms:
            self.postings[term].add(claim_id)
        penalty = reads_badly(content, speaker)
        if not state.canonical or self.canonical_score(terms, penalty, state) > self.canonical_score(
                state.canonical_terms, state.canonical_penalty, state):
            state.canonical, state.canonical_terms = proposition(content, speaker), terms
            state.canonical_penalty = penalty

    def canonical_score(self, terms: Counter, penalty: float, state: ClaimState) -> float:
        """Nearness to the centroid, less how badly the member reads alone (``wording.reads_badly``)."""
        return self.cosine(terms, state.terms, self.centroid_norm(state, keep=True)) - penalty

    def restated(self, sentences: Iterable[str], skip: set[int]) -> list[int]:
        """Live claims, apart from ``skip``, that some of these sentences restate (similarity at least
        ``RESTATED_SIMILARITY``), most similar first, at most ``RESTATED_CLAIMS``."""
        best: dict[int, float] = {}
        for sentence in sentences:
            terms = content_terms(sentence)
            if len(terms) < MIN_CLAIM_TERMS:
                continue
            for similarity, facet in self.similar(terms):
                claim_id = self.live(facet)
                if similarity >= RESTATED_SIMILARITY and claim_id not in skip and similarity > best.get(claim_id, 0.0):
                    best[claim_id] = similarity
        return sorted(best, key=lambda c: (-best[c], c))[:RESTATED_CLAIMS]


@dataclass
class Assignment:
    statement_id: int
    claim_id: int  # the live claim
    side: str
    similarity: float
    facet: int  # the claim (or merged-in wording) it matched


def assign_statements(index: ClaimIndex, statements: Iterable[tuple], next_claim_id: int,
                      reading: Optional[Reading] = None) -> tuple[list[Assignment], int]:
    """Assign one article's statements (id, content, stance[, speaker]) to claims, opening new ones as
    needed; ``reading`` is passed to ``side_of``.

    Returns the assignments and the next free claim id.
    """
    assignments: list[Assignment] = []
    pending_anaphora: list[tuple[int, str]] = []  # short denials before any claim: they join the first
    last_facet: Optional[int] = None
    for statement_id, content, stance, *speaker in statements:
        # A denial or confirmation of other reports is about what they said: it joins that claim.
        said = reported(content)
        if said is not None:
            # The extraction may read "dismisses the reports as rumours" (or "as unverified") as asserting them.
            judgement = content.replace(said, " ") if said else content
            if stance == "assert" and says_any(judgement, DENY_MARKERS):
                stance = "deny"
            elif stance == "assert" and says_any(judgement, UNVERIFIED):
                stance = "hedge"
            content = said
        elif stance == "assert" and any(marker in content.lower() for marker in DECLINE_MARKERS):
            stance = "decline"  # the extraction took "He neither confirmed nor denied the presence ..." as content
        terms = content_terms(content)
        if len(terms) < MIN_CLAIM_TERMS:
            if said is not None and stance == "assert" and last_facet is not None:  # "confirmed the reports"
                assignments.append(Assignment(statement_id, index.live(last_facet), "support", 0.0, last_facet))
            elif stance in ("deny", "decline") and last_facet is not None:
                assignments.append(Assignment(statement_id, index.live(last_facet), SIDES[stance], 0.0, last_facet))
            elif stance in ("deny", "decline"):
                pending_anaphora.append((statement_id, stance))
            continue
        index.observe(terms)
        found = index.best_claim(terms)
        if found is None:
            facet, similarity = next_claim_id, 1.0
            next_claim_id += 1
        else:
            facet, similarity = found
        index.add(facet, content, terms, *speaker)
        side = side_of(stance, content, index.claims[facet].canonical, reading)
        assignments.append(Assignment(statement_id, index.live(facet), side, round(similarity, 3), facet))
        last_facet = facet
        for anaphor_id, anaphor_stance in pending_anaphora:
            assignments.append(Assignment(anaphor_id, index.live(facet), SIDES[anaphor_stance], 0.0, facet))
        pending_anaphora = []
    return assignments, next_claim_id
