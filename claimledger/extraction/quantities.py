"""Quantities with their counted noun and an approximation flag.

"approximately 12,000 special forces" -> value 12000, approximate, unit
"special forces".  Markers such as "about", "some", "nearly", "more than"
and "up to" (``approximate_markers`` in words.json) set the flag.
"""

from __future__ import annotations

import re
from typing import Optional

from spacy.tokens import Doc, Span, Token

from ..lexicon import APPROXIMATE_MARKERS, NUMBER_WORDS, SCALE_WORDS
from ..schema import Quantity

QUANTITY_LABELS = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MAX_MARKER_TOKENS = 3


def parse_value(span: Span) -> Optional[float]:
    """Numeric value of a quantity's words: '12,000' -> 12000, '1.5 million' -> 1.5e6, 'two' -> 2."""
    value: Optional[float] = None
    for token in span:
        word = token.lower_
        if NUMBER.fullmatch(word):
            number = float(word.replace(",", "")) if word.count(",") or "." not in word else float(word)
            value = number if value is None else value * number
        elif word in SCALE_WORDS and value is not None:
            value *= SCALE_WORDS[word]
        elif word in NUMBER_WORDS:
            value = NUMBER_WORDS[word] if value is None else value * NUMBER_WORDS[word]
    return value


def marker_before(doc: Doc, start: int) -> tuple[Optional[str], int]:
    """An approximation marker ending just before token `start`, and where it begins."""
    for size in range(MAX_MARKER_TOKENS, 0, -1):
        if start - size < 0:
            continue
        words = " ".join(t.lower_ for t in doc[start - size:start])
        if words in APPROXIMATE_MARKERS:
            return words, start - size
    return None, start


def marker_inside(span: Span) -> tuple[Optional[str], int]:
    """A marker at the start of the entity itself ("about 1,500")."""
    lowered = span.text.lower()
    for marker in APPROXIMATE_MARKERS:
        if lowered.startswith(marker + " "):
            return marker, span.start + len(marker.split())
    return None, span.start


def counted_noun(span: Span) -> Optional[str]:
    """The noun a number counts, with its modifiers: '12,000 special forces' -> 'special forces'."""
    numbers = [t for t in span if t.like_num]
    if not numbers:
        return None
    number = numbers[-1]
    inside = [t for t in span[number.i - span.start + 1:] if t.pos_ in ("NOUN", "PROPN")]
    if inside:
        # QUANTITY entities carry their unit: "40 tonnes".
        return span.doc[inside[0].i:inside[-1].i + 1].text
    head: Token = number.head
    if number.dep_ not in ("nummod", "quantmod", "compound") or head.pos_ not in ("NOUN", "PROPN"):
        following = [t for t in span.doc[span.end:span.end + 1] if t.pos_ == "NOUN"]
        if not following:
            return None
        head = following[0]
    modifiers = [t for t in head.lefts if t.dep_ in ("amod", "compound") and t.i > number.i]
    start = min([t.i for t in modifiers] + [head.i])
    return span.doc[start:head.i + 1].text


def find_quantities(doc: Doc) -> list[Quantity]:
    found: list[Quantity] = []
    for ent in doc.ents:
        if ent.label_ not in QUANTITY_LABELS:
            continue
        marker, number_start = marker_inside(ent)
        start = ent.start
        if marker is None:
            marker, start = marker_before(doc, ent.start)
        numbers = doc[number_start:ent.end]
        span = doc[start:ent.end]
        found.append(Quantity(value=parse_value(numbers), approximate=marker is not None, qualifier=marker,
                              unit=counted_noun(ent), text=span.text, span=(span.start_char, span.end_char)))
    return found
