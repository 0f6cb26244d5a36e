"""Find attributions in a parsed Doc: a cue, its source and its content.

Each attribution is anchored on a cue token (a reporting verb such as "said",
a nominal cue such as "accusations", or "according to").  Whether a token is
a cue, how far its span reaches ("said in a statement") and whether it has a
source at all ("X is expected to") are read from the PolNeAR-mined table
``cues_polnear.json`` (``training/cue_lexicon.py``), conditioned on the
token's frame; the hand lists in ``words.json`` cover lemmas train never saw.
The source is the cue's agent or subject (or a "by"/"from"/possessive phrase
for nominal cues) with its whole noun phrase; the content comes from
``attribution_content``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Doc, Token

from ..lexicon import CUE_NOUNS, CUE_VERBS, FOCUS_ADVERBS, MINED_CUES
from .attribution_content import CLAUSE_DEPS, TokenRange, adjacent_quotation, clause_content, widen_to_quotations
from .spans import QUOTES, quote_spans, quoted_mask, subtree_range, trim_punct

SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
CUE_AUX_DEPS = {"aux", "auxpass", "neg"}
MAX_GOVERNOR_HOPS = 3
# "X began by saying ...", "X is likely to say ...": links through which a cue borrows its governor's subject
GOVERNOR_HOP_DEPS = {"advcl", "xcomp", "conj", "pcomp", "prep", "acomp"}
OBJECT_DEPS = {"dobj", "attr", "oprd", "dative", "acomp"}
DASHES = {"—", "–", "-", "--"}
PARENTHETICAL_MARKS = {","} | DASHES
DATELINE_TOKENS = 12
SPEAKER_PRONOUNS = {"i", "we", "you"}
FRAME_SMOOTHING = 5.0  # pseudo-counts pulling a frame's cue rate towards its lemma's


@dataclass
class Attribution:
    cue: TokenRange
    content: TokenRange
    source: Optional[TokenRange]
    cue_head: int


def cue_frame(token: Token, quoted: bool) -> str:
    """The context the mined cue table is conditioned on.

    PolNeAR leaves attributions nested inside quotations unannotated, and a
    verb's subject and complement tell reporting uses ("he thinks that ...")
    from others ("I think", "think tank"); so: "q" inside quotes, else the
    subject kind (0 none, 1 first/second person, s other) and the complement
    kind (c clause, d object, p preposition, - none).
    """
    if quoted:
        return "q"
    subjects = [c for c in token.children if c.dep_ in SUBJECT_DEPS or c.dep_ == "agent"]
    if not subjects:
        subject = "0"
    else:
        subject = "1" if subjects[0].lower_ in SPEAKER_PRONOUNS else "s"
    deps = {c.dep_ for c in token.children}
    if deps & CLAUSE_DEPS:
        complement = "c"
    elif deps & OBJECT_DEPS:
        complement = "d"
    elif "prep" in deps:
        complement = "p"
    else:
        complement = "-"
    return subject + complement


def cue_probability(token: Token, quoted: Optional[bool] = None) -> float:
    """P(token heads a gold cue | lemma, POS, frame), mined from PolNeAR train.

    The frame estimate is smoothed towards the lemma's overall rate, so rare
    frames fall back on the lemma.
    """
    key = f"{token.lemma_.lower()}|{token.pos_}"
    entry = MINED_CUES["heads"].get(key)
    if not entry:
        return 0.0
    if quoted is None:
        quoted = quoted_mask(token.doc)[token.i]
    prior = entry[0] / entry[1]
    cues, seen = MINED_CUES["frames"].get(f"{key}|{cue_frame(token, quoted)}", (0, 0))
    return (cues + FRAME_SMOOTHING * prior) / (seen + FRAME_SMOOTHING)


def carries_content(noun: Token) -> bool:
    """A 'that' clause on the noun, or an 'about' phrase on it or on the verb that takes it."""
    if any(c.dep_ in ("acl", "ccomp") and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
           for c in noun.children):
        return True
    holders = [noun, noun.head] if noun.dep_ == "dobj" else [noun]
    return any(c.dep_ == "prep" and c.lower_ == "about" and c.i > noun.i for h in holders for c in h.children)


def is_cue_candidate(token: Token, threshold: float, quoted: bool) -> bool:
    """The mined table decides; the hand lists cover only lemmas train never saw as cues,
    and cue nouns that carry their own content ("accusations ... that ...", "statements about ...")."""
    if token.pos_ == "NOUN" and token.lemma_.lower() in CUE_NOUNS and carries_content(token):
        return True
    if f"{token.lemma_.lower()}|{token.pos_}" in MINED_CUES["heads"]:
        return cue_probability(token, quoted) >= threshold
    lemma = token.lemma_.lower()
    hand_listed = (token.pos_ in ("VERB", "AUX") and lemma in CUE_VERBS) or (token.pos_ == "NOUN" and lemma in CUE_NOUNS)
    return hand_listed and not quoted


def extension_keys(head: Token, child: Token) -> tuple[str, ...]:
    """Keys of the mined cue-extension table for a child of a cue head, most specific first.

    Head lemma, dependency, child word and its object's lemma
    ("say|prep|in|statement"), then without the object ("say|prep|in"), then
    without the head ("prep|in"); dates collapse to DATE so "said Sunday" and
    "said Tuesday" share statistics.
    """
    word = "DATE" if child.ent_type_ == "DATE" else child.lower_
    lemma = head.lemma_.lower()
    phrase_object = object_of(child)
    object_lemma = phrase_object.lemma_.lower() if phrase_object is not None else ""
    return f"{lemma}|{child.dep_}|{word}|{object_lemma}", f"{lemma}|{child.dep_}|{word}", f"{child.dep_}|{word}"


def object_of(token: Token) -> Optional[Token]:
    return next((c for c in token.children if c.dep_ in ("pobj", "dobj")), None)


def phrase_core(token: Token) -> TokenRange:
    """A child's phrase up to its object's head ("in a statement", not "... released Tuesday")."""
    phrase_object = object_of(token)
    last = max(token.i, phrase_object.i) if phrase_object is not None else token.right_edge.i
    return token.left_edge.i, last + 1


def extension(head: Token, child: Token) -> Optional[TokenRange]:
    """The part of a head's child that belongs in the cue span, or None.

    Mined rates say whether the child word is in gold cue spans ("also said",
    "called for") and whether its phrase core is ("said in a statement");
    unseen children fall back on the auxiliary/negation/particle rule.
    """
    for key in extension_keys(head, child):
        entry = MINED_CUES["extensions"].get(key)
        if entry:
            token_in, phrase_in, seen = entry
            if token_in * 2 < seen:
                return None
            return phrase_core(child) if phrase_in * 2 >= seen else (child.i, child.i + 1)
    return (child.i, child.i + 1) if child.dep_ in CUE_AUX_DEPS or child.dep_ == "prt" else None


def cue_range(token: Token) -> TokenRange:
    """The cue head grown by adjacent children that mined statistics put in cues, and a trailing colon."""
    doc = token.doc
    start, end = token.i, token.i + 1
    for child in reversed(list(token.lefts)):
        part = extension(token, child)
        if part is None or part[1] != start:
            break
        start = part[0]
    for child in token.rights:
        part = extension(token, child)
        if part is None or part[0] != end:
            break
        end = part[1]
    if end < len(doc) and doc[end].text == ":":
        end += 1
    return start, end


def according_to(token: Token) -> Optional[tuple[TokenRange, Optional[Token]]]:
    """'according to X': cue range and the source token X."""
    if token.lower_ != "according" or token.i + 1 >= len(token.doc):
        return None
    to = token.doc[token.i + 1]
    if to.lower_ != "to":
        return None
    objects = [c for c in to.children if c.dep_ == "pobj"] or [c for c in token.children if c.dep_ == "pobj"]
    return (token.i, token.i + 2), (objects[0] if objects else None)


def subject_of(token: Token) -> Optional[Token]:
    """The cue's source: its agent ("was criticized by X"), its subject, or a governor's subject."""
    for child in token.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    subjects = [c for c in token.children if c.dep_ in SUBJECT_DEPS]
    if subjects:
        # "KYIV (AP) - the minister said": of two subjects the parser found, the nearer one speaks.
        return max((c for c in subjects if c.i < token.i), key=lambda c: c.i, default=subjects[0])
    if token.dep_ == "relcl" and token.head.pos_ in ("NOUN", "PROPN", "PRON"):
        return token.head
    # "He spoke, saying ..." / "she wants to praise ...": a participle or infinitive
    # borrows the subject of the nearest governing clause that has one.
    governor = token
    for _ in range(MAX_GOVERNOR_HOPS):
        if governor.dep_ not in GOVERNOR_HOP_DEPS or governor.head is governor:
            break
        governor = governor.head
        subject = next((c for c in governor.children if c.dep_ == "nsubj" and (c.i < token.i or token.i < governor.i)), None)
        if subject is not None:
            return subject
    return inverted_subject(token)


def inverted_subject(token: Token) -> Optional[Token]:
    """'"...," added another Democrat': after a quotation the parser takes the speaker for an object."""
    before = token.i - 1
    if before > 0 and token.doc[before].text == ",":
        before -= 1
    if before < 0 or token.doc[before].text not in QUOTES:
        return None
    return next((c for c in token.children if c.dep_ == "dobj" and c.i > token.i), None)


def voice_key(token: Token) -> str:
    """Key of the mined sourceless-cue table: lemma and voice ("expect|passive")."""
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
    return f"{token.lemma_.lower()}|{'passive' if passive else 'active'}"


def is_sourceless(token: Token) -> tuple[bool, bool]:
    """Whether PolNeAR gives this kind of cue no source ("X is expected to ...", "X seems ..."),
    and if so whether its subject belongs to the content."""
    entry = MINED_CUES["sourceless"].get(voice_key(token))
    if not entry or any(c.dep_ == "agent" for c in token.children):
        return False, False
    no_source, subject_in_content, seen = entry
    return no_source * 2 > seen, subject_in_content * 2 > no_source


def noun_source(token: Token) -> Optional[Token]:
    """Source of a nominal cue: "Trump's claim", "accusations from Seoul", "claims by X"."""
    for child in token.children:
        if child.dep_ == "poss":
            return child
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects and objects[0].ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or (
                    objects and objects[0].pos_ == "PROPN"):
                return objects[0]
    if token.head.dep_ != "ROOT" or token.dep_ in ("dobj",):
        subject = subject_of(token.head) if token.dep_ == "dobj" else None
        if subject is not None:
            return subject
    return None


def source_range(token: Optional[Token]) -> Optional[TokenRange]:
    """The source's whole noun phrase: PolNeAR sources keep appositions and relative clauses,
    but not a focus adverb before them ("even"), a dateline or a trailing time phrase."""
    if token is None:
        return None
    doc = token.doc
    start, end = subtree_range(token, exclude=[c for c in token.children if is_time_phrase(c)])
    start, end = trim_punct(doc, start, end, keep_quotes=False)
    start = after_dateline(doc, start, end)
    while start < token.i and doc[start].lower_ in FOCUS_ADVERBS:
        start += 1
    if start >= end:
        return None
    following = doc[end].text if end < len(doc) else ""
    if following == ")" and "(" in doc[start:end].text:
        end += 1
    elif following in PARENTHETICAL_MARKS and any(t.text == following for t in doc[start:end]):
        # "X, a senator, said", "X — a teacher —": the mark closing the parenthesis is part of the source.
        end += 1
    return start, end


def is_time_phrase(child: Token) -> bool:
    """'on Monday', 'in June', 'Tuesday' attached to a source noun."""
    if child.dep_ in ("npadvmod", "nmod"):
        return child.ent_type_ in ("DATE", "TIME")
    phrase_object = object_of(child) if child.dep_ == "prep" else None
    return phrase_object is not None and phrase_object.ent_type_ in ("DATE", "TIME")


def after_dateline(doc: Doc, start: int, end: int) -> int:
    """Skip a dateline the parser attached to the source: 'RENO, Nev. (AP) — Donald Trump'."""
    for i in range(start + 1, min(end - 1, start + DATELINE_TOKENS)):
        if doc[i].text == ")" and doc[i + 1].text in DASHES:
            return i + 2
    return start


def is_quoted(doc: Doc, content: TokenRange) -> bool:
    return doc[content[0]].text in QUOTES and doc[content[1] - 1].text in QUOTES


def according_to_attribution(doc: Doc, token: Token, cue_tokens: TokenRange, source_token: Optional[Token],
                               quotes: list[TokenRange]) -> Optional[Attribution]:
    """'according to X, ...': the content is the governing clause without the 'according' phrase."""
    governor = token.head if token.head.i != token.i else token
    exclude = [token] if governor is not token else []
    start, end = subtree_range(governor, exclude=exclude)
    start, end = trim_punct(doc, max(start, token.sent.start), min(end, token.sent.end))
    if start >= end:
        return None
    content = widen_to_quotations(doc, (start, end), cue_tokens, quotes)
    return Attribution(cue_tokens, content, source_range(source_token), token.i)


def attribution_at(doc: Doc, token: Token, cue_tokens: TokenRange, quotes: list[TokenRange]) -> Optional[Attribution]:
    """The attribution whose cue is headed by ``token``, or None when no content can be found."""
    source_token = noun_source(token) if token.pos_ == "NOUN" else subject_of(token)
    source = source_range(source_token)
    sourceless, subject_in_content = is_sourceless(token)
    # A nominal cue's own "from"/"by"/possessive source is explicit, whatever the lemma's habit.
    if sourceless and not (token.pos_ == "NOUN" and source_token is not None and source_token.head.head == token):
        source = None
    content = clause_content(token, cue_tokens, source) or adjacent_quotation(doc, cue_tokens, source, quotes)
    if content is None:
        return None
    if subject_in_content and source_token is not None and source_token.i < content[0]:
        content = (subtree_range(source_token)[0], content[1])
    content = widen_to_quotations(doc, content, cue_tokens, quotes)
    return Attribution(cue_tokens, content, source, token.i)


def find_attributions(doc: Doc, threshold: float) -> list[Attribution]:
    """Every attribution in the doc, in text order, on cues the mined table accepts."""
    found: list[Attribution] = []
    quoted = quoted_mask(doc)
    quotes = quote_spans(doc)
    for token in doc:
        according = according_to(token)
        if according is not None:
            attribution = according_to_attribution(doc, token, according[0], according[1], quotes)
        elif is_cue_candidate(token, threshold, quoted[token.i]):
            attribution = attribution_at(doc, token, cue_range(token), quotes)
        else:
            continue
        if attribution is not None:
            found.append(attribution)
    return found
