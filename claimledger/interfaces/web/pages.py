"""Server-rendered pages: the story board, story, claim board, claim, article and entity pages, and the ingest form.
Templates autoescape everything they show; plot data travels as JSON in a data block that the
page's own script (no inline script: the CSP forbids it) hands to Plotly."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from ...errors import ClaimledgerError
from ...ingest.readers import DEFAULT_MAX_BYTES, read_html, read_text_file
from ...ledger.independence import STATUSES
from ...ledger.reviews import RATINGS, new_verdict
from ...schema import Article
from ...store import browse_sql, claims_sql, stories_sql
from ...store.claims_sql import SIDES
from .api import ARTICLE_ID, CLAIM_ID, MAX_ROW, STORY_ID, or_404, store_article
from .charts import chain_graph, timeline
from .highlight import KINDS, runs
from .security import check_read, check_write

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# Local files are named by their file name; URLs are kept whole.
TEMPLATES.env.filters["where"] = lambda source: source if "://" in source else Path(source).name
router = APIRouter(dependencies=[Depends(check_read)], include_in_schema=False)
PAGE_SIZE = 50


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)


def by_side(statements) -> dict[str, list[tuple]]:
    """Per side, (statement, the wire copies and reprints that repeat it) in order: a quote that a
    copy repeats word for word is shown once, with "also in"."""
    shown: dict[tuple, tuple] = {}
    for statement in statements:
        key = (statement.side, statement.speaker, " ".join(statement.content.split()))
        if key in shown and (statement.copy_of or shown[key][0].copy_of):
            shown[key][1].append(statement)
        else:
            shown.setdefault(key if key not in shown else (*key, statement.statement_id), (statement, []))
    return {side: [pair for pair in shown.values() if pair[0].side == side] for side in SIDES}


def iso_date(text: Optional[str]) -> Optional[str]:
    """A form's date field: empty or malformed means no bound."""
    try:
        return date.fromisoformat(text).isoformat() if text else None
    except ValueError:
        return None


@router.get("/", response_class=HTMLResponse)
async def board(request: Request, entity: Optional[str] = None, since: Optional[str] = None, q: Optional[str] = None,
                page: int = Query(1, ge=1, le=MAX_ROW // 100)):
    """The analyst's view: stories first."""
    filters = {"entity": entity or "", "since": iso_date(since) or "", "q": q or ""}
    found = stories_sql.list_stories(request.app.state.access.reader(), search=q or None, entity=entity or None,
                                     since=filters["since"] or None, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render(request, "board.html", stories=found[:PAGE_SIZE], filters=filters, page=page,
                  more=len(found) > PAGE_SIZE)


@router.get("/claims", response_class=HTMLResponse)
async def claims_board(request: Request, status: Optional[str] = None, entity: Optional[str] = None,
                       since: Optional[str] = None, until: Optional[str] = None, q: Optional[str] = None,
                       page: int = Query(1, ge=1, le=MAX_ROW // 100)):
    filters = {"status": status if status in STATUSES else "", "entity": entity or "", "since": iso_date(since) or "",
               "until": iso_date(until) or "", "q": q or ""}
    found = claims_sql.list_claims(request.app.state.access.reader(), entity=entity or None,
                                   status=filters["status"] or None, since=filters["since"] or None,
                                   until=filters["until"] or None, search=q or None, limit=PAGE_SIZE + 1,
                                   offset=(page - 1) * PAGE_SIZE)
    return render(request, "claims.html", claims=found[:PAGE_SIZE], statuses=STATUSES, filters=filters, page=page,
                  more=len(found) > PAGE_SIZE)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story(request: Request, story_id: int = STORY_ID):
    found = or_404(stories_sql.story_page(request.app.state.access.reader(), story_id), f"story {story_id}")
    sides = by_side(found.statements)
    return render(request, "story.html", page=found, s=found.summary, sides=sides,
                  charts={"timeline": timeline(found), "chains": chain_graph(found)})


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
async def claim(request: Request, claim_id: int = CLAIM_ID):
    found = or_404(claims_sql.claim_page(request.app.state.access.reader(), claim_id), f"claim {claim_id}")
    sides = by_side(found.statements)
    return render(request, "claim.html", page=found, c=found.summary, sides=sides, ratings=RATINGS,
                  charts={"timeline": timeline(found), "chains": chain_graph(found)})


@router.post("/claims/{claim_id}/verdict", response_class=HTMLResponse)
def record_verdict(request: Request, claim_id: int = CLAIM_ID, token: str = Form(""), rating: str = Form(""),
                   reviewer: str = Form(""), day: str = Form("", alias="date"), note: str = Form("")):
    check_write(request, token)
    try:
        request.app.state.access.record_verdict(new_verdict(claim_id, rating, reviewer, day or None, note))
    except ClaimledgerError as error:
        return render(request, "error.html", status_code=422, status="Verdict not recorded", detail=str(error))
    return RedirectResponse(f"/claims/{claim_id}", status_code=303)


@router.get("/articles", response_class=HTMLResponse)
async def articles(request: Request, q: Optional[str] = None, page: int = Query(1, ge=1, le=MAX_ROW // 100)):
    found = browse_sql.list_articles(request.app.state.access.reader(), q or None, PAGE_SIZE + 1,
                                     (page - 1) * PAGE_SIZE)
    return render(request, "articles.html", articles=found[:PAGE_SIZE], q=q or "", page=page,
                  more=len(found) > PAGE_SIZE)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
async def article(request: Request, article_id: int = ARTICLE_ID):
    found = or_404(browse_sql.article_page(request.app.state.access.reader(), article_id), f"article {article_id}")
    return render(request, "article.html", a=found, s=found.summary, runs=runs(found.text, found.extraction),
                  kinds=KINDS, statements=found.extraction.get("statements", []))


@router.get("/entities/{name:path}", response_class=HTMLResponse)
async def entity(request: Request, name: str):
    found = claims_sql.entity_page(request.app.state.access.reader(), name)
    return render(request, "entity.html", e=found)


@router.get("/ingest", response_class=HTMLResponse)
async def ingest_form(request: Request):
    return render(request, "ingest.html", error=None)


@router.post("/ingest", response_class=HTMLResponse)
def ingest(request: Request, token: str = Form(""), text: str = Form(""), title: str = Form(""),
                 upload: Optional[UploadFile] = File(None)):
    check_write(request, token)
    source = "web form"
    try:
        if upload is not None and upload.filename:
            source = upload.filename
            data = upload.file.read()
            # Uploaded pages go through trafilatura like ingested ones; anything else is plain text.
            article = (read_html(data, source, DEFAULT_MAX_BYTES) if source.lower().endswith((".html", ".htm"))
                       else read_text_file(Path(source), data, DEFAULT_MAX_BYTES))
            article.title = title or article.title
        else:
            article = Article(text=text, source=source, title=title or None)
        stored = store_article(request, article)
    except ClaimledgerError as error:
        return render(request, "ingest.html", status_code=422, error=str(error))
    except HTTPException as error:
        return render(request, "ingest.html", status_code=error.status_code, error=f"{source}: {error.detail}")
    return RedirectResponse(f"/articles/{stored['id']}", status_code=303)
