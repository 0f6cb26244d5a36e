"""Turn attributions into statements: stance, hedges, medium, addressee, date, relay.

The source's own stance (assert / deny / hedge / decline) is kept apart from
the reporter's hedging (``hedges``: "reportedly", "believed", "likely" ...
around the content), as the ledger needs both.
"""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Doc, Span, Token

from ..ingest.dateline import dateline_end
from ..lexicon import (DECLINE_ASSERT_CUES, DECLINE_CUES, DECLINE_MARKERS, DENY_CUES, DENY_MARKERS,
                       HEDGE_CUES, HEDGE_MARKERS, KIND_LEMMAS, MEDIA, REPORT_NOUNS)
from ..schema import SPEAKING_KINDS, DateMention, Statement
from .attribution import Attribution, is_quoted, source_range, subject_of
from .attribution_content import TokenRange
from .evidence import evidence_kind
from .spans import char_span, trim_punct
from .speakers import SpeakerResolver, can_speak

NEGATIONS = {"not", "never", "n't", "no"}
TIME_DEPS = {"npadvmod", "tmod"}
ADDRESSEE_VERBS = {"tell", "inform", "assure", "brief", "warn", "write"}


def negated(token: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in NEGATIONS for c in token.children)


def cue_neighbourhood(cue: Token) -> str:
    """The words around a cue and the verb it is coordinated with ("neither confirmed nor denied"),
    inside its sentence: a decline marker there is the cue's own, not another speaker's."""
    low, high = min(cue.i, cue.head.i) - 3, max(cue.i, cue.head.i) + 3
    return cue.doc[max(cue.sent.start, low):min(cue.sent.end, high)].text.lower()


def is_dismissal_word(token: Token) -> bool:
    """"false", "rumours", "hoax" ...; "truth" after "no" and "true" under a negation."""
    word = token.lower_
    if word in DENY_MARKERS:
        return True
    if word == "truth":
        return any(c.lower_ == "no" for c in token.children)
    return word == "true" and (negated(token) or negated(token.head))


def dismisses_reports(tokens: Span) -> bool:
    """The words call reports false, not a reported thing: "the reports are false", "there's no truth
    to the claim that ...", "reports that X are a hoax", where the dismissal is said of a report noun
    and is not inside what the report says."""
    for noun in (t for t in tokens if t.lower_ in REPORT_NOUNS):
        told = {t.i for child in noun.children if child.dep_ in ("acl", "relcl", "ccomp") for t in child.subtree}
        for word in tokens:
            if word.i in told or word == noun or not is_dismissal_word(word):
                continue
            # the dismissal governs the noun ("no truth to the claim") or shares its verb ("are false")
            if noun in word.subtree or (word.head == noun.head and word.head != word):
                return True
    return False


def stance_of(doc: Doc, att: Attribution) -> str:
    cue = doc[att.cue_head]
    lemma = cue.lemma_.lower()
    content = doc[att.content[0]:att.content[1]]
    content_words = {t.lower_ for t in content}
    frame_words = {t.lower_ for t in cue.subtree} - content_words
    if lemma in DECLINE_CUES:
        return "decline"
    # "has never acknowledged", "has not made any official statements" (the tagger's cue may span
    # the whole phrase, headed by "made")
    cue_words = [t for t in doc[att.cue[0]:att.cue[1]] if t.lemma_.lower() in DECLINE_ASSERT_CUES] or [cue]
    if any(w.lemma_.lower() in DECLINE_ASSERT_CUES and (negated(w) or w.dep_ == "dobj" and negated(w.head))
           for w in cue_words):
        return "decline"
    sentence = cue.sent.text.lower()
    if any(marker in sentence for marker in DECLINE_MARKERS) and lemma in DECLINE_ASSERT_CUES:
        return "decline"
    # "neither confirmed nor denied", "would not confirm or deny": a decline, though "denied" is a deny cue
    if lemma in DENY_CUES and any(marker in cue_neighbourhood(cue) for marker in DECLINE_MARKERS):
        return "decline"
    if lemma in DENY_CUES:
        return "hedge" if negated(cue) else "deny"
    # "dismissed the reports as groundless rumours", "called the accusations baseless",
    # "described as 'rubbish' a report that ...", "said the reports were false"
    if frame_words & DENY_MARKERS or (lemma in ("call", "describe", "brand", "label") and content_words & DENY_MARKERS):
        return "deny"
    if dismisses_reports(content):
        return "deny"
    if lemma in HEDGE_CUES:
        return "hedge"
    if is_quoted(doc, att.content) and content_words & HEDGE_MARKERS:
        return "hedge"
    return "assert"


