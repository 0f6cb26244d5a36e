"""The stance model and the `eval` commands, on headlines and bodies written for these tests."""

import csv

import numpy as np
import pytest
from typer.testing import CliRunner

from claimledger.errors import MalformedDataset
from claimledger.ingest.batch import ingest_paths
from claimledger.interfaces.cli import app
from claimledger.ledger.article_stance import ClaimInArticle, article_stances, quoted_lean, stance_model
from claimledger.ml.headline_clusters import cut_tree
from claimledger.ml.stance import LABELS, PASSAGE_SENTENCES, passage, side_passage
from claimledger.store.ledger import Ledger
from claimledger.training.corpora import FncPair, fnc_claim_groups, held_out_groups, read_emergent

runner = CliRunner()
CLAIM = "North Korea has sent troops to fight for Russia"
HEADLINES = [  # (article id, headline, claim id, gold stance)
    ("a1", "North Korea sends thousands of troops to fight for Russia", "troops", "for"),
    ("a2", "North Korea denies sending troops to Russia, calls the reports fake", "troops", "against"),
    ("a3", "Reports claim North Korea may have sent troops to Russia", "troops", "observing"),
    ("b1", "Giant squid washes up on a beach in Cornwall", "squid", "for"),
    ("b2", "Giant squid found on Cornwall beach turns out to be a hoax", "squid", "against"),
    ("b3", "Beachgoers report a giant squid washed up in Cornwall", "squid", "observing"),
]
CLAIMS = {"troops": CLAIM, "squid": "A giant squid washed up on a beach in Cornwall"}


def write_emergent(path, with_claims=True):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["", "claimHeadline", "articleHeadline", "articleHeadlineStance", "articleId", "claimId"])
        for n, (article, headline, claim, stance) in enumerate(HEADLINES):
            writer.writerow([n, CLAIMS[claim] if with_claims else "", headline, stance if with_claims else "",
                             article, claim if with_claims else ""])


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_the_stance_model_reads_assertion_denial_and_report_in_headlines():
    headlines = [h for _, h, c, _ in HEADLINES if c == "troops"]
    probabilities = stance_model().probabilities([CLAIM] * 3, headlines)
    assert np.allclose(probabilities.sum(1), 1)
    assert stance_model().predict([CLAIM] * 3, headlines) == ["agree", "disagree", "discuss"]


def test_a_negated_statement_called_a_hoax_disagrees_with_the_claim():
    # The case: the old cross-encoder read this as agreeing.
    body = "North Korea did not send special forces troops to Russia. The story is a hoax. It is false."
    assert stance_model().predict(["North Korea has sent special forces troops to Russia"], [body]) == ["disagree"]


@pytest.mark.parametrize("text", [
    "A spokesman declined to comment on reports that North Korea has sent troops to fight for Russia.",
    "The ministry neither confirmed nor denied that North Korea has sent troops to fight for Russia.",
    "Pyongyang has never acknowledged sending troops to fight for Russia, and officials would not confirm it."])
def test_declining_to_confirm_is_not_disagreeing(text):
    assert stance_model().predict([CLAIM], [text]) != ["disagree"]


def test_a_text_about_something_else_is_unrelated():
    text = ("The city council voted to extend the opening hours of the public library on weekends. "
            "Librarians welcomed the decision, which takes effect next month.")
    assert stance_model().predict([CLAIM], [text]) == ["unrelated"]


def test_the_passage_keeps_a_refutation_that_names_nothing_of_the_claim():
    body = ("North Korea has sent troops to fight for Russia, a blog claimed on Monday. Troops were seen in "
            "Russia's far east, the blog said. North Korea's troops train in winter. The weather in the region "
            "was cold and wet all week long. Our reporters checked every detail with care. It is false.")
    chosen = passage(CLAIM, body)
    assert chosen.endswith("It is false.") and chosen.count(".") == PASSAGE_SENTENCES
    assert passage(CLAIM, "Short text, one sentence about troops.") == "Short text, one sentence about troops."


def test_a_debunk_that_restates_the_claim_first_is_read_in_its_side_taking_sentences_too():
    claim = "Country singer Willie Nelson has died at his home in Maui"
    body = ("Country singer Willie Nelson has died at his home in Maui, a website reported on Tuesday. The website "
            "said Willie Nelson died in his sleep at his home in Maui. Fans of the country singer shared the report "
            "that Nelson had died thousands of times. Nelson's publicist said the website is known for fake "
            "celebrity deaths. The singer is playing in Texas this week.")
    model = stance_model()
    assert "fake" not in passage(claim, body)
    assert side_passage(claim, body) == "Nelson's publicist said the website is known for fake celebrity deaths."
    assert LABELS[model.read([claim], [passage(claim, body)], 0)[0].argmax()] == "discuss"
    assert model.predict([claim], [body]) == ["disagree"]
    # A text no longer than a passage has no second reading.
    assert side_passage(claim, "Willie Nelson has died. It is fake.") is None


