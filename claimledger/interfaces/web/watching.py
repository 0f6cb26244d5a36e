"""Watching over the web: the watchlist and alert rules (JSON under /api/, and pages with forms), the
alerts fired (``/api/alerts``, the alerts page, ``/alerts.atom``).  Writing needs the token.

Through the web, only http(s) URLs can be watched: a folder or file path would let a token holder
make the server read its own files, so paths are added from the command line on the machine."""

from __future__ import annotations

from dataclasses import asdict
from typing import Optional

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ...errors import ClaimledgerError, InvalidWatch
from ...store import alerts_sql, watch_sql
from ...watch.atom import alerts_feed
from ...watch.rules import EVIDENCE_KINDS, RULE_KINDS, Alert, instant, new_rule
from ...watch.sources import checked_target, interval_text, is_url, parse_interval
from .api import LIMIT, MAX_ROW, OFFSET
from .api import page as json_page
from .pages import PAGE_SIZE, TEMPLATES, render
from .security import check_read, check_write

api_router = APIRouter(prefix="/api", dependencies=[Depends(check_read)])
page_router = APIRouter(dependencies=[Depends(check_read)], include_in_schema=False)
SOURCE_ID = Path(..., ge=0, le=MAX_ROW, description="Watched source id.")
RULE_ID = Path(..., ge=0, le=MAX_ROW, description="Alert rule id.")
FEED_ENTRIES = 100
TEMPLATES.env.filters["interval"] = interval_text


def web_target(target: str) -> str:
    if not is_url(target.strip()):
        raise InvalidWatch(target, problem="through the web only http(s) URLs can be watched "
                                           "(add folders and files with `claimledger watch add`)")
    return checked_target(target)


def source_json(source) -> dict:
    return {**asdict(source), "kind": source.kind, "files": len(source.files)}


def since_time(since: Optional[str]) -> Optional[str]:
    try:
        return instant(since) if since else None
    except ClaimledgerError as error:
        raise HTTPException(422, error.reason) from None


class SourceIn(BaseModel):
    target: str = Field(..., max_length=2000, description="An http(s) URL of a feed or page.")
    every: str = Field("15m", max_length=20, description="How often to poll: 90s, 15m, 1h, 1d.")


class RuleIn(BaseModel):
    kind: str = Field(..., max_length=40, description=f"One of: {', '.join(RULE_KINDS)}.")
    value: Optional[str] = Field(None, max_length=500, description="The entity, phrase or evidence kind watched.")
    claim: Optional[int] = Field(None, ge=0, le=MAX_ROW, description="Watch this claim only.")
    at: Optional[int] = Field(None, ge=1, le=100000, description="Independent supporters (support rules).")


@api_router.get("/watch", summary="The watchlist, with each source's last success, last error and next poll")
async def watchlist(request: Request) -> list[dict]:
    return [source_json(s) for s in watch_sql.sources(request.app.state.access.reader())]


@api_router.post("/watch", status_code=201, dependencies=[Depends(check_write)],
                 summary="Watch a feed or page URL (needs the token)")
def watch_source(request: Request, body: SourceIn) -> dict:
    try:
        return source_json(request.app.state.access.watch(web_target(body.target), parse_interval(body.every)))
    except ClaimledgerError as error:
        raise HTTPException(422, error.reason) from None


@api_router.delete("/watch/{source_id}", dependencies=[Depends(check_write)],
                   summary="Stop watching a source (needs the token)")
def unwatch_source(request: Request, source_id: int = SOURCE_ID) -> dict:
    try:
        return source_json(request.app.state.access.unwatch(source_id))
    except ClaimledgerError as error:
        raise HTTPException(404, error.reason) from None


@api_router.get("/alert-rules", summary="The alert rules in force")
async def alert_rules(request: Request) -> list[dict]:
    return [{**asdict(r), "watches": r.describe()} for r in alerts_sql.active_rules(request.app.state.access.reader())]


@api_router.post("/alert-rules", status_code=201, dependencies=[Depends(check_write)],
                 summary="Add an alert rule (needs the token)")
