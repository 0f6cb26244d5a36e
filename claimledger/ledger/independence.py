"""How many independent sources stand behind each side of a claim, and why others were merged.

Support that reaches us through one upstream chain counts once:
- a relayed statement counts for its origin ("the Embassy said in a Facebook post"
  relays Zinoviev: the origin is Zinoviev);
- a named origin speaker counts once however many outlets quote them; names
  written out and as an acronym ("National Intelligence Service", "NIS") meet;
- an anonymous or unnamed source counts once per outlet (an outlet's name and
  its acronym are one), and a wire copy or reprint counts as the article it copies.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from ..schema import Statement

STATUSES = ("unverified", "corroborated", "contested", "denied")


@dataclass
class Member:
    """One statement on a claim, with what independence needs to know about where it came from."""

    statement_id: int
    side: str
    article_id: int
    root_article_id: int  # the article this one copies, or itself
    outlet: Optional[str]
    origin_speaker: Optional[str]  # speaker of the innermost relayed statement
    anonymous: bool
    relayed_by: Optional[str]  # who relayed it, when the member reached us through a relay


def origins(statements: list[Statement]) -> list[tuple[Optional[str], bool, Optional[str]]]:
    """Per statement: the origin speaker, whether the origin is anonymous, and the relay (if any).

    ``via`` points from a relayed statement to the one relaying it, so a statement that
    others point at is a relay and its origin is the innermost statement of that chain.
    """
    relayed_in: dict[int, int] = {}
    for index, statement in enumerate(statements):
        if statement.via is not None and statement.via not in relayed_in:
            relayed_in[statement.via] = index
    found = []
    for index, statement in enumerate(statements):
        origin, seen = index, {index}
        while origin in relayed_in and relayed_in[origin] not in seen:
            origin = relayed_in[origin]
            seen.add(origin)
        inner = statements[origin]
        origin_speaker = inner.speaker_entity or inner.speaker
        relay = statement.speaker_entity or statement.speaker
        # "The Pentagon said it had seen ...": a speaker restating itself relays nothing.
        found.append((origin_speaker, inner.anonymous, relay if relay != origin_speaker and origin != index else None))
    return found


TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"'})
# Descriptions of one kind of body, worded apart: "South Korea's spy agency", "South Korea's intelligence agency".
SYNONYMS = {"spy agency": "intelligence service", "intelligence agency": "intelligence service",
            "spy service": "intelligence service"}
POSSESSOR = re.compile(r"^(?:the\s+)?[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*)*'s?\s+(?=[A-Z])")  # "South Korea's" + a name


@lru_cache(maxsize=1 << 16)  # every recount keys every member's speaker
def speaker_key(name: str) -> str:
    """Names that differ in case, apostrophes, article, a possessor before a proper name, an
    apposition or acronym form share a key: "South Korea’s National Intelligence Service", "the NIS"
    and "National Intelligence Service" meet; "Yoon Ha-jin, a member of ..." is "Yoon Ha-jin"; a
    description's plural is its singular ("bloggers", "blogger")."""
    name = " ".join(name.translate(TYPOGRAPHIC).split()).strip(" ,;:")
    head = name.split(",")[0].strip()
    if head != name and all(w[:1].isupper() for w in head.split()):  # a name, then its apposition
        name = head
    name = POSSESSOR.sub("", re.sub(r"\s*\([^)]*\)$", "", name))  # "... Service (NIS)": the name said twice
    words = [w for w in re.findall(r"[\w'-]+", name) if w.lower() not in ("the", "s", "a", "an")]
    words = [w[:-2] if w.lower().endswith("'s") else w for w in words]
    capitalised = [w for w in words if w[:1].isupper() and w.lower() not in ("of", "and", "for")]
    if len(capitalised) >= 3 and len(capitalised) == len([w for w in words if w.lower() not in ("of", "and", "for")]):
        return "".join(w[0] for w in capitalised).upper()
    if len(words) == 1 and words[0].isupper():
        return words[0]
    if words and words[-1].islower():  # a description: "pro-Russia Telegram bloggers" = "... blogger"
        words[-1] = singular(words[-1])
    key = " ".join(w.lower() for w in words)
    for description, same in SYNONYMS.items():
        key = key.replace(description, same)
    return key


def singular(noun: str) -> str:
    if len(noun) > 4 and noun.endswith("ies"):
        return noun[:-3] + "y"
    if len(noun) > 3 and noun.endswith("s") and not noun.endswith(("ss", "us", "is", "ews")):
        return noun[:-1]
    return noun


def source_key(member: Member) -> tuple[str, str]:
    if member.origin_speaker and not member.anonymous:
        return "speaker", speaker_key(member.origin_speaker)
    # An outlet written out or as its acronym ("Baltic Wire Service", "BWS") is one outlet.
    return "outlet", speaker_key(member.outlet) if member.outlet else f"article {member.root_article_id}"


def merge_reason(kind: str, members: list[Member]) -> str:
    articles = sorted({m.article_id for m in members})
    copies = sorted({m.article_id for m in members if m.root_article_id != m.article_id})
    relays = sorted({m.relayed_by for m in members if m.relayed_by})
    parts = []
    if kind == "speaker":
        parts.append(f"same origin speaker {members[0].origin_speaker!r} in {len(articles)} article(s)")
    else:
        parts.append(f"unnamed or anonymous sources of one outlet ({members[0].outlet or 'unknown outlet'})")
    if relays:
        parts.append("relayed by " + ", ".join(relays))
    if copies:
        parts.append("wire copies or reprints: articles " + ", ".join(map(str, copies)))
    return "; ".join(parts)


@dataclass
class SideCount:
    raw: int
    independent: int
    merged: list[str]  # one reason per group of statements counted as one source


def count_side(members: Iterable[Member]) -> SideCount:
    groups: dict[tuple[str, str], list[Member]] = defaultdict(list)
    raw = 0
    for member in members:
        raw += 1
        groups[source_key(member)].append(member)
    merged = [merge_reason(kind, group) for (kind, _), group in sorted(groups.items()) if len(group) > 1]
    return SideCount(raw=raw, independent=len(groups), merged=merged)


@dataclass
class Tally:
    raw: int = 0
    independent: int = 0


def tallies(members: Iterable[Member], sides: Iterable[str]) -> dict[str, Tally]:
    """Per side, what ``count_side`` counts, in one pass and without the merge reasons: what a recount
    stores (a hot story's recount reads thousands of members)."""
    raw: dict[str, int] = defaultdict(int)
    sources: dict[str, set] = defaultdict(set)
    for member in members:
        raw[member.side] += 1
        sources[member.side].add(source_key(member))
    return {side: Tally(raw[side], len(sources[side])) for side in sides}


def claim_status(independent_support: int, denials: int) -> str:
    """unverified (one origin), corroborated (independent support, no denial),
    contested (support and denial), denied (only denial)."""
    if denials and independent_support:
        return "contested"
    if denials:
        return "denied"
    if independent_support >= 2:
        return "corroborated"
    return "unverified"
