"""A claim's wording: a member's content read as a proposition, without what belongs to the report
around it (a leading "that", the attribution "the agency said", a cue and speaker between two
quotations, a source name the span ran into, a judgement of the claim such as "... are not supported
by anything we have seen"), in sentence case; and how badly a content reads
alone, so that a claim is named by the member that reads best; and whether a text stands as a sentence."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ..extraction.spans import CLOSE_QUOTES, OPEN_QUOTES, QUOTES

OPEN_DOUBLE, CLOSE_DOUBLE = '"“«', '"”»'  # single marks double as apostrophes ("Korea’s"): not these
DOUBLE = '"“”«»'

REPORTING = (r"(?:said|says|say|told(?:\s+\w+)?|tells|added|adds|stated|announced|reported|claimed|wrote|posted|"
             r"tweeted|insisted|warned|confirmed|noted|explained|argued|asserted|stressed|acknowledged|alleged)")
WHEN = r"(?:\s+(?:on|in|at|late|early|earlier|later|this|last|yesterday|today)\b[^,.;:]{0,40})?"
# ", the agency said (on Friday)(, as ...)" and ", according to ..." end a content: what follows is the report's.
TRAILING_ATTRIBUTION = re.compile(rf",\s+(?:according\s+to\s|[^,;:{DOUBLE}]{{1,60}}?\s{REPORTING}\b{WHEN}"
                                  rf"\s*(?:[,.;:]|$)).*$", re.IGNORECASE | re.DOTALL)
# "Pyongyang, he said, should ..." -> "Pyongyang should ..."
MIDDLE_ATTRIBUTION = re.compile(rf",\s+(?:he|she|they|it|we|[A-Z][\w.\-]*)\s+{REPORTING}{WHEN},\s*")
# '"A," the official said. "B."' and '"A," he said, "b."': one speaker's two quotations, joined.
SPLIT_QUOTATION = re.compile(rf"^[{OPEN_DOUBLE}](?P<first>[^{DOUBLE}]+?)[,.]?[{CLOSE_DOUBLE}]\s*,?\s*"
                             rf"[^{DOUBLE}]{{0,80}}?\b{REPORTING}\b[^{DOUBLE}]{{0,120}}?(?P<stop>[.,])\s*"
                             rf"[{OPEN_DOUBLE}](?P<second>[^{DOUBLE}]+)[{CLOSE_DOUBLE}]$", re.IGNORECASE)
# "2024-11-04 BRATOVA: ..." and "SEOUL — ...": the report's dateline, not the claim's.
DATELINE = re.compile(r"^(?:\d{4}-\d{2}-\d{2}\s+)?[A-Z][A-Z.'\-]+(?:\s[A-Z][A-Z.'\-]+)*(?:\s*\([^)]{1,30}\))?"
                      r"\s*(?::|—|–|\s-)\s+")
# "The National Intelligence Service (NIS) said the figure ...": a named source and its cue ahead of the content.
NAME_WORD = r"(?:[A-Z][\w’'.\-]*|the|of|for|\([A-Z]{2,}\))"
LEADING_ATTRIBUTION = re.compile(rf"^{NAME_WORD}(?:\s+{NAME_WORD})*\s+(?:said|says|told\s+\w+)\s+(?:that\s+)?"
                                 r"(?!(?:it|he|she|they|we|I)\b)(?=[A-Za-z“\"])")  # "X said it ...": keep X
# What was left of "told Vice Foreign Minister Kim Hong-kyun that ...", "citing an unnamed employee, that ...".
LEADING_ADDRESSEE = re.compile(r"^(?:(?:[A-Z][\w’'.\-]*\s+){2,7}|(?:[Aa]n?|[Tt]he)\s+[^,]{1,50},\s+)that\s+(?=\S)")
TRAILING_NAME = re.compile(r",\s+(?:[A-Z][\w.\-]*(?:[’']s)?\s?){1,8}$")  # ", South Korea's Spy Agency"
# "... are not supported by anything we have seen", "... is false": a judgement of a reported claim that the
# span ran into (its report noun lost), not part of the claim.
JUDGEMENT = re.compile(r"\s+(?:are|is|were|was)\s+(?:not\s+(?:supported|true|accurate|confirmed|backed)|false|untrue|"
                       r"unfounded|baseless|groundless|unverified|unconfirmed|fabricated|a\s+hoax|nonsense|rubbish)\b.*$",
                       re.IGNORECASE | re.DOTALL)
MIN_JUDGED_WORDS = 4  # what is left must still state something
NO_SUBJECT = {"has", "have", "had", "is", "are", "was", "were", "will", "would", "could", "should", "may", "might",
              "can", "to", "not", "and", "but", "or", "also", "been", "be"}
SUBJECT_PRONOUNS = {"it", "he", "she", "they"}
POSSESSIVE_PRONOUNS = {"its", "his", "her", "their"}
EXPLETIVE = re.compile(r"(?:seems|seemed|appears|appeared|is\s+(?:likely|unlikely|unclear|possible|not\s+clear)|"
                       r"was\s+(?:unclear|not\s+clear)|may\s+be\s+that|remains)\b", re.IGNORECASE)
# A speaker that can stand as a subject: a short name or description, no clause or pronoun.
SPEAKER_NAME = re.compile(r"^(?!(?:he|she|it|they|we|i|you|who|which)\b)[A-Za-z][\w’'.\-]*(?:\s+[\w’'.\-()]+){0,5}$",
                          re.IGNORECASE)
PRONOUNS = {"it", "he", "she", "they", "we", "i", "you", "this", "that", "these", "those", "them", "his", "her", "its"}


def proposition(content: str, speaker: Optional[str] = None) -> str:
    """The content as a claim's text (see the module's docstring), its pronoun subject named
    (``with_speaker_named``)."""
    return with_speaker_named(worded(content), speaker)


def worded(content: str) -> str:
    text = DATELINE.sub("", " ".join(content.split()))
    text = LEADING_ATTRIBUTION.sub("", text) or text
    text = LEADING_ADDRESSEE.sub("", text) or text
    if text.lower().startswith("that "):
        text = text[5:]
    joined = SPLIT_QUOTATION.match(text)
    if joined:
        first, second = joined["first"].strip(), joined["second"].strip()
        text = f"{first}, {second}" if joined["stop"] == "," and second[:1].islower() else f"{first}. {second}"
    text = MIDDLE_ATTRIBUTION.sub(" ", text)
    text = TRAILING_ATTRIBUTION.sub("", text) or text
    judged = JUDGEMENT.sub("", text)
    text = judged if len(judged.split()) >= MIN_JUDGED_WORDS else text
    if text.count("(") > text.count(")"):  # the span ran into its source: "..., the Service (NIS"
        text = text[:text.rindex("(")].rstrip()
        text = TRAILING_NAME.sub("", text)
    text = text.strip().rstrip(",;:").strip()
    inner = text[1:-1]
    if len(text) > 2 and text[0] in OPEN_QUOTES and text[-1] in CLOSE_QUOTES and not any(q in inner for q in QUOTES):
        text = inner.strip().rstrip(",;:").strip()
    text = re.sub(r",([\"”])$", r"\1", unmatched_quote_removed(text))  # 'expected "soon,"'
    first = 1 if text[:1] in OPEN_DOUBLE else 0  # sentence case, after an opening quotation mark too
    return text[:first] + text[first:first + 1].upper() + text[first + 1:]


def with_speaker_named(text: str, speaker: Optional[str]) -> str:
    """A text opening on a third-person pronoun ("It was looking into the reports", "Its inspectors had
    traced ...") as reported of a named speaker, who is what the pronoun stands for in "the Pentagon said
    it was looking into ...", with the speaker named; an expletive "it" ("It seems ...") stays."""
    name = (speaker or "").split(",")[0].strip(" ;:")  # "Gheorghe Ilie, 64, who has fished ..."
    if not SPEAKER_NAME.match(name):
        return text
    name = name[:1].upper() + name[1:]
    first, _, rest = text.partition(" ")
    word = first.lower()
    if rest and word in SUBJECT_PRONOUNS and not (word == "it" and EXPLETIVE.match(rest)):
        return f"{name} {rest}"
    if rest and word in POSSESSIVE_PRONOUNS:
        return f"{name}’s {rest}"
    return text


def unmatched_quote_removed(text: str) -> str:
    """Drop a double quotation mark left open at the start, or closed at the end, with no partner."""
    opens, closes, straight = text.count("“") + text.count("«"), text.count("”") + text.count("»"), text.count('"')
    if text[:1] in OPEN_DOUBLE and (opens > closes or (text[0] == '"' and straight % 2)):
        return text[1:].lstrip()
    if text[-1:] in CLOSE_DOUBLE and (closes > opens or (text[-1] == '"' and straight % 2)):
        return text[:-1].rstrip()
    return text


def reads_badly(content: str, speaker: Optional[str] = None) -> float:
    """How much a content needs the report around it to make sense: it opens on a pronoun ("It had
    seen ..." where no speaker names it), lacks a subject ("Has decided to ...", "To send ..."), or is
    cut off mid-bracket."""
    words = proposition(content, speaker).split(" ", 1)
    first = words[0].lower().strip(",") if words[0] else ""
    penalty = 0.5 if first in PRONOUNS or first in NO_SUBJECT else 0.0
    if content.count("(") != content.count(")"):
        penalty += 0.3
    return penalty


SUBJECTS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
UNRESOLVED_PRONOUNS = SUBJECT_PRONOUNS | {"him", "them", "this", "that", "these", "those"}


@lru_cache(maxsize=4096)
def reads_as_sentence(text: str) -> bool:
    """Whether a text stands alone as a sentence: its first sentence has a finite verb at its root with a
    subject that is no third-person pronoun ("It was looking ...", "he had obtained ..."; an expletive
    "It seems ..." is one), and it opens on neither a
    question word nor a bare infinitive or gerund ("How he ...", "To comment ...", "Sending troops ...")."""
    from ..extraction.pipeline import parse  # spaCy loads only where titles are chosen: reading a ledger needs none

    if not text or text.count("(") != text.count(")"):
        return False
    sentence = next(parse(text).sents)
    root = sentence.root
    if root.pos_ not in ("VERB", "AUX") or sentence[0].tag_ in ("WRB", "WP", "WDT", "VBG", "TO"):
        return False
    subjects = [child for child in root.children if child.dep_ in SUBJECTS]
    finite = [token for token in (root, *root.children) if token is root or token.dep_ in ("aux", "auxpass")]
    if not subjects or not any("Fin" in token.morph.get("VerbForm") for token in finite):
        return False
    subject = subjects[0]
    # "We", "I", "everything" stand in a quotation; "he", "it", "they" need what they stand for.
    unresolved = subject.lower_ in UNRESOLVED_PRONOUNS and subject.dep_ != "expl"
    return not unresolved or (subject.lower_ == "it" and bool(EXPLETIVE.match(text[subject.idx + 2:].lstrip())))
