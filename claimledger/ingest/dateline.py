"""Publication date and dateline place from an article's opening line."""

from __future__ import annotations

import re
from datetime import date
from typing import Optional

from ..lexicon import MONTHS

# "date 2024-10-22 SEOUL:" (the project's plain-text convention)
DATE_PREFIX = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\s+([A-Z][A-Za-z .'\-]*?[A-Za-z])\s*[:,\-–—]")
# "SEOUL, Oct. 22 (Yonhap) --" / "KYIV, October 23 (Wire) -" / "WASHINGTON (AP) —"
WIRE_DATELINE = re.compile(
    r"^\s*([A-Z][A-Z .'\-]{1,40}[A-Z])(?:,\s*([A-Z][a-z]{2,8})\.?\s+(\d{1,2})(?:,\s*(\d{4}))?)?"
    r"\s*(?:\([^)]{1,40}\))?\s*(?:--|-|–|—|:)", re.MULTILINE)
DATELINE_WINDOW = 400  # a dateline sits in the first lines, after at most a title
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# "2024-10-22-continental-post.txt", "https://wire.example/bws/2024/10/23/...": a date in the source's name
SOURCE_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_.](\d{1,2})[-/_.](\d{1,2})(?!\d)")
OUTLET = re.compile(r"\(([^)]{2,40})\)\s*(?:--|-|–|—|:)\s*$")  # "... Oct 22 (Continental Post) -"


def place_name(raw: str) -> str:
    """'SEOUL' -> 'Seoul', 'NEW YORK' -> 'New York' (datelines are set in capitals)."""
    return " ".join(part.capitalize() for part in raw.split()) if raw.isupper() else raw.strip()


def normalise_published(value: Optional[str]) -> Optional[str]:
    """ISO date (YYYY-MM-DD) from a metadata date string, or None."""
    if not value:
        return None
    match = ISO_DATE.search(value)
    if not match:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def dateline_end(text: str) -> Optional[int]:
    """Character offset just after a leading dateline ('date 2024-10-22 SEOUL:'), or None."""
    match = DATE_PREFIX.match(text)
    if match:
        return match.end()
    match = WIRE_DATELINE.search(text[:DATELINE_WINDOW])
    return match.end() if match else None


def source_date(source: Optional[str]) -> Optional[date]:
    """The date a file or URL name carries ("2024-10-22-....txt", ".../2024/10/23/..."), or None."""
    match = SOURCE_DATE.search(source or "")
    try:
        return date(*map(int, match.groups())) if match else None
    except ValueError:
        return None


def wire_dateline(text: str) -> Optional[re.Match]:
    """The wire dateline in the first lines (a title may precede it), preferring one with a date over
    a label like "STATEMENT:"."""
    found = list(WIRE_DATELINE.finditer("\n".join(text.lstrip().splitlines()[:3])))
    return next((m for m in found if m.group(2)), found[0] if found else None)


def dateline_outlet(text: str) -> Optional[str]:
    """The outlet a wire dateline names in brackets ("SEOUL, Oct 23 (BWS) -"), or None."""
    match = wire_dateline(text)
    found = OUTLET.search(match.group(0)) if match else None
    return found.group(1).strip() if found else None


def read_dateline(text: str, published: Optional[str] = None, source: Optional[str] = None
                  ) -> tuple[Optional[str], Optional[str]]:
    """Return (published ISO date or None, dateline place or None).  A dateline without a year
    ("UNITED NATIONS, Oct 22 (Continental Post) -") takes it from a date in the source's name; with no
    date in the text or its metadata, that date is the publication date."""
    published = normalise_published(published)
    named = source_date(source)
    match = DATE_PREFIX.match(text)
    if match:
        return published or normalise_published(match.group(1)), place_name(match.group(2))
    match = wire_dateline(text)
    fallback = published or (named.isoformat() if named else None)
    if not match:
        return fallback, None
    place, month, day, year = match.groups()
    year = year or (named.year if named else None)
    if published is None and month and (month[:3].lower() in MONTHS) and year:
        try:
            published = date(int(year), MONTHS[month[:3].lower()], int(day)).isoformat()
        except ValueError:
            pass
    return published or fallback, place_name(place)
