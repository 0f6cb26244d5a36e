"""Claims across articles: clustering, sides, independence, status, search, exports."""

import io
import json
import xml.etree.ElementTree as ET

import pytest

from claimledger import extract
from claimledger.ledger.claims import ClaimIndex, assign_statements, reported, side_of
from claimledger.text import content_terms
from claimledger.ledger.wording import proposition, reads_badly
from claimledger.ledger.export import WRITERS
from claimledger.ledger.independence import Member, claim_status, count_side, speaker_key
from claimledger.schema import Article
from claimledger.store.ledger import Ledger
from conftest import BACKENDS, new_ledger_target

ARTICLES = [
    ("herald.txt", "Seoul Herald",
     "The National Intelligence Service said North Korea has sent 1,500 special forces troops to Russia."),
    ("tribune.txt", "Daily Tribune",
     "North Korea has sent 1,500 special forces troops to Russia, the NIS said on Friday, adding that more "
     "would follow."),
    ("kyiv.txt", "Kyiv Ledger",
     "Ukrainian President Volodymyr Zelensky said North Korea has sent special forces troops to Russia and "
     "called the deployment a threat. The talks on grain exports in Istanbul were postponed until spring, "
     "officials from Turkey said."),
    ("reprint.txt", "Valley Gazette",
     "Ukrainian President Volodymyr Zelensky said North Korea has sent special forces troops to Russia and "
     "called the deployment a threat. The talks on grain exports in Istanbul were postponed until spring, "
     "officials from Turkey said. Staff writers contributed."),
    ("un.txt", "World Desk",
     "Kim Song, North Korea's envoy to the UN, denied that North Korea had sent special forces troops to Russia."),
]


@pytest.fixture(scope="module", params=BACKENDS)
def ledger(request, tmp_path_factory, nlp):
    store = Ledger(new_ledger_target(request, tmp_path_factory.mktemp("claims")))
    for source, outlet, text in ARTICLES:
        store.add(Article(text=text, source=source, outlet=outlet), extract(text, source=source, nlp=nlp))
    yield store
    store.close()


def troops_claim(ledger):
    [claim] = [c for c in ledger.claims(search="special forces") if "special forces troops" in c.canonical]
    return claim


def test_statements_from_five_articles_form_one_contested_claim(ledger):
    claim = troops_claim(ledger)
    page = ledger.claim(claim.id)
    sides = {(s.article_source, s.side) for s in page.statements}
    assert {("herald.txt", "support"), ("tribune.txt", "support"), ("kyiv.txt", "support"),
            ("reprint.txt", "support"), ("un.txt", "deny")} <= sides
    # NIS written out and as an acronym is one source; the reprint repeats Zelensky: two independent.
    assert (claim.support_raw, claim.support_independent) == (4, 2)
    assert (claim.deny_raw, claim.deny_independent) == (1, 1)
    assert claim.status == "contested"
    reasons = " | ".join(page.merged["support"])
    assert "National Intelligence Service" in reasons or "NIS" in reasons
    assert "wire copies or reprints: articles 4" in reasons


def test_unrelated_statement_is_its_own_claim(ledger):
    grain = [c for c in ledger.claims(search="grain exports")]
    assert len(grain) == 1 and grain[0].id != troops_claim(ledger).id
    assert grain[0].status == "unverified"


def test_filters_and_search_cannot_break_the_query(ledger):
    assert ledger.claims(status="denied") == []
    assert [c.id for c in ledger.claims(entity="Kim Song")] == [troops_claim(ledger).id]
    for hostile in ['"', "troops OR", "NEAR(", "*", "'; DROP TABLE claims; --", "special AND"]:
        ledger.claims(search=hostile)  # quoted as terms: no FTS5 syntax error, no SQL injection
        ledger.claims(entity=hostile)
        ledger.entity(hostile)
    assert ledger.counts()["claims"] >= 2
    assert ledger.claims(since="2100-01-01") == []


