"""Alert rules, the alerts they fire, and how far each webhook has been sent.  Functions take an open
``Database``; ``fire`` runs inside the transaction that stores an article, so an article and the
alerts it causes are stored together or not at all."""

from __future__ import annotations

import json
from typing import Iterable, Optional

from ..errors import InvalidWatch
from ..watch.rules import (Alert, AlertRule, ClaimState, StoryState, claim_events, shortened, story_denial, timestamp,
                           utc_now)
from .claims_sql import SAID_BY
from .database import Database

RULE_COLUMNS = "id, kind, claim_id, threshold, value, created_at"
ALERT_SQL = ("SELECT a.id, a.rule_id, r.kind, r.claim_id, r.threshold, r.value, a.event, a.message, a.claim_id,"
             " a.statement_id, a.article_id, a.fired_at FROM alerts a JOIN alert_rules r ON r.id = a.rule_id")


def add_rule(db: Database, rule: AlertRule) -> AlertRule:
    if rule.claim_id is not None and db.scalar("SELECT id FROM claims WHERE id = ?", (rule.claim_id,)) is None:
        raise InvalidWatch(str(rule.claim_id), problem=f"no claim {rule.claim_id}")
    created = timestamp(utc_now())
    rule_id = db.execute("INSERT INTO alert_rules (kind, claim_id, threshold, value, created_at) VALUES (?, ?, ?, ?, ?)"
                         " RETURNING id", (rule.kind, rule.claim_id, rule.threshold, rule.value, created)).fetchone()[0]
    return AlertRule(rule_id, rule.kind, rule.claim_id, rule.threshold, rule.value, created)


def remove_rule(db: Database, rule_id: int) -> None:
    """Stop a rule; its alerts stay, still naming it."""
    updated = db.execute("UPDATE alert_rules SET removed_at = ? WHERE id = ? AND removed_at IS NULL RETURNING id",
                         (timestamp(utc_now()), rule_id)).fetchone()
    if updated is None:
        raise InvalidWatch(str(rule_id), problem=f"no alert rule {rule_id}")


def active_rules(db: Database) -> list[AlertRule]:
    return [AlertRule(*row) for row in db.execute(
        f"SELECT {RULE_COLUMNS} FROM alert_rules WHERE removed_at IS NULL ORDER BY id")]


def claim_states(db: Database, claim_ids: Iterable[int]) -> dict[int, Optional[ClaimState]]:
    """Each claim's state as stored now; None for a claim with no counted statement yet (just opened)."""
    states = {}
    for claim_id in claim_ids:
        canonical, status, deny, disagree, support, counted = db.execute(
            "SELECT canonical, status, deny_raw, disagree_articles, support_independent, statements FROM claims"
            " WHERE id = ?", (claim_id,)).fetchone()
        states[claim_id] = ClaimState(canonical, status, deny + disagree, support) if counted else None
    return states


def story_states(db: Database, story_ids: Iterable[int]) -> dict[int, Optional[StoryState]]:
    """Each story's state as stored now; None for a story with no claim yet (just opened)."""
    states = {}
    for story_id in story_ids:
        row = db.execute("SELECT title, deny_raw + disagree_articles, claims FROM stories WHERE id = ?",
                         (story_id,)).fetchone()
        states[story_id] = StoryState(row[0], row[1]) if row and row[2] else None
    return states


def who_denied(db: Database, article_id: int, claims: str, params: tuple) -> str:
    """Who in the article denied one of the claims ``claims`` selects, in their words; or that the
    article itself disagrees."""
    row = db.execute("SELECT coalesce(s.speaker_entity, s.speaker, 'an unnamed source'), s.content FROM statements s"
                     " JOIN claim_statements cs ON cs.statement_id = s.id WHERE s.article_id = ? AND cs.side = 'deny'"
                     f" AND cs.claim_id IN ({claims}) ORDER BY s.position LIMIT 1", (article_id, *params)).fetchone()
    if row:
        return f"{row[0]} said \"{shortened(row[1], 200)}\""
    where = db.scalar("SELECT coalesce(outlet, source) FROM articles WHERE id = ?", (article_id,))
    return f"article {article_id} ({shortened(where, 80)}) disagrees"


