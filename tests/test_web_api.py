"""The HTTP API and the server-rendered pages, through FastAPI's test client."""

import pytest
from conftest import BACKENDS, new_ledger_target
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from claimledger.interfaces.cli import app as cli
from claimledger.interfaces.web.app import create_app
from claimledger.interfaces.web.highlight import runs

TOKEN = "test-token"
AUTH = {"authorization": f"Bearer {TOKEN}"}
STORY = ("North Korea sends troops to fight for Russia\n\ndate 2024-10-18 SEOUL: North Korea has sent about 1,500 "
         "special forces troops to Russia, South Korea's National Intelligence Service said on Friday, citing photos "
         "posted on Telegram.\n\nKim Song, North Korea's envoy to the United Nations, dismissed the reports as "
         "\"groundless rumours\" on Monday.")
PAYLOAD = "<script>alert('x')</script><img src=x onerror=alert(1)>"
HOSTILE = (f"Officials {PAYLOAD} deny it\n\ndate 2024-10-20 KYIV: Ivan <b>Petrenko</b>{PAYLOAD}, a spokesman, said "
           f"on Sunday that the convoy {PAYLOAD} had crossed the border.")


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, tmp_path_factory):
    db = new_ledger_target(request, tmp_path_factory.mktemp("web"))
    with TestClient(create_app(db, token=TOKEN, max_body=64 * 1024)) as test_client:
        for text in (STORY, HOSTILE):
            assert test_client.post("/api/articles", json={"text": text}, headers=AUTH).status_code == 201
        yield test_client


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/api/claims", "/openapi.json", "/static/app.css", "/no-such-page"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


def test_stories_are_the_board_and_have_their_api(client):
    listed = client.get("/api/stories").json()
    assert listed["items"] and {"id", "title", "support_independent", "deny_independent"} <= set(listed["items"][0])
    story = client.get(f"/api/stories/{listed['items'][0]['id']}").json()
    assert story["claims"] and {"side", "claim_id", "article_source"} <= set(story["statements"][0])
    assert client.get("/api/stories/999999").status_code == 404
    board = client.get("/", headers={"accept": "text/html"}).text
    assert 'id="stories"' in board and "independent sources / statements" in board
    assert client.get(f"/stories/{listed['items'][0]['id']}", headers={"accept": "text/html"}).status_code == 200


def test_people_get_pages_for_bad_ids_and_the_api_has_docs(client):
    html = {"accept": "text/html"}
    for path, status in (("/claims/abc", 422), ("/stories/abc", 422), ("/stories/999999", 404)):
        answer = client.get(path, headers=html)
        assert answer.status_code == status and answer.headers["content-type"].startswith("text/html")
    assert client.get("/api/claims/abc").headers["content-type"] == "application/json"
    docs = client.get("/docs", headers=html)
    assert docs.status_code == 200 and "/api/stories/{story_id}" in docs.text and "/api/claims" in docs.text


def test_reading_endpoints_return_pages_of_json(client):
    claims = client.get("/api/claims", params={"limit": 1}).json()
    assert len(claims["items"]) == 1 and claims["limit"] == 1
    assert claims["next"] is None or "offset=1" in claims["next"]
    claim_id = claims["items"][0]["id"]
    page = client.get(f"/api/claims/{claim_id}").json()
    assert page["summary"]["id"] == claim_id and page["statements"] and page["articles"]
    article_id = client.get("/api/articles").json()["items"][-1]["id"]
    article = client.get(f"/api/articles/{article_id}").json()
    assert article["text"] == STORY and article["extraction"]["statements"]
    assert {"speaker", "cue_span", "content_span", "stance", "hedges"} <= set(article["extraction"]["statements"][0])
    assert client.get("/api/statements", params={"speaker": "Kim Song"}).json()["items"]
    assert any(e["name"] == "Kim Song" for e in client.get("/api/entities").json()["items"])
    assert client.get("/api/entities/Kim Song").json()["said"]
    found = client.get("/api/search", params={"q": "troops"}).json()
    assert found["claims"] and found["statements"]
    assert client.get("/api/claims/999999").status_code == 404
    assert client.get("/api/claims", params={"status": "bogus"}).status_code == 422


