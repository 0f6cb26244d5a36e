"""Statement kinds and nesting, evidence that is not a speaker, and dates that do not date a statement:
on sentences written for these tests, in both attribution modes (the learned tagger and the rules)."""

import pytest

from claimledger import extract, load_model
from claimledger.schema import Article, speaks
from claimledger.store.ledger import Ledger

MODES = ("learned", "rules")


def tagged_with(mode):
    nlp = load_model(attribution=mode)

    def extract_text(text, published=None):
        return extract(text, published=published, nlp=nlp)

    return extract_text


@pytest.fixture(scope="module", params=MODES)
def run(request):
    return tagged_with(request.param)


def by_cue(extraction, lemma):
    found = [s for s in extraction.statements if s.cue_lemma == lemma]
    assert found, f"no statement with cue lemma {lemma!r}: {[(s.speaker, s.cue) for s in extraction.statements]}"
    return found[0]


def test_each_kind_from_its_cue(run):
    cases = {
        "The defence minister said on Monday that the border was calm.": ("say", "speech"),
        "Officials in Seoul believe that the troops arrived in early October.": ("believe", "belief"),
        "Pyongyang plans to send more engineers to the region next year.": ("plan", "intent"),
        "Rumours that the troops had crossed the border spread quickly on Monday.": ("rumour", "report"),
        "Satellite images show that dozens of trucks gathered near the port.": ("show", "perception"),
    }
    for text, (lemma, kind) in cases.items():
        assert by_cue(run(text), lemma).kind == kind, text


def test_an_actors_decision_inside_a_report_is_nested_not_its_own_statement():
    # The rules miss this report ("X has decided ..., the NIS said") altogether: the learned tagger's case.
    run = tagged_with("learned")
    text = ("North Korea has decided to send approximately 12,000 troops to Russia, "
            "South Korea's National Intelligence Service said on Friday.")
    extraction = run(text)
    service = next(s for s in extraction.statements if s.cue_lemma == "say")
    assert "Intelligence Service" in (service.speaker or "")
    assert service.kind == "speech" and service.nested is None
    assert "decided to send" in service.content
    index = extraction.statements.index(service)
    for statement in extraction.statements:
        if statement is not service and statement.speaker and "North Korea" in statement.speaker:
            assert statement.kind == "intent" and statement.nested == index
            assert statement.via is None  # a decision reported by the NIS is not North Korea's word relayed
            assert not speaks(statement.kind, statement.nested)


def test_relayed_words_keep_their_relay(run):
    text = ("Ambassador Georgy Zinoviev said the cooperation was lawful, "
            "the Russian Embassy said in a Facebook post.")
    statements = run(text).statements
    embassy = next(s for s in statements if "Embassy" in (s.speaker or ""))
    inner = next(s for s in statements if s is not embassy and s.cue_lemma == "say")
    assert inner.nested == statements.index(embassy) == inner.via
    assert speaks(inner.kind, inner.nested)


def test_an_image_is_evidence_with_a_poster_not_a_speaker(run):
    text = ("A pro-Russia military blogger posted a photo on Telegram on Friday. "
            "The image showed two flags over a coal mine near Pokrovsk. "
            "The blogger said the flags had been raised by Korean soldiers.")
    extraction = run(text)
    image = next(e for e in extraction.evidence if e.text == "The image")
    assert "blogger" in (image.posted_by or "")
    for statement in extraction.statements:
        if statement.speaker and "image" in statement.speaker.lower():
            assert statement.kind == "perception" and not speaks(statement.kind, statement.nested)
    blogger = next(s for s in extraction.statements if s.speaker == "The blogger")
    assert "image" not in (blogger.speaker_entity or "").lower()


def test_a_date_inside_the_content_does_not_date_the_statement(run):
    undated = run("The navy said the wreck resembled the ship lost in the 2010 sinking.", published="2024-10-24")
    assert by_cue(undated, "say").date is None
    dated = run("The navy said on Tuesday that the wreck resembled the ship lost in the 2010 sinking.",
                published="2024-10-24")
    assert by_cue(dated, "say").date == "2024-10-22"


@pytest.mark.parametrize("mode", MODES)
def test_the_ledger_lists_only_sources_as_supporters(mode, tmp_path):
    nlp = load_model(attribution=mode)
    texts = [
        "North Korea has decided to send troops to Russia, South Korea's National Intelligence Service said.",
        "North Korea has decided to send troops to Russia, the Pentagon said on Monday.",
    ]
    with Ledger(str(tmp_path / "ledger.db")) as ledger:
        for n, text in enumerate(texts):
            ledger.add(Article(text=text, source=f"{n}.txt"), extract(text, source=f"{n}.txt", nlp=nlp))
        supporters = {m.origin_speaker or m.speaker for claim in ledger.claims()
                      for m in ledger.claim(claim.id).statements if m.side == "support"}
    assert any("Pentagon" in (s or "") for s in supporters)
    assert not any((s or "").startswith("North Korea") for s in supporters), supporters
