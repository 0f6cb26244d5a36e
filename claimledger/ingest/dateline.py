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


def read_dateline(text: str, published: Optional[str] = None) -> tuple[Optional[str], Optional[str]]:
    """Return (published ISO date or None, dateline place or None)."""
    published = normalise_published(published)
    match = DATE_PREFIX.match(text)
    if match:
        return published or normalise_published(match.group(1)), place_name(match.group(2))
    # Only the first few lines hold a dateline; a title line may precede it.
    head = "\n".join(text.lstrip().splitlines()[:3])
    match = WIRE_DATELINE.search(head)
    if not match:
        return published, None
    place, month, day, year = match.groups()
    if published is None and month and (month[:3].lower() in MONTHS) and year:
        try:
            published = date(int(year), MONTHS[month[:3].lower()], int(day)).isoformat()
        except ValueError:
            pass
    return published, place_name(place)