def test_openapi_lists_every_endpoint(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/claims", "/api/claims/{claim_id}", "/api/statements", "/api/articles",
                 "/api/articles/{article_id}", "/api/entities", "/api/search"):
        assert path in paths
    assert "post" in paths["/api/articles"]


def test_writing_needs_the_token_and_bodies_have_a_limit(client):
    body = {"text": "date 2024-10-22 SEOUL: The spy agency said on Monday that 3,000 soldiers had arrived."}
    assert client.post("/api/articles", json=body).status_code == 401
    assert client.post("/api/articles", json=body, headers={"authorization": "Bearer wrong"}).status_code == 401
    first = client.post("/api/articles", json=body, headers=AUTH)
    again = client.post("/api/articles", json=body, headers=AUTH)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    assert client.post("/api/articles", json={"text": "x" * 70_000}, headers=AUTH).status_code == 413
    empty = client.post("/api/articles", json={"text": "   "}, headers=AUTH)
    assert empty.status_code == 422 and "E001" in empty.json()["detail"]
    form = client.post("/ingest", data={"token": "wrong", "text": body["text"]})
    assert form.status_code == 401


def test_ingest_form_stores_and_shows_the_article(client):
    text = "date 2024-10-23 MOSCOW: The Kremlin declined to comment on Wednesday on reports of new troop arrivals."
    response = client.post("/ingest", data={"token": TOKEN, "text": text, "title": "Kremlin silent"},
                           follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "Kremlin silent" in page.text and "hl-cue" in page.text


def test_ingest_form_takes_uploaded_pages_through_the_html_reader(client):
    page = (b"<html><head><title>Envoy summoned</title></head><body><article><h1>Envoy summoned</h1><p>"
            b"South Korea's foreign ministry said on Monday that it had summoned the Russian ambassador over reports "
            b"that North Korean troops were in Russia, and demanded their immediate withdrawal from the region."
            b"</p></article></body></html>")
    response = client.post("/ingest", data={"token": TOKEN}, files={"upload": ("envoy.html", page, "text/html")},
                           follow_redirects=False)
    assert response.status_code == 303
    article = client.get("/api" + response.headers["location"]).json()
    assert "<p>" not in article["text"] and "summoned the Russian ambassador" in article["text"]
    binary = client.post("/ingest", data={"token": TOKEN}, files={"upload": ("x.txt", b"\x00\x01\x02", "text/plain")})
    assert binary.status_code == 422 and "E002" in binary.text


def test_pages_show_hostile_text_escaped(client):
    hostile_id = client.get("/api/articles", params={"q": "convoy"}).json()["items"][0]["id"]
    pages = [client.get(f"/articles/{hostile_id}").text, client.get("/articles").text,
             client.get("/", params={"q": PAYLOAD}).text, client.get("/entities/" + PAYLOAD).text]
    for claim in client.get("/api/claims").json()["items"]:
        pages.append(client.get(f"/claims/{claim['id']}").text)
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Petrenko" not in html
    assert "&lt;script&gt;alert" in pages[0]


@pytest.mark.parametrize("query", ['"', "a\x00b", "\x07", "troops*", "NEAR(a b)", "a OR", "'; DROP TABLE claims; --", "content:x", "^"])
def test_search_terms_cannot_break_the_query(client, query):
    assert client.get("/api/search", params={"q": query}).status_code == 200
    assert client.get("/", params={"q": query, "entity": query}).status_code == 200
    assert client.get("/api/entities", params={"q": query}).status_code == 200


def test_off_loopback_reading_needs_the_token_too(tmp_path):
    with TestClient(create_app(tmp_path / "l.db", token=TOKEN, reads_need_token=True)) as guarded:
        assert guarded.get("/api/claims").status_code == 401
        assert guarded.get("/api/claims", headers=AUTH).status_code == 200


def test_serve_refuses_a_public_address_without_a_token(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "l.db"), "--host", "0.0.0.0"], env={})
    assert result.exit_code == 2 and "needs --token" in result.output