def test_claims_survive_reopening_and_new_articles_join_them(ledger_target, nlp):
    path = ledger_target
    with Ledger(path) as store:
        for source, outlet, text in ARTICLES[:2]:
            store.add(Article(text=text, source=source, outlet=outlet), extract(text, source=source, nlp=nlp))
        first = troops_claim(store).id
    with Ledger(path) as store:
        source, outlet, text = ARTICLES[2]
        store.add(Article(text=text, source=source, outlet=outlet), extract(text, source=source, nlp=nlp))
        claim = troops_claim(store)
        assert claim.id == first and claim.support_independent == 2 and claim.status == "corroborated"


def test_entity_page(ledger):
    page = ledger.entity("Kim Song")
    assert [s.side for s in page.said] == ["deny"]
    assert page.claims[page.said[0].statement_id] == troops_claim(ledger).id


def test_exports(ledger):
    pages = list(ledger.claim_pages())
    stream = io.StringIO()
    assert WRITERS["jsonl"](pages, stream) == len(pages)
    first = json.loads(stream.getvalue().splitlines()[0])
    assert {"summary", "statements", "merged", "evidence"} <= set(first)
    stream = io.StringIO()
    assert WRITERS["claimreview"](pages, stream) == 0  # no reviewer gave a verdict: the ledger rates nothing
    stream = io.StringIO()
    WRITERS["graphml"](pages, stream)
    graph = ET.fromstring(stream.getvalue())
    labels = {d.text for d in graph.iter("{http://graphml.graphdrawing.org/xmlns}data")}
    assert {"World Desk", "reported in"} <= labels


@pytest.mark.parametrize("stance,content,canonical,side", [
    ("assert", "troops were sent", "Troops were sent", "support"),
    ("assert", "no troops were sent", "Troops were sent", "deny"),
    ("deny", "troops were sent", "Troops were sent", "deny"),
    ("deny", "troops were not sent", "Troops were sent", "support"),
    ("hedge", "troops may have been sent", "Troops were sent", "hedge"),
    ("decline", "to comment", "Troops were sent", "decline"),
])
def test_side_of(stance, content, canonical, side):
    assert side_of(stance, content, canonical) == side


def test_the_stance_model_decides_a_side_only_where_one_text_is_negated():
    from claimledger.ledger.article_stance import content_reading, stance_model

    read = []

    def reading(claim, text):
        read.append((claim, text))
        return content_reading(stance_model())(claim, text)

    assert side_of("assert", "no troops were sent", "Troops were sent", reading) == "deny"
    assert side_of("assert", "troops were sent", "Troops were sent", reading) == "support"
    assert read == [("Troops were sent", "no troops were sent")]
    # A content the model reads as agreeing keeps the speaker's side despite a negation word in one text.
    assert side_of("assert", "nobody doubts that troops were sent", "Troops were sent", lambda c, t: "agree") == "support"
    assert side_of("assert", "nobody doubts that troops were sent", "Troops were sent") == "deny"