def add_alert_rule(request: Request, body: RuleIn) -> dict:
    try:
        rule = request.app.state.access.add_alert_rule(new_rule(body.kind, body.claim, body.at, body.value))
    except ClaimledgerError as error:
        raise HTTPException(422, error.reason) from None
    return {**asdict(rule), "watches": rule.describe()}


@api_router.delete("/alert-rules/{rule_id}", dependencies=[Depends(check_write)],
                   summary="Remove an alert rule (needs the token); its alerts stay")
def remove_alert_rule(request: Request, rule_id: int = RULE_ID) -> dict:
    try:
        request.app.state.access.remove_alert_rule(rule_id)
    except ClaimledgerError as error:
        raise HTTPException(404, error.reason) from None
    return {"removed": rule_id}


@api_router.get("/alerts", summary="Alerts fired, newest first; poll with after (the last id seen) or since")
async def alerts(request: Request, since: Optional[str] = Query(None, description="ISO date or time (UTC): "
                                                                                  "alerts fired at or after it."),
                 after: int = Query(0, ge=0, le=MAX_ROW, description="Only alerts with a higher id."),
                 limit: int = LIMIT, offset: int = OFFSET) -> dict:
    found = alerts_sql.alerts(request.app.state.access.reader(), since_time(since), after, limit + 1, offset)
    return json_page(request, found, limit, offset, Alert.payload)


@page_router.get("/alerts.atom")
async def alerts_atom(request: Request) -> Response:
    found = alerts_sql.alerts(request.app.state.access.reader(), limit=FEED_ENTRIES)
    return Response(alerts_feed(found, str(request.base_url)), media_type="application/atom+xml")


@page_router.get("/alerts", response_class=HTMLResponse)
async def alerts_page(request: Request, page: int = Query(1, ge=1, le=MAX_ROW // 100)):
    reader = request.app.state.access.reader()
    found = alerts_sql.alerts(reader, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render(request, "alerts.html", alerts=found[:PAGE_SIZE], more=len(found) > PAGE_SIZE, page=page,
                  rules=alerts_sql.active_rules(reader), kinds=RULE_KINDS, evidence_kinds=EVIDENCE_KINDS)


@page_router.get("/watch", response_class=HTMLResponse)
async def watch_page(request: Request):
    return render(request, "watch.html", sources=watch_sql.sources(request.app.state.access.reader()), error=None)


def form_outcome(request: Request, action, back: str):
    """Run a form's write; back to its page, or the page again with the error."""
    try:
        action()
    except ClaimledgerError as error:
        return render(request, "error.html", status_code=422, status="Not changed", detail=str(error))
    return RedirectResponse(back, status_code=303)


@page_router.post("/watch", response_class=HTMLResponse)
def watch_form(request: Request, token: str = Form(""), target: str = Form(""), every: str = Form("15m")):
    check_write(request, token)
    access = request.app.state.access
    return form_outcome(request, lambda: access.watch(web_target(target), parse_interval(every)), "/watch")


@page_router.post("/watch/{source_id}/remove", response_class=HTMLResponse)
def unwatch_form(request: Request, source_id: int = SOURCE_ID, token: str = Form("")):
    check_write(request, token)
    return form_outcome(request, lambda: request.app.state.access.unwatch(source_id), "/watch")


@page_router.post("/alerts/rules", response_class=HTMLResponse)
def rule_form(request: Request, token: str = Form(""), kind: str = Form(""), value: str = Form(""),
              claim: str = Form(""), at: str = Form("")):
    check_write(request, token)

    def add() -> None:
        if not (claim or "0").isdigit() or not (at or "0").isdigit():
            raise InvalidWatch(kind, problem="the claim and the threshold are whole numbers")
        request.app.state.access.add_alert_rule(new_rule(kind, int(claim) if claim else None,
                                                         int(at) if at else None, value or None))
    return form_outcome(request, add, "/alerts")


@page_router.post("/alerts/rules/{rule_id}/remove", response_class=HTMLResponse)
def remove_rule_form(request: Request, rule_id: int = RULE_ID, token: str = Form("")):
    check_write(request, token)
    return form_outcome(request, lambda: request.app.state.access.remove_alert_rule(rule_id), "/alerts")
