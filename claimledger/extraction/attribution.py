"""Find attributions in a parsed Doc: a cue, its source and its content.

Each attribution is anchored on a cue token (a reporting verb such as "said",
a nominal cue such as "accusations", or "according to").  The source is read
from the cue's subject (or "by"/"from"/possessive phrase), the content from
its complement clause, or, for parenthetical cues ("..., sources said"), from
the clause the cue interrupts.  Which lemmas act as cues is data: the hand
lists in ``words.json`` and the PolNeAR-mined table ``cues_polnear.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Doc, Span, Token

from ..lexicon import CUE_NOUNS, CUE_VERBS, MINED_CUES
from .spans import CLOSE_QUOTES, OPEN_QUOTES, QUOTES, quoted_mask, subtree_range, trim_punct

TokenRange = tuple[int, int]
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
COMPLEMENT_DEPS = {"ccomp", "xcomp", "dobj", "attr", "oprd", "dative", "acomp"}
CLAUSE_DEPS = {"ccomp", "xcomp"}
CUE_AUX_DEPS = {"aux", "auxpass", "neg"}
PARENTHETICAL_DEPS = {"parataxis", "advcl", "conj"}
OBJECT_DEPS = {"dobj", "attr", "oprd", "dative", "acomp"}
NONRESTRICTIVE_DEPS = {"appos", "relcl", "acl"}
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


def is_cue_candidate(token: Token, threshold: float, quoted: bool) -> bool:
    """The mined table decides; the hand lists cover only lemmas train never saw as cues."""
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
    for child in token.children:
        if child.dep_ in SUBJECT_DEPS:
            return child
    for child in token.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    # "..., he said, adding that ...": the participle borrows its governor's subject.
    if token.dep_ in ("advcl", "xcomp", "conj") and token.head is not token:
        for child in token.head.children:
            if child.dep_ in ("nsubj",) and child.i < token.i:
                return child
    if token.dep_ == "relcl" and token.head.pos_ in ("NOUN", "PROPN", "PRON"):
        return token.head
    return None


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
    """The source's whole noun phrase: PolNeAR sources keep appositions and relative clauses."""
    if token is None:
        return None
    doc = token.doc
    start, end = trim_punct(doc, *subtree_range(token), keep_quotes=False)
    if start >= end:
        return None
    following = doc[end].text if end < len(doc) else ""
    if following == ")" and "(" in doc[start:end].text:
        end += 1
    elif following == "," and doc[end].head.i in range(start, end) and any(
            c.dep_ in NONRESTRICTIVE_DEPS for c in token.children):
        # "X, a senator, said": the comma closing the apposition is part of the source.
        end += 1
    return start, end


def clause_content(cue: Token, cue_tokens: TokenRange, source: Optional[TokenRange]) -> Optional[TokenRange]:
    """The content: complement clause, or the clause the cue interrupts."""
    doc = cue.doc
    complements = [c for c in cue.children if c.dep_ in COMPLEMENT_DEPS and c.i >= cue_tokens[1] - 1]
    left_clauses = [c for c in cue.children if c.dep_ in CLAUSE_DEPS and c.i < cue_tokens[0]]
    if left_clauses:
        complements = left_clauses + [c for c in complements if c.dep_ in CLAUSE_DEPS]
    if not complements:
        prepositional = [c for c in cue.children if c.dep_ == "prep" and c.i >= cue_tokens[1]
                         and any(g.dep_ in ("pobj", "pcomp") for g in c.children)]
        complements = prepositional[:1]
    if complements:
        spans = [subtree_range(c) for c in complements]
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
    elif cue.dep_ in PARENTHETICAL_DEPS and cue.head.pos_ in ("VERB", "AUX") and cue.head.i != cue.i:
        sentence = cue.sent
        start, end = subtree_range(cue.head, exclude=[cue])
        start, end = max(start, sentence.start), min(end, sentence.end)
    else:
        return None
    if source is not None and start < source[1] <= end and source[0] >= start:
        # Source inside the content range: keep the larger side away from the source.
        if source[0] - start >= end - source[1]:
            end = source[0]
        else:
            start = source[1]
    if start < cue_tokens[1] <= end and cue_tokens[0] >= start:
        if cue_tokens[0] - start >= end - cue_tokens[1]:
            end = cue_tokens[0]
        else:
            start = cue_tokens[1]
    start, end = trim_punct(doc, start, end)
    return extend_to_quotes(doc, start, end) if start < end else None


def extend_to_quotes(doc: Doc, start: int, end: int) -> TokenRange:
    """Take in the quotation marks (and a comma inside them) around a quote."""
    if start > 0 and doc[start - 1].text in OPEN_QUOTES:
        start -= 1
        probe = end
        while probe < len(doc) and probe < end + 2 and doc[probe].text in {",", ".", "?", "!"}:
            probe += 1
        if probe < len(doc) and doc[probe].text in CLOSE_QUOTES:
            end = probe + 1
    elif doc[start].text in OPEN_QUOTES and doc[end - 1].text not in CLOSE_QUOTES:
        probe = end
        while probe < len(doc) and probe < end + 2 and doc[probe].text in {",", ".", "?", "!"}:
            probe += 1
        if probe < len(doc) and doc[probe].text in CLOSE_QUOTES:
            end = probe + 1
    return start, end


def is_quoted(doc: Doc, content: TokenRange) -> bool:
    return doc[content[0]].text in QUOTES and doc[content[1] - 1].text in QUOTES


def find_attributions(doc: Doc, threshold: float) -> list[Attribution]:
    """Every attribution in the doc, in text order."""
    found: list[Attribution] = []
    quoted = quoted_mask(doc)
    for token in doc:
        according = according_to(token)
        if according is not None:
            cue_tokens, source_token = according
            governor = token.head if token.head.i != token.i else token
            exclude = [token] if governor is not token else []
            start, end = subtree_range(governor, exclude=exclude)
            start, end = trim_punct(doc, max(start, token.sent.start), min(end, token.sent.end))
            if start < end:
                found.append(Attribution(cue_tokens, (start, end), source_range(source_token), token.i))
            continue
        if not is_cue_candidate(token, threshold, quoted[token.i]):
            continue
        cue_tokens = cue_range(token)
        source_token = noun_source(token) if token.pos_ == "NOUN" else subject_of(token)
        source = source_range(source_token)
        content = clause_content(token, cue_tokens, source)
        if content is None:
            continue
        found.append(Attribution(cue_tokens, content, source, token.i))
    return found


def sentence_of(doc: Doc, index: int) -> Span:
    return doc[index].sent
