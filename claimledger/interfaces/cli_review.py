"""``claimledger verdict``, ``merge`` and ``recluster``: what a reviewer adds to the ledger, by hand or
on the ledger's proposal."""

from __future__ import annotations

from typing import List, Optional

import typer

from ..errors import ClaimledgerError
from ..ledger.recluster import RECLUSTER_THRESHOLD
from ..ledger.reviews import RATINGS, new_verdict
from .console import DB, fail_on_library_error, open_ledger, out

app = typer.Typer()


@app.command()
def verdict(claim_id: int = typer.Argument(..., help="Claim id, as `claimledger claims` lists it."),
            rating: str = typer.Option(..., "--rating", help=f"One of: {', '.join(RATINGS)}."),
            reviewer: str = typer.Option(..., "--reviewer", help="Who reviewed the claim."),
            day: Optional[str] = typer.Option(None, "--date", help="ISO date of the review (default: today)."),
            note: Optional[str] = typer.Option(None, "--note", help="The reviewer's explanation."),
            db: str = DB) -> None:
    """Record a reviewer's verdict on a claim; the latest verdict is the claim's rating (ClaimReview export)."""
    with open_ledger(db) as store:
        try:
            recorded = store.record_verdict(new_verdict(claim_id, rating, reviewer, day, note))
        except ClaimledgerError as error:
            fail_on_library_error(error)
    out.print(f"claim {claim_id}: verdict {recorded.rating} by {recorded.reviewer} on {recorded.reviewed_on}",
              highlight=False)


@app.command()
def merge(claim_ids: List[int] = typer.Argument(..., help="Claims to merge (ids, as `claimledger claims` lists them)."),
          into: int = typer.Option(..., "--into", help="The claim that takes their statements and keeps its id."),
          reason: str = typer.Option(..., "--reason", help="Why they state one proposition: kept in the audit trail."),
          by: str = typer.Option("command line", "--by", help="Who merged them, for the audit trail."),
          db: str = DB) -> None:
    """Merge claims that state one proposition: their statements and article stances move to one claim;
    the merged claims keep their ids and point to it, and each merge is recorded with its reason."""
    with open_ledger(db) as store:
        try:
            merges = store.merge_claims(claim_ids, into, reason, by)
        except ClaimledgerError as error:
            fail_on_library_error(error)
    for m in merges:
        out.print(f"claim {m.claim_id} merged into claim {m.into_claim_id} ({m.statements} statements moved)",
                  highlight=False)


@app.command()
def recluster(threshold: float = typer.Option(RECLUSTER_THRESHOLD, "--threshold", min=0.0, max=1.0,
                                              help="Least cosine of two claims' canonical texts (all-MiniLM-L6-v2)."),
              apply: bool = typer.Option(False, "--apply", help="Merge the groups found (else only list them)."),
              by: str = typer.Option("re-clustering", "--by", help="Who merged them, for the audit trail."),
              db: str = DB) -> None:
    """Find claims that state one proposition in other words (alike in meaning, same polarity, same
    numbers) and list them as merges; --apply merges each group into its largest claim, with the reason."""
    from ..ml.encoder import shared_embedder

    with open_ledger(db) as store:
        try:
            found = store.recluster(threshold, shared_embedder(), apply, by)
        except ClaimledgerError as error:
            fail_on_library_error(error)
    for proposal in found:
        out.print(f"{'merged' if apply else 'would merge'} {', '.join(map(str, proposal.claims))} into claim "
                  f"{proposal.into} (cosine >= {proposal.similarity:.2f})", highlight=False)
        for claim_id, text in proposal.texts.items():
            out.print(f"    {claim_id}: {text[:140]}", highlight=False)
    out.print(f"{len(found)} group(s), {sum(len(p.claims) for p in found)} claim(s) "
              f"{'merged' if apply else 'to merge (run again with --apply)'}", highlight=False)
