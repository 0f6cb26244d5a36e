"""Who a speaker is: canonical entity, anonymity, role and affiliation.

Pronouns ("he", "they") and definite descriptions ("the official", "the
blogger") resolve back to the most recent compatible speaker or entity, so
every statement of one source carries the same ``speaker_entity``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Doc, Span

from ..lexicon import ANONYMOUS_HEADS, ANONYMOUS_PHRASES, WEEKDAYS
from ..schema import Entity
from .countries import country_code, country_name
from .evidence import evidence_kind

PERSON_PRONOUNS = {"he", "she", "him", "her", "i", "we"}
GROUP_PRONOUNS = {"they", "it", "them"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
INDEFINITE = {"a", "an", "one", "some", "several", "two", "three", "many", "other", "another"}
ENTITY_PREFERENCE = ("PERSON", "ORG", "GPE", "NORP")
LOOK_BACK_SENTENCES = 2
SINGULAR_PRONOUNS = {"he", "she", "him", "her", "i", "it"}
# "The company declined to comment": a definite description of an organisation is the organisation
# last named within the sentences before.
ORGANISATION_NOUNS = {"company", "firm", "agency", "ministry", "organisation", "organization", "corporation",
                      "operator", "department", "embassy", "newspaper", "broadcaster", "outlet", "network", "party",
                      "militia", "bank", "union", "council", "committee", "manufacturer", "carrier", "airline",
                      "insurer", "retailer", "group", "website", "site", "publication", "station", "institute"}


# Common nouns that name no one who could speak: a site's disclaimer ("Views expressed ..."), what a photo
# shows ("Shadows suggest ..."), a record ("The inventory found ...").
MUTE_NOUNS = {"view", "shadow", "inventory", "figure", "number", "datum", "record", "result", "test", "sample",
              "reading", "count", "total", "metadata"}
TIME_WORDS = {"today", "yesterday", "tomorrow", "tonight", "now", "week", "weekend", "month", "year", "morning",
              "afternoon", "evening", "night", "day"}
# Not FAC: "the Russian Embassy", "the White House" speak for those inside.
MUTE_ENTITIES = {"LOC", "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"}


def can_speak(span: Span) -> bool:
    """Whether a source phrase names someone who can speak (a person, organisation, group, outlet or
    account): not evidence ("the grainy video"), a time word ("today"), a number ("two"), a place that
    is no polity ("the Danube") or a thing that says nothing ("Views", "Shadows")."""
    root = span.root
    lemma = root.lemma_.lower()
    return not (evidence_kind(root) is not None or lemma in MUTE_NOUNS or root.lower_ in TIME_WORDS
                or lemma in WEEKDAYS or root.like_num or root.pos_ == "NUM" or root.ent_type_ in MUTE_ENTITIES)


@dataclass
class Speaker:
    entity: Optional[str]
    anonymous: bool
    role: Optional[str]
    affiliation: Optional[str]
    affiliation_country: Optional[str]
    label: Optional[str]
    head: str
    plural: bool = False


def entity_in(span: Span, entities: list[Entity], of_token: dict[int, int]) -> Optional[Entity]:
    """The entity the speaker phrase names: the one holding its head noun, else a person in it."""
    if span.root.i in of_token:
        return entities[of_token[span.root.i]]
    if span.root.pos_ == "NOUN":
        found = [entities[of_token[t.i]] for t in span if t.i in of_token and entities[of_token[t.i]].label == "PERSON"]
        return found[0] if found else None
    found = [entities[of_token[t.i]] for t in span if t.i in of_token]
    for label in ENTITY_PREFERENCE:
        for entity in found:
            if entity.label == label:
                return entity
    return None


def affiliation_of(span: Span, person: Optional[Entity], of_token: dict[int, int],
                   entities: list[Entity]) -> tuple[Optional[str], Optional[str]]:
    """Country or organisation the speaker belongs to: 'Russian', "North Korea's", 'of the ministry'."""
    for token in span:
        if token.i > span.root.i:
            break
        # "pro-Russia blogger", "anti-Kremlin outlet": a stance towards a country, not membership.
        leaning = token.i >= 2 and token.nbor(-1).text == "-" and token.nbor(-2).lower_ in ("pro", "anti")
        code = None if leaning else country_code(token.text)
        if code and (token.i not in of_token or entities[of_token[token.i]] is not person):
            return country_name(code), code
        if token.i in of_token:
            entity = entities[of_token[token.i]]
            if entity is person:
                continue
            code = entity.country or country_code(token.text)
            if entity.label in ("GPE", "NORP") and code:
                return country_name(code) or entity.name, code
            if entity.label == "ORG" and person is not None:
                return entity.name, entity.country
    return None, None


def role_of(span: Span, person_tokens: set[int], of_token: dict[int, int]) -> Optional[str]:
    """Title words around the name: 'Russian Ambassador to South Korea Georgy Zinoviev' -> 'Ambassador to South Korea'."""
    words = [t for t in span if t.i not in person_tokens and t.dep_ != "punct"]
    # Drop a leading affiliation (demonym, possessive country) and determiners.
    while words and (words[0].pos_ == "DET" or words[0].i in of_token and words[0].ent_type_ in ("NORP", "GPE")
                     or words[0].tag_ == "POS" or country_code(words[0].text)):
        if words[0].i in of_token and words[0].ent_type_ == "GPE":
            ent_end = next((e.end for e in span.doc.ents if e.start <= words[0].i < e.end), words[0].i + 1)
            words = [w for w in words if w.i >= ent_end]
            if words and words[0].tag_ == "POS":
                words = words[1:]
            continue
        words = words[1:]
    if not words or all(w.i in of_token for w in words):
        return None
    role = span.doc[words[0].i:words[-1].i + 1].text.strip(" ,")
    return role or None


def strip_determiner(span: Span) -> str:
    """'A pro-Russia Telegram blogger' -> 'pro-Russia Telegram blogger' (the name of an unnamed source)."""
    if len(span) > 1 and span[0].pos_ == "DET":
        span = span[1:]
    return span.text


class SpeakerResolver:
    """Resolves speakers in text order, remembering who spoke before."""

    def __init__(self, doc: Doc, entities: list[Entity], of_token: dict[int, int]) -> None:
        self.doc, self.entities, self.of_token = doc, entities, of_token
        self.history: list[Speaker] = []

    def previous_entity(self, before: int, labels: tuple[str, ...], since: int = 0) -> Optional[Entity]:
        for i in range(before - 1, since - 1, -1):
            index = self.of_token.get(i)
            if index is not None and self.entities[index].label in labels:
                return self.entities[index]
        return None

    def previous_subject(self, before: int) -> Optional[Speaker]:
        """The person the previous sentence is about: its first subject that names a person ("Zinoviev"
        in "Zinoviev told Kim Hong-kyun that ..., the ministry said.")."""
        for sentence in self.earlier_sentences(before):  # a quotation before "he said" may be a sentence of its own
            for subject in (t for t in sentence if t.dep_ in ("nsubj", "nsubjpass")):
                index = self.of_token.get(subject.i)
                if index is not None and self.entities[index].label == "PERSON":
                    name = self.entities[index].name
                    named = self.doc[subject.left_edge.i:subject.i + 1]
                    person = {t.i for t in named if self.of_token.get(t.i) == index}
                    return next((s for s in reversed(self.history) if s.entity == name),
                                Speaker(name, False, role_of(named, person, self.of_token), None, None, "PERSON",
                                        subject.text))
        return None

    def earlier_sentences(self, before: int) -> list[Span]:
        """The ``LOOK_BACK_SENTENCES`` sentences before the one holding token ``before``, nearest first."""
        found, start = [], self.doc[before].sent.start
        while start > 0 and len(found) < LOOK_BACK_SENTENCES:
            found.append(self.doc[start - 1].sent)
            start = found[-1].start
        return found

    def anaphor(self, head: str, before: int) -> Optional[Speaker]:
        """The earlier speaker a pronoun or 'the official' refers to: for "he" or "she", the person the
        previous sentence is about first, then the most recent compatible speaker."""
        lowered = head.lower()
        if lowered in ("he", "she", "him", "her"):
            subject = self.previous_subject(before)
            if subject is not None:
                return subject
        for earlier in reversed(self.history):
            if lowered in SINGULAR_PRONOUNS and earlier.plural:
                continue  # "local officials said ... Mayor X ... he said": he is not the officials
            if lowered in PERSON_PRONOUNS and (earlier.label == "PERSON" or earlier.label is None and earlier.anonymous):
                return earlier
            if lowered in GROUP_PRONOUNS and earlier.label in ("ORG", "GPE", "NORP", None):
                return earlier
            if lowered not in PERSON_PRONOUNS | GROUP_PRONOUNS and earlier.head.lower() == lowered:
                return earlier
            if lowered not in PERSON_PRONOUNS | GROUP_PRONOUNS and earlier.role and lowered in earlier.role.lower().split():
                return earlier
        if lowered in ORGANISATION_NOUNS:
            earlier = self.earlier_sentences(before)
            since = earlier[-1].start if earlier else self.doc[before].sent.start
            entity = self.previous_entity(before, ("ORG",), since)
            return entity and Speaker(entity.name, False, None, None, None, "ORG", entity.name)
        if lowered in PERSON_PRONOUNS:
            entity = self.previous_entity(before, ("PERSON",))
            return entity and Speaker(entity.name, False, None, None, None, "PERSON", entity.name)
        if lowered in GROUP_PRONOUNS:
            entity = self.previous_entity(before, ("ORG", "GPE", "NORP"))
            return entity and Speaker(entity.name, False, None, None, None, entity.label, entity.name)
        return None

    def resolve(self, span: Optional[Span], cue_head: int) -> Speaker:
        """Who the source phrase names; ``entity`` None for no source or one that cannot speak (``can_speak``:
        such a phrase is no one an anaphor could mean, so it stays out of the history)."""
        if span is None or not can_speak(span):
            return Speaker(None, False, None, None, None, None, span.root.text if span is not None else "")
        root = span.root
        if root.lower_ in RELATIVE_PRONOUNS and root.head.i != root.i:
            # "Kim Song, who said ...": the speaker is the noun the clause hangs on.
            antecedent = root.head.head if root.head.dep_ == "relcl" else root.head
            span = self.doc[antecedent.left_edge.i:antecedent.i + 1]
            root = span.root
        sentence = self.doc[cue_head].sent.text.lower()
        anonymous_phrase = any(p in sentence for p in ANONYMOUS_PHRASES)
        entity = entity_in(span, self.entities, self.of_token)
        determiners = {t.lower_ for t in root.children if t.dep_ in ("det", "nummod", "amod")}
        if entity is None and root.pos_ == "PRON" or (
                entity is None and determiners & {"the", "this", "that"} and len(span) <= 4):
            earlier = self.anaphor(root.text, span.start)
            if earlier is not None:
                self.history.append(earlier)
                return earlier
        person_tokens = {t.i for t in span if t.i in self.of_token and entity is not None
                         and self.entities[self.of_token[t.i]] is entity}
        affiliation, code = affiliation_of(span, entity if entity and entity.label == "PERSON" else None,
                                           self.of_token, self.entities)
        anonymous = entity is None and root.lemma_.lower() in ANONYMOUS_HEADS and (
            anonymous_phrase or bool(determiners & INDEFINITE) or root.tag_ == "NNS")
        if entity is None:
            # "North Korea's envoy to the UN, Kim Song,": the name stands in apposition.
            named = [c for c in root.children if c.dep_ == "appos" and c.i in self.of_token]
            if named:
                entity = self.entities[self.of_token[named[0].i]]
        role = role_of(span, person_tokens, self.of_token) if entity is None or entity.label == "PERSON" else None
        if role and entity is None and role.lower() == span.text.lower():
            role = root.lemma_.lower() if anonymous else role
        name = entity.name if entity else strip_determiner(span)
        speaker = Speaker(name, anonymous, role, affiliation, code, entity.label if entity else None, root.text,
                          plural=entity is None and root.tag_ in ("NNS", "NNPS"))
        self.history.append(speaker)
        return speaker
