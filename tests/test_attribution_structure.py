"""Attribution keeps its structure in both modes: relays and reports inside a content are statements of
their own, linked by ``via`` / ``nested``; a speaker is someone who can speak, a pronoun is resolved to
the person the text was about, and a wire dateline never enters a speaker."""

import pytest

from claimledger import extract, load_model

MODES = ["rules", "learned"]


def statements_of(text: str, mode: str):
    return extract(text, nlp=load_model(attribution=mode)).statements


def by_cue(statements, cue: str):
    return next(s for s in statements if s.cue.startswith(cue))


@pytest.mark.parametrize("mode", MODES)
def test_an_ambassador_s_words_relayed_by_his_embassy_are_his_statement_inside_the_embassy_s(mode):
    found = statements_of("On Monday, Ambassador Georgy Zinoviev told Minister Kim Hong-kyun that the cooperation "
                          "was lawful, the embassy said in a Facebook post.", mode)
    told, relay = by_cue(found, "told"), by_cue(found, "said")
    assert told.speaker_entity == "Georgy Zinoviev" and relay.speaker == "the embassy"
    assert found[told.via] is relay and told.nested == found.index(relay)
    assert told.content.endswith("the cooperation was lawful")


@pytest.mark.parametrize("mode", MODES)
def test_reported_speech_inside_reported_speech_is_a_nested_statement(mode):
    found = statements_of("The NIS said that a defector had told investigators that the troops left in August.", mode)
    inner, outer = by_cue(found, "had told"), by_cue(found, "said")
    assert inner.speaker == "a defector" and found[inner.via] is outer
    assert inner.content == "that the troops left in August"


@pytest.mark.parametrize("mode", MODES)
def test_a_dismissal_holds_the_accusations_and_the_argument_has_its_own_content(mode):
    found = statements_of("North Korea's envoy Kim Song on Monday dismissed the accusations from South Korea and "
                          "Ukraine that it is sending soldiers to fight alongside Russia as 'groundless rumours,' "
                          "arguing its relations with Moscow are 'legitimate and cooperative'.", mode)
    dismissed, arguing = by_cue(found, "dismissed"), by_cue(found, "arguing")
    assert dismissed.content.startswith("the accusations") and dismissed.stance == "deny"
    assert arguing.content.startswith("its relations with Moscow")
    accusations = next(s for s in found if s.speaker == "South Korea and Ukraine")
    assert found[accusations.nested] is dismissed


@pytest.mark.parametrize("mode", MODES)
def test_he_is_the_person_the_previous_sentence_was_about(mode):
    found = statements_of("First Vice Foreign Minister Kim Hong-kyun told the ambassador that the deployment was a "
                          "threat, according to the ministry.\n\nZinoviev told First Vice Foreign Minister Kim "
                          "Hong-kyun that cooperation between Moscow and Pyongyang was not aimed at South Korea, the "
                          "ministry said. He said the cooperation was within the framework of international law.",
                          mode)
    he = next(s for s in found if s.speaker == "He")
    assert he.speaker_entity.endswith("Zinoviev") and "international law" in he.content


@pytest.mark.parametrize("mode", MODES)
def test_evidence_a_time_word_or_a_disclaimer_is_no_speaker(mode):
    text = ("The grainy video, which surfaced on Russian Telegram channels, shows soldiers queuing for uniforms.\n\n"
            "BRATOVA, Nov 6 (Danstar) - Danstar Chemical Terminals SA today rejects claims by the National "
            "Environmental Guard that the solution came from its tanks.\n\n"
            "Views expressed are the author's own and do not necessarily reflect those of the Institute.")
    found = statements_of(text, mode)
    speakers = {s.speaker for s in found} | {s.speaker_entity for s in found}
    assert not {"today", "The grainy video, which surfaced on Russian Telegram channels,", "Views"} & speakers
    rejects = by_cue(found, "rejects")
    assert rejects.speaker and rejects.speaker.startswith("Danstar Chemical Terminals SA")


@pytest.mark.parametrize("mode", MODES)
def test_a_wire_dateline_never_enters_a_speaker(mode):
    text = ("North Korea's UN envoy rejects troop claims\n\nUNITED NATIONS, Oct 22 (Continental Post) - North "
            "Korea's ambassador to the United Nations said on Monday that no soldiers had been sent to Russia.")
    said = by_cue(statements_of(text, mode), "said")
    assert said.speaker.startswith("North Korea's ambassador") and "(Continental Post)" not in said.content


@pytest.mark.parametrize("mode", MODES)
def test_the_company_is_the_organisation_named_just_before(mode):
    found = statements_of("The terminal is operated by Danstar Chemical Terminals SA, which stores liquid fertiliser. "
                          "The company declined to comment on Sunday. On Monday it said in a brief statement that it "
                          "had no indication that the leak had come from its installations.", mode)
    declined, said = by_cue(found, "declined"), by_cue(found, "said")
    assert declined.speaker == "The company" and declined.stance == "decline"
    assert declined.speaker_entity == said.speaker_entity == "Danstar Chemical Terminals SA"


@pytest.mark.parametrize("mode", MODES)
def test_an_organisation_named_long_before_is_not_the_company(mode):
    found = statements_of("Danstar Chemical Terminals SA runs the port.\n\nFish died on Sunday. Residents were angry. "
                          "Wells were closed on Monday. The company said the water was safe.", mode)
    assert by_cue(found, "said").speaker_entity == "company"


@pytest.mark.parametrize("mode", MODES)
def test_he_after_plural_officials_is_the_titled_person_named_since(mode):
    found = statements_of("Fish were found dead along the channel, local officials said on Monday.\n\n"
                          "Mayor Sorin Vlad visited the port. “We cannot exclude that some wells have been "
                          "affected,” he said at the town hall.", mode)
    he = next(s for s in found if s.speaker == "he")
    assert he.speaker_entity == "Sorin Vlad" and he.role == "Mayor"


@pytest.mark.parametrize("mode", MODES)
def test_he_is_never_plural_officials(mode):
    found = statements_of("Gheorghe Ilie, 64, a fisherman, said he noticed a sharp smell on Saturday. The water "
                          "turned milky. Fish were found dead on Sunday, local officials said. “I have never seen "
                          "anything like it,” he said.", mode)
    he = next(s for s in found if s.speaker == "he")
    assert he.speaker_entity == "Gheorghe Ilie"
