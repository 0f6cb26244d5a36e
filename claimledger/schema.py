"""The records claimledger produces: plain dataclasses, serialised as JSON.

Spans are ``(start, end)`` character offsets into the article text as read,
end exclusive, so ``text[start:end]`` is the reported string.  The JSON field
names are a public contract (README, "Output schema"): add fields, never
rename them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Optional

Span = tuple[int, int]
STANCES = ("assert", "deny", "hedge", "decline")


@dataclass
class Article:
    """One article as read from an input, before extraction."""

    text: str
    source: str
    title: Optional[str] = None
    url: Optional[str] = None
    published: Optional[str] = None
    outlet: Optional[str] = None
    author: Optional[str] = None

    def __post_init__(self) -> None:
        # NUL never belongs in news text and PostgreSQL's text cannot hold it; U+FFFD keeps every offset.
        for name in ("text", "source", "title", "url", "published", "outlet", "author"):
            value = getattr(self, name)
            if isinstance(value, str) and "\x00" in value:
                setattr(self, name, value.replace("\x00", "\ufffd"))


@dataclass
class Mention:
    text: str
    span: Span


@dataclass
class Entity:
    name: str
    label: str
    country: Optional[str]
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Quantity:
    value: Optional[float]
    approximate: bool
    qualifier: Optional[str]
    unit: Optional[str]
    text: str
    span: Span


@dataclass
class DateMention:
    text: str
    value: Optional[str]
    span: Span


@dataclass
class Place:
    name: str
    country: Optional[str]
    lat: float
    lon: float
    text: str
    span: Span


@dataclass
class Statement:
    speaker: Optional[str]
    speaker_span: Optional[Span]
    speaker_entity: Optional[str]
    anonymous: bool
    role: Optional[str]
    affiliation: Optional[str]
    affiliation_country: Optional[str]
    cue: str
    cue_span: Span
    cue_lemma: str
    content: str
    content_span: Span
    direct: bool
    stance: str
    hedges: list[str]
    addressee: Optional[str]
    date: Optional[str]
    medium: Optional[str]
    via: Optional[int]
    kind: str = "speech"  # speech, belief, intent, perception or report (see STATEMENT_KINDS)
    nested: Optional[int] = None  # index of the statement whose content holds this one
    # The content's parts in order: two for '"X," he said, "Y"' (content_span covers both and the frame).
    content_spans: list[Span] = field(default_factory=list)


STATEMENT_KINDS = ("speech", "belief", "intent", "perception", "report")
# Kinds by which a source itself takes a side; a belief only when it is not reported inside another statement.
SPEAKING_KINDS = ("speech", "report")


def speaks(kind: str, nested: Optional[int]) -> bool:
    """Whether a statement of this kind is its source's own word: what it said or published, or a
    belief it voiced.  An actor's decision or belief reported inside someone else's content is part of
    that someone's statement; what an image or a document shows is evidence, not a speaker's word."""
    return kind in SPEAKING_KINDS or (kind == "belief" and nested is None)


@dataclass
class Evidence:
    kind: str
    text: str
    span: Span
    posted_by: Optional[str]
    platform: Optional[str]
    shows: Optional[str]
    statement: Optional[int]


@dataclass
class Extraction:
    """Everything claimledger reads out of one article."""

    source: str
    published: Optional[str]
    dateline: Optional[str]
    title: Optional[str] = None
    url: Optional[str] = None
    outlet: Optional[str] = None
    statements: list[Statement] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The JSON form documented in the README (spans become lists)."""
        return asdict(self)

    def to_json(self) -> str:
        """``to_dict`` as JSON text, without asdict's deep copies (records are read-only here)."""
        return json.dumps(self, default=vars, ensure_ascii=False)

    @classmethod
    def from_dict(cls, record: dict) -> "Extraction":
        """The inverse of ``to_dict`` (spans back to tuples): ``from_dict(json.loads(e.to_json()))``
        serialises to the same JSON text, so a stored extraction reads back as it was written."""
        def spanned(kind: type, item: dict, *names: str) -> object:
            return kind(**{**item, **{n: tuple(item[n]) if item[n] is not None else None for n in names}})

        return cls(**{**record,
                      "statements": [spanned(Statement, {**s, "content_spans": [tuple(p) for p in s.get("content_spans", [])]},
                                             "speaker_span", "cue_span", "content_span")
                                     for s in record["statements"]],
                      "evidence": [spanned(Evidence, e, "span") for e in record["evidence"]],
                      "entities": [Entity(**{**e, "mentions": [spanned(Mention, m, "span") for m in e["mentions"]]})
                                   for e in record["entities"]],
                      "quantities": [spanned(Quantity, q, "span") for q in record["quantities"]],
                      "dates": [spanned(DateMention, d, "span") for d in record["dates"]],
                      "places": [spanned(Place, p, "span") for p in record["places"]]})
