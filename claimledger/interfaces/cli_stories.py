"""``claimledger stories`` and ``story``: the analyst's view, one story per event with who supports and
who denies it; and a reviewer's ``story-merge``, ``story-split`` and ``story-move``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.table import Table

from ..errors import ClaimledgerError, UsageError
from ..store.database import display_name
from .console import DB, fail_on_library_error, open_ledger, out

app = typer.Typer()
BY = typer.Option("command line", "--by", help="Who made the change, for the audit trail.")
REASON = typer.Option(..., "--reason", help="Why: kept in the audit trail.")


@app.command()
def stories(db: str = DB,
            search: Optional[str] = typer.Option(None, "--search", help="Full-text search of the statements."),
            entity: Optional[str] = typer.Option(None, "--entity", help="Stories whose statements name an entity."),
            since: Optional[str] = typer.Option(None, "--since", help="Stories active on or after this ISO date."),
            limit: int = typer.Option(50, "--limit", help="Show at most N stories."),
            offset: int = typer.Option(0, "--offset", help="Skip the first N stories (paging).")) -> None:
    """List stories (the claims about one event): supporters and deniers (independent sources / statements),
    articles, first seen and last activity."""
    with open_ledger(db) as store:
        found = store.stories(search=search, entity=entity, since=since, limit=limit, offset=offset)
    table = Table(title=f"stories in {display_name(db)} (supporters and deniers: independent sources / statements)")
    for column in ("id", "status", "supporters", "deniers", "claims", "articles", "first seen", "last activity"):
        table.add_column(column, no_wrap=True)
    table.add_column("story", overflow="fold", min_width=30)
    for s in found:
        table.add_row(str(s.id), s.status, f"{s.support_independent}/{s.support_raw}",
                      f"{s.deny_independent}/{s.deny_raw}", str(s.claims), str(s.articles), s.first_seen or "",
                      s.last_activity or "", s.title)
    out.print(table)


@app.command()
def story(story_id: int = typer.Argument(..., help="Story id, as `claimledger stories` lists it."),
          db: str = DB) -> None:
    """Show one story: its proposition, who supports and who denies it, its claims, timeline and articles."""
    with open_ledger(db) as store:
        page = store.story(story_id)
    if page is None:
        fail_on_library_error(UsageError(str(story_id), problem="no such story"))
    s = page.summary
    out.print(f"[bold]story {s.id}[/bold]: {s.title}", highlight=False)
    out.print(f"status {s.status}; supporters {s.support_independent} independent / {s.support_raw} statements; "
              f"deniers {s.deny_independent} / {s.deny_raw}; hedged {s.hedge_raw}; declined {s.decline_raw}; "
              f"{s.claims} claims, {s.articles} articles ({s.agree_articles} agree, {s.disagree_articles} disagree, "
              f"{s.discuss_articles} discuss); first seen {s.first_seen or '?'}, "
              f"last activity {s.last_activity or '?'}",
              highlight=False)
    for side, title in (("support", "who supports it"), ("deny", "who denies it")):
        table = Table(title=title)
        for column in ("date", "speaker", "source chain", "claim", "outlet / article", "content"):
            table.add_column(column, overflow="fold")
        for st in (x for x in page.statements if x.side == side):
            chain = " → ".join(x for x in (st.origin_speaker, st.relayed_by, st.outlet) if x)
            table.add_row(st.date or "", st.speaker or "—", chain, str(st.claim_id),
                          f"{st.outlet or Path(st.article_source).name} (#{st.article_id})", st.content)
        out.print(table)
    claims = Table(title="claims")
    for column in ("id", "status", "support indep/raw", "deny indep/raw", "claim"):
        claims.add_column(column, overflow="fold")
    for c in page.claims:
        claims.add_row(str(c.id), c.status, f"{c.support_independent}/{c.support_raw}",
                       f"{c.deny_independent}/{c.deny_raw}", c.canonical)
    out.print(claims)
    articles = Table(title="articles and their own stance toward the story")
    for column in ("article", "published", "outlet / source", "stance", "read from"):
        articles.add_column(column, overflow="fold")
    for a in page.articles:
        articles.add_row(f"#{a.article_id}", a.published or "", a.outlet or Path(a.article_source).name, a.stance,
                         a.basis)
    out.print(articles)
    for side, reasons in page.merged.items():
        for reason in reasons:
            out.print(f"counted as one {side} source: {reason}", highlight=False)
    for e in page.edits:
        out.print(f"{e.action}: story {e.story_id} → story {e.to_story_id}, claims {e.claims}, by {e.edited_by}, "
                  f"{e.edited_at}: {e.reason}", highlight=False)
    if page.merged_into is not None:
        out.print(f"merged into story {page.merged_into}: its claims count there", highlight=False)


@app.command("story-merge")
def story_merge(story_ids: List[int] = typer.Argument(..., help="Stories to merge (ids, as `claimledger stories` "
                                                                "lists them)."),
                into: int = typer.Option(..., "--into", help="The story that takes their claims and keeps its id."),
                reason: str = REASON, by: str = BY, db: str = DB) -> None:
    """Merge stories about one event: their statements and articles move to one story, each merge audited."""
    with open_ledger(db) as store:
        try:
            edits = store.merge_stories(story_ids, into, reason, by)
        except ClaimledgerError as error:
            fail_on_library_error(error)
    for e in edits:
        out.print(f"story {e.story_id} merged into story {e.to_story_id} ({len(e.claims)} claims moved)",
                  highlight=False)


@app.command("story-split")
def story_split(story_id: int = typer.Argument(..., help="The story to split."),
                claims: List[int] = typer.Option(..., "--claim", help="A claim to move into the new story (repeat)."),
                reason: str = REASON, by: str = BY, db: str = DB) -> None:
    """Split a story: its statements on the claims named move into a new story, audited."""
    with open_ledger(db) as store:
        try:
            edit = store.split_story(story_id, claims, reason, by)
        except ClaimledgerError as error:
            fail_on_library_error(error)
    out.print(f"story {edit.to_story_id} split from story {story_id} with claims {edit.claims}", highlight=False)


@app.command("story-move")
def story_move(claim_id: int = typer.Argument(..., help="The claim to move."),
               from_story: int = typer.Option(..., "--from", help="The story whose statements on it move."),
               to: int = typer.Option(..., "--to", help="The story they belong to."),
               reason: str = REASON, by: str = BY, db: str = DB) -> None:
    """Move a story's statements on one claim into another story, audited."""
    with open_ledger(db) as store:
        try:
            edit = store.move_claim(claim_id, from_story, to, reason, by)
        except ClaimledgerError as error:
            fail_on_library_error(error)
    out.print(f"claim {claim_id} moved from story {edit.story_id} to story {edit.to_story_id}", highlight=False)