def hedges_of(doc: Doc, att: Attribution) -> list[str]:
    """Epistemic markers on the content or its reporting frame, in text order."""
    seen: list[str] = []
    cue = doc[att.cue_head]
    window = list(doc[att.content[0]:att.content[1]]) + [c for c in cue.children if c.dep_ == "advmod"]
    for token in sorted(window, key=lambda t: t.i):
        word = token.lower_
        if word in HEDGE_MARKERS and word not in seen:
            if word in ("could", "may", "might") and token.tag_ != "MD":
                continue
            seen.append(word)
    return seen


def medium_of(doc: Doc, att: Attribution, source: Optional[tuple[int, int]]) -> Optional[str]:
    """'in a Facebook post', 'on Telegram', 'in a statement', 'a statement from the ministry said'."""
    cue = doc[att.cue_head]
    phrases = []
    for child in cue.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "on", "via", "through", "during"):
            phrases.extend(" ".join(t.lower_ for t in obj.subtree) for obj in child.children if obj.dep_ == "pobj")
    if source is not None:
        phrases.append(doc[source[0]:source[1]].root.lower_)
    phrases.append(cue.lemma_.lower())
    for phrase in phrases:
        for key in sorted(MEDIA, key=len, reverse=True):
            if phrase == key or phrase.endswith(" " + key) or (" " + key + " ") in f" {phrase} ":
                return MEDIA[key]
    return None


def addressee_of(doc: Doc, att: Attribution) -> Optional[str]:
    """'told First Vice Foreign Minister Kim Hong-kyun', 'said to reporters'."""
    cue = doc[att.cue_head]
    for child in cue.children:
        if child.dep_ in ("dative", "dobj") and cue.lemma_.lower() in ADDRESSEE_VERBS and child.i < att.content[0] \
                and child.i > att.cue_head:
            return doc[child.left_edge.i:child.right_edge.i + 1].text
        if child.dep_ in ("dative", "prep") and child.lower_ == "to" and cue.lemma_.lower() in ("say", "speak", "write"):
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return doc[objects[0].left_edge.i:objects[0].right_edge.i + 1].text
    return None


def date_of(doc: Doc, att: Attribution, source: Optional[tuple[int, int]],
            dates: list[DateMention]) -> Optional[str]:
    """The date the statement was made: a date in the cue span or in a time phrase on the cue ("said on
    Monday"), never one inside the content ("cited the 2010 sinking" does not date the statement)."""
    cue = doc[att.cue_head]
    frame = set(range(*att.cue))
    for child in cue.children:
        if child.dep_ in TIME_DEPS or child.ent_type_ in ("DATE", "TIME") or (
                child.dep_ == "prep" and any(g.ent_type_ in ("DATE", "TIME") for g in child.children)):
            frame.update(t.i for t in child.subtree)
    frame -= set(range(*att.content))
    if source:
        frame -= set(range(*source))
    starts = {doc[i].idx for i in frame}
    for mention in dates:
        if mention.value and mention.span[0] in starts:
            return mention.value
    return None


def kind_of(doc: Doc, att: Attribution) -> str:
    """speech, belief, intent, perception (what something shows, or any statement of an evidence noun)
    or report (a nominal cue: accusations, reports, rumours)."""
    cue = doc[att.cue_head]
    if att.source is not None and evidence_kind(doc[att.source[0]:att.source[1]].root) is not None:
        return "perception"
    lemma = cue.lemma_.lower()
    for kind in ("belief", "intent", "perception"):
        if lemma in KIND_LEMMAS[kind]:
            return kind
    return "report" if cue.pos_ in ("NOUN", "PROPN") else "speech"


def nest(statements: list[Statement]) -> None:
    """Set ``nested`` to the innermost statement whose content holds this one's cue, and ``via`` to it
    when this one is words passed on (speech or a report): what a speaker relays.  A decision or a
    belief reported inside another's content is nested, not relayed: it is that statement's content."""
    for inner_index, inner in enumerate(statements):
        best: Optional[int] = None
        for outer_index, outer in enumerate(statements):
            if outer_index == inner_index:
                continue
            start, end = outer.content_span
            if start <= inner.cue_span[0] and inner.cue_span[1] <= end:
                if best is None or (end - start) < (statements[best].content_span[1] - statements[best].content_span[0]):
                    best = outer_index
        inner.nested = best
        inner.via = best if inner.kind in SPEAKING_KINDS else None


def describes_evidence(doc: Doc, att: Attribution) -> bool:
    """'a photo showing two flags' says what a photo shows; it is not a statement of its own."""
    cue = doc[att.cue_head]
    return cue.dep_ in ("acl", "relcl") and evidence_kind(cue.head) is not None


