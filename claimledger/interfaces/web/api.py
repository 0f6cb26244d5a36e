"""The HTTP API under /api/: the same ledger functions the CLI calls, as JSON.  Lists take
``limit`` and ``offset`` and say where the next page is."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Callable, Optional

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ...errors import ClaimledgerError
from ...ingest.readers import DEFAULT_MAX_BYTES, check_article_text
from ...ledger.independence import STATUSES
from ...ledger.reviews import MAX_TEXT, RATINGS, new_verdict
from ...schema import Article
from ...store import browse_sql, claims_sql, stories_sql
from .security import check_read, check_write

router = APIRouter(prefix="/api", dependencies=[Depends(check_read)])
MAX_ROW = 2 ** 62  # ids and offsets beyond SQLite's 64-bit integers are refused with 422, not a 500
LIMIT = Query(50, ge=1, le=500, description="Items per page.")
OFFSET = Query(0, ge=0, le=MAX_ROW, description="Items to skip.")
CLAIM_ID = Path(..., ge=0, le=MAX_ROW, description="Claim id.")
STORY_ID = Path(..., ge=0, le=MAX_ROW, description="Story id.")
ARTICLE_ID = Path(..., ge=0, le=MAX_ROW, description="Article id.")


def page(request: Request, items: list, limit: int, offset: int, as_json: Callable = asdict) -> dict:
    """A list page: its items (``limit + 1`` asked for, to tell whether more follow) as JSON, and the
    URL of the next page (None on the last)."""
    more = len(items) > limit
    following = str(request.url.include_query_params(offset=offset + limit)) if more else None
    return {"items": [as_json(i) for i in items[:limit]], "limit": limit, "offset": offset, "next": following}


def reader(request: Request):
    return request.app.state.access.reader()


def or_404(found, what: str):
    if found is None:
        raise HTTPException(404, f"no {what}")
    return found


@router.get("/stories", summary="Stories (the claims about one event), most independently supported or denied first")
async def stories(request: Request,
                  entity: Optional[str] = Query(None, description="Stories whose statements name an entity."),
                  since: Optional[date] = Query(None, description="Last activity on or after this date."),
                  q: Optional[str] = Query(None, description="Full-text search over the stories' statements."),
                  limit: int = LIMIT, offset: int = OFFSET) -> dict:
    items = stories_sql.list_stories(reader(request), search=q, entity=entity, since=since and since.isoformat(),
                                     limit=limit + 1, offset=offset)
    return page(request, items, limit, offset)


@router.get("/stories/{story_id}", summary="One story: its proposition, supporters and deniers with their source "
                                           "chains, claims, articles with their stance, reviewer's changes")
async def story(request: Request, story_id: int = STORY_ID) -> dict:
    return asdict(or_404(stories_sql.story_page(reader(request), story_id), f"story {story_id}"))


@router.get("/claims", summary="Claims, most independently supported or denied first")
async def claims(request: Request, status: Optional[str] = Query(None, description=f"One of {', '.join(STATUSES)}."),
           entity: Optional[str] = Query(None, description="Claims an entity made or is named in."),
           since: Optional[date] = Query(None, description="Last activity on or after this date."),
           until: Optional[date] = Query(None, description="First seen on or before this date."),
           q: Optional[str] = Query(None, description="Full-text search over the claims' statements."),
           limit: int = LIMIT, offset: int = OFFSET) -> dict:
    if status and status not in STATUSES:
        raise HTTPException(422, f"unknown status {status!r} (expected {', '.join(STATUSES)})")
    items = claims_sql.list_claims(reader(request), entity=entity, status=status, since=since and since.isoformat(),
                                   until=until and until.isoformat(), search=q, limit=limit + 1, offset=offset)
    return page(request, items, limit, offset)


@router.get("/claims/{claim_id}", summary="One claim: sides, timeline, source chains, evidence, articles")
async def claim(request: Request, claim_id: int = CLAIM_ID) -> dict:
    return asdict(or_404(claims_sql.claim_page(reader(request), claim_id), f"claim {claim_id}"))


@router.get("/statements", summary="Statements, oldest first")
async def statements(request: Request, speaker: Optional[str] = Query(None, description="Speaker or origin speaker."),
               side: Optional[str] = Query(None, description="support, deny, hedge or decline (on its claim)."),
               claim_id: Optional[int] = Query(None, alias="claim", ge=0, le=MAX_ROW,
                                               description="Statements on this claim."),
               limit: int = LIMIT, offset: int = OFFSET) -> dict:
    items = browse_sql.list_statements(reader(request), speaker, side, claim_id, limit + 1, offset)
    return page(request, items, limit, offset)


@router.get("/articles", summary="Articles, newest first")
async def articles(request: Request, q: Optional[str] = Query(None, description="Words of their statements."),
             limit: int = LIMIT, offset: int = OFFSET) -> dict:
    return page(request, browse_sql.list_articles(reader(request), q, limit + 1, offset), limit, offset)


@router.get("/articles/{article_id}", summary="One article with its extraction (the JSON schema in the README)")
async def article(request: Request, article_id: int = ARTICLE_ID) -> dict:
    return asdict(or_404(browse_sql.article_page(reader(request), article_id), f"article {article_id}"))


@router.get("/entities", summary="Speakers, most statements first")
async def entities(request: Request, q: Optional[str] = Query(None, description="Part of the name."),
             limit: int = LIMIT, offset: int = OFFSET) -> dict:
    return page(request, browse_sql.list_entities(reader(request), q, limit + 1, offset), limit, offset)


@router.get("/entities/{name:path}", summary="What an entity said and what was said about it")
async def entity(request: Request, name: str) -> dict:
    return asdict(claims_sql.entity_page(reader(request), name))


@router.get("/search", summary="Claims and statements matching every word of q")
async def search(request: Request, q: str = Query(..., min_length=1, max_length=500), limit: int = Query(20, ge=1, le=200)
           ) -> dict:
    return asdict(browse_sql.search(reader(request), q, limit))


class ArticleIn(BaseModel):
    text: str = Field(..., description=f"The article text (at most {DEFAULT_MAX_BYTES} bytes of UTF-8).")
    title: Optional[str] = None
    url: Optional[str] = None
    published: Optional[str] = Field(None, description="ISO date, to resolve relative dates.")
    source: Optional[str] = Field(None, description="Outlet or feed name.")


@router.post("/articles", status_code=201, dependencies=[Depends(check_write)],
             summary="Ingest one article (needs the token); 200 with the stored id when the text is already stored")
def ingest(request: Request, body: ArticleIn):
    stored = store_article(request, Article(text=body.text, source=body.url or body.source or "api", title=body.title,
                                            url=body.url, published=body.published, outlet=body.source))
    return JSONResponse(stored, status_code=200 if stored["duplicate"] else 201)


def store_article(request: Request, article: Article) -> dict:
    access = request.app.state.access
    try:
        check_article_text(article.text, article.source, DEFAULT_MAX_BYTES)
        article_id, statement_count = access.add(article)
    except ClaimledgerError as error:
        raise HTTPException(422, error.reason) from None
    if article_id is None:
        return {"id": access.article_id_of(article.text), "duplicate": True, "statements": statement_count}
    return {"id": article_id, "duplicate": False, "statements": statement_count}


class VerdictIn(BaseModel):
    rating: str = Field(..., max_length=40, description=f"One of: {', '.join(RATINGS)}.")
    reviewer: str = Field(..., max_length=MAX_TEXT, description="Who reviewed the claim.")
    date: Optional[str] = Field(None, max_length=40, description="ISO date of the review (default: today).")
    note: Optional[str] = Field(None, max_length=MAX_TEXT, description="The reviewer's explanation.")


@router.post("/claims/{claim_id}/verdict", status_code=201, dependencies=[Depends(check_write)],
             summary="Record a reviewer's verdict on a claim (needs the token); the latest is the claim's rating")
def record_verdict(request: Request, body: VerdictIn, claim_id: int = CLAIM_ID) -> dict:
    try:
        verdict = new_verdict(claim_id, body.rating, body.reviewer, body.date, body.note)
        return asdict(request.app.state.access.record_verdict(verdict))
    except ClaimledgerError as error:
        raise HTTPException(422, error.reason) from None


class MergeIn(BaseModel):
    claims: list[Annotated[int, Field(ge=0, le=MAX_ROW)]] = Field(..., min_length=1, max_length=1000,
                                                                  description="Claims to merge.")
    into: int = Field(..., ge=0, le=MAX_ROW, description="The claim that takes their statements.")
    reason: str = Field(..., max_length=MAX_TEXT, description="Why: kept in the audit trail.")
    by: str = Field(..., max_length=MAX_TEXT, description="Who merged them.")


@router.post("/claims/merge", dependencies=[Depends(check_write)],
             summary="Merge claims that state one proposition into one of them (needs the token)")
def merge_claims(request: Request, body: MergeIn) -> list[dict]:
    try:
        return [asdict(m) for m in request.app.state.access.merge_claims(body.claims, body.into, body.reason, body.by)]
    except ClaimledgerError as error:
        raise HTTPException(422, error.reason) from None
