"""A claim's wording: a member's content read as a proposition, without what belongs to the report
around it (a leading "that", the attribution "the agency said", a cue and speaker between two
quotations, a source name the span ran into, a judgement of the claim such as "... are not supported
by anything we have seen"), in sentence case; and how badly a content reads
alone, so that a claim is named by the member that reads best."""

from __future__ import annotations

import re

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
TRAILING_NAME = re.compile(r",\s+(?:[A-Z][\w.\-]*(?:[’']s)?\s?){1,8}$")  # ", South Korea's Spy Agency"
# "... are not supported by anything we have seen", "... is false": a judgement of a reported claim that the
# span ran into (its report noun lost), not part of the claim.
JUDGEMENT = re.compile(r"\s+(?:are|is|were|was)\s+(?:not\s+(?:supported|true|accurate|confirmed|backed)|false|untrue|"
                       r"unfounded|baseless|groundless|unverified|unconfirmed|fabricated|a\s+hoax|nonsense|rubbish)\b.*$",
                       re.IGNORECASE | re.DOTALL)
MIN_JUDGED_WORDS = 4  # what is left must still state something
NO_SUBJECT = {"has", "have", "had", "is", "are", "was", "were", "will", "would", "could", "should", "may", "might",
              "can", "to", "not", "and", "but", "or", "also", "been", "be"}
PRONOUNS = {"it", "he", "she", "they", "we", "i", "you", "this", "that", "these", "those", "them", "his", "her", "its"}


def proposition(content: str) -> str:
    """The content as a claim's text (see the module's docstring)."""
    text = DATELINE.sub("", " ".join(content.split()))
    text = LEADING_ATTRIBUTION.sub("", text) or text
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


def unmatched_quote_removed(text: str) -> str:
    """Drop a double quotation mark left open at the start, or closed at the end, with no partner."""
    opens, closes, straight = text.count("“") + text.count("«"), text.count("”") + text.count("»"), text.count('"')
    if text[:1] in OPEN_DOUBLE and (opens > closes or (text[0] == '"' and straight % 2)):
        return text[1:].lstrip()
    if text[-1:] in CLOSE_DOUBLE and (closes > opens or (text[-1] == '"' and straight % 2)):
        return text[:-1].rstrip()
    return text


def reads_badly(content: str) -> float:
    """How much a content needs the report around it to make sense: it opens on a pronoun ("It had
    seen ..."), lacks a subject ("Has decided to ...", "To send ..."), or is cut off mid-bracket."""
    words = proposition(content).split(" ", 1)
    first = words[0].lower().strip(",") if words[0] else ""
    penalty = 0.5 if first in PRONOUNS or first in NO_SUBJECT else 0.0
    if content.count("(") != content.count(")"):
        penalty += 0.3
    return penalty
