"""The Parquet output of ``claimledger batch``: its three tables, their rows, and reading them back.

    OUTPUT/articles/    one row per article extracted: its fields, its text, its extraction as JSON
    OUTPUT/statements/  one row per statement, with the fields of the README's output schema
    OUTPUT/failures/    one row per input or article that failed, with its one-line reason

Every row carries the sequence key (``file_index``, ``record_index``): the input file's position in
the expanded input list and the record's position in that file, failures counted.  Sorted by it,
the rows come in the order ``claimledger ingest`` reads the same inputs, so loading them in that
order builds the same ledger (claim ids are assigned as articles arrive).  Spark writes each table
sorted, as range partitions, one part file per range; ``sorted_rows`` reads it back with pyarrow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Iterator, Union

from ..errors import ClaimledgerError, MalformedParquet, one_line
from ..ingest.parquet import row_count
from ..schema import Article, Extraction, Statement

Key = tuple[int, int]
KEY_COLUMNS = ("file_index", "record_index")
KEY_DDL = "`file_index` INT, `record_index` BIGINT"

# Statement columns follow the dataclass, so a field added to Statement reaches the table by itself.
SQL_TYPES = {"str": "STRING", "Optional[str]": "STRING", "bool": "BOOLEAN", "Optional[int]": "INT",
             "Span": "ARRAY<INT>", "Optional[Span]": "ARRAY<INT>", "list[str]": "ARRAY<STRING>",
             "list[Span]": "ARRAY<ARRAY<INT>>"}
STATEMENT_FIELDS = [f.name for f in fields(Statement)]

ARTICLE_COLUMNS = ("source", "published", "dateline", "title", "url", "outlet", "author", "input_published",
                   "input_outlet", "text", "extraction")
TABLES = {
    "articles": KEY_DDL + ", " + ", ".join(f"`{name}` STRING" for name in ARTICLE_COLUMNS),
    "statements": KEY_DDL + ", `source` STRING, `position` INT, " + ", ".join(
        f"`{f.name}` {SQL_TYPES[f.type]}" for f in fields(Statement)),
    "failures": KEY_DDL + ", `where` STRING, `code` STRING, `reason` STRING",
}
SORT_COLUMNS = {"articles": KEY_COLUMNS, "statements": (*KEY_COLUMNS, "position"), "failures": KEY_COLUMNS}


@dataclass
class Failure:
    """An input or article that failed in the batch, as the failures table keeps it."""

    where: str
    code: str
    reason: str  # "[E005] malformed JSON Lines row: ..."

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


Row = tuple[str, tuple]  # (table, row in that table's column order)


def output_rows(key: Key, article: Article, extraction: Extraction) -> Iterator[Row]:
    """The article's row and one row per statement.  The article's own ``published`` and ``outlet``
    (before the dateline is read) and ``author`` are kept so that ``load`` rebuilds the Article as read
    (the ledger tells a wire's own story from a reprint by the outlet the input declared)."""
    yield "articles", (*key, extraction.source, extraction.published, extraction.dateline, extraction.title,
                       extraction.url, extraction.outlet, article.author, article.published, article.outlet,
                       article.text, extraction.to_json())
    for position, statement in enumerate(extraction.statements):
        yield "statements", (*key, extraction.source, position,
                             *(getattr(statement, name) for name in STATEMENT_FIELDS))


def failure_row(key: Key, error: ClaimledgerError) -> Row:
    return "failures", (*key, error.where, error.code, error.reason)


def article_of(row: dict) -> tuple[Article, Extraction]:
    """An articles row back as the (Article, Extraction) pair ``Ledger.add`` stores."""
    article = Article(text=row["text"], source=row["source"], title=row["title"], url=row["url"],
                      published=row["input_published"], outlet=row["input_outlet"],
                      author=row["author"])
    try:
        return article, Extraction.from_dict(json.loads(row["extraction"]))
    except (ValueError, TypeError, KeyError) as exc:  # not JSON, or not an extraction's JSON
        raise MalformedParquet(row["source"], problem=f"the extraction at key {key_of(row)} cannot be read: "
                                                      f"{type(exc).__name__}: {one_line(exc)}") from None


def key_of(row: dict) -> Key:
    return row["file_index"], row["record_index"]


def sorted_rows(output: Union[str, Path], table: str, columns: tuple[str, ...]) -> Iterator[dict]:
    """A table's rows in sequence order, streamed: its part files ordered by their first key
    (Spark's range partitions do not overlap), each read a batch at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = table_folder(output, table)
    wanted = [*KEY_COLUMNS, *columns]
    try:
        parts = []
        for path in folder.glob("*.parquet"):
            part = pq.ParquetFile(path)
            missing = [name for name in wanted if name not in part.schema_arrow.names]
            if missing:  # pyarrow would leave them out of the rows without a word
                raise MalformedParquet(str(path), problem=f"no column {missing[0]!r} (not written by `batch`?)")
            if part.metadata.num_rows:
                first = next(part.iter_batches(batch_size=1, columns=list(KEY_COLUMNS))).to_pylist()[0]
                parts.append((key_of(first), path, part))
        last = None
        for _first, path, part in sorted(parts, key=lambda item: item[0]):
            for batch in part.iter_batches(batch_size=256, columns=wanted):
                for row in batch.to_pylist():
                    if last is not None and key_of(row) <= last:
                        raise MalformedParquet(str(path), problem=f"rows out of sequence order at key {key_of(row)}")
                    last = key_of(row)
                    yield row
    except (pa.ArrowException, OSError) as exc:
        raise MalformedParquet(str(folder), problem=one_line(exc)) from None


def row_total(output: Union[str, Path], *tables: str) -> int:
    """Rows in the named tables, from the part files' footers (for progress bars)."""
    import pyarrow as pa

    try:
        return sum(row_count(path) for table in tables for path in table_folder(output, table).glob("*.parquet"))
    except (pa.ArrowException, OSError) as exc:
        raise MalformedParquet(str(output), problem=one_line(exc)) from None


def table_folder(output: Union[str, Path], table: str) -> Path:
    folder = Path(output) / table
    if not folder.is_dir():
        raise MalformedParquet(str(folder), problem="no such folder (is this the output of `claimledger batch`?)")
    if not (folder / "_SUCCESS").exists():  # Spark writes it last: without it the table is partial
        raise MalformedParquet(str(folder), problem="incomplete (no _SUCCESS marker: the batch did not finish)")
    return folder