def test_highlight_runs_rebuild_the_text_and_explain_each_part():
    text = "Kim Song said troops arrived on Monday."
    extraction = {"statements": [{"speaker": "Kim Song", "speaker_entity": "Kim Song", "speaker_span": [0, 8],
                                  "cue_span": [9, 13], "cue_lemma": "say", "content_span": [14, 38],
                                  "stance": "assert", "hedges": [], "anonymous": False}],
                  "dates": [{"text": "Monday", "value": "2024-10-21", "span": [32, 38]}]}
    pieces = runs(text, extraction)
    assert "".join(p.text for p in pieces) == text
    monday = next(p for p in pieces if p.text == "Monday")
    assert monday.kinds == ["content", "date"] and "2024-10-21" in monday.notes[1] and monday.statement == 0
    assert next(p for p in pieces if p.text == "Kim Song").kinds == ["speaker"]


def test_a_split_quotation_is_highlighted_in_its_parts_not_over_its_cue():
    text = '"Troops arrived," Kim Song said, "on Monday."'
    extraction = {"statements": [{"speaker": "Kim Song", "speaker_span": [18, 26], "cue_span": [27, 31],
                                  "cue_lemma": "say", "content_span": [0, 45], "content_spans": [[0, 17], [33, 45]],
                                  "stance": "assert", "hedges": [], "anonymous": False}]}
    pieces = runs(text, extraction)
    assert "".join(p.text for p in pieces) == text
    assert [p.text for p in pieces if "content" in p.kinds] == ['"Troops arrived,"', '"on Monday."']
    assert next(p for p in pieces if p.text == "said").kinds == ["cue"]


def test_a_cookie_or_another_site_cannot_write(client):
    body = {"text": "date 2024-10-24 SEOUL: The spy agency said on Thursday that 4,000 soldiers had arrived."}
    client.cookies.set("claimledger_token", TOKEN)
    try:
        assert client.post("/api/articles", json=body).status_code == 401
        assert client.post("/ingest", data={"text": body["text"]}).status_code == 401
    finally:
        client.cookies.clear()
    cross = client.post("/api/articles", json=body, headers={**AUTH, "origin": "https://evil.example"})
    assert cross.status_code == 403


def test_chunked_bodies_over_the_limit_get_413(client):
    def chunks():
        for _ in range(100):
            yield b"x" * 1024

    response = client.post("/api/articles", content=chunks(), headers={**AUTH, "content-type": "application/json"})
    assert response.status_code == 413


def test_a_loopback_server_answers_only_loopback_names(tmp_path):
    from claimledger.interfaces.web.security import LOOPBACK_NAMES

    with TestClient(create_app(tmp_path / "l.db", token=TOKEN, allowed_hosts=LOOPBACK_NAMES),
                    base_url="http://127.0.0.1:8000") as local:
        assert local.get("/api/claims").status_code == 200
        assert local.get("/api/claims", headers={"host": "localhost:8000"}).status_code == 200
        assert local.get("/api/claims", headers={"host": "[::1]:8000"}).status_code == 200
        assert local.get("/api/claims", headers={"host": "attacker.example"}).status_code == 400


def test_article_links_and_chart_labels_carry_no_markup(client):
    stored = client.post("/api/articles", headers=AUTH, json={
        "text": "date 2024-10-25 KYIV: The <i>Outlet</i> ministry said on Friday that 900 soldiers had arrived.",
        "url": "javascript:alert(1)", "source": "<i>Outlet</i>"}).json()
    page = client.get(f"/articles/{stored['id']}").text
    assert 'href="javascript:' not in page
    claim_id = client.get(f"/api/articles/{stored['id']}").json()["claims"][0]["claim_id"]
    assert "<i>Outlet</i>" not in client.get(f"/claims/{claim_id}").text.split('id="chart-data"')[1]


def test_a_quote_a_wire_copy_repeats_is_shown_once_with_also_in():
    from claimledger.interfaces.web.pages import by_side
    from claimledger.store.claims_sql import ClaimStatement

    def said(statement_id, article_id, copy_of, content="North Korea has sent troops", side="support"):
        return ClaimStatement(statement_id, side, "NIS", None, False, content, (0, 1), None, article_id, "x", None,
                              None, None, copy_of)

    sides = by_side([said(1, 10, None), said(2, 11, 10), said(3, 12, 10, "North Korea has sent  troops"),
                     said(4, 13, None), said(5, 14, None, side="deny")])
    assert [(s.statement_id, [c.statement_id for c in copies]) for s, copies in sides["support"]] == [
        (1, [2, 3]), (4, [])]  # two outlets saying it on their own are two quotes
    assert [s.statement_id for s, _ in sides["deny"]] == [5]
