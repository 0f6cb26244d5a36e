"""A connection to a ledger database, SQLite (a file) or PostgreSQL (a ``postgresql://`` URL).

Queries are written once, in SQL both engines accept, with ``?`` placeholders; ``Database``
translates them for psycopg and supplies the few things each engine does its own way: the write
lock, full-text matching (FTS5 / tsvector) and the engine's own integrity check.  Queries go
straight to the driver (no ORM layer: ingest runs dozens of them per article).  The schema is
``schema.py``, brought to each database by the Alembic migrations (``migrate``)."""

from __future__ import annotations

import itertools
import sqlite3
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence, Union

from ..errors import LedgerError, one_line

MIGRATIONS = Path(__file__).with_name("migrations")
POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
WRITE_LOCK = 0x636C61696D  # advisory lock key ("claim"): one writer at a time per PostgreSQL ledger
LEGACY_FORMAT = 6  # PRAGMA user_version of the last SQLite ledgers made before Alembic
ALL_ROWS = 2 ** 62  # LIMIT for "no limit" (SQLite takes no NULL there, PostgreSQL no -1)
STREAM_ROWS = 200  # rows a PostgreSQL server-side cursor sends at a time (articles carry their text)
BUSY_SECONDS = 120  # how long a SQLite writer waits for another's lock (building the indexes of a big ledger)


def is_postgres(target: Union[str, Path]) -> bool:
    return str(target).startswith(POSTGRES_SCHEMES)


def libpq_url(target: str) -> str:
    return "postgresql://" + target.split("://", 1)[1]


def display_name(target: Union[str, Path]) -> str:
    """The ledger as messages name it: the file, or the URL's host, port and database (never a
    password, wherever the URL puts it)."""
    if not is_postgres(target):
        return str(target)
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(libpq_url(str(target)))
    except Exception:  # noqa: BLE001  psycopg raises several kinds for a malformed URL
        raise LedgerError("postgresql://…", problem="not a valid PostgreSQL URL") from None
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host', '')}{port}/{parts.get('dbname', '')}"


def sqlalchemy_url(target: Union[str, Path]) -> Any:
    from sqlalchemy.engine import URL, make_url

    if is_postgres(target):
        return make_url("postgresql+psycopg://" + str(target).split("://", 1)[1])
    return URL.create("sqlite", database=str(target))  # a path, whatever characters it holds


