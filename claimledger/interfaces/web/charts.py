"""Plot specifications for the claim page, as Plotly figure JSON: the timeline of statements by
side, and the source-chain graph (origin speaker → relay → outlet, wire copies folded into the
article they copy).  Layout is computed here; Plotly draws it in the browser.  Plotly reads a little HTML in labels,
so every text from an article is escaped first (Plotly shows the entities as the characters)."""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path

SIDE_COLOURS = {"support": "#1a7f37", "deny": "#cf222e", "hedge": "#bf8700", "decline": "#6e7781"}
KIND_COLUMN = {"origin": 0, "relay": 1, "outlet": 2}


def timeline(page) -> dict:
    """One marker per dated statement: x its date, y its side, hover its speaker and words."""
    traces = []
    for side, colour in SIDE_COLOURS.items():
        members = [s for s in page.statements if s.side == side and s.date]
        if members:
            traces.append({"type": "scatter", "mode": "markers", "name": side, "x": [s.date for s in members],
                           "y": [side] * len(members), "marker": {"color": colour, "size": 12},
                           "text": [escape(f"{s.speaker or 'unnamed'}: {s.content[:120]}") for s in members],
                           "hoverinfo": "x+text"})
    layout = {"height": 220, "margin": {"l": 70, "r": 20, "t": 10, "b": 40}, "showlegend": False,
              "xaxis": {"type": "date"}, "yaxis": {"type": "category",
                                                    "categoryarray": list(SIDE_COLOURS), "categoryorder": "array"}}
    return {"data": traces, "layout": layout}


def outlet_of(statement) -> str:
    """Where a statement was published; a wire copy counts as the article it copies."""
    if statement.copy_of:
        return f"article #{statement.copy_of} and its copies"
    return statement.outlet or Path(statement.article_source).name


def chain_graph(page) -> dict:
    """Nodes in three columns (origins, relays, outlets) and weighted edges between them."""
    edges: Counter = Counter()
    nodes: dict[tuple[str, str], None] = {}
    for s in page.statements:
        chain = [("origin", s.origin_speaker or s.speaker or "unnamed source")]
        if s.relayed_by:
            chain.append(("relay", s.relayed_by))
        chain.append(("outlet", outlet_of(s)))
        for node in chain:
            nodes.setdefault(node, None)
        for a, b in zip(chain, chain[1:]):
            edges[(a, b)] += 1
    position = {}
    for kind, column in KIND_COLUMN.items():
        members = [n for n in nodes if n[0] == kind]
        for row, node in enumerate(members):
            position[node] = (column, -(row + 0.5) / max(1, len(members)))
    traces = [{"type": "scatter", "mode": "lines", "hoverinfo": "text", "showlegend": False,
               "x": [position[a][0], position[b][0]], "y": [position[a][1], position[b][1]],
               "line": {"width": 1 + count, "color": "#8c959f"}, "text": escape(f"{a[1]} → {b[1]} ({count})")}
              for (a, b), count in edges.items()]
    traces.append({"type": "scatter", "mode": "markers+text", "showlegend": False, "hoverinfo": "text",
                   "x": [position[n][0] for n in nodes], "y": [position[n][1] for n in nodes],
                   "text": [escape(n[1]) for n in nodes], "textposition": "top center",
                   "marker": {"size": 14, "color": ["#0969da" if n[0] == "outlet" else "#8250df" for n in nodes]}})
    height = 120 + 40 * max([sum(1 for n in nodes if n[0] == k) for k in KIND_COLUMN] + [1])
    layout = {"height": height, "margin": {"l": 20, "r": 20, "t": 20, "b": 30},
              "xaxis": {"tickvals": [0, 1, 2], "ticktext": ["origin", "relayed by", "published in"],
                        "range": [-0.5, 2.5], "zeroline": False, "showgrid": False},
              "yaxis": {"visible": False}}
    return {"data": traces, "layout": layout}
