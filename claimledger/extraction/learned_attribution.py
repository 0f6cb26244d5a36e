"""Attributions from the learned tagger's spans: each cue linked to its content and its source.

The tagger marks source, cue and content spans but not which belong together.  Within a paragraph,
each content span goes to the nearest cue (contents on both sides of one cue, as in '"X," he said,
"Y"', are one content, as PolNeAR's scorer merges them), and each source span to the nearest cue of
its sentence; a cue left without a source takes a tagged source that holds its parse subject (one
source, several cues: "He said ... and added ..."), else the subject the parse gives it.  A cue the tagger gave no content borrows the
rules' content for that cue, else it is dropped: a statement needs something said.  A cue whose
content the tagger labelled as another attribution ("X has decided to ..., the NIS said") takes that
whole attribution as its content, so the decision is nested in the report; and a relayed statement
the tagger folds into its relay's content ("A said X, the embassy said"), or reported speech inside a
content ("the NIS said that a defector had told investigators that ..."), is added from the rules.
Between two cues as near to a content, the one its parse hangs on takes it.
"""

from __future__ import annotations

from typing import Iterable, Optional

from spacy.tokens import Doc, Span, Token

from ..lexicon import REPORT_NOUNS
from .attribution import Attribution, attribution_at, find_attributions, is_sourceless, source_range, subject_of
from .attribution_content import TokenRange
from .spans import quote_spans, quoted_mask

RoleRange = tuple[str, int, int]  # role, first token, end token (exclusive), in Doc indices
MAX_REPORT_GAP = 2  # tokens between a reporting frame and the attribution it reports (", ")
SAYING = {"say", "tell", "claim", "announce", "report", "state", "write", "add", "insist", "assert", "argue"}


def gap(a: TokenRange, b: TokenRange) -> int:
    """Tokens between two ranges (0 when they touch or overlap)."""
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def cue_head(doc: Doc, cue: TokenRange) -> int:
    """The cue's syntactic head: a verb or noun of the span the parse roots it at."""
    span: Span = doc[cue[0]:cue[1]]
    content_words = [t for t in span if t.pos_ in ("VERB", "NOUN", "AUX", "ADJ")]
    root = span.root
    return root.i if root.pos_ in ("VERB", "NOUN", "AUX", "ADJ") or not content_words else content_words[-1].i


def nearest(doc: Doc, target: TokenRange, candidates: list[TokenRange], heads: Optional[list[int]] = None
            ) -> Optional[int]:
    """The candidate nearest the target, preferring those of the target's sentence; between two as near,
    the one whose head (``heads``) the target's parse hangs on ("dismissed [the accusations ...], arguing
    [its relations ...]"), then the later one."""
    if not candidates:
        return None
    sentence = sentence_of(doc, target[0])
    ancestors = {t.i for t in doc[target[0]:target[1]].root.ancestors} if heads else set()
    return min(range(len(candidates)), key=lambda i: (sentence_of(doc, candidates[i][0]) != sentence,
                                                      gap(target, candidates[i]),
                                                      bool(heads) and heads[i] not in ancestors, -candidates[i][0]))


def sentence_of(doc: Doc, i: int) -> int:
    """The first token of token i's sentence (Token.sent walks the doc on every call: cached per doc)."""
    starts = doc.user_data.get("cl_sentence_starts")
    if starts is None or len(starts) != len(doc):
        starts = [0] * len(doc)
        for sentence in doc.sents:
            starts[sentence.start:sentence.end] = [sentence.start] * (sentence.end - sentence.start)
        doc.user_data["cl_sentence_starts"] = starts
    return starts[i]


