"""The content of an attribution: what the source said, thought or wants.

The content is read off the parse (the cue's complement clause, the object
of a preposition, or the clause a parenthetical cue interrupts), with mined
statistics choosing which children carry it, and then widened to whole
quotations, since PolNeAR contents take in quotation marks and the scorer
merges a quote split around "he said".
"""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Doc, Token

from ..lexicon import MINED_CUES
from .spans import QUOTES, subtree_range, trim_punct

TokenRange = tuple[int, int]
COMPLEMENT_DEPS = {"ccomp", "xcomp", "dobj", "attr", "oprd", "dative", "acomp"}
NOUN_CLAUSE_DEPS = {"acl"}  # "accusations that ...": a noun's content clause
CLAUSE_DEPS = {"ccomp", "xcomp"}
PARENTHETICAL_DEPS = {"parataxis", "advcl", "conj"}
CONTINUATION_MARKS = {".", "!", "?", ",", ":", ";"}


def complement_keys(cue: Token, child: Token) -> tuple[str, str]:
    """Keys of the mined content-children table: lemma and dependency, with the word for prepositions."""
    relation = f"{child.dep_}|{child.lower_}" if child.dep_ == "prep" else child.dep_
    return f"{cue.lemma_.lower()}|{relation}", relation


def holds_content(cue: Token, child: Token, unseen: bool = True) -> bool:
    """Whether this child of a cue carries its content ("told [CNN] that [...]"),
    by mined rates; children never seen around cues get ``unseen``."""
    for key in complement_keys(cue, child):
        entry = MINED_CUES["complements"].get(key)
        if entry:
            return entry[0] * 2 >= entry[1]
    return unseen


def clause_content(cue: Token, cue_tokens: TokenRange, source: Optional[TokenRange]) -> Optional[TokenRange]:
    """The content: complement clause, or the clause the cue interrupts."""
    doc = cue.doc
    deps = COMPLEMENT_DEPS | NOUN_CLAUSE_DEPS if cue.pos_ == "NOUN" else COMPLEMENT_DEPS
    complements = [c for c in cue.children if c.dep_ in deps and c.i >= cue_tokens[1] - 1
                   and holds_content(cue, c)]
    if complements:
        # "portrayed Sanders [as ...]", "thanked supporters [for ...]": a phrase mined as content joins the object.
        complements += [c for c in cue.children if c.dep_ == "prep" and c.i > complements[0].i
                        and holds_content(cue, c, unseen=False)]
    left_clauses = [c for c in cue.children if c.dep_ in CLAUSE_DEPS and c.i < cue_tokens[0]]
    if left_clauses:
        complements = left_clauses + [c for c in complements if c.dep_ in CLAUSE_DEPS]
    if not complements:
        # "called for [X]": the object of a preposition the cue span took in.
        complements = [g for c in cue.children if c.dep_ == "prep" and cue_tokens[0] <= c.i < cue_tokens[1]
                       for g in c.children if g.dep_ in ("pobj", "pcomp") and g.i >= cue_tokens[1]]
    if not complements:
        # "made no statements about X": the parser often hangs "about X" on the verb, not the noun.
        holders = [cue, cue.head] if cue.pos_ == "NOUN" and cue.dep_ == "dobj" else [cue]
        prepositional = [c for holder in holders for c in holder.children if c.dep_ == "prep"
                         and c.i >= cue_tokens[1] and any(g.dep_ in ("pobj", "pcomp") for g in c.children)
                         and holds_content(cue, c)]
        complements = prepositional[:1]
    if complements:
        spans = [subtree_range(c) for c in complements]
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
    elif cue.dep_ in PARENTHETICAL_DEPS and cue.head.pos_ in ("VERB", "AUX") and cue.head.i != cue.i:
        # "A, he said, B": the whole clause, the cue inside (the scorer merges the two parts);
        # "A, he said." or "He said, A": only the side the clause lies on.
        sentence = cue.sent
        start, end = max(cue.head.left_edge.i, sentence.start), min(cue.head.right_edge.i + 1, sentence.end)
        aside_start, aside_end = cue.left_edge.i, cue.right_edge.i + 1
        if all(t.is_punct or t.is_space for t in doc[aside_end:end]):
            end = aside_start
        if all(t.is_punct or t.is_space for t in doc[start:aside_start]):
            start = aside_end
    else:
        return None
    # The content never reaches over the cue: a cue at its edge is cut off;
    # a cue it surrounds stays inside, since the scorer merges split contents.
    if cue_tokens[0] <= start < cue_tokens[1]:
        start = cue_tokens[1]
    if cue_tokens[0] < end <= cue_tokens[1]:
        end = cue_tokens[0]
    if source is not None and source[0] <= start < source[1]:
        start = source[1]
    if source is not None and source[0] < end <= source[1]:
        end = source[0]
    start, end = trim_punct(doc, start, end)
    return (start, end) if start < end else None


def adjacent_quotation(doc: Doc, cue_tokens: TokenRange, source: Optional[TokenRange],
                       quotes: list[TokenRange]) -> Optional[TokenRange]:
    """A quotation right before the cue ('"...," he said') or right after it ('said: "..."').

    Only punctuation, spaces and the source may lie between them.
    """
    def only_filler(start: int, end: int) -> bool:
        return all(doc[i].is_punct or doc[i].is_space or (source is not None and source[0] <= i < source[1])
                   for i in range(start, end))

    before = next((q for q in reversed(quotes) if q[1] <= cue_tokens[0]), None)
    if before is not None and only_filler(before[1], cue_tokens[0]):
        return before
    after = next((q for q in quotes if q[0] >= cue_tokens[1]), None)
    if after is not None and only_filler(cue_tokens[1], after[0]):
        return after
    return None


def widen_to_quotations(doc: Doc, content: TokenRange, cue_tokens: TokenRange,
                        quotes: list[TokenRange]) -> TokenRange:
    """Content touching a quotation takes all of it, marks included, as PolNeAR does.

    '"A," he said. "B."': a quotation that resumes right after the cue's
    sentence continues the same content (the scorer merges the two parts).
    """
    start, end = content
    touched = [q for q in quotes if q[0] < end and start < q[1]]
    if not touched:
        return content
    start, end = min(start, touched[0][0]), max(end, touched[-1][1])
    if end <= cue_tokens[0]:
        resume = doc[cue_tokens[0]].sent.end
        while resume < len(doc) and doc[resume].is_space and "\n" not in doc[resume].text:
            resume += 1
        # '"A," he said, "B"' too; and the parser often ends the cue's sentence after the next opening mark.
        following = next((q for q in quotes if q[0] == resume or (
            cue_tokens[1] <= q[0] < resume and doc[q[0] - 1].text in CONTINUATION_MARKS)), None)
        # A quotation in the next paragraph is a new one, even where the parser runs the sentence on.
        if following is not None and not any("\n" in doc[i].text for i in range(cue_tokens[1], following[0])):
            end = following[1]
    return start, run_on_quotation_end(doc, end, quotes)


def run_on_quotation_end(doc: Doc, end: int, quotes: list[TokenRange]) -> int:
    """A quotation left open at a paragraph's end goes on in the next paragraph's opening quotation."""
    while end < len(doc) and doc[end - 1].text not in QUOTES and "\n" in doc[end].text:
        following = next((q for q in quotes if q[0] == end + 1), None)
        if following is None:
            break
        end = following[1]
    return end
