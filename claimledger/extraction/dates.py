"""Date expressions resolved against the article's publication date.

Weekdays resolve to the most recent such day on or before the publication
date ("on Monday" in a Tuesday article is the day before; wire style uses
"on Tuesday" for the dateline's own day), "next Monday" to the following one.
Values keep the precision the text gives: YYYY, YYYY-MM or YYYY-MM-DD.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional

from spacy.tokens import Doc

from ..lexicon import MONTHS, WEEKDAYS
from ..schema import DateMention

MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
MONTH_WORD = rf"(?P<month>(?:{MONTH_NAMES})[a-z]*)\.?"
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MONTH_DAY = re.compile(rf"\b{MONTH_WORD}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?\b", re.I)
DAY_MONTH = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_WORD}(?:,?\s+(?P<year>\d{{4}}))?\b", re.I)
MONTH_YEAR = re.compile(rf"\b{MONTH_WORD}(?:\s+of)?\s+(?P<year>\d{{4}})\b", re.I)
MONTH_ONLY = re.compile(rf"^(?:in\s+|early\s+|late\s+|mid-?)?{MONTH_WORD}$", re.I)
YEAR = re.compile(r"^(?:in\s+)?(?P<year>(?:19|20)\d{2})$")
WEEKDAY = re.compile(r"\b(?P<which>last|next|this|on)?\s*(?P<day>" + "|".join(WEEKDAYS) + r")\b", re.I)
RELATIVE_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0, "this morning": 0}


def month_number(word: str) -> Optional[int]:
    word = word.lower().rstrip(".")
    for key in (word[:4], word[:3]):
        if key in MONTHS:
            return MONTHS[key]
    return None


def safe_date(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def resolve_date(text: str, published: Optional[date]) -> Optional[str]:
    """ISO value of a date expression, or None when it cannot be pinned down."""
    cleaned = text.strip().lower()
    if match := ISO.search(text):
        found = safe_date(*map(int, match.groups()))
        return found.isoformat() if found else None
    for pattern in (MONTH_DAY, DAY_MONTH):
        if match := pattern.search(text):
            month = month_number(match.group("month"))
            year = int(match.group("year")) if match.group("year") else (published.year if published else None)
            if month is None or year is None:
                return None
            found = safe_date(year, month, int(match.group("day")))
            return found.isoformat() if found else None
    if match := MONTH_YEAR.search(text):
        month = month_number(match.group("month"))
        return f"{int(match.group('year')):04d}-{month:02d}" if month else None
    if match := MONTH_ONLY.match(cleaned):
        month = month_number(match.group("month"))
        if month is None or published is None:
            return None
        year = published.year if month <= published.month else published.year - 1
        return f"{year:04d}-{month:02d}"
    if match := YEAR.match(cleaned):
        return match.group("year")
    if published is None:
        return None
    if cleaned in RELATIVE_DAYS:
        return (published + timedelta(days=RELATIVE_DAYS[cleaned])).isoformat()
    if match := WEEKDAY.search(cleaned):
        target = WEEKDAYS[match.group("day").lower()]
        if (match.group("which") or "").lower() == "next":
            ahead = (target - published.weekday()) % 7 or 7
            return (published + timedelta(days=ahead)).isoformat()
        back = (published.weekday() - target) % 7
        if (match.group("which") or "").lower() == "last" and back == 0:
            back = 7
        return (published - timedelta(days=back)).isoformat()
    return None


def parse_iso(value: Optional[str]) -> Optional[date]:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def find_dates(doc: Doc, published: Optional[str]) -> list[DateMention]:
    """Every DATE entity (and bare weekday the tagger missed) with its value."""
    base = parse_iso(published)
    found: list[DateMention] = []
    covered: set[int] = set()
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        found.append(DateMention(text=ent.text, value=resolve_date(ent.text, base),
                                 span=(ent.start_char, ent.end_char)))
        covered.update(range(ent.start, ent.end))
    for token in doc:
        if token.i not in covered and token.lower_ in WEEKDAYS:
            found.append(DateMention(text=token.text, value=resolve_date(token.text, base),
                                     span=(token.idx, token.idx + len(token.text))))
    found.sort(key=lambda d: d.span)
    return found