def link_paragraph(doc: Doc, spans: list[RoleRange], quotes: list[TokenRange]) -> list[Attribution]:
    cues = [(s, e) for role, s, e in spans if role == "cue"]
    if not cues:
        return []
    contents = [(s, e) for role, s, e in spans if role == "content"]
    sources = [(s, e) for role, s, e in spans if role == "source"]
    heads = [cue_head(doc, cue) for cue in cues]
    contents_of: dict[int, list[TokenRange]] = {n: [] for n in range(len(cues))}
    for content in contents:
        owner = nearest(doc, content, cues, heads)
        contents_of[owner].append(content)
    source_of: dict[int, TokenRange] = {}
    for source in sources:
        same_sentence = [n for n, c in enumerate(cues) if sentence_of(doc, c[0]) == sentence_of(doc, source[0])]
        pool = same_sentence or list(range(len(cues)))
        owner = pool[nearest(doc, source, [cues[n] for n in pool])]
        if owner not in source_of or gap(source, cues[owner]) < gap(source_of[owner], cues[owner]):
            source_of[owner] = source
    sources_of = [source_of.get(n) or shared_source(doc, heads[n], sources, contents) for n in range(len(cues))]
    extents = [covering([cues[n]] + contents_of[n] + ([sources_of[n]] if sources_of[n] else []))
               for n in range(len(cues))]
    found = []
    for n, cue in enumerate(cues):
        if contents_of[n]:
            content = covering(joined_contents(doc, covering([cue] + ([sources_of[n]] if sources_of[n] else [])),
                                               contents_of[n]))
        else:
            content = reported_attribution(doc, n, cues, extents, sources_of[n])
        if content is None:
            ruled = attribution_at(doc, doc[heads[n]], cue, quotes)
            if ruled is None:
                continue
            content = ruled.content
        found.append(Attribution(cue, content, sources_of[n], heads[n]))
    return found


def joined_contents(doc: Doc, frame: TokenRange, contents: list[TokenRange]) -> list[TokenRange]:
    """The contents that join the cue's frame (cue and source) through nothing but punctuation, nearest
    first ('"X," he said, "Y"'); a content further off is left out (measured on PolNeAR dev: keeping it
    as a statement of its own costs more than it brings).  The nearest content always joins."""
    ordered = sorted(contents, key=lambda c: gap(c, frame))
    joined, extent = [ordered[0]], covering([frame, ordered[0]])
    for content in ordered[1:]:
        between = range(min(extent[1], content[1]), max(extent[0], content[0]))
        if all(doc[i].is_punct or doc[i].is_space for i in between):
            joined.append(content)
            extent = covering([extent, content])
    return joined


def covering(ranges: list[TokenRange]) -> TokenRange:
    return min(s for s, _ in ranges), max(e for _, e in ranges)


def reported_attribution(doc: Doc, n: int, cues: list[TokenRange], extents: list[TokenRange],
                         source: Optional[TokenRange]) -> Optional[TokenRange]:
    """A cue with no content of its own that stands next to another whole attribution reports it:
    in "North Korea has decided to send troops, the NIS said", the tagger gives "decided" its source
    and content, and what the NIS said is all of that."""
    frame = covering([cues[n]] + ([source] if source else []))
    sentence = sentence_of(doc, cues[n][0])
    near = [m for m in range(len(cues)) if m != n and sentence_of(doc, cues[m][0]) == sentence
            and gap(extents[m], frame) <= MAX_REPORT_GAP and not (frame[0] <= cues[m][0] < frame[1])]
    if not near:
        return None
    return extents[min(near, key=lambda m: gap(extents[m], frame))]


def shared_source(doc: Doc, head: int, sources: list[TokenRange], contents: list[TokenRange]) -> Optional[TokenRange]:
    """For a cue the tagger gave no source of its own: the tagged source that holds its parse subject
    ("He said ... and added ..."), else the subject's noun phrase when it lies outside every tagged
    content and the mined table does not call the cue sourceless."""
    subject = subject_of(doc[head])
    if subject is None:
        return None
    tagged = next((s for s in sources if s[0] <= subject.i < s[1]), None)
    if tagged is not None:
        return tagged
    if any(c[0] <= subject.i < c[1] for c in contents) or is_sourceless(doc[head])[0]:
        return None
    return source_range(subject)


