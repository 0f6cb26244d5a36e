"""``claimledger eval``: score the shipped stance model on an Emergent or FNC-1 file.

Each command predicts with the models as shipped (nothing is fitted on the file), writes the
predictions in the format the task's scorers read, and prints the figures the file's gold labels allow.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from ..errors import ClaimledgerError
from ..evaluation.stance import Scores, evaluate_emergent, evaluate_fnc1
from .console import err, fail_on_library_error, out

app = typer.Typer(help="Score the stance model on Emergent or FNC-1 (or ARC) files and write their predictions.",
                  no_args_is_help=True, add_completion=False)
PREDICTIONS = typer.Option(..., "--predictions", help="CSV file to write the predictions to.")


def print_scores(task: str, scores: Scores, predictions: Path) -> None:
    out.print(f"{task}: {scores.rows} rows, predictions written to {predictions}", highlight=False)
    for name, value in scores.figures.items():
        shown = "— (no gold labels in the file)" if value is None else f"{value:.4f}"
        out.print(f"  {name}: {shown}", highlight=False)
    if scores.per_class_f1:
        out.print("  F1 per class: " + ", ".join(f"{k} {v:.3f}" for k, v in scores.per_class_f1.items()),
                  highlight=False)


@app.command()
def emergent(split: Path = typer.Argument(..., help="CSV with Emergent's columns (articleId, articleHeadline; "
                                                    "claimHeadline, claimId and articleHeadlineStance if known)."),
             predictions: Path = PREDICTIONS) -> None:
    """Cluster the headlines into claims and give each headline's stance toward its claimHeadline.

    Writes articleId,claimCluster,stance; the clusters come from the headlines alone and the stance is
    empty where claimHeadline is blank.  Prints stance accuracy and macro-F1 (with gold stances) and the
    clustering's adjusted Rand index (with claimId)."""
    try:
        scores = evaluate_emergent(split, predictions)
    except ClaimledgerError as error:
        fail_on_library_error(error)
    print_scores("Emergent", scores, predictions)


@app.command()
def fnc1(stances: Path = typer.Argument(..., help="CSV with Headline, Body ID (and Stance if known)."),
         bodies: Path = typer.Argument(..., help="CSV with Body ID, articleBody."),
         predictions: Path = PREDICTIONS) -> None:
    """Give each article body's stance toward its headline (agree, disagree, discuss, unrelated).

    Writes the official submission format Headline,Body ID,Stance and, with gold stances, prints the
    FNC-1 score (share of the best possible), macro-F1 and accuracy."""
    columns = (TextColumn("pairs"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("pairs", total=None, rate="")

            def advance(done: int, total: int) -> None:
                state = bar.tasks[0]
                rate = f"{state.completed / state.elapsed:.0f} pairs/s" if state.elapsed else ""
                bar.update(task, advance=done, total=total, rate=rate)

            scores = evaluate_fnc1(stances, bodies, predictions, progress=advance)
    except ClaimledgerError as error:
        fail_on_library_error(error)
    print_scores("FNC-1", scores, predictions)
