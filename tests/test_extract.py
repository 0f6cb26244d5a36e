"""Extraction on sentences written for these tests: every field and the hard cases."""

import json

import pytest

from claimledger import extract, load_model

STORY = (
    "date 2024-10-22 SEOUL: North Korea's envoy to the UN, Kim Song, dismissed the accusations as "
    "\"groundless rumours\" on Monday. "
    "Russian Ambassador Georgy Zinoviev said the cooperation was lawful, the Russian Embassy in Seoul "
    "said in a Facebook post. "
    "A pro-Russia Telegram blogger posted a photo showing two flags over a mine near Pokrovsk, "
    "Yonhap news agency reported. "
    "The National Intelligence Service announced that approximately 12,000 special forces will be sent. "
    "An official said on condition of anonymity that the country never acknowledges such acts. "
    "He said the troops are likely to arrive in Russia soon. "
    "Zinoviev told First Vice Foreign Minister Kim Hong-kyun that the concerns were unfounded. "
    "The Kremlin declined to comment."
)


@pytest.fixture(scope="module")
def rules_text():
    """The rules-only mode, for what the rules do and the learned tagger does not (noted where used)."""
    nlp = load_model(attribution="rules")

    def run(text, published=None):
        return extract(text, published=published, nlp=nlp)

    return run


@pytest.fixture(scope="module")
def story(extract_text):
    return extract_text(STORY)


def statement_by_cue(extraction, cue, speaker=None):
    for s in extraction.statements:
        if s.cue.endswith(cue) and (speaker is None or (s.speaker_entity or "").endswith(speaker)):
            return s
    raise AssertionError(f"no statement with cue {cue!r} by {speaker!r}: "
                         f"{[(s.speaker_entity, s.cue) for s in extraction.statements]}")


def test_extract_published_and_dateline(story):
    assert (story.published, story.dateline) == ("2024-10-22", "Seoul")


def test_extract_every_span_matches_its_text(story):
    for s in story.statements:
        assert STORY[s.cue_span[0]:s.cue_span[1]] == s.cue
        assert STORY[s.content_span[0]:s.content_span[1]] == s.content
        if s.speaker:  # a source span that names no one who can speak has no speaker
            assert STORY[s.speaker_span[0]:s.speaker_span[1]] == s.speaker
    for mention in [m for e in story.entities for m in e.mentions]:
        assert STORY[mention.span[0]:mention.span[1]] == mention.text
    for item in story.quantities + story.dates + story.places + story.evidence:
        assert STORY[item.span[0]:item.span[1]] == item.text


def test_extract_denial_with_role_affiliation_and_weekday_date(story):
    s = statement_by_cue(story, "dismissed")
    assert s.stance == "deny"
    assert s.speaker_entity == "Kim Song"
    assert s.role == "envoy to the UN" and s.affiliation == "North Korea" and s.affiliation_country == "PRK"
    assert s.date == "2024-10-21"
    assert s.cue_lemma == "dismiss"


def test_extract_relayed_statement_points_to_its_relay(story):
    embassy = statement_by_cue(story, "said", "Russian Embassy")
    zinoviev = statement_by_cue(story, "said", "Zinoviev")
    assert embassy.medium == "Facebook post"
    assert story.statements[zinoviev.via] is embassy
    assert zinoviev.affiliation == "Russia"


def test_extract_blogger_post_relayed_by_agency_with_evidence(story):
    post = statement_by_cue(story, "posted")
    agency = statement_by_cue(story, "reported")
    assert story.statements[post.via] is agency
    photo = next(e for e in story.evidence if e.kind == "photo")
    assert photo.platform == "Telegram"
    assert "blogger" in photo.posted_by
    assert photo.shows.startswith("two flags over a mine")
    assert story.statements[photo.statement] is post


def test_extract_anonymous_source_and_pronoun_speaker(story):
    official = statement_by_cue(story, "said", "official")
    assert official.anonymous is True
    pronoun = next(s for s in story.statements if s.speaker == "He")
    assert pronoun.speaker_entity == official.speaker_entity and pronoun.anonymous
    assert pronoun.hedges == ["likely"]
    assert pronoun.stance == "assert"


def test_extract_addressee_is_not_content(story):
    told = statement_by_cue(story, "told")
    assert told.addressee == "First Vice Foreign Minister Kim Hong-kyun"
    assert told.content == "that the concerns were unfounded"
    assert told.speaker_entity == "Zinoviev" or told.speaker_entity.endswith("Zinoviev")


