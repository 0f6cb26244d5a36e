"""Articles from Parquet shards: one row per article, with the JSON Lines fields as string columns.

``text`` is required; ``title``, ``url``, ``published`` and ``source`` are read when present and
other columns are ignored, so a shard exported from a data lake is read as it is.  Rows are
streamed a batch at a time and numbered from 1 like JSON Lines lines (``shard.parquet:3``).
A file that is not Parquet, or that breaks part-way, ends with one error; rows before are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..errors import ClaimledgerError, EmptyInput, MalformedParquet, one_line
from .readers import article_from_record

FIELDS = ("text", "title", "url", "published", "source")
ROWS_PER_BATCH = 256


def shard_columns(schema, path: Path) -> list[str]:
    """The article fields the shard holds, checked to be strings (``text`` must be one of them)."""
    import pyarrow as pa

    present = [name for name in FIELDS if name in schema.names]
    if "text" not in present:
        raise MalformedParquet(str(path), problem=f"no column 'text' (columns: {', '.join(schema.names) or 'none'})")
    for name in present:
        kind = schema.field(name).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            raise MalformedParquet(str(path), problem=f"column {name!r} is {kind}, expected string")
    return present


def read_parquet(path: Path, max_bytes: int) -> Iterator[object]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    number = 0
    try:
        shard = pq.ParquetFile(path)
        columns = shard_columns(shard.schema_arrow, path)
        for batch in shard.iter_batches(batch_size=ROWS_PER_BATCH, columns=columns):
            for record in batch.to_pylist():
                number += 1
                where = f"{path}:{number}"
                if record["text"] is None:
                    yield MalformedParquet(where, problem="the row's text is null")
                    continue
                try:
                    yield article_from_record(record, where, max_bytes)
                except ClaimledgerError as error:
                    yield error
    except (pa.ArrowException, OSError) as exc:
        problem = one_line(exc, limit=200)
        yield MalformedParquet(str(path), problem=problem)
        return
    if not number:
        yield EmptyInput(str(path))


def row_count(path: Path) -> int:
    """Rows in a shard, from its footer (for progress bars)."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows
