"""The watchlist: sources ``claimledger watch`` polls, and what each poll last saw and when the next is due.
Functions take an open ``Database``; the Ledger calls the writing ones inside its write transaction."""

from __future__ import annotations

import json
from typing import Optional

from ..errors import InvalidWatch
from ..watch.rules import timestamp, utc_now
from ..watch.sources import Poll, WatchSource
from .database import Database

SOURCE_COLUMNS = ("id, target, interval_s, added_at, etag, last_modified, files, last_polled_at, last_success_at,"
                  " last_error, last_error_at, failures, next_poll_at, articles_added")


def source_of(row: tuple) -> WatchSource:
    return WatchSource(*row[:6], json.loads(row[6]) if row[6] else {}, *row[7:])


def add_source(db: Database, target: str, interval_s: int) -> WatchSource:
    """Watch a target (checked by ``watch.sources.checked_target``); its first poll is due now."""
    now = timestamp(utc_now())
    row = db.execute("INSERT INTO watch_sources (target, interval_s, added_at, next_poll_at) VALUES (?, ?, ?, ?)"
                     " ON CONFLICT (target) DO NOTHING RETURNING id", (target, interval_s, now, now)).fetchone()
    if row is None:
        raise InvalidWatch(target, problem="already watched (remove it first to change its interval)")
    return source(db, row[0])


def remove_source(db: Database, source_id: int) -> WatchSource:
    found = source(db, source_id)
    if found is None:
        raise InvalidWatch(str(source_id), problem=f"no watched source {source_id}")
    db.execute("DELETE FROM watch_sources WHERE id = ?", (source_id,))
    return found


def source(db: Database, source_id: int) -> Optional[WatchSource]:
    row = db.execute(f"SELECT {SOURCE_COLUMNS} FROM watch_sources WHERE id = ?", (source_id,)).fetchone()
    return source_of(row) if row else None


def source_id_of(db: Database, target: str) -> Optional[int]:
    return db.scalar("SELECT id FROM watch_sources WHERE target = ?", (target,))


def sources(db: Database, due_by: Optional[str] = None) -> list[WatchSource]:
    """Every watched source (or those due by an ISO time), in the order they were added."""
    return [source_of(row) for row in db.execute(
        f"SELECT {SOURCE_COLUMNS} FROM watch_sources WHERE next_poll_at <= ? ORDER BY id",
        (due_by or "9999",)).fetchall()]


def next_due(db: Database) -> Optional[str]:
    return db.scalar("SELECT min(next_poll_at) FROM watch_sources")


def record_success(db: Database, source_id: int, poll: Poll, added: int, next_poll_at: str) -> None:
    """The poll's new validators and file states, stored only once its articles are: a poll cut short
    is made again in full."""
    now = timestamp(utc_now())
    db.execute("UPDATE watch_sources SET etag = ?, last_modified = ?, files = ?, last_polled_at = ?,"
               " last_success_at = ?, failures = 0, next_poll_at = ?, articles_added = articles_added + ?"
               " WHERE id = ?", (poll.etag, poll.last_modified, json.dumps(poll.files) if poll.files else None,
                                 now, now, next_poll_at, added, source_id))


def record_failure(db: Database, source_id: int, error: str, next_poll_at: str) -> int:
    """Count a failed poll; returns the failures in a row."""
    now = timestamp(utc_now())
    row = db.execute("UPDATE watch_sources SET last_polled_at = ?, last_error = ?, last_error_at = ?,"
                     " failures = failures + 1, next_poll_at = ? WHERE id = ? RETURNING failures",
                     (now, error, now, next_poll_at, source_id)).fetchone()
    return row[0] if row else 0  # removed while it was polled