@pytest.mark.parametrize("sentence,cue,stance", [
    ("The Kremlin declined to comment on the reports.", "declined", "decline"),
    ("Pyongyang has never acknowledged sending troops abroad.", "acknowledged", "decline"),
    ("North Korea has not made any official statements about the deployment.", "statements about", "decline"),
    ("The ministry denied that any soldiers had crossed the border.", "denied", "deny"),
    ("Analysts suggested that the troops may be used in Kursk.", "suggested", "hedge"),
    ("The spy agency said that 1,500 soldiers had arrived.", "said", "assert"),
])
def test_extract_stance(extract_text, sentence, cue, stance):
    extraction = extract_text(sentence)
    assert statement_by_cue(extraction, cue).stance == stance


def test_extract_nominal_cue_with_source(rules_text):
    # The learned tagger leaves "accusations" untagged here (PolNeAR seldom marks such nouns as cues).
    text = ("Moscow rejected accusations from South Korea and Ukraine that North Korean soldiers "
            "were fighting in Russia.")
    extraction = rules_text(text)
    nominal = statement_by_cue(extraction, "accusations")
    assert nominal.content.startswith("that North Korean soldiers")
    assert nominal.speaker == "South Korea and Ukraine"
    rejection = statement_by_cue(extraction, "rejected")
    assert rejection.stance == "deny" and rejection.speaker == "Moscow"


def test_extract_title_before_name_gives_role_and_affiliation(extract_text):
    text = ("Russian Ambassador to South Korea Georgy Zinoviev said the cooperation was within the "
            "framework of international law.")
    s = statement_by_cue(extract_text(text), "said")
    assert (s.speaker_entity, s.role, s.affiliation) == ("Georgy Zinoviev", "Ambassador to South Korea", "Russia")


def test_extract_according_to(extract_text):
    text = "According to the Pentagon, about 10,000 soldiers are being trained in eastern Russia."
    s = statement_by_cue(extract_text(text), "According to")
    assert s.speaker == "the Pentagon" and "10,000 soldiers" in s.content


def test_extract_direct_quote_and_reporter_hedge(extract_text):
    text = 'The troops are reportedly near the front. "We have seen the evidence," the spokesman said.'
    s = statement_by_cue(extract_text(text), "said")
    assert s.direct is True and s.content.startswith('"We have seen')


def test_extract_entities_countries_and_places(story):
    by_name = {e.name: e for e in story.entities}
    assert by_name["North Korea"].country == "PRK"
    assert by_name["Seoul"].country == "KOR"
    assert any(e.label == "NORP" and e.country == "RUS" for e in story.entities)
    pokrovsk = next(p for p in story.places if p.name == "Pokrovsk")
    assert pokrovsk.country == "UKR" and round(pokrovsk.lat, 2) == 48.28 and round(pokrovsk.lon, 2) == 37.18


def test_extract_to_dict_is_json_with_documented_fields(story):
    record = json.loads(json.dumps(story.to_dict()))
    for key in ("source", "published", "dateline", "statements", "evidence", "entities", "quantities",
                "dates", "places"):
        assert key in record
    statement_keys = {"speaker", "speaker_span", "speaker_entity", "anonymous", "role", "affiliation", "cue",
                      "cue_span", "cue_lemma", "content", "content_span", "direct", "stance", "hedges",
                      "addressee", "date", "medium", "via"}
    assert statement_keys <= set(record["statements"][0])


def test_readme_documents_every_output_field():
    from dataclasses import fields
    from pathlib import Path

    from claimledger.schema import DateMention, Entity, Evidence, Extraction, Place, Quantity, Statement

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for record in (Extraction, Statement, Evidence, Entity, Quantity, DateMention, Place):
        for field in fields(record):
            assert f"`{field.name}`" in readme, f"{record.__name__}.{field.name} is not documented"


def test_a_component_failure_is_reported_for_its_article_only():
    import spacy
    from spacy.language import Language

    from claimledger.errors import ExtractionFailed
    from claimledger.extraction.pipeline import COMPONENTS, DEFAULT_MODEL, extract_articles
    from claimledger.schema import Article

    @Language.component("test_fails_on_boom")
    def fails_on_boom(doc):
        if "boom" in doc.text:
            raise ValueError("boom found")
        return doc

    nlp = spacy.load(DEFAULT_MODEL)
    for component in COMPONENTS:
        nlp.add_pipe(component)
    nlp.add_pipe("test_fails_on_boom")
    articles = [Article(text=f"Officials said the talks {word} resumed.", source=f"a{i}.txt")
                for i, word in enumerate(["had", "boom", "have"])]
    results = [result for _, result in extract_articles(articles, nlp=nlp, batch_size=4)]
    assert [type(r).__name__ for r in results] == ["Extraction", "ExtractionFailed", "Extraction"]
    assert isinstance(results[1], ExtractionFailed)
    assert str(results[1]) == "a1.txt: [E011] extraction failed in the pipeline: ValueError: boom found"
    assert results[2].statements[0].cue == "said"


