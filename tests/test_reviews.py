"""A reviewer's verdicts and the merging of claims: library, CLI, API and web form."""

import io
import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from claimledger import extract
from claimledger.errors import InvalidReview
from claimledger.ledger.export import WRITERS
from claimledger.ledger.reviews import new_verdict
from claimledger.schema import Article
from claimledger.store.ledger import Ledger
from claimledger.interfaces.cli import app
from claimledger.interfaces.web.app import create_app

runner = CliRunner()
TOKEN = "a-test-token"
ARTICLES = [
    ("herald.txt", "The National Intelligence Service said North Korea has sent 1,500 special forces troops to Russia."),
    ("un.txt", "Kim Song, North Korea's envoy to the UN, denied that North Korea had sent special forces troops "
               "to Russia."),
    ("kyiv.txt", "Kyiv officials said Pyongyang has dispatched commandos to the Kursk front."),
    ("later.txt", "A Ukrainian commander said Pyongyang's commandos were fighting on the Kursk front this week."),
]


def add(store, nlp, source, text):
    store.add(Article(text=text, source=source), extract(text, source=source, nlp=nlp))


@pytest.fixture
def ledger_path(tmp_path, nlp):
    path = tmp_path / "reviews.db"
    with Ledger(path) as store:
        for source, text in ARTICLES[:3]:
            add(store, nlp, source, text)
    return path


def claim_of(store, words):
    [found] = [c for c in store.claims() if words in c.canonical]
    return found


def test_a_verdict_rates_the_claim_in_the_claimreview_export(ledger_path):
    with Ledger(ledger_path) as store:
        troops = claim_of(store, "special forces")
        store.record_verdict(new_verdict(troops.id, "Mostly-True", "Ana Reviewer", "2024-10-30", "NIS and UN seen"))
        store.record_verdict(new_verdict(troops.id, "true", "Ana Reviewer", "2024-11-02"))
        page = store.claim(troops.id)
        pages = list(store.claim_pages())
    assert [v.rating for v in page.verdicts] == ["true", "mostly true"]  # the latest first: the current one
    stream = io.StringIO()
    assert WRITERS["claimreview"](pages, stream) == 1
    [review] = json.loads(stream.getvalue())
    assert review["reviewRating"]["ratingValue"] == 5 and review["reviewRating"]["alternateName"] == "true"
    assert review["author"] == {"@type": "Person", "name": "Ana Reviewer"} and review["datePublished"] == "2024-11-02"
    assert "1 independent supporting source(s)" in review["description"] and "1 independent denying" in review["description"]


@pytest.mark.parametrize("rating,reviewer,day,problem", [
    ("probably", "Ana", None, "unknown rating"), ("true", "  ", None, "reviewer is required"),
    ("false", "Ana", "30/10/2024", "not an ISO date"), ("false", "Ana" * 1000, None, "longer than"),
])
def test_a_malformed_verdict_is_refused_with_its_reason(rating, reviewer, day, problem):
    with pytest.raises(InvalidReview, match=problem):
        new_verdict(1, rating, reviewer, day)


def test_merging_moves_statements_keeps_ids_and_leaves_an_audit_trail(ledger_path, nlp):
    with Ledger(ledger_path) as store:
        troops, commandos = claim_of(store, "special forces"), claim_of(store, "commandos")
        moved = store.claim(commandos.id).summary.statements
        [merge] = store.merge_claims([commandos.id], troops.id, "the same deployment, other words", "Ana Reviewer")
        assert (merge.claim_id, merge.into_claim_id, merge.statements) == (commandos.id, troops.id, moved)
        merged = store.claim(troops.id)
        assert merged.summary.statements == 2 + moved and merged.merged_from[0].reason == "the same deployment, other words"
        assert store.claim(commandos.id).merged_into == troops.id
        assert commandos.id not in {c.id for c in store.claims()} and store.check() == []
        with pytest.raises(InvalidReview, match="was merged into"):
            store.merge_claims([commandos.id], troops.id, "again", "Ana")
        with pytest.raises(InvalidReview, match="into itself"):
            store.merge_claims([troops.id], troops.id, "why", "Ana")
        with pytest.raises(InvalidReview, match="no claim 999"):
            store.merge_claims([999], troops.id, "why", "Ana")
        with pytest.raises(InvalidReview, match="was merged into"):
            store.record_verdict(new_verdict(commandos.id, "true", "Ana"))
    # A later article on the merged proposition joins the claim that took it in, after a reopen too.
    with Ledger(ledger_path) as store:
        add(store, nlp, *ARTICLES[3])
        sources = {s.article_source for s in store.claim(troops.id).statements}
        assert "later.txt" in sources and store.claim(commandos.id).summary.statements == 0


def test_cli_records_verdicts_and_merges(ledger_path):
    with Ledger(ledger_path) as store:
        troops, commandos = claim_of(store, "special forces").id, claim_of(store, "commandos").id
    db = ["--db", str(ledger_path)]
    done = runner.invoke(app, ["verdict", str(troops), "--rating", "mixed", "--reviewer", "Ana", *db])
    assert done.exit_code == 0 and "mixed" in done.output
    bad = runner.invoke(app, ["verdict", str(troops), "--rating", "maybe", "--reviewer", "Ana", *db])
    assert bad.exit_code == 2 and "E021" in bad.output and "unknown rating 'maybe'" in bad.output
    done = runner.invoke(app, ["merge", str(commandos), "--into", str(troops), "--reason", "same story", *db])
    assert done.exit_code == 0 and f"claim {commandos} merged into claim {troops}" in done.output
    shown = runner.invoke(app, ["claim", str(troops), *db])
    assert "verdict: mixed (Ana" in shown.output and f"merged in: claim {commandos}" in shown.output


