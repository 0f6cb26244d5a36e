"""An article's own stance toward each claim it touches, apart from the people it quotes: agree (it
states the claim as true), disagree (it disputes it) or discuss (it reports the claim without taking a
side), FNC-1's labels.

The body decides first: the stance model (``ml.stance``) reads the claim against the article's
passage on it.  When the body only discusses the claim, or the
article is the one that opened it (its own words are the claim), the article leans the way its
quoted statements on the claim lean: it passes on their support or denial.  Measured on the ledger of
FNC-1's real articles (README, "Sides on real news"), this beats either part alone.

An article can also take a side on a claim none of its statements joined: a refutation in its own
words ("There is no truth to reports that ...").  Claims its sentences restate
(``ClaimIndex.restated``) are read by the body alone, and the article is counted with the claim only
when the body agrees or disagrees."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional, Sequence

from ..errors import StanceModelUnavailable

BASIS_BODY = "body"
BASIS_QUOTES = "quotes"
BASIS_QUOTES_ONLY = "quotes (stance model not installed)"
BASIS_BODY_ALONE = "body (no statement on the claim)"
LEAN_OF_SIDE = {"support": "agree", "deny": "disagree"}


@dataclass
class ClaimInArticle:
    canonical: str
    sides: Sequence[str]  # the sides of the article's statements on the claim
    opened: bool  # the article's statements are the claim's first
    restated: bool = False  # none of the article's statements joined it: its sentences restate it


@lru_cache(maxsize=1)
def stance_model():
    """The shipped stance model, or None when torch or the encoder package is not installed (remembered,
    so an ingest without torch does not retry the imports on every article)."""
    from ..ml.stance import shipped_model

    try:
        return shipped_model()
    except StanceModelUnavailable:
        return None


# A content read as agreeing with its claim keeps its speaker's side against the negation heuristic only
# when the model is this sure: short contents without context are where it is least reliable.
CONFIDENT_AGREEMENT = 0.9


def content_reading(model) -> Optional[Callable[[str, str], str]]:
    """How the stance model reads a statement's content against its claim (``ledger.claims.side_of``):
    its label, but agree only when confident (else discuss, which leaves the heuristic to decide)."""
    if model is None:
        return None
    from ..ml.stance import LABELS

    def reading(claim: str, content: str) -> str:
        probabilities = model.probabilities([claim], [content])[0]
        label = LABELS[int(probabilities.argmax())]
        return "discuss" if label == "agree" and probabilities.max() < CONFIDENT_AGREEMENT else label

    return reading


def quoted_lean(sides: Sequence[str]) -> str:
    counts = Counter(LEAN_OF_SIDE.get(side, "discuss") for side in sides)
    if counts["agree"] != counts["disagree"]:
        return "agree" if counts["agree"] > counts["disagree"] else "disagree"
    return "discuss"


def article_stances(text: str, claims: Sequence[ClaimInArticle], model: Optional[object]
                    ) -> list[Optional[tuple[str, str]]]:
    """(stance, basis) toward each claim, basis saying what the stance was read from, or None for a
    restated claim the body takes no side on; ``model`` is ``stance_model()`` (None: the quotes decide,
    and restated claims are not read)."""
    from ..ml.stance import LABELS

    read = [i for i, claim in enumerate(claims) if not claim.opened] if model is not None else []
    body = dict(zip(read, model.probabilities([claims[i].canonical for i in read], [text] * len(read)).argmax(1))
                if read else [])
    found: list[Optional[tuple[str, str]]] = []
    for i, claim in enumerate(claims):
        label = LABELS[body[i]] if i in body else None
        if claim.restated:
            found.append((label, BASIS_BODY_ALONE) if label in ("agree", "disagree") else None)
        elif label in ("agree", "disagree"):
            found.append((label, BASIS_BODY))
        else:
            found.append((quoted_lean(claim.sides), BASIS_QUOTES if model is not None else BASIS_QUOTES_ONLY))
    return found