def without_addressee(doc: Doc, att: Attribution) -> Attribution:
    """'told Kim Hong-kyun that ...': the person told is the addressee, not part of the content."""
    cue = doc[att.cue_head]
    if cue.lemma_.lower() not in ADDRESSEE_VERBS:
        return att
    for child in cue.children:
        if child.dep_ in ("dative", "dobj") and child.left_edge.i == att.content[0]:
            rest = [c for c in cue.children if c.dep_ in ("ccomp", "xcomp") and c.i > child.i]
            if rest:
                start = rest[0].left_edge.i
                return Attribution(att.cue, (start, att.content[1]), att.source, att.cue_head)
    return att


def speaking_source(doc: Doc, att: Attribution) -> Attribution:
    """A source that cannot speak ("today" in "Danstar today rejects ...") gives way to the cue's parse
    subject when that one can; evidence that "shows" something stays its own source."""
    if att.source is None or can_speak(doc[att.source[0]:att.source[1]]):
        return att
    subject = subject_of(doc[att.cue_head])
    found = source_range(subject) if subject is not None else None
    if found is None or found == att.source or not can_speak(doc[found[0]:found[1]]) or (
            att.content[0] < found[1] and found[0] < att.content[1]):
        return att
    return Attribution(att.cue, att.content, found, att.cue_head)


def first_after_dateline(doc: Doc) -> Optional[int]:
    """The first token after a wire dateline, if the text opens on one."""
    end = dateline_end(doc.text)
    return None if end is None else next((t.i for t in doc if t.idx >= end and not t.is_space), None)


def outside_dateline(att: Attribution, first: Optional[int]) -> Attribution:
    """The attribution with its source and content clipped to start at ``first``, the token after the
    wire dateline a span ran over ("UNITED NATIONS, Oct 22 (Continental Post) - North Korea's
    ambassador ..."); a source inside the dateline is none."""
    if first is None or att.cue[0] < first:
        return att

    def clipped(extent: Optional[TokenRange]) -> Optional[TokenRange]:
        if extent is None or extent[0] >= first:
            return extent
        return (first, extent[1]) if first < extent[1] else None

    content = clipped(att.content) or att.content
    return Attribution(att.cue, content, clipped(att.source), att.cue_head)


def content_parts(doc: Doc, att: Attribution) -> list[tuple[int, int]]:
    """The content's parts in order: its covering range less the cue and source that stand inside it
    ('"X," he said, "Y"' gives '"X,"' and '"Y"'), each without the punctuation at its joins
    (``spans.trim_punct``: quotation marks stay, as PolNeAR marks them)."""
    frame = sorted(r for r in (att.cue, att.source) if r and att.content[0] < r[0] and r[1] < att.content[1])
    if not frame:
        return [att.content]
    bounds, start = [], att.content[0]
    for first, end in frame:
        bounds.append((start, first))
        start = max(start, end)
    bounds.append((start, att.content[1]))
    parts = [trim_punct(doc, first, end) for first, end in bounds]
    return [(a, b) for a, b in parts if any(not (t.is_punct or t.is_space) for t in doc[a:b])] or [att.content]


def build_statements(doc: Doc, attributions: list[Attribution], resolver: SpeakerResolver,
                     dates: list[DateMention]) -> list[Statement]:
    statements: list[Statement] = []
    text = doc.text  # Doc.text joins every token on each call
    first = first_after_dateline(doc)
    kept = [without_addressee(doc, speaking_source(doc, outside_dateline(a, first))) for a in attributions
            if not describes_evidence(doc, a)]
    for att in sorted(kept, key=lambda a: a.cue[0]):
        source_span = doc[att.source[0]:att.source[1]] if att.source else None
        speaker = resolver.resolve(source_span, att.cue_head)
        cue_chars = char_span(doc, *att.cue)
        content_chars = char_span(doc, *att.content)
        speaker_chars = char_span(doc, *att.source) if att.source else None
        statements.append(Statement(
            # The source as marked (PolNeAR marks "the poll" in "the poll showed"); a speaker only if it can speak.
            speaker=source_span.text if source_span is not None and can_speak(source_span) else None,
            speaker_span=speaker_chars,
            speaker_entity=speaker.entity,
            anonymous=speaker.anonymous,
            role=speaker.role,
            affiliation=speaker.affiliation,
            affiliation_country=speaker.affiliation_country,
            cue=text[cue_chars[0]:cue_chars[1]],
            cue_span=cue_chars,
            cue_lemma=doc[att.cue_head].lemma_.lower(),
            content=text[content_chars[0]:content_chars[1]],
            content_span=content_chars,
            direct=is_quoted(doc, att.content),
            stance=stance_of(doc, att),
            hedges=hedges_of(doc, att),
            addressee=addressee_of(doc, att),
            date=date_of(doc, att, att.source, dates),
            medium=medium_of(doc, att, att.source),
            via=None,
            kind=kind_of(doc, att),
            content_spans=[char_span(doc, *part) for part in content_parts(doc, att)],
        ))
    nest(statements)
    return statements
