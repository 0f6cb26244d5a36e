"""Articles from RSS and Atom feeds, through feedparser.

Each entry becomes an article from its full content (``content:encoded``,
Atom ``content``) or, failing that, its summary; the entry's link is its
source, the feed's title its outlet.  An entry with no text is an error line
of its own ("feed.xml#3"), and the other entries go on.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator, Optional

from ..errors import ClaimledgerError, MalformedFeed, NoArticleText
from ..schema import Article

BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment, a blank line between blocks."""
    import lxml.html

    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # noqa: BLE001  lxml raises several types on junk; junk has no text worth keeping
        return ""
    for element in root.iter("script", "style"):
        element.drop_tree()
    for element in root.iter(*BLOCK_TAGS):
        element.tail = "\n\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n\n"))
    return "\n\n".join(line for line in lines if line)


def entry_date(entry) -> Optional[str]:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.date(*parsed[:3]).isoformat() if parsed else None


def entry_text(entry) -> str:
    for content in entry.get("content") or []:
        text = fragment_text(content.get("value", ""))
        if text:
            return text
    return fragment_text(entry.get("summary", ""))


def read_feed(data: bytes, where: str, max_bytes: int) -> Iterator[object]:
    """Articles (or errors) of the feed's entries, in feed order."""
    import feedparser

    from .readers import check_article_text

    feed = feedparser.parse(data)
    texts = [entry_text(entry) for entry in feed.entries]
    # feedparser recovers what it can from broken XML; a broken feed with no text is one error, not one per entry.
    if not feed.entries or (feed.get("bozo") and not any(texts)):
        problem = str(feed.get("bozo_exception") or "no entries") or "no entries"
        yield MalformedFeed(where, problem=problem.splitlines()[0][:200])
        return
    outlet = feed.feed.get("title")
    for number, (entry, text) in enumerate(zip(feed.entries, texts), start=1):
        entry_where = f"{where}#{number}"
        try:
            if not text:
                raise NoArticleText(entry_where)
            check_article_text(text, entry_where, max_bytes)
        except ClaimledgerError as error:
            yield error
            continue
        link = entry.get("link")
        yield Article(text=text, source=link or entry_where, title=entry.get("title"), url=link,
                      published=entry_date(entry), outlet=outlet, author=entry.get("author"))
