"""Small helpers over spaCy tokens and character spans."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # only annotations here: the ledger uses the quote marks without importing spaCy
    from spacy.tokens import Doc, Token

OPEN_QUOTES = "\"“‘'«"
CLOSE_QUOTES = "\"”’'»"
QUOTES = set(OPEN_QUOTES + CLOSE_QUOTES) | {"``", "''"}  # spaCy keeps doubled marks as one token
EDGE_PUNCT = {",", ";", ":", "—", "–", "-", "--", "(", ")", "."}


def char_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Character offsets of tokens [start, end)."""
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def trim_punct(doc: Doc, start: int, end: int, keep_quotes: bool = True) -> tuple[int, int]:
    """Drop punctuation and spaces at both edges of a token range."""
    while start < end and (doc[start].is_space or (doc[start].text in EDGE_PUNCT)
                           or (not keep_quotes and doc[start].text in QUOTES)):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].text in EDGE_PUNCT
                           or (not keep_quotes and doc[end - 1].text in QUOTES)):
        end -= 1
    return start, end


def subtree_range(token: Token, exclude: Iterable[Token] = ()) -> tuple[int, int]:
    """Contiguous range of a token's subtree, cut before any excluded token."""
    excluded = {t.i for e in exclude for t in e.subtree}
    left, right = token.i, token.i + 1
    while left - 1 >= token.left_edge.i and (left - 1) not in excluded:
        left -= 1
    while right <= token.right_edge.i and right not in excluded:
        right += 1
    return left, right


def quote_spans(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of quotations, marks included.

    Straight marks (" and '') both open and close; a quotation still open at
    a line break ends there (a quote running on into the next paragraph
    leaves its first paragraph unclosed).
    """
    spans = []
    opened = None
    for token in doc:
        if "\n" in token.text:
            if opened is not None:
                spans.append((opened, token.i))
                opened = None
        elif token.text in ("“", "``") or (token.text in ('"', "''") and opened is None):
            if opened is not None:
                spans.append((opened, token.i))
            opened = token.i
        elif token.text in ("”", '"', "''") and opened is not None:
            spans.append((opened, token.i + 1))
            opened = None
    if opened is not None:
        spans.append((opened, len(doc)))
    return spans


def quoted_mask(doc: Doc) -> list[bool]:
    """For each token, whether it lies inside quotation marks."""
    mask = [False] * len(doc)
    for start, end in quote_spans(doc):
        for i in range(start + 1, end):
            mask[i] = doc[i].text not in QUOTES
    return mask