def hidden(problem: str, target: str) -> str:
    """A driver's message with the URL's password taken out (libpq may quote it back)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        password = conninfo_to_dict(libpq_url(target)).get("password")
    except Exception:  # noqa: BLE001
        return "cannot connect (check the URL)"
    return problem.replace(password, "***") if password else problem


@lru_cache(maxsize=512)
def psycopg_sql(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


def without_nul(params: Sequence[Any]) -> tuple:
    """Parameters as PostgreSQL takes them: its text cannot hold NUL (articles arrive without it;
    this covers what users type into a search)."""
    return tuple(p.replace("\x00", "\ufffd") if isinstance(p, str) and "\x00" in p else p for p in params)


def searchable(text: str) -> str:
    """User text without what no search string may hold: NUL and control characters, lone surrogates."""
    return "".join(ch if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF else " " for ch in text)


def fts_terms(text: str) -> str:
    """User text as an FTS5 query of quoted terms (all must match): no FTS syntax gets through."""
    terms = [t for t in searchable(text).split() if t.strip('"')]
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


class Database:
    """One connection, used like sqlite3's: ``execute``, ``executemany``, ``with db:`` for a transaction."""

    def __init__(self, target: Union[str, Path], read_only: bool = False, check_same_thread: bool = True) -> None:
        self.target = str(target)
        self.name = display_name(target)
        self.postgres = is_postgres(target)
        self._transactions: list = []
        self._cursor_numbers = itertools.count()
        if self.postgres:
            import psycopg

            self.Error: type[Exception] = psycopg.Error
            try:
                # Autocommit, with explicit transactions: a reader never sits idle inside one.
                self.conn = psycopg.connect(libpq_url(self.target), autocommit=True)
                # Set here, not as connect options, which would replace any the URL or PGOPTIONS give.
                self.conn.execute("SET jit = off")  # compiling costs more than these short queries take
                if read_only:
                    self.conn.execute("SET default_transaction_read_only = on")
            except psycopg.Error as exc:
                raise LedgerError(self.name, problem=hidden(one_line(exc), self.target)) from None
        else:
            self.Error = sqlite3.Error
            path = Path(self.target)
            try:
                if read_only:
                    self.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                                check_same_thread=check_same_thread, timeout=BUSY_SECONDS)
                else:
                    self.conn = sqlite3.connect(self.target, check_same_thread=check_same_thread,
                                                timeout=BUSY_SECONDS)
                self.conn.execute("PRAGMA foreign_keys = ON")
            except sqlite3.Error as exc:
                raise LedgerError(self.name, problem=one_line(exc)) from None

    @property
    def broken(self) -> bool:
        """Whether the connection is lost (a PostgreSQL server restarted or dropped it)."""
        return bool(self.postgres and (self.conn.closed or self.conn.broken))

    def use_wal(self) -> None:
        """Switch a SQLite file to write-ahead logging (it stays so).  The switch needs the file to
        itself and SQLite does not wait for that, so a new ledger opened by several processes at
        once retries until the others let go."""
        deadline = time.monotonic() + BUSY_SECONDS
        while self.scalar("PRAGMA journal_mode") != "wal":
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise LedgerError(self.name, problem=one_line(exc)) from None
                time.sleep(0.05)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; a driver error becomes the one-line LedgerError (E010)."""
        try:
            if self.postgres:
                return self.conn.execute(psycopg_sql(sql), without_nul(params))
            return self.conn.execute(sql, params)
        except self.Error as exc:
            raise LedgerError(self.name, problem=one_line(exc)) from None

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            if self.postgres:
                if rows:
                    with self.conn.cursor() as cursor:
                        cursor.executemany(psycopg_sql(sql), [without_nul(row) for row in rows])
            else:
                self.conn.executemany(sql, rows)
        except self.Error as exc:
            raise LedgerError(self.name, problem=one_line(exc)) from None

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple]:
        """A query's rows a few at a time, never all in memory at once.  On PostgreSQL this is a
        server-side cursor, which lives only inside a transaction (``snapshot``)."""
        try:
            if not self.postgres:
                yield from self.conn.execute(sql, params)
                return
            with self.conn.cursor(name=f"stream_{next(self._cursor_numbers)}") as cursor:
                cursor.itersize = STREAM_ROWS
                cursor.execute(psycopg_sql(sql), without_nul(params))
                yield from cursor
        except self.Error as exc:
            raise LedgerError(self.name, problem=one_line(exc)) from None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return row[0] if row else None

    # Transactions do not nest alike (SQLite commits at the inner exit, PostgreSQL makes a savepoint): don't nest them.
    def __enter__(self) -> "Database":
        if self.postgres:
            transaction = self.conn.transaction()
            transaction.__enter__()
            self._transactions.append(transaction)
        else:
            self.conn.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            if self.postgres:
                self._transactions.pop().__exit__(*exc)
            else:
                self.conn.__exit__(*exc)
        except self.Error as error:  # the commit itself failed
            raise LedgerError(self.name, problem=one_line(error)) from None

    @contextmanager
    def writing(self) -> Iterator["Database"]:
        """A transaction holding the ledger's write lock, so writers in other processes wait their turn."""
        with self:
            if self.postgres:
                self.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            elif not self.conn.in_transaction:
                self.conn.execute("BEGIN IMMEDIATE")
            yield self

    @contextmanager
    def snapshot(self) -> Iterator["Database"]:
        """A read-only transaction: every query inside sees the ledger as its first query found it,
        whatever other processes commit meanwhile (SQLite's write-ahead log, PostgreSQL's
        repeatable read).  Writes inside it fail."""
        if self.postgres:
            with self:
                self.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield self
            return
        self.execute("PRAGMA query_only = ON")
        self.execute("BEGIN")
        try:
            yield self
        finally:
            self.conn.rollback()
            self.conn.execute("PRAGMA query_only = OFF")

    def matching_statements(self, text: str, phrase: bool = False) -> Optional[tuple[str, tuple]]:
        """SQL selecting the ids of statements whose words match every term of ``text`` (or, with
        ``phrase``, the words in order within the content), with its parameters; None when the
        text has no terms to match."""
        if not fts_terms(text):
            return None
        words = " ".join(searchable(text).split())
        if self.postgres:
            if phrase:  # content words carry weight A (see migration 0001)
                return ("SELECT id FROM statements WHERE search_vector @@ phraseto_tsquery('simple', ?)"
                        " AND ts_filter(search_vector, '{a}') @@ phraseto_tsquery('simple', ?)", (words, words))
            return "SELECT id FROM statements WHERE search_vector @@ plainto_tsquery('simple', ?)", (words,)
        query = 'content : "' + words.replace('"', '""') + '"' if phrase else fts_terms(text)
        return "SELECT rowid AS id FROM statements_fts WHERE statements_fts MATCH ?", (query,)

    def engine_problems(self) -> list[tuple[str, str]]:
        """(check, detail) for what the engine's own checks find wrong: SQLite's integrity check and its
        full-text index (a PostgreSQL server guards its own files, and its search column is generated)."""
        if self.postgres:
            return []
        try:
            problems = [("database", row[0]) for row in self.conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        except sqlite3.DatabaseError as error:
            return [("database", one_line(error))]
        try:
            with self.conn:  # the check is written as an INSERT: end its implicit transaction
                self.conn.execute("INSERT INTO statements_fts (statements_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as error:
            problems.append(("search index", f"the full-text index disagrees with the statements ({error})"))
        return problems

    def close(self) -> None:
        self.conn.close()


def migrate(target: Union[str, Path]) -> None:
    """Bring the database to the newest schema (creating it when new), atomically and once even
    when several processes open it at the same moment."""
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.pool import NullPool

    postgres = is_postgres(target)
    name = display_name(target)
    try:
        url = sqlalchemy_url(target)
    except ValueError:  # a port that is no number, say
        raise LedgerError(name, problem="not a valid PostgreSQL URL") from None
    engine = create_engine(url, poolclass=NullPool, connect_args={} if postgres else {"timeout": BUSY_SECONDS})
    if not postgres:
        # pysqlite would commit each DDL statement on its own; take the write lock and make it one transaction.
        event.listen(engine, "connect", lambda dbapi, _record: setattr(dbapi, "isolation_level", None))
        event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            if postgres:
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            config.attributes["connection"] = connection
            if not postgres:
                adopt_legacy_sqlite(connection, config)
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        problem = one_line(getattr(exc, "orig", None) or exc)
        raise LedgerError(name, problem=hidden(problem, str(target)) if postgres else problem) from None
    except CommandError as exc:  # e.g. stamped by a newer claimledger, with a revision this one lacks
        raise LedgerError(name, problem=one_line(exc)) from None
    finally:
        engine.dispose()


def adopt_legacy_sqlite(connection: Any, config: Any) -> None:
    """SQLite ledgers from before Alembic: the last format is stamped as revision 0001 (after
    swapping its NOCASE speaker indexes for 0001's lower() ones and adding the index 0001 added);
    older formats, and ledgers of that format whose articles older versions left unassigned, cannot."""
    from alembic import command

    format_version = connection.exec_driver_sql("PRAGMA user_version").scalar()
    if format_version == 0:
        return
    pending = connection.exec_driver_sql(
        "SELECT count(*) FROM articles WHERE claims_assigned = 0 OR stances_assigned = 0").scalar() if (
        format_version == LEGACY_FORMAT) else 0
    if format_version != LEGACY_FORMAT or pending:
        raise LedgerError(str(connection.engine.url.database), problem=(
            f"made by an early development version (format {format_version}"
            f"{f', {pending} articles never assigned to claims' if pending else ''}); "
            "ingest its articles into a new ledger"))
    for statement in ("DROP INDEX IF EXISTS statements_speaker_nocase", "DROP INDEX IF EXISTS statements_origin_nocase",
                      "CREATE INDEX statements_speaker_lower ON statements (lower(speaker_entity))",
                      "CREATE INDEX statements_origin_lower ON statements (lower(origin_speaker))",
                      "CREATE INDEX claim_statements_claim_of ON claim_statements (statement_id, claim_id)",
                      "PRAGMA user_version = 0"):
        connection.exec_driver_sql(statement)
    command.stamp(config, "0001")