@pytest.mark.parametrize("content, wording", [
    ('that "North Korea never acknowledges such acts,"', "North Korea never acknowledges such acts"),
    ("“evidence” of troops", "“Evidence” of troops"),
    ("some of them “are likely to have been deployed” to combat areas, the agency said",
     "Some of them “are likely to have been deployed” to combat areas"),
    ("troops may have moved to the front lines, South Korea’s spy agency said on Wednesday, as Seoul weighed its "
     "options", "Troops may have moved to the front lines"),
    ("the deployment posed a threat, according to a readout released by the presidential office",
     "The deployment posed a threat"),
    ('Pyongyang, he said, should "stop hiding behind words."', 'Pyongyang should "stop hiding behind words."'),
    ('"North Korea never acknowledges such acts," the official said. "They will deny it anyway."',
     "North Korea never acknowledges such acts. They will deny it anyway."),
    ('"If they are there to fight," he said, "that is a very serious issue."',
     "If they are there to fight, that is a very serious issue."),
    ("Has decided to send 12,000 troops to Russia, South Korea's National Intelligence Service (NIS",
     "Has decided to send 12,000 troops to Russia"),
    ('A second transfer was expected "soon,"', 'A second transfer was expected "soon"'),
    ("2024-11-04 BRATOVA: Fish were found dead along a side channel", "Fish were found dead along a side channel"),
    ("SEOUL — South Korea summoned the Russian ambassador", "South Korea summoned the Russian ambassador"),
    ("The National Intelligence Service (NIS) said the figure was up from 1,500", "The figure was up from 1,500"),
    ("The man who said no was arrested", "The man who said no was arrested"),
    ("North Korea said it had no plans", "North Korea said it had no plans"),
    ("The workers’ union said nothing about Korea’s troops", "The workers’ union said nothing about Korea’s troops"),
    ("that North Korean units are already in combat near Pokrovsk are not supported by anything we have seen",
     "North Korean units are already in combat near Pokrovsk"),  # the judgement is not the claim
    ("The claim is false", "The claim is false"),  # nothing left to state without it
    ("The river is not deep enough for barges", "The river is not deep enough for barges"),
    # What was left of "told Vice Foreign Minister Kim Hong-kyun that ...", "citing an unnamed employee, that ..."
    ("Vice Foreign Minister Kim Hong-kyun that cooperation was not aimed at South Korea",
     "Cooperation was not aimed at South Korea"),
    ("an unnamed employee, that a valve at the terminal had been leaking for weeks",
     "A valve at the terminal had been leaking for weeks"),
    ("The troops that Seoul says have been sent are elite", "The troops that Seoul says have been sent are elite"),
])
def test_a_claim_is_worded_as_a_proposition_without_the_report_around_it(content, wording):
    assert proposition(content) == wording


@pytest.mark.parametrize("content, speaker, wording", [
    ("it was looking into the reports", "Pentagon", "Pentagon was looking into the reports"),
    ("its inspectors had traced the leak", "the National Environmental Guard",
     "The National Environmental Guard’s inspectors had traced the leak"),
    ("it would challenge the fine in court", "Danstar Chemical Terminals SA,",
     "Danstar Chemical Terminals SA would challenge the fine in court"),
    ("he noticed a sharp smell", "Gheorghe Ilie, 64, who has fished the channel", "Gheorghe Ilie noticed a sharp smell"),
    ("It seems the situation is under control", "Sorin Vlad", "It seems the situation is under control"),  # expletive
    ("he noticed a sharp smell", "one analyst who tracks Russian Telegram channels and asked not to be named",
     "He noticed a sharp smell"),  # no name to stand as a subject
    ("he noticed a sharp smell", "they", "He noticed a sharp smell"),
])
def test_a_pronoun_subject_of_reported_speech_is_named_by_its_speaker(content, speaker, wording):
    assert proposition(content, speaker) == wording


def test_a_claim_is_named_by_the_member_that_reads_best_alone():
    assert reads_badly("It had seen the troops") == reads_badly("has decided to send troops") == 0.5
    assert reads_badly("to send troops, the Service (NIS") > reads_badly("North Korea sent troops") == 0.0
    index = ClaimIndex()
    members = ["has decided to send 12,000 special forces troops to Russia, the spy agency said",
               "North Korea has sent 12,000 special forces troops to Russia, the spy agency said"]
    for content in members:
        terms = content_terms(content)
        index.observe(terms)
        index.add(1, content, terms)
    assert index.claims[1].canonical == "North Korea has sent 12,000 special forces troops to Russia"


