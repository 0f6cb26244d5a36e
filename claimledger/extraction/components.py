"""The spaCy pipeline components claimledger registers.

Each is usable on its own in any pipeline with a parser and NER:
``nlp.add_pipe("claimledger_attribution")``.  Results hang off ``Doc._``
under the ``cl_`` prefix; the publication date is read from
``doc._.cl_published`` (ISO string) when the caller sets it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..ml.span_tagger import paragraphs
from .attribution import find_attributions
from .dates import find_dates
from .entities import read_entities
from .evidence import find_evidence
from .learned_attribution import feature_values, link_spans
from .places import find_places
from .quantities import find_quantities
from .speakers import SpeakerResolver
from .statements import build_statements

DEFAULT_CUE_THRESHOLD = 0.3
EXTENSIONS = ("cl_published", "cl_entities", "cl_entity_of_token", "cl_dates", "cl_quantities",
              "cl_places", "cl_statements", "cl_evidence", "cl_role_spans")

for extension in EXTENSIONS:
    if not Doc.has_extension(extension):
        Doc.set_extension(extension, default=None)


class EntitiesComponent:
    def __call__(self, doc: Doc) -> Doc:
        doc._.cl_entities, doc._.cl_entity_of_token = read_entities(doc)
        return doc


class DatesComponent:
    def __call__(self, doc: Doc) -> Doc:
        doc._.cl_dates = find_dates(doc, doc._.cl_published)
        return doc


class QuantitiesComponent:
    def __call__(self, doc: Doc) -> Doc:
        doc._.cl_quantities = find_quantities(doc)
        return doc


class PlacesComponent:
    def __call__(self, doc: Doc) -> Doc:
        entities = doc._.cl_entities if doc._.cl_entities is not None else read_entities(doc)[0]
        countries = {e.country for e in entities if e.country}
        doc._.cl_places = find_places(doc, countries)
        return doc


class AttributionComponent:
    """Statements with speakers, stance, hedges, dates and relays; evidence they cite."""

    def __init__(self, cue_threshold: float) -> None:
        self.cue_threshold = cue_threshold

    def __call__(self, doc: Doc) -> Doc:
        if doc._.cl_entities is None:
            doc._.cl_entities, doc._.cl_entity_of_token = read_entities(doc)
        dates = doc._.cl_dates if doc._.cl_dates is not None else find_dates(doc, doc._.cl_published)
        resolver = SpeakerResolver(doc, doc._.cl_entities, doc._.cl_entity_of_token)
        if doc._.cl_role_spans is not None:  # the learned tagger ran before us
            attributions = link_spans(doc, doc._.cl_role_spans, self.cue_threshold)
        else:
            attributions = find_attributions(doc, self.cue_threshold)
        doc._.cl_statements = build_statements(doc, attributions, resolver, dates)
        doc._.cl_evidence = find_evidence(doc, doc._.cl_statements)
        return doc


class SpanTaggerComponent:
    """Source, cue and content spans from the learned tagger, per paragraph (``doc._.cl_role_spans``).

    The weights load on the first doc, once per process.
    """

    def __init__(self, weights: Optional[str], threads: int) -> None:
        self.weights = Path(weights) if weights else None
        self.threads = threads or None
        self.tagger = None

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 1) -> Iterator[Doc]:
        # One doc's paragraphs at a time: int8 inference scales each batch's activations by the batch's
        # own range, so mixing articles would make an article's spans depend on its neighbours (and a
        # resumed ingest, or another worker count, would store different statements).
        if self.tagger is None:
            from ..ml.span_tagger import SpanTagger

            self.tagger = SpanTagger(self.weights, threads=self.threads)
        for doc in docs:
            runs = paragraphs(doc)
            features = None
            if self.tagger.features:
                features = [self.tagger.word_features(values)
                            for values in feature_values(doc, runs, self.tagger.features, DEFAULT_CUE_THRESHOLD)]
            tagged = self.tagger.tag([[t.text for t in run] for run in runs], features)
            doc._.cl_role_spans = [[(s.role, run[s.start].i, run[s.end - 1].i + 1) for s in spans]
                                   for run, spans in zip(runs, tagged)]
            yield doc


@Language.factory("claimledger_span_tagger", default_config={"weights": None, "threads": 0},
                  requires=["token.dep", "token.pos"], assigns=["doc._.cl_role_spans"])
def make_span_tagger(nlp: Language, name: str, weights: Optional[str], threads: int) -> SpanTaggerComponent:
    """The learned tagger; ``weights`` is a folder written by ``python -m claimledger.training.span_tagger``
    (default: the shipped weights), ``threads`` torch's threads (0: torch's default)."""
    return SpanTaggerComponent(weights, threads)


@Language.factory("claimledger_entities", requires=["doc.ents"], assigns=["doc._.cl_entities"])
def make_entities(nlp: Language, name: str) -> EntitiesComponent:
    return EntitiesComponent()


@Language.factory("claimledger_dates", requires=["doc.ents"], assigns=["doc._.cl_dates"])
def make_dates(nlp: Language, name: str) -> DatesComponent:
    return DatesComponent()


@Language.factory("claimledger_quantities", requires=["doc.ents", "token.dep"], assigns=["doc._.cl_quantities"])
def make_quantities(nlp: Language, name: str) -> QuantitiesComponent:
    return QuantitiesComponent()


@Language.factory("claimledger_places", requires=["doc.ents"], assigns=["doc._.cl_places"])
def make_places(nlp: Language, name: str) -> PlacesComponent:
    return PlacesComponent()


@Language.factory("claimledger_attribution", default_config={"cue_threshold": DEFAULT_CUE_THRESHOLD},
                  requires=["token.dep", "token.lemma", "doc.ents"],
                  assigns=["doc._.cl_statements", "doc._.cl_evidence"])
def make_attribution(nlp: Language, name: str, cue_threshold: float) -> AttributionComponent:
    return AttributionComponent(cue_threshold)
