"""Alerts as an Atom feed (RFC 4287), for feed readers: one entry per alert, newest first."""

from __future__ import annotations

import re
from typing import Optional, Sequence
from xml.etree import ElementTree

from .rules import Alert, timestamp, utc_now

ATOM = "http://www.w3.org/2005/Atom"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # XML 1.0 allows none of these


def alerts_feed(alerts: Sequence[Alert], base_url: str) -> bytes:
    """The feed document; ``base_url`` ("http://host:port/") makes the links absolute."""
    ElementTree.register_namespace("", ATOM)

    def child(parent, tag: str, text: Optional[str] = None, **attributes) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        element.text = None if text is None else NOT_XML.sub("\ufffd", text)
        return element

    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    child(feed, "title", "claimledger alerts")
    child(feed, "id", f"{base_url}alerts.atom")
    child(feed, "updated", alerts[0].fired_at if alerts else timestamp(utc_now()))
    child(feed, "link", href=f"{base_url}alerts.atom", rel="self")
    child(feed, "link", href=f"{base_url}alerts", rel="alternate")
    author = child(feed, "author")
    child(author, "name", "claimledger")
    for alert in alerts:
        entry = child(feed, "entry")
        child(entry, "title", f"{alert.rule}: {alert.message}"[:300])
        child(entry, "id", f"{base_url}alerts#{alert.id}")  # stable: readers show each alert once
        child(entry, "updated", alert.fired_at)
        target = f"claims/{alert.claim_id}" if alert.claim_id is not None else f"articles/{alert.article_id}"
        child(entry, "link", href=f"{base_url}{target}")
        child(entry, "summary", alert.message)
        child(entry, "category", term=alert.kind)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
