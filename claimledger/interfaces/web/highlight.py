"""An article's text cut into runs for the article page: each run carries the kinds of the
annotations that cover it (speaker, cue, content, hedge, date, quantity, place, evidence) and a
one-line explanation of each, shown on hover.  Overlaps are handled by cutting at every boundary."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KINDS = ("speaker", "cue", "content", "hedge", "date", "quantity", "place", "evidence")


@dataclass
class Run:
    text: str
    kinds: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    statement: int | None = None  # the statement whose part this run is, for linking rows and text


@dataclass
class Annotation:
    start: int
    end: int
    kind: str
    note: str
    statement: int | None = None


def statement_annotations(index: int, s: dict, text: str) -> list[Annotation]:
    who = s.get("speaker_entity") or s.get("speaker") or "an unnamed source"
    found = []
    if s.get("speaker_span"):
        details = ", ".join(x for x in (s.get("role"), s.get("affiliation")) if x)
        found.append(Annotation(*s["speaker_span"], "speaker",
                                f"speaker #{index}: {who}{' (' + details + ')' if details else ''}"
                                f"{' — anonymous' if s.get('anonymous') else ''}", index))
    found.append(Annotation(*s["cue_span"], "cue", f"cue #{index}: '{s.get('cue_lemma')}', stance {s.get('stance')}",
                            index))
    relay = f", relayed through #{s['via']}" if s.get("via") is not None else ""
    parts = s.get("content_spans") or [s["content_span"]]  # a split quotation's parts, not the cue between
    for start, end in parts:
        found.append(Annotation(start, end, "content", f"content #{index}: what {who} said ({s.get('stance')}"
                                f"{', dated ' + s['date'] if s.get('date') else ''}{relay})", index))
        for hedge in s.get("hedges") or []:
            for match in re.finditer(rf"\b{re.escape(hedge)}\b", text[start:end], flags=re.IGNORECASE):
                found.append(Annotation(start + match.start(), start + match.end(), "hedge",
                                        f"hedge: '{hedge}' (the reporter's or the speaker's uncertainty)", index))
    return found


def annotations(text: str, extraction: dict) -> list[Annotation]:
    found = []
    for index, s in enumerate(extraction.get("statements", [])):
        found += statement_annotations(index, s, text)
    for d in extraction.get("dates", []):
        found.append(Annotation(*d["span"], "date", f"date: {d['text']} → {d.get('value') or 'unresolved'}"))
    for q in extraction.get("quantities", []):
        value = q.get("value")
        shown = f"{value:g}" if isinstance(value, (int, float)) else "?"
        found.append(Annotation(*q["span"], "quantity", f"quantity: {shown}{' ' + q['unit'] if q.get('unit') else ''}"
                                f"{' (approximate: ' + (q.get('qualifier') or '') + ')' if q.get('approximate') else ''}"))
    for p in extraction.get("places", []):
        found.append(Annotation(*p["span"], "place", f"place: {p['name']}"
                                f"{', ' + p['country'] if p.get('country') else ''} ({p['lat']:.2f}, {p['lon']:.2f})"))
    for e in extraction.get("evidence", []):
        found.append(Annotation(*e["span"], "evidence", f"evidence: {e['kind']}"
                                f"{', posted by ' + e['posted_by'] if e.get('posted_by') else ''}"
                                f"{' on ' + e['platform'] if e.get('platform') else ''}", e.get("statement")))
    return [a for a in found if 0 <= a.start < a.end <= len(text)]


def runs(text: str, extraction: dict) -> list[Run]:
    """The text as consecutive runs; concatenated, they give back the text exactly."""
    found = annotations(text, extraction)
    cuts = sorted({0, len(text), *(a.start for a in found), *(a.end for a in found)})
    result = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [a for a in found if a.start <= start and end <= a.end]
        covering.sort(key=lambda a: KINDS.index(a.kind))
        statement = next((a.statement for a in covering if a.statement is not None), None)
        result.append(Run(text[start:end], [a.kind for a in covering], [a.note for a in covering], statement))
    return result