@pytest.mark.parametrize("text, cue, speaker", [
    # a focus adverb is not part of the source
    ("Even Kremlin officials said the convoy had crossed the border.", "said", "Kremlin officials"),
    # a dateline the parser hangs on the subject is cut off
    ("KYIV, Ukraine (AP) - Defence Minister Rustem Umerov said on Sunday that the bridge was hit.",
     "said", "Defence Minister Rustem Umerov"),
    # the dash closing a parenthesis belongs to the source, as a closing comma does
    ("Oksana Lysenko — a nurse from Pokrovsk — told reporters that the shelling continued.",
     "told", "Oksana Lysenko — a nurse from Pokrovsk —"),
    # a participle under a preposition borrows its governor's subject
    ("The envoy began by saying that the talks had failed.", "saying", "The envoy"),
    # after a quotation the parser takes an inverted speaker for an object
    ('"The column is moving north," added another Ukrainian officer.', "added", "another Ukrainian officer"),
])
def test_extract_source_span(extract_text, text, cue, speaker):
    assert statement_by_cue(extract_text(text), cue).speaker == speaker


def test_extract_rules_leave_a_time_phrase_out_of_the_source(rules_text):
    # The learned tagger keeps it ("A Gallup poll in June"), as some PolNeAR annotators do.
    text = "A Gallup poll in June showed that most voters opposed the deployment."
    assert statement_by_cue(rules_text(text), "showed").speaker == "A Gallup poll"


def test_extract_quotation_resumed_after_the_cue_is_one_content(extract_text):
    text = ("''The convoy crossed at night,'' the commander said. ''We counted forty trucks.''")
    s = statement_by_cue(extract_text(text), "said")
    assert s.content.startswith("''The convoy") and s.content.endswith("forty trucks.''")


def test_extract_content_keeps_an_as_phrase_after_the_object(extract_text):
    text = "The foreign ministry dismissed the report as Western propaganda."
    s = statement_by_cue(extract_text(text), "dismissed")
    assert s.content == "the report as Western propaganda"


def test_extract_quotation_in_the_next_paragraph_is_not_resumed(extract_text):
    text = '"The convoy crossed at night," the commander said.\n\n"We will hold the bridge," the mayor said.'
    s = statement_by_cue(extract_text(text), "said", "commander")
    assert s.content == '"The convoy crossed at night,"'


def test_extract_quotation_left_open_runs_on_into_the_next_paragraph(rules_text):
    # The learned tagger reads each paragraph alone: its content stops at the paragraph's end
    # (joining a cue-less paragraph to the content before it scored lower on PolNeAR dev).
    text = ('The commander said: "The convoy crossed at night.\n\n'
            '"We counted forty trucks."\n\nThe mayor declined to comment.')
    s = statement_by_cue(rules_text(text), "said:", "commander")
    assert s.content.startswith('"The convoy') and s.content.endswith('forty trucks."')


@pytest.mark.parametrize("text, content", [
    ("A ceasefire, the envoy said, could hold until spring.", "A ceasefire, the envoy said, could hold until spring"),
    ("The bridge was destroyed, the envoy said.", "The bridge was destroyed"),
])
def test_extract_content_around_a_parenthetical_cue(extract_text, text, content):
    assert statement_by_cue(extract_text(text), "said").content == content


@pytest.mark.parametrize("mode", ["rules", "learned"])
def test_a_quotation_split_around_its_cue_lists_its_parts(mode):
    text = ('"A flag on a pole is not a battalion," said one Ukrainian analyst who tracks Russian Telegram '
            'channels. "It tells you someone wants you to think the Koreans are here."\n\n'
            "The NIS said that about 1,500 troops had been moved to Vladivostok.")
    statements = extract(text, nlp=load_model(attribution=mode)).statements
    split = next(s for s in statements if s.cue == "said" and s.content.startswith('"A flag'))
    parts = [text[a:b] for a, b in split.content_spans]
    assert parts[0] == '"A flag on a pole is not a battalion,"' and "said" not in " ".join(parts)
    assert len(parts) == 2 and parts[1].startswith('"It tells you') and parts[1].endswith('here."')
    assert split.content_span == (split.content_spans[0][0], split.content_spans[-1][1])
    whole = next(s for s in statements if s.speaker == "The NIS")
    assert whole.content_spans == [whole.content_span]
