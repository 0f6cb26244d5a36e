"""Exports of the claim ledger: JSON Lines, CSV, GraphML (who relays whom) and schema.org ClaimReview.

Each writer takes claim pages (``store.claims_sql.ClaimPage``) or story pages (``store.stories_sql.StoryPage``,
whose statements carry their side toward the story) and a text stream.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import asdict
from typing import Iterable, TextIO
from xml.sax.saxutils import escape

from .reviews import RATINGS

CSV_COLUMNS = ("id", "canonical", "status", "support_raw", "support_independent", "deny_raw", "deny_independent",
               "hedge_raw", "decline_raw", "statements", "first_seen", "last_activity", "agree_articles",
               "disagree_articles", "discuss_articles")


def write_jsonl(pages: Iterable, out: TextIO) -> int:
    count = 0
    for page in pages:
        out.write(json.dumps(asdict(page), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(pages: Iterable, out: TextIO) -> int:
    """One row per claim (or story): its summary's fields."""
    writer = csv.writer(out)
    count = 0
    for page in pages:
        summary = asdict(page.summary)
        if not count:
            writer.writerow(summary)
        writer.writerow(summary.values())
        count += 1
    if not count:
        writer.writerow(CSV_COLUMNS)
    return count


def relay_edges(pages: Iterable) -> tuple[Counter, Counter]:
    """Edges origin -> relay ("relayed by") and speaker -> outlet ("reported in"), with counts."""
    relays, reports = Counter(), Counter()
    for page in pages:
        for s in page.statements:
            speaker = s.origin_speaker or s.speaker or "(unnamed)"
            if s.relayed_by:
                relays[(speaker, s.relayed_by)] += 1
            reports[(s.relayed_by or speaker, s.outlet or s.article_source)] += 1
    return relays, reports


def write_graphml(pages: Iterable, out: TextIO) -> int:
    """The network of who relays whom: speakers and outlets as nodes, relays and reports as edges."""
    relays, reports = relay_edges(pages)
    nodes: dict[str, str] = {}
    for (source, target) in relays:
        nodes.setdefault(source, "speaker")
        nodes.setdefault(target, "speaker")
    for (source, target) in reports:
        nodes.setdefault(source, "speaker")
        nodes[target] = "outlet" if nodes.get(target, "outlet") == "outlet" else nodes[target]
    ids = {name: f"n{i}" for i, name in enumerate(sorted(nodes))}
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
              '  <key id="label" for="node" attr.name="label" attr.type="string"/>\n'
              '  <key id="kind" for="node" attr.name="kind" attr.type="string"/>\n'
              '  <key id="relation" for="edge" attr.name="relation" attr.type="string"/>\n'
              '  <key id="weight" for="edge" attr.name="weight" attr.type="int"/>\n'
              '  <graph id="relays" edgedefault="directed">\n')
    for name in sorted(nodes):
        out.write(f'    <node id="{ids[name]}"><data key="label">{escape(name)}</data>'
                  f'<data key="kind">{nodes[name]}</data></node>\n')
    edges = [(pair, "relayed by", n) for pair, n in sorted(relays.items())]
    edges += [(pair, "reported in", n) for pair, n in sorted(reports.items())]
    for i, ((source, target), relation, weight) in enumerate(edges):
        out.write(f'    <edge id="e{i}" source="{ids[source]}" target="{ids[target]}">'
                  f'<data key="relation">{relation}</data><data key="weight">{weight}</data></edge>\n')
    out.write("  </graph>\n</graphml>\n")
    return len(edges)


def evidence_summary(summary) -> str:
    return (f"The ledger's evidence, not a verdict: {summary.support_independent} independent supporting source(s) "
            f"({summary.support_raw} statements), {summary.deny_independent} independent denying source(s) "
            f"({summary.deny_raw} statements), {summary.hedge_raw} hedged, {summary.decline_raw} declining to "
            f"confirm; status {summary.status}.")


def claim_review(page) -> dict:
    """A schema.org ClaimReview of a claim a reviewer gave a verdict: the verdict is the rating, the
    ledger's counts its description."""
    summary, verdict = page.summary, page.verdicts[0]
    appearances = sorted({s.article_source for s in page.statements})
    explanation = evidence_summary(summary) + (f" Reviewer's note: {verdict.note}" if verdict.note else "")
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": summary.canonical,
        "datePublished": verdict.reviewed_on,
        "author": {"@type": "Person", "name": verdict.reviewer},
        "description": evidence_summary(summary),
        "reviewRating": {"@type": "Rating", "ratingValue": verdict.rating_value, "bestRating": len(RATINGS),
                         "worstRating": 1, "alternateName": verdict.rating, "ratingExplanation": explanation},
        "itemReviewed": {"@type": "Claim", "datePublished": summary.first_seen,
                         "appearance": [{"@type": "CreativeWork", "url": a} for a in appearances],
                         "author": [{"@type": "Thing", "name": n} for n in
                                    sorted({s.origin_speaker for s in page.statements
                                            if s.origin_speaker and s.side == "support"})]},
    }


def write_claimreview(pages: Iterable, out: TextIO) -> int:
    """Only claims with a reviewer's verdict: the ledger does not rate claims by itself."""
    reviews = [claim_review(page) for page in pages if page.verdicts]
    json.dump(reviews, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(reviews)


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "graphml": write_graphml, "claimreview": write_claimreview}
FORMATS = tuple(WRITERS)