def rule_roles(doc: Doc, threshold: float) -> list[str]:
    """Each token's BIO role in the rules' attributions (cue over source over content), a feature the
    tagger may read: what the mined cue table and the parse know."""
    roles = ["O"] * len(doc)
    rank = {"O": 3, "content": 2, "source": 1, "cue": 0}
    for attribution in rules_attributions(doc, threshold):
        for role, extent in (("content", attribution.content), ("source", attribution.source), ("cue", attribution.cue)):
            if extent is None:
                continue
            for i in range(*extent):
                current = roles[i][2:] or "O"
                if rank[role] <= rank[current]:
                    roles[i] = ("B-" if i == extent[0] else "I-") + role
    return roles


def feature_values(doc: Doc, runs: list[list[Token]], names: Iterable[str], threshold: float) -> list[list[tuple]]:
    """Per paragraph, per word, the values of the features the tagger was trained with."""
    names = list(names)
    roles = rule_roles(doc, threshold) if "rules" in names else None
    getters = {"rules": lambda t: roles[t.i], "pos": lambda t: t.pos_, "dep": lambda t: t.dep_}
    return [[tuple(getters[name](t) for name in names) for t in run] for run in runs]


def rules_attributions(doc: Doc, threshold: float) -> list[Attribution]:
    """The rules' attributions, found once per doc: the tagger's features and the relays both read them."""
    cached = doc.user_data.get("cl_rules_attributions")
    if cached is None or cached[0] != threshold:
        cached = (threshold, find_attributions(doc, threshold))
        doc.user_data["cl_rules_attributions"] = cached
    return cached[1]


def link_spans(doc: Doc, paragraphs: Iterable[list[RoleRange]], threshold: float) -> list[Attribution]:
    """Every attribution of a doc from its tagged spans, paragraph by paragraph, in text order;
    ``threshold`` is the rules' cue threshold, for the relays they add."""
    quotes = quote_spans(doc)
    found = [a for spans in paragraphs for a in link_paragraph(doc, spans, quotes)]
    found += nested_by_rules(doc, found, threshold)
    return sorted(found, key=lambda a: a.cue[0])


def nested_by_rules(doc: Doc, found: list[Attribution], threshold: float) -> list[Attribution]:
    """Attributions inside a tagged content that the tagger leaves to its outer one (PolNeAR seldom
    annotates them) but the ledger needs as relays: the rules' attributions with a source of their own,
    outside quotation marks and tagged cues, that a trailing frame relays ("A said X, B said").  Only
    that shape: taking every rules attribution inside a content cost 7 points of content exact F1 on
    PolNeAR dev (CofeNet protocol), this one 0.2."""
    quoted = quoted_mask(doc)
    cue_tokens = {i for a in found for i in range(*a.cue)}
    inner = []
    for attribution in rules_attributions(doc, threshold):
        head = attribution.cue_head
        if attribution.source is None or quoted[head] or cue_tokens & set(range(*attribution.cue)):
            continue
        if any(relays_it(doc, outer, attribution) or reported_inside(doc, outer, attribution) for outer in found):
            inner.append(attribution)
    return inner


def reported_inside(doc: Doc, outer: Attribution, inner: Attribution) -> bool:
    """'The NIS said that a defector had told investigators that ...', 'dismissed the accusations from
    Seoul that ...': a verb of saying or a report noun with its own source and that-clause, all inside
    the outer content (other attributions inside contents, which PolNeAR seldom marks, cost 8 points of
    CofeNet content exact F1 on its dev split; these, 0.2)."""
    start, end = outer.content
    return (inner.source is not None and start <= inner.source[0] and start <= inner.cue[0]
            and inner.content[1] <= end and inner.cue[1] <= end and outer.cue != inner.cue
            and doc[inner.content[0]].lower_ == "that"
            and (doc[inner.cue_head].lemma_.lower() in SAYING or doc[inner.cue_head].lower_ in REPORT_NOUNS))


def relays_it(doc: Doc, outer: Attribution, inner: Attribution) -> bool:
    """'A said X, B said': B's content is A's whole statement, and B's cue follows it."""
    start, end = outer.content
    return (start <= inner.cue[0] and inner.content[1] <= end and outer.cue[0] >= end
            and doc[start:end].root.i == inner.cue_head)



