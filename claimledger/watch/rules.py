"""Alert rules (what a user wants to hear about) and alerts (what fired, for which event).

A rule fires at most once per event: an event is named by a key ("claim 12", "statement 480"), and
the ledger keeps one alert per rule and key.  Alerts are judged in the transaction that stores
the article causing them (``store.alerts_sql``), so an article and its alerts are stored together
or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Optional

from ..errors import InvalidWatch
from ..lexicon import EVIDENCE_NOUNS

RULE_KINDS = {
    "first-denial": "a claim gains its first denial (a denying statement, or an article that disagrees)",
    "support": "a claim's independent support reaches N sources",
    "status": "a claim's status changes (unverified, corroborated, contested, denied)",
    "entity": "a watched entity makes a statement",
    "phrase": "a statement matches a watched phrase (every word; \"quoted\" for the exact phrase)",
    "evidence": "new evidence of a kind (video, photo, document, ...) is cited on a claim",
    "story-denial": "a story gains its first denial (a statement denying its proposition, or an article that "
                    "disagrees)",
    "new-story": "a new story opens with a statement matching a watched phrase or by a watched entity",
}
CLAIM_RULES = ("first-denial", "support", "status", "evidence")  # may watch one claim, or every claim
EVIDENCE_KINDS = tuple(sorted(set(EVIDENCE_NOUNS.values())))
MAX_VALUE = 500


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def timestamp(moment: datetime) -> str:
    """UTC time as the ledger stores it: ISO 8601 to the millisecond, so text order is time order."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def instant(text: str) -> str:
    """An ISO date or time a user gave (UTC when it names no zone), as the ledger writes times."""
    try:
        given = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidWatch(text, problem="not an ISO date or time (2026-12-02 or 2026-12-02T06:30:00Z)") from None
    return timestamp(given if given.tzinfo else given.replace(tzinfo=timezone.utc))


def later(seconds: float, start: Optional[datetime] = None) -> str:
    return timestamp((start or utc_now()) + timedelta(seconds=seconds))


@dataclass
class AlertRule:
    id: Optional[int]
    kind: str
    claim_id: Optional[int] = None
    threshold: Optional[int] = None
    value: Optional[str] = None
    created_at: Optional[str] = None

    def describe(self) -> str:
        target = f"claim {self.claim_id}" if self.claim_id is not None else "any claim"
        return {"first-denial": f"first denial of {target}",
                "support": f"independent support of {target} reaches {self.threshold}",
                "status": f"status change of {target}",
                "entity": f"statement by {self.value}",
                "phrase": f"statement matching {self.value}",
                "evidence": f"{self.value} cited on {target}",
                "story-denial": "first denial of any story",
                "new-story": f"new story matching {self.value}"}[self.kind]


def new_rule(kind: str, claim_id: Optional[int] = None, threshold: Optional[int] = None,
             value: Optional[str] = None) -> AlertRule:
    """A rule checked for what its kind needs, or the error that says what is missing."""
    if kind not in RULE_KINDS:
        raise InvalidWatch(kind, problem=f"unknown rule kind {kind!r} (expected one of {', '.join(RULE_KINDS)})")
    if claim_id is not None and kind not in CLAIM_RULES:
        raise InvalidWatch(kind, problem=f"a {kind} rule watches every claim: drop the claim")
    if kind == "support":
        if threshold is None or threshold < 1:
            raise InvalidWatch(kind, problem="a support rule needs a threshold of at least 1 (--at N)")
    elif threshold is not None:
        raise InvalidWatch(kind, problem=f"only a support rule takes a threshold, not {kind}")
    value = " ".join(value.split()) if value else None
    if kind == "new-story" and not value:
        raise InvalidWatch(kind, problem="a new-story rule needs the phrase or entity to watch")
    if kind in ("entity", "phrase") and not value:
        raise InvalidWatch(kind, problem=f"an {kind} rule needs the {kind} to watch" if kind == "entity"
                           else "a phrase rule needs the phrase to watch")
    if kind == "evidence":
        value = (value or "").lower()
        if value not in EVIDENCE_KINDS:
            raise InvalidWatch(kind, problem=f"unknown evidence kind {value!r} "
                                             f"(expected one of {', '.join(EVIDENCE_KINDS)})")
    elif kind not in ("entity", "phrase", "new-story") and value:
        raise InvalidWatch(kind, problem=f"a {kind} rule takes no text")
    if value and len(value) > MAX_VALUE:
        raise InvalidWatch(kind, problem=f"the watched text is over {MAX_VALUE} characters")
    return AlertRule(None, kind, claim_id, threshold, value)


@dataclass
class Alert:
    id: int
    rule_id: int
    rule: str  # the rule as words, for people reading the alert
    kind: str
    event: str
    message: str
    claim_id: Optional[int]
    statement_id: Optional[int]
    article_id: int
    fired_at: str

    def payload(self) -> dict:
        """The alert as JSON for the webhook, the API and ``watch --print``; ``id`` is stable."""
        links = {"article": f"/articles/{self.article_id}"}
        if self.claim_id is not None:
            links["claim"] = f"/claims/{self.claim_id}"
        if self.event.startswith("story "):
            links["story"] = f"/stories/{self.event.split()[1]}"
        return {"id": self.id, "rule": {"id": self.rule_id, "kind": self.kind, "watches": self.rule},
                "event": self.event, "message": self.message, "claim_id": self.claim_id,
                "statement_id": self.statement_id, "article_id": self.article_id, "fired_at": self.fired_at,
                "links": links}


@dataclass
class ClaimState:
    """What claim rules compare before and after an article: a claim's status and counts."""

    canonical: str
    status: str
    denials: int  # denying statements and disagreeing articles
    independent_support: int


def shortened(text: str, limit: int = 120) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis, never mid-word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return (cut or text[:limit]) + "…"


@dataclass
class StoryState:
    """What story rules compare before and after an article: a story's title and denials."""

    title: str
    denials: int  # denying statements and disagreeing articles


def story_denial(story_id: int, before: Optional[StoryState], after: StoryState, who: Callable[[], str]
                 ) -> list[tuple[str, str]]:
    """(event key, message) when an article gives a story its first denial; ``who()`` says who denied what."""
    if after.denials and not (before and before.denials):
        return [(f"story {story_id} first denial", f"story {story_id} ({shortened(after.title)}) has its first "
                                                   f"denial: {who()}")]
    return []


def claim_events(rule: AlertRule, claim_id: int, before: Optional[ClaimState], after: ClaimState,
                 article_id: int) -> list[tuple[str, str]]:
    """(event key, message) for each event of a claim rule that one article's changes to one claim make.
    ``before`` is None for a claim the article opened."""
    if rule.claim_id is not None and rule.claim_id != claim_id:
        return []
    name = f"claim {claim_id} ({shortened(after.canonical)})"
    if rule.kind == "first-denial" and after.denials and not (before and before.denials):
        return [(f"claim {claim_id}", f"{name} has its first denial")]
    if rule.kind == "support" and after.independent_support >= rule.threshold > (
            before.independent_support if before else 0):
        return [(f"claim {claim_id} support {rule.threshold}",
                 f"{name} has {after.independent_support} independent supporting sources")]
    if rule.kind == "status" and before is not None and before.status != after.status:
        # A claim may change status many times: each change is its own event, named by its article.
        return [(f"claim {claim_id} {before.status} to {after.status} by article {article_id}",
                 f"{name} changed status from {before.status} to {after.status}")]
    return []
