"""An article's own stance toward each claim it touches, apart from the stances of the people it
quotes: for (it states the claim as fact), against (it disputes it), observing (it reports the
claim without taking a side).

The article's voice is read from its headline, with the headline stance model trained on Emergent
(headline toward claim).  A headline that shares too few content words with the claim is about
something else; the article then only relays its sources on this claim and is observing."""

from __future__ import annotations

from typing import Optional, Sequence

from ..stance import headline_stance_model
from .claims import claim_terms

RELATED_MIN_SHARED_TERMS = 2
BASIS_HEADLINE = "headline"
BASIS_QUOTES = "quotes only"


def article_stances(title: Optional[str], claim_texts: Sequence[str]) -> list[tuple[str, str]]:
    """(stance, basis) toward each claim text, basis saying what the stance was read from."""
    headline_terms = set(claim_terms(title or ""))
    related = [i for i, text in enumerate(claim_texts)
               if len(headline_terms & set(claim_terms(text))) >= RELATED_MIN_SHARED_TERMS]
    found = {i: (stance, BASIS_HEADLINE) for i, stance in
             zip(related, headline_stance_model().predict([title or ""] * len(related),
                                                          [claim_texts[i] for i in related]))}
    return [found.get(i, ("observing", BASIS_QUOTES)) for i in range(len(claim_texts))]
