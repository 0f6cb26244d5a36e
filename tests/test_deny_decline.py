"""Deny is deny, decline is decline: a statement that rejects what a claim says under a dismissive cue or
frame denies it; one that leaves it open ("neither confirmed nor denied", "declined to comment") declines,
in both attribution modes."""

import pytest

from claimledger.extraction.pipeline import load_model

DENIALS = [
    ("North Korea's envoy dismissed the accusations that it is sending soldiers to fight alongside Russia "
     "as \"groundless rumours\".", "envoy"),
    ("The ministry said there was no truth to the claim that troops had crossed the border.", "ministry"),
    ("A spokesman for the company described as 'rubbish' a report that the plant had leaked oil.", "spokesman"),
    ("Danstar said the reports that a valve at the terminal had been leaking for weeks were false.", "Danstar"),
    ("The Kremlin rejected reports that North Korean troops were fighting in Kursk.", "Kremlin"),
    ("The embassy called the allegations a hoax.", "embassy"),
    ("Officials said the story that the mayor had resigned was untrue.", "Officials"),
]
DECLINES = [
    ("Zinoviev neither confirmed nor denied that North Korean soldiers were in Russia.", "Zinoviev"),
    ("The Kremlin declined to comment on the reports.", "Kremlin"),
    ("The Pentagon would not confirm the report.", "Pentagon"),
    ("Pyongyang has never acknowledged sending troops abroad.", "Pyongyang"),
    ("A spokesman refused to confirm or deny that the troops had arrived.", "spokesman"),
    ("The ministry would neither confirm nor deny that soldiers had been sent.", "ministry"),
]
# Claims that a report is true, or a statement whose reported thing is false: not a denial of the report.
NOT_DENIALS = [
    ("The agency confirmed the reports that 1,500 soldiers had arrived in Vladivostok.", "agency"),
    ("Police said the man had spread false rumours about the election.", "Police"),
    ("The minister said the report was accurate.", "minister"),
]


@pytest.fixture(scope="module", params=["learned", "rules"])
def nlp(request):
    return load_model(attribution=request.param)


def stances_of(nlp, sentence, speaker):
    from claimledger import extract

    found = [s.stance for s in extract(sentence, nlp=nlp).statements if speaker in (s.speaker or "")]
    assert found, f"no statement by {speaker!r} in {sentence!r}"
    return found


@pytest.mark.parametrize("sentence,speaker", DENIALS)
def test_a_dismissal_of_reports_is_a_denial(nlp, sentence, speaker):
    assert "deny" in stances_of(nlp, sentence, speaker)


@pytest.mark.parametrize("sentence,speaker", DECLINES)
def test_leaving_a_claim_open_is_a_decline_not_a_denial(nlp, sentence, speaker):
    stances = stances_of(nlp, sentence, speaker)
    assert "decline" in stances and "deny" not in stances


@pytest.mark.parametrize("sentence,speaker", NOT_DENIALS)
def test_confirming_or_reporting_falsehood_is_not_a_denial(nlp, sentence, speaker):
    assert "deny" not in stances_of(nlp, sentence, speaker)
