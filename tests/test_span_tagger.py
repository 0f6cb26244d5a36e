"""The learned span tagger's parts: BIO decoding, windows, stored weights, and linking spans into
attributions; and the shipped tagger on sentences written for these tests."""

import json

import numpy as np
import pytest

from claimledger import load_model
from claimledger.extraction.components import DEFAULT_CUE_THRESHOLD
from claimledger.extraction.learned_attribution import link_spans
from claimledger.extraction.pipeline import prepare
from claimledger.ml.span_tagger import LABELS, MAX_PIECES, WEIGHTS_DIR, RoleSpan, SpanTagger, paragraphs, spans_of, viterbi
from claimledger.ml.stored_weights import quantize_rows
from claimledger.schema import Article


def label(name):
    return LABELS.index(name)


def test_viterbi_never_starts_or_continues_a_span_it_did_not_open():
    # Word by word, the most likely label alone would be I-cue after O: an ill-formed span.
    log_probs = np.log(np.array([
        [0.9, 0.02, 0.02, 0.02, 0.02, 0.01, 0.01],   # O
        [0.3, 0.0, 0.0, 0.25, 0.45, 0.0, 0.0],        # I-cue best, B-cue second
        [0.1, 0.0, 0.0, 0.0, 0.9, 0.0, 0.0],          # I-cue
    ]) + 1e-9)
    labels = viterbi(log_probs)
    assert [LABELS[i] for i in labels] == ["O", "B-cue", "I-cue"]
    assert spans_of(labels) == [RoleSpan("cue", 1, 3)]


def test_spans_of_reads_adjacent_spans_of_one_role_apart():
    labels = [label(n) for n in ("B-content", "I-content", "B-content", "O", "B-source", "B-cue")]
    assert spans_of(labels) == [RoleSpan("content", 0, 2), RoleSpan("content", 2, 3), RoleSpan("source", 4, 5),
                                RoleSpan("cue", 5, 6)]


def test_int8_rows_restore_each_weight_within_half_a_step():
    weight = np.random.default_rng(0).normal(size=(16, 32)).astype(np.float32)
    weight[3] = 0.0
    quantized, scale = quantize_rows(weight)
    restored = quantized.astype(np.float32) * scale[:, None]
    assert np.all(np.abs(restored - weight) <= scale[:, None] / 2 + 1e-7)
    assert not restored[3].any()


@pytest.fixture(scope="module")
def tagger():
    return SpanTagger()


def test_the_tagger_reads_the_packages_word_embedding_table_in_place(tagger):
    from claimledger.errors import TaggerUnavailable
    from claimledger.ml.encoder import load_transformers, word_embeddings

    table = tagger.model.encoder.embeddings.word_embeddings.weight
    shared = word_embeddings(load_transformers(TaggerUnavailable)[2])
    assert not table.requires_grad and table.data_ptr() == shared.ctypes.data  # the mapped pages, no copy


def test_long_paragraphs_are_cut_into_windows_at_word_boundaries(tagger):
    words = ["attribution"] * 400 + ["said"]
    windows = tagger.encode(words)
    assert len(windows) >= 2
    assert all(len(w.ids) <= MAX_PIECES for w in windows)
    assert sum(len(w.firsts) for w in windows) == len(words)
    assert [w.offset for w in windows] == [0] + list(np.cumsum([len(w.firsts) for w in windows])[:-1])
    for window in windows:  # each word's first piece belongs to that word
        assert [window.owners[f] for f in window.firsts] == list(range(len(window.firsts)))
    tagged = tagger.tag([words])
    assert all(0 <= s.start < s.end <= len(words) for s in tagged[0])


def test_shipped_weights_carry_their_provenance():
    meta = json.loads((WEIGHTS_DIR / "meta.json").read_text())
    assert meta["command"].startswith("python -m claimledger.training.span_tagger")
    assert "PolNeAR train" in meta["data"]
    assert set(meta["dev_exact_f1_shipped_weights"]) == {"source", "cue", "content"}
    size = sum(p.stat().st_size for p in WEIGHTS_DIR.iterdir())
    assert size < 25 * 2 ** 20


def test_the_learned_pipeline_finds_source_cue_and_content():
    from claimledger import extract

    nlp = load_model(attribution="learned")
    assert "claimledger_span_tagger" in nlp.pipe_names
    [statement] = extract("The foreign ministry said on Monday that the troops had left.", nlp=nlp).statements
    assert (statement.speaker, statement.content) == ("The foreign ministry", "that the troops had left")
    assert statement.cue.startswith("said")


@pytest.fixture(scope="module")
def rules_nlp():
    return load_model(attribution="rules")


def parsed(nlp, text):
    doc = prepare(nlp, Article(text=text, source="t.txt"))[0]
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def ranges(doc, *pieces):
    """(role, start, end) token ranges of the given (role, text) pieces, found in order."""
    found, position = [], 0
    for role, text in pieces:
        start = doc.text.index(text, position)
        span = doc.char_span(start, start + len(text))
        found.append((role, span.start, span.end))
        position = start + len(text)
    return found


def test_contents_on_both_sides_of_a_cue_make_one_content(rules_nlp):
    doc = parsed(rules_nlp, '"We will stay," the minister said, "until the work is done."')
    spans = ranges(doc, ("content", '"We will stay,"'), ("source", "the minister"), ("cue", "said"),
                   ("content", '"until the work is done."'))
    [attribution] = link_spans(doc, [spans], DEFAULT_CUE_THRESHOLD)
    assert doc[attribution.content[0]:attribution.content[1]].text == doc.text
    assert doc[attribution.source[0]:attribution.source[1]].text == "the minister"


def test_a_cue_without_content_reports_the_attribution_beside_it(rules_nlp):
    doc = parsed(rules_nlp, "North Korea has decided to send troops, the intelligence service said.")
    spans = ranges(doc, ("source", "North Korea"), ("cue", "has decided"), ("content", "to send troops"),
                   ("source", "the intelligence service"), ("cue", "said"))
    decided, said = link_spans(doc, [spans], DEFAULT_CUE_THRESHOLD)
    assert doc[said.content[0]:said.content[1]].text == "North Korea has decided to send troops"
    assert doc[said.source[0]:said.source[1]].text == "the intelligence service"
    assert doc[decided.source[0]:decided.source[1]].text == "North Korea"


def test_one_source_serves_two_cues_of_its_sentence(rules_nlp):
    doc = parsed(rules_nlp, "The mayor said the road was closed and added that it would reopen soon.")
    spans = ranges(doc, ("source", "The mayor"), ("cue", "said"), ("content", "the road was closed"),
                   ("cue", "added"), ("content", "it would reopen soon"))
    said, added = link_spans(doc, [spans], DEFAULT_CUE_THRESHOLD)
    assert said.source == added.source
    assert doc[added.content[0]:added.content[1]].text == "it would reopen soon"


def test_paragraphs_split_at_line_breaks(rules_nlp):
    doc = rules_nlp.make_doc("First line here.\n\nSecond one.\nThird.")
    assert [" ".join(t.text for t in run) for run in paragraphs(doc)] == ["First line here .", "Second one .",
                                                                          "Third ."]
