"""Canonical entities: mentions grouped under one name, with country codes.

"Georgy Zinoviev" ... "Zinoviev" ... "Mr. Zinoviev" become one entity named
after the fullest mention; Korean-style names match on their first token
too ("Kim Song" ... "Kim").  Acronyms join the name they abbreviate.
"""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Doc, Span

from ..schema import Entity, Mention
from .countries import country_code, is_country_name, strip_article

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
HONORIFICS = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "gen", "gen.", "sen", "sen.", "rep", "rep."}
# Titles that only a person bears: a name written right after one is a person's, whatever the small
# model labelled it ("Mayor Sorin Vlad" comes out a place, "commissioner Mihai Dobre" an organisation).
PERSON_TITLES = {"mayor", "president", "minister", "commissioner", "ambassador", "envoy", "governor", "senator",
                 "spokesman", "spokeswoman", "spokesperson", "secretary", "chancellor", "premier", "judge",
                 "prosecutor", "professor", "colonel", "lieutenant", "captain", "sergeant", "general", "admiral",
                 "commander", "director", "chairman", "chairwoman", "deputy", "councillor", "councilor", "lawmaker",
                 "congressman", "congresswoman", "inspector", "detective", "pope", "king", "queen", "prince",
                 "princess", "sheikh", "archbishop", "bishop", "rabbi", "imam", "blogger", "journalist", "reporter"}


def name_tokens(text: str) -> list[str]:
    words = [w for w in strip_article(text).split() if w.lower() not in HONORIFICS]
    return words


def acronym(text: str) -> str:
    return "".join(w[0] for w in name_tokens(text) if w[:1].isupper())


def same_person(short: list[str], full: list[str]) -> bool:
    return len(short) == 1 and len(full) > 1 and short[0] in (full[0], full[-1])


def same_org(short: str, full: str) -> bool:
    return short.isupper() and len(short) >= 2 and acronym(full) == short


def entity_name(span: Span) -> str:
    return " ".join(name_tokens(span.text)) or span.text


def split_country_prefixes(doc: Doc) -> None:
    """Split "South Korea Georgy Zinoviev" (one ORG to the small model) into a country and a person.

    Titles written before a name ("Ambassador to South Korea Georgy Zinoviev")
    run the country into the name; role and affiliation need them apart.
    """
    repaired, changed = [], False
    for ent in doc.ents:
        split = None
        if ent.label_ in ("ORG", "PERSON", "GPE", "FAC"):
            for cut in range(min(3, len(ent) - 2), 0, -1):
                name = ent[cut:]
                if is_country_name(ent[:cut].text) and 2 <= len(name) <= 4 and all(
                        t.pos_ == "PROPN" and t.is_title for t in name):
                    split = cut
                    break
        if split is None:
            repaired.append(ent)
            continue
        repaired += [Span(doc, ent.start, ent.start + split, "GPE"), Span(doc, ent.start + split, ent.end, "PERSON")]
        changed = True
    if changed:
        doc.set_ents(repaired)


def titled_people(doc: Doc) -> None:
    """A name of two to four capitalised words right after a person's title is a PERSON."""
    repaired, changed = [], False
    for ent in doc.ents:
        titled = (ent.label_ in ("ORG", "LOC", "GPE", "FAC") and ent.start > 0 and 2 <= len(ent) <= 4
                  and doc[ent.start - 1].lower_ in PERSON_TITLES and not is_country_name(ent.text)
                  and all(t.pos_ == "PROPN" and t.is_title for t in ent))
        repaired.append(Span(doc, ent.start, ent.end, "PERSON") if titled else ent)
        changed = changed or titled
    if changed:
        doc.set_ents(repaired)


def read_entities(doc: Doc) -> tuple[list[Entity], dict[int, int]]:
    """The doc's entities after repairing what the small model runs together or mislabels."""
    split_country_prefixes(doc)
    titled_people(doc)
    return group_entities(doc)


def group_entities(doc: Doc) -> tuple[list[Entity], dict[int, int]]:
    """Entities of the doc, and a map from each ent's start token to its entity index."""
    entities: list[Entity] = []
    of_token: dict[int, int] = {}
    by_key: dict[tuple[str, str], int] = {}
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        name = entity_name(ent)
        index = find_existing(entities, ent.label_, name, by_key)
        if index is None:
            code = country_code(ent.text) if ent.label_ in ("GPE", "NORP", "LOC", "ORG") else None
            entities.append(Entity(name=name, label=ent.label_, country=code))
            index = len(entities) - 1
        elif len(name_tokens(name)) > len(name_tokens(entities[index].name)):
            entities[index].name = name
        by_key[(ent.label_, name.lower())] = index
        entities[index].mentions.append(Mention(text=ent.text, span=(ent.start_char, ent.end_char)))
        for token in ent:
            of_token[token.i] = index
    return entities, of_token


def find_existing(entities: list[Entity], label: str, name: str, by_key: dict) -> Optional[int]:
    if (label, name.lower()) in by_key:
        return by_key[(label, name.lower())]
    words = name_tokens(name)
    # The most recent compatible entity wins: "Kim" after "Kim Hong-kyun" is him, not Kim Song.
    for index in range(len(entities) - 1, -1, -1):
        known = entities[index]
        if known.label != label:
            continue
        if label == "PERSON" and (same_person(words, name_tokens(known.name))
                                  or same_person(name_tokens(known.name), words)):
            return index
        if label == "ORG" and (same_org(name, known.name) or same_org(known.name, name)):
            return index
    return None