def story_alerts(db: Database, article_id: int, rules: list[AlertRule], before: dict[int, Optional[StoryState]],
                 opened_story: Optional[int]) -> list[tuple]:
    """(rule id, event, message, claim id, statement id) of the story rules the article fires."""
    fired = []
    after = story_states(db, before)
    for rule in rules:
        if rule.kind == "story-denial":
            for story_id, state in after.items():
                def who(story: int = story_id) -> str:
                    return who_denied(db, article_id, "SELECT claim_id FROM claim_statements WHERE story_id = ?",
                                      (story,))
                if state is not None:
                    fired += [(rule.id, event, message, None, None)
                              for event, message in story_denial(story_id, before[story_id], state, who)]
        elif rule.kind == "new-story" and opened_story is not None:
            matched = said_by(db, article_id, rule.value) or phrase_matches(db, article_id, rule.value)
            title = db.scalar("SELECT title FROM stories WHERE id = ?", (opened_story,)) or ""
            fired += [(rule.id, f"story {opened_story} opened",
                       f"new story {opened_story} ({shortened(title)}): {speaker_and_verb(db, sid)} "
                       f"\"{shortened(content, 200)}\"", claim_id, sid) for sid, content, claim_id in matched[:1]]
    return fired


def fire(db: Database, article_id: int, rules: list[AlertRule], before: dict[int, Optional[ClaimState]],
         story_before: Optional[dict[int, Optional[StoryState]]] = None, opened_story: Optional[int] = None) -> int:
    """Store the alerts that the article (just stored, its claims and stories recounted) causes under
    ``rules``; ``before`` and ``story_before`` hold its claims' and stories' states from before it, and
    ``opened_story`` the story it opened, if any.  Returns how many fired."""
    live = dict(db.execute("SELECT id, coalesce(merged_into, id) FROM claims WHERE id IN (SELECT claim_id FROM"
                           " alert_rules WHERE claim_id IS NOT NULL AND removed_at IS NULL)").fetchall())
    after = claim_states(db, before)
    # A wire copy or reprint repeats statements already alerted on: only claim rules judge it.
    copy = db.scalar("SELECT copy_of FROM articles WHERE id = ?", (article_id,)) is not None
    fired = []  # (rule id, event, message, claim id, statement id)
    for rule in rules:
        story_rule = rule.kind in ("story-denial", "new-story")  # judged below, once the stories are recounted
        if story_rule or copy and rule.kind not in ("first-denial", "support", "status"):
            continue
        # A rule on a claim since merged into another watches the claim that took its statements.
        scoped = AlertRule(rule.id, rule.kind, live.get(rule.claim_id), rule.threshold, rule.value)
        if rule.kind in ("first-denial", "support", "status"):
            fired += [(rule.id, event, message + (f": {who_denied(db, article_id, '?', (claim_id,))}"
                                                  if rule.kind == "first-denial" else ""), claim_id, None)
                      for claim_id, state in after.items() if state is not None
                      for event, message in claim_events(scoped, claim_id, before[claim_id], state, article_id)]
        elif rule.kind == "entity":
            fired += [(rule.id, f"statement {sid}", f"{rule.value} said: {content[:300]}", claim_id, sid)
                      for sid, content, claim_id in said_by(db, article_id, rule.value)]
        elif rule.kind == "phrase":
            fired += [(rule.id, f"statement {sid}", f"{speaker_of(db, sid)} said, matching {rule.value}: "
                                                    f"{content[:300]}", claim_id, sid)
                      for sid, content, claim_id in phrase_matches(db, article_id, rule.value)]
        else:
            fired += evidence_events(db, article_id, rule.id, rule.value, scoped.claim_id)
    fired += story_alerts(db, article_id, [r for r in rules if r.kind in ("story-denial", "new-story")],
                          story_before or {}, opened_story if not copy else None)
    fired_at = timestamp(utc_now())
    db.executemany("INSERT INTO alerts (rule_id, event, message, claim_id, statement_id, article_id, fired_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rule_id, event) DO NOTHING",
                   [(*alert[:5], article_id, fired_at) for alert in fired])
    return len(fired)


def article_statements(db: Database, article_id: int, condition: str = "", params: tuple = ()
                       ) -> list[tuple[int, str, Optional[int]]]:
    """(statement id, content, its claim) of the article's statements meeting ``condition``."""
    return db.execute("SELECT s.id, s.content, cs.claim_id FROM statements s LEFT JOIN claim_statements cs"
                      f" ON cs.statement_id = s.id WHERE s.article_id = ?{condition} ORDER BY s.position",
                      (article_id, *params)).fetchall()