REFUTING_BODY = "The story that North Korea sent troops to Russia is a hoax. It is false."
REPORTING_BODY = ("South Korea's spy agency said on Friday that North Korea has sent troops to Russia. The agency said "
                  "about 1,500 special forces had arrived in Vladivostok and more would follow.")


def test_the_body_decides_an_article_s_stance_when_it_takes_a_side():
    [refuting] = article_stances(REFUTING_BODY, [ClaimInArticle(CLAIM, ["support"], opened=False)], stance_model())
    assert refuting == ("disagree", "body")
    # A body that reports the claim only discusses it: the article leans with the agency it quotes.
    [reporting] = article_stances(REPORTING_BODY, [ClaimInArticle(CLAIM, ["support"], opened=False)], stance_model())
    assert reporting == ("agree", "quotes")


def test_an_article_leans_with_its_quotes_on_a_claim_it_opened_or_only_discusses():
    opened = [ClaimInArticle(CLAIM, ["deny", "deny", "support"], opened=True),
              ClaimInArticle("The envoy was summoned to the ministry", ["hedge"], opened=True)]
    assert article_stances(REFUTING_BODY, opened, stance_model()) == [("disagree", "quotes"), ("discuss", "quotes")]
    unread = [ClaimInArticle(CLAIM, ["support"], opened=False)]
    assert article_stances(REFUTING_BODY, unread, None) == [("agree", "quotes (stance model not installed)")]


def test_a_restated_claim_counts_only_when_the_body_takes_a_side_on_it():
    refuting = article_stances(REFUTING_BODY, [ClaimInArticle(CLAIM, [], opened=False, restated=True)], stance_model())
    assert refuting == [("disagree", "body (no statement on the claim)")]
    reporting = article_stances(REPORTING_BODY, [ClaimInArticle(CLAIM, [], opened=False, restated=True)],
                                stance_model())
    assert reporting == [None]
    assert article_stances(REFUTING_BODY, [ClaimInArticle(CLAIM, [], opened=False, restated=True)], None) == [None]


def test_quoted_lean_counts_support_against_denial():
    assert quoted_lean(["support", "support", "deny"]) == "agree"
    assert quoted_lean(["deny", "hedge"]) == "disagree"
    assert quoted_lean(["support", "deny"]) == quoted_lean(["decline"]) == quoted_lean([]) == "discuss"


def test_cut_tree_numbers_clusters_by_first_appearance():
    distance = np.array([[0, .9, .1], [.9, 0, .9], [.1, .9, 0]])
    assert cut_tree(distance, 0.5) == [0, 1, 0]
    assert cut_tree(distance, 0.95) == [0, 0, 0]
    assert cut_tree(np.zeros((1, 1)), 0.5) == [0]


def test_held_out_groups_are_reproducible_and_a_fifth():
    groups = [f"claim{n}" for n in range(50)]
    assert held_out_groups(groups, seed=3) == held_out_groups(reversed(groups), seed=3)
    assert len(held_out_groups(groups)) == 10 and held_out_groups(groups, 0) != held_out_groups(groups, 1)


def test_fnc_claims_join_bodies_through_related_headlines_only():
    pairs = [FncPair("h1", "1", "agree"), FncPair("h1", "2", "discuss"), FncPair("h1", "3", "unrelated"),
             FncPair("h2", "3", "agree")]
    claim_of = fnc_claim_groups(pairs)
    assert claim_of["1"] == claim_of["2"] != claim_of["3"]


def test_eval_emergent_scores_and_clusters_from_headlines_alone(tmp_path):
    write_emergent(tmp_path / "gold.csv")
    write_emergent(tmp_path / "blank.csv", with_claims=False)
    scored = runner.invoke(app, ["eval", "emergent", str(tmp_path / "gold.csv"), "--predictions", str(tmp_path / "p.csv")])
    assert scored.exit_code == 0, scored.output
    assert "stance accuracy:" in scored.output and "cluster ARI:" in scored.output
    blank = runner.invoke(app, ["eval", "emergent", str(tmp_path / "blank.csv"), "--predictions", str(tmp_path / "q.csv")])
    assert blank.exit_code == 0 and "no gold labels" in blank.output
    with_claims, without = read_rows(tmp_path / "p.csv"), read_rows(tmp_path / "q.csv")
    assert with_claims[0] == ["articleId", "claimCluster", "stance"]
    assert [r[:2] for r in with_claims] == [r[:2] for r in without]
    assert [r[0] for r in with_claims[1:]] == [a for a, *_ in HEADLINES]
    assert all(r[2] == "" for r in without[1:]) and all(r[2] in ("for", "against", "observing") for r in with_claims[1:])
    clusters = {r[0]: r[1] for r in with_claims[1:]}
    assert clusters["a1"] == clusters["a2"] == clusters["a3"] != clusters["b1"] == clusters["b2"]


