"""What people add to the ledger by hand: a reviewer's verdict on a claim, and the merge of claims
that state one proposition.

The ledger's counts are evidence, not a verdict: only a verdict recorded here, with its reviewer's
name and date, rates a claim (in the ClaimReview export, for instance)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from ..errors import InvalidReview

RATINGS = ("false", "mostly false", "mixed", "mostly true", "true")  # ClaimReview ratingValue 1 to 5
MAX_TEXT = 2000  # characters of a reviewer name, reason or note: a sentence or a paragraph, not a file


@dataclass
class Verdict:
    claim_id: int
    rating: str
    reviewer: str
    reviewed_on: str  # ISO date
    note: str = ""
    recorded_at: Optional[str] = None

    @property
    def rating_value(self) -> int:
        return RATINGS.index(self.rating) + 1


@dataclass
class Merge:
    """One claim merged into another: who, why, when, and how many statements moved."""

    claim_id: int
    into_claim_id: int
    reason: str
    merged_by: str
    statements: int
    merged_at: Optional[str] = None


def checked_text(value: Optional[str], what: str, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise InvalidReview(what, problem=f"{what} is required")
    if len(text) > MAX_TEXT:
        raise InvalidReview(what, problem=f"{what} is longer than {MAX_TEXT} characters")
    return text


def new_verdict(claim_id: int, rating: str, reviewer: str, reviewed_on: Optional[str] = None,
                note: Optional[str] = None) -> Verdict:
    """A verdict checked field by field (the date defaults to today)."""
    wanted = " ".join((rating or "").lower().replace("-", " ").replace("_", " ").split())
    if wanted not in RATINGS:
        raise InvalidReview("rating", problem=f"unknown rating {rating!r} (expected one of: {', '.join(RATINGS)})")
    try:
        day = date.fromisoformat(reviewed_on).isoformat() if reviewed_on else date.today().isoformat()
    except (TypeError, ValueError):
        raise InvalidReview("date", problem=f"{reviewed_on!r} is not an ISO date (YYYY-MM-DD)") from None
    return Verdict(claim_id, wanted, checked_text(reviewer, "reviewer"), day, checked_text(note, "note", False))