def said_by(db: Database, article_id: int, entity: str) -> list[tuple[int, str, Optional[int]]]:
    """The article's statements whose speaker or origin speaker is ``entity``."""
    return article_statements(db, article_id, f" AND {SAID_BY}", (entity, entity))


def phrase_matches(db: Database, article_id: int, phrase: str) -> list[tuple[int, str, Optional[int]]]:
    exact = len(phrase) > 2 and phrase.startswith('"') and phrase.endswith('"')
    matching = db.matching_statements(phrase.strip('"') if exact else phrase, phrase=exact)
    if matching is None:
        return []
    sql, params = matching
    return article_statements(db, article_id, f" AND s.id IN ({sql})", params)


def speaker_and_verb(db: Database, statement_id: int) -> str:
    """'X said', or with the cue of a statement that declines ('X declined "to comment"', not 'X said ...')."""
    speaker, stance, cue = db.execute("SELECT coalesce(speaker_entity, speaker, 'someone'), stance, cue"
                                      " FROM statements WHERE id = ?", (statement_id,)).fetchone()
    return f"{speaker} {cue if stance == 'decline' else 'said'}"


def speaker_of(db: Database, statement_id: int) -> str:
    return db.scalar("SELECT coalesce(speaker_entity, speaker, 'someone') FROM statements WHERE id = ?",
                     (statement_id,))


def evidence_events(db: Database, article_id: int, rule_id: int, kind: str, claim_id: Optional[int]) -> list[tuple]:
    """One event per claim on which the article cites evidence of ``kind``: the claim of the statement
    citing it, else (for a rule on one claim) that claim when the article's statements joined it;
    evidence no statement cites fires an unscoped rule once for the article."""
    extraction = json.loads(db.scalar("SELECT extraction FROM articles WHERE id = ?", (article_id,)))
    statements = {position: (sid, claim) for position, sid, claim in db.execute(
        "SELECT s.position, s.id, cs.claim_id FROM statements s LEFT JOIN claim_statements cs"
        " ON cs.statement_id = s.id WHERE s.article_id = ?", (article_id,))}
    article_claims = {claim for _, claim in statements.values()}
    events: dict[str, tuple] = {}
    for item in extraction.get("evidence", []):
        if item.get("kind") != kind:
            continue
        sid, cited_on = statements.get(item.get("statement"), (None, None))
        if claim_id is not None:
            if cited_on != claim_id and (cited_on is not None or claim_id not in article_claims):
                continue
            cited_on = claim_id
        message = f"{kind} cited: {item.get('text', '')[:200]}"
        if item.get("posted_by"):
            message += f" (posted by {item['posted_by']})"
        event = f"article {article_id} {kind} on claim {cited_on}" if cited_on else f"article {article_id} {kind}"
        events.setdefault(event, (rule_id, event, message, cited_on, sid))
    return list(events.values())


def alerts(db: Database, since: Optional[str] = None, after_id: int = 0, limit: int = 50, offset: int = 0,
           newest_first: bool = True) -> list[Alert]:
    """Fired alerts: those with an id above ``after_id`` and fired at or after ``since`` (ISO time)."""
    order = "DESC" if newest_first else "ASC"
    rows = db.execute(f"{ALERT_SQL} WHERE a.id > ? AND a.fired_at >= ? ORDER BY a.id {order} LIMIT ? OFFSET ?",
                      (after_id, since or "", limit, offset)).fetchall()
    return [alert_of(row) for row in rows]


def alert_of(row: tuple) -> Alert:
    rule_id, kind, claim_id, threshold, value = row[1:6]
    return Alert(row[0], rule_id, AlertRule(rule_id, kind, claim_id, threshold, value).describe(), kind, *row[6:])


def latest_alert_id(db: Database) -> int:
    return db.scalar("SELECT max(id) FROM alerts") or 0


def webhook_cursor(db: Database, url: str) -> int:
    """The last alert id delivered to ``url``; a new webhook starts after the alerts already stored."""
    db.execute("INSERT INTO webhook_cursors (url, delivered_through) VALUES (?, ?) ON CONFLICT (url) DO NOTHING",
               (url, latest_alert_id(db)))
    return db.scalar("SELECT delivered_through FROM webhook_cursors WHERE url = ?", (url,))


def record_delivery(db: Database, url: str, delivered_through: int, error: Optional[str]) -> None:
    db.execute("UPDATE webhook_cursors SET delivered_through = ?, last_error = ? WHERE url = ?",
               (delivered_through, error, url))