def test_api_and_web_need_the_token_to_record(ledger_path):
    with Ledger(ledger_path) as store:
        troops, commandos = claim_of(store, "special forces").id, claim_of(store, "commandos").id
    bearer = {"authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(ledger_path, token=TOKEN)) as client:
        verdict = {"rating": "false", "reviewer": "Bo <script>", "date": "2024-11-01"}
        assert client.post(f"/api/claims/{troops}/verdict", json=verdict).status_code == 401
        made = client.post(f"/api/claims/{troops}/verdict", json=verdict, headers=bearer)
        assert made.status_code == 201 and made.json()["rating"] == "false"
        refused = client.post(f"/api/claims/{troops}/verdict", json={**verdict, "rating": "nah"}, headers=bearer)
        assert refused.status_code == 422 and "unknown rating" in refused.json()["detail"]
        assert client.post("/api/claims/999/verdict", json=verdict, headers=bearer).status_code == 422
        merge = {"claims": [commandos], "into": troops, "reason": "same story", "by": "Bo"}
        assert client.post("/api/claims/merge", json=merge).status_code == 401
        merged = client.post("/api/claims/merge", json=merge, headers=bearer)
        assert merged.status_code == 200 and merged.json()[0]["into_claim_id"] == troops
        page = client.get(f"/api/claims/{troops}").json()
        assert page["verdicts"][0]["reviewer"] == "Bo <script>" and page["merged_from"][0]["claim_id"] == commandos
        html = client.get(f"/claims/{troops}").text
        assert "Bo &lt;script&gt;" in html and "Bo <script>" not in html
        form = {"token": TOKEN, "rating": "mostly false", "reviewer": "Cy", "date": "2024-11-03", "note": ""}
        posted = client.post(f"/claims/{troops}/verdict", data=form, follow_redirects=False)
        assert posted.status_code == 303 and posted.headers["location"] == f"/claims/{troops}"
        assert client.post(f"/claims/{troops}/verdict", data={**form, "token": "wrong"}).status_code == 401
        assert client.get(f"/api/claims/{troops}").json()["verdicts"][0]["rating"] == "mostly false"
        assert f"merged into claim {troops}" in client.get(f"/claims/{commandos}").text


def fake_embedding(groups):
    """Unit vectors: texts in one group get near vectors (cosine ``near``), other groups orthogonal ones."""
    import numpy as np

    def embed(texts):
        vectors = []
        for text in texts:
            axis, near = next((i, near) for i, (words, near) in enumerate(groups) if text in words)
            vector = np.zeros(len(groups) + len(texts))
            vector[axis] = near
            vector[len(groups) + texts.index(text)] = (1 - near ** 2) ** 0.5
            vectors.append(vector)
        return np.array(vectors)
    return embed


def test_recluster_merges_claims_alike_in_meaning_but_not_opposites_other_numbers_or_chains():
    from claimledger.ledger.recluster import ClaimText, proposals

    claims = [ClaimText(1, "North Korea has sent troops to Russia", 5), ClaimText(2, "Pyongyang dispatched soldiers", 2),
              ClaimText(3, "North Korea has not sent troops to Russia", 1), ClaimText(4, "12,000 troops were sent", 1),
              ClaimText(5, "3,000 troops were sent", 1), ClaimText(6, "Fish died in the Danube", 3)]
    embed = fake_embedding([({c.canonical for c in claims[:3]}, 0.95), ({c.canonical for c in claims[3:5]}, 0.95),
                            ({claims[5].canonical}, 1.0)])
    [proposal] = proposals(claims, embed, threshold=0.8)
    assert (proposal.into, proposal.claims) == (1, [2]) and proposal.texts[2] == "Pyongyang dispatched soldiers"
    assert "re-clustering" in proposal.reason()
    # A chain: 7 is near 8 and 8 near 9, but 9 is not near 7 (the group's own text): 9 stays out.
    import numpy as np
    chain = [ClaimText(7, "a b c", 3), ClaimText(8, "d e f", 2), ClaimText(9, "g h i", 1)]
    vectors = np.array([[1.0, 0, 0], [0.9, 0.4359, 0], [0.62, 0.79, 0.0]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    [group] = proposals(chain, lambda texts: vectors, threshold=0.85)
    assert (group.into, group.claims) == (7, [8])


def test_cli_reclusters_with_an_audit_trail(ledger_path):
    with Ledger(ledger_path) as store:
        troops, commandos = claim_of(store, "special forces").id, claim_of(store, "commandos").id
    listed = runner.invoke(app, ["recluster", "--threshold", "0.3", "--db", str(ledger_path)])
    assert listed.exit_code == 0 and f"would merge {commandos} into claim {troops}" in listed.stdout
    with Ledger(ledger_path) as store:
        assert store.claim(commandos).merged_into is None  # a dry run changes nothing
    applied = runner.invoke(app, ["recluster", "--threshold", "0.3", "--apply", "--by", "Bo", "--db", str(ledger_path)])
    assert applied.exit_code == 0 and f"merged {commandos} into claim {troops}" in applied.stdout
    with Ledger(ledger_path) as store:
        [merge] = store.claim(troops).merged_from
        assert (merge.claim_id, merge.merged_by) == (commandos, "Bo") and merge.reason.startswith("re-clustering")