def test_speaker_keys_and_status():
    assert speaker_key("National Intelligence Service") == speaker_key("NIS") == speaker_key("the NIS")
    assert speaker_key("Kim Song") != speaker_key("Kim Hong-kyun")
    # Apostrophes, a possessor before the name, a bracketed acronym and an apposition do not make a new source.
    assert (speaker_key("South Korea’s National Intelligence Service (NIS)") == speaker_key("NIS")
            == speaker_key("South Korea's National Intelligence Service"))
    assert speaker_key("South Korea’s spy agency") == speaker_key("South Korea's spy agency")
    assert speaker_key("South Korea's spy agency") != speaker_key("Ukraine's spy agency")
    assert speaker_key("Yoon Ha-jin, a member of parliament’s intelligence committee,") == speaker_key("Yoon Ha-jin")
    # One blogger's post relayed as "a pro-Russia Telegram blogger" and "pro-Russia Telegram bloggers": one origin.
    assert speaker_key("pro-Russia Telegram bloggers") == speaker_key("a pro-Russia Telegram blogger")
    assert speaker_key("Ukrainian officials") != speaker_key("Russian officials")
    assert speaker_key("Hanbit news") == "hanbit news" and speaker_key("Kim Jong Un") != speaker_key("Kim Jong")
    assert [claim_status(0, 1), claim_status(1, 0), claim_status(2, 0), claim_status(1, 2)] == [
        "denied", "unverified", "corroborated", "contested"]


def test_anonymous_sources_of_one_outlet_count_once():
    def member(i, outlet, speaker, anonymous):
        return Member(i, "support", i, i, outlet, speaker, anonymous, None)

    counted = count_side([member(1, "Herald", "an official", True), member(2, "Herald", "a diplomat", True),
                          member(3, "Tribune", "an official", True), member(4, "Herald", "Kim Song", False)])
    assert (counted.raw, counted.independent) == (4, 3)
    assert counted.merged == ["unnamed or anonymous sources of one outlet (Herald)"]
    wire = count_side([member(1, "Baltic Wire Service", "an official", True), member(2, "BWS", "a diplomat", True)])
    assert wire.independent == 1  # one outlet, written out and as its acronym


@pytest.mark.parametrize("content,said", [
    ("the accusations from South Korea and Ukraine that it is sending soldiers to fight alongside Russia",
     "it is sending soldiers to fight alongside Russia"),
    ("claims that North Korea sent troops are false", "North Korea sent troops"),
    ("the claim that North Korean troops are near Pokrovsk as unverified", "North Korean troops are near Pokrovsk"),
    ('the reports as "groundless rumours."', ""),
    ("these rumours", ""),
    ("North Korea has sent troops to Russia", None),
    ("storage tanks at the port terminal leaked", None),
])
def test_a_content_pointing_at_reports_is_read_as_what_they_said(content, said):
    assert reported(content) == said


def test_denials_of_reports_join_the_claim_the_reports_made_and_open_no_claim_of_their_own():
    index = ClaimIndex()
    first, next_id = assign_statements(index, [(1, "North Korea has sent thousands of soldiers to Russia", "assert")], 1)
    claim = first[0].claim_id
    found, next_id = assign_statements(index, [
        (2, 'the reports as "groundless rumours"', "deny"),  # no content of its own: the article's claim
        (3, "that North Korea has sent thousands of soldiers to fight for Russia", "assert"),
        (4, "the accusations from South Korea that North Korea has sent soldiers to Russia", "deny"),
        (5, "troop claims as groundless rumours", "assert"),  # a headline's cue read as neutral: still a denial
        (6, "the claim that North Korea has sent thousands of soldiers to Russia as unverified", "assert"),
    ], next_id)
    sides = {a.statement_id: (a.claim_id, a.side) for a in found}
    assert sides == {2: (claim, "deny"), 3: (claim, "support"), 4: (claim, "deny"), 5: (claim, "deny"),
                     6: (claim, "hedge")}
    assert next_id == 2  # nothing opened a claim worded "The reports as groundless rumours"
