"""Property tests of `extract` on arbitrary text: it returns, or raises one of claimledger's own
errors, and every span it returns lies inside the text and holds the string it reports (with NUL
read as U+FFFD, as every Article stores it)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimledger.errors import ClaimledgerError

NEWS_WORDS = ["said", "denied", "The", "ministry", "officials", "\"", "“", "”", "on Monday", "about 1,500",
              "troops", "Seoul", "reportedly", ",", ".", "\n\n", "Kim Song", "declined to comment", "photo",
              "posted on Telegram", "SEOUL:", "date 2024-10-22", "not", "likely", "approximately 12,000"]
news_like = st.lists(st.sampled_from(NEWS_WORDS), max_size=60).map(" ".join)
anything = st.text(max_size=400)


def spans_with_text(extraction):
    for s in extraction.statements:
        if s.speaker_span:
            yield s.speaker_span, s.speaker
        yield s.cue_span, s.cue
        yield s.content_span, s.content
    for e in extraction.entities:
        for m in e.mentions:
            yield m.span, m.text
    for group in (extraction.quantities, extraction.dates, extraction.places, extraction.evidence):
        for item in group:
            yield item.span, item.text


def check(extract_text, text):
    try:
        extraction = extract_text(text)
    except ClaimledgerError:
        return
    as_read = text.replace("\x00", "\ufffd")  # an Article stores NUL as U+FFFD, one character for one
    for (start, end), shown in spans_with_text(extraction):
        assert 0 <= start <= end <= len(text)
        if shown is not None:
            assert as_read[start:end] == shown


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=news_like)
def test_extract_on_news_like_text(extract_text, text):
    check(extract_text, text)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=anything)
def test_extract_on_any_text(extract_text, text):
    check(extract_text, text)