def test_eval_fnc1_writes_the_submission_format(tmp_path):
    bodies = {"7": "Officials in Seoul said on Friday that North Korea had sent about 1,500 special forces to "
                   "Russia by ship. The intelligence service said more troops would follow within weeks.",
              "8": "The city council voted to extend the opening hours of the public library on weekends. "
                   "Librarians welcomed the decision, which takes effect next month."}
    with open(tmp_path / "bodies.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["Body ID", "articleBody"], *bodies.items()])
    with open(tmp_path / "stances.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["Headline", "Body ID", "Stance"], ["North Korea sends troops to Russia", "7", "agree"],
                                      ["North Korea sends troops to Russia", "8", "unrelated"]])
    result = runner.invoke(app, ["eval", "fnc1", str(tmp_path / "stances.csv"), str(tmp_path / "bodies.csv"),
                                 "--predictions", str(tmp_path / "out.csv")])
    assert result.exit_code == 0, result.output
    assert "FNC score:" in result.output
    rows = read_rows(tmp_path / "out.csv")
    assert rows[0] == ["Headline", "Body ID", "Stance"]
    assert [r[:2] for r in rows[1:]] == [["North Korea sends troops to Russia", "7"],
                                         ["North Korea sends troops to Russia", "8"]]
    assert rows[2][2] == "unrelated" and rows[1][2] != "unrelated"


def test_eval_files_without_their_columns_are_one_line_errors(tmp_path):
    (tmp_path / "bad.csv").write_text("headline,label\nx,for\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "emergent", str(tmp_path / "bad.csv"), "--predictions", str(tmp_path / "p.csv")])
    assert result.exit_code == 2 and "E017" in result.output and "articleId" in result.output
    with pytest.raises(MalformedDataset):
        read_emergent(tmp_path / "bad.csv")
    assert not (tmp_path / "p.csv").exists()


def test_claim_pages_list_articles_with_their_own_stance(tmp_path, ledger_target):
    (tmp_path / "a.txt").write_text(
        "North Korea denies sending troops to Russia, calls the reports fake\n\n"
        "date 2024-10-22 SEOUL: North Korea's envoy said on Monday that reports North Korea has sent troops "
        "to fight for Russia were \"groundless rumours\".", encoding="utf-8")
    with Ledger(ledger_target) as ledger:
        ingest_paths([tmp_path / "a.txt"], ledger)
        page = ledger.claim(ledger.claims()[0].id)
    # The article opened the claim: it leans with its one statement, the envoy's denial.
    assert [(a.title, a.stance, a.basis) for a in page.articles] == [
        ("North Korea denies sending troops to Russia, calls the reports fake", "disagree", "quotes")]
    assert (page.summary.agree_articles, page.summary.disagree_articles, page.summary.discuss_articles) == (0, 1, 0)


def test_an_article_that_refutes_a_claim_in_its_own_words_is_counted_against_it(tmp_path, ledger_target):
    (tmp_path / "a.txt").write_text(
        "Spy agency: North Korea sent troops\n\nSouth Korea's spy agency said on Friday that North Korea has sent "
        "special forces troops to Russia.", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Fact check\n\nThe story that North Korea sent special forces troops to Russia is a hoax. It is false.",
        encoding="utf-8")
    (tmp_path / "c.txt").write_text(
        "Harvest\n\nFarmers in the south expect a record rice harvest after a wet summer.", encoding="utf-8")
    with Ledger(ledger_target) as ledger:
        ingest_paths([tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"], ledger)
        [claim] = [c for c in ledger.claims() if "troops" in c.canonical]
        page = ledger.claim(claim.id)
    # No statement of the fact check joins the claim: its own sentences restate it and its body refutes it.
    assert [(a.title, a.stance, a.basis) for a in page.articles] == [
        ("Spy agency: North Korea sent troops", "agree", "quotes"),
        ("Fact check", "disagree", "body (no statement on the claim)")]
    assert (page.summary.agree_articles, page.summary.disagree_articles) == (1, 1)
    assert page.summary.statements == 1


def test_eval_reads_short_rows_as_blank_fields(tmp_path):
    (tmp_path / "short.csv").write_text("articleId,articleHeadline,claimHeadline\na1,Troops arrive in Russia\n"
                                        "a2\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "emergent", str(tmp_path / "short.csv"), "--predictions", str(tmp_path / "p.csv")])
    assert result.exit_code == 0, result.output
    assert [r[0] for r in read_rows(tmp_path / "p.csv")[1:]] == ["a1", "a2"]
