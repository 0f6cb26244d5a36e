"""Evidence the text cites: photos, videos, documents, posts.

"A pro-Russia Telegram blogger posted a photo showing two flags over a mine"
-> kind photo, posted by the blogger, platform Telegram, shows "two flags
over a mine", linked to the statement that cites it.
"""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Doc, Token

from ..lexicon import EVIDENCE_NOUNS, PLATFORMS
from ..schema import Evidence, Statement
from .attribution import subject_of

ANAPHORIC_DETERMINERS = {"the", "this", "that", "these", "those"}
SHOW_VERBS = {"show", "depict", "appear", "reveal", "capture", "feature", "purport"}


def evidence_kind(token: Token) -> Optional[str]:
    if token.pos_ not in ("NOUN", "PROPN"):
        return None
    compound = " ".join(t.lower_ for t in token.lefts if t.dep_ == "compound")
    for key in (f"{compound} {token.lower_}".strip(), token.lower_):
        if key in EVIDENCE_NOUNS:
            return EVIDENCE_NOUNS[key]
    return None


def what_it_shows(token: Token) -> Optional[str]:
    doc = token.doc
    for child in token.rights:
        if child.dep_ in ("acl", "relcl") and child.lemma_.lower() in SHOW_VERBS:
            objects = [c for c in child.rights if c.dep_ in ("dobj", "ccomp", "xcomp", "attr")]
            if objects:
                return doc[objects[0].left_edge.i:child.right_edge.i + 1].text
        if child.dep_ == "prep" and child.lower_ == "of":
            return doc[child.i + 1:child.right_edge.i + 1].text or None
    return None


def platform_in(tokens) -> Optional[str]:
    for token in tokens:
        if token.lower_ in PLATFORMS:
            return PLATFORMS[token.lower_]
    return None


def statement_citing(token: Token, statements: list[Statement]) -> Optional[int]:
    """The innermost statement whose cue governs, or whose content holds, the evidence."""
    best, best_size = None, None
    for index, statement in enumerate(statements):
        start, end = statement.content_span
        if start <= token.idx < end and (best_size is None or end - start < best_size):
            best, best_size = index, end - start
    return best


def poster_of(token: Token) -> Optional[Token]:
    """Who posted or released the evidence: the subject of the verb it is the object of ("X posted a
    photo"), or the agent of a passive ("a video released by X").  Evidence that is itself the subject
    ("the image showed ...") names no poster: an image is not a speaker."""
    verb = token.head if token.dep_ in ("dobj", "nsubjpass", "pobj") else None
    if verb is not None and verb.dep_ == "prep":
        verb = verb.head
    if verb is None or verb.pos_ not in ("VERB", "AUX"):
        return None
    poster = subject_of(verb)
    return None if poster is None or poster.i == token.i else poster


def find_evidence(doc: Doc, statements: list[Statement]) -> list[Evidence]:
    found: list[Evidence] = []
    last_poster: Optional[str] = None
    for token in doc:
        kind = evidence_kind(token)
        if kind is None:
            continue
        poster = poster_of(token)
        if poster is not None:
            posted_by = doc[poster.left_edge.i:poster.i + 1].text
        else:  # "A blogger posted a photo ... The image showed ...": a definite mention keeps the earlier poster
            anaphoric = any(c.dep_ == "det" and c.lower_ in ANAPHORIC_DETERMINERS for c in token.children)
            posted_by = last_poster if anaphoric else None
        last_poster = posted_by
        sentence = token.sent
        start = min([t.i for t in token.lefts if t.dep_ in ("det", "compound", "amod", "nummod")] + [token.i])
        span = doc[start:token.i + 1]
        found.append(Evidence(kind=kind, text=span.text, span=(span.start_char, span.end_char),
                              posted_by=posted_by, platform=platform_in(sentence),
                              shows=what_it_shows(token), statement=statement_citing(token, statements)))
    return found
