"""Articles from WARC files as Common Crawl's CC-NEWS publishes them, through warcio.

Every HTTP response record with an HTML payload is read like an .html page;
its source is the record's target URI and the crawl date stands in when the
page gives no date.  A truncated or corrupt archive (or gzip member) ends
that file with one error line; the records read before the fault are kept.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Iterator

from ..errors import ClaimledgerError, MalformedArchive, UnreadableInput, one_line
from .readers import read_html

MAX_PAYLOAD_BYTES = 20 * 1024 * 1024  # HTML is cut here: a page is never this big, a hostile record can be


def is_html_response(record) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    content_type = record.http_headers.get_header("Content-Type") or ""
    return "html" in content_type.lower()


def record_is_cut(record) -> bool:
    """Whether the file ended inside this record: warcio hands back what there was without a word."""
    while record.raw_stream.read(65536):
        pass
    return getattr(record.raw_stream, "limit", 0) > 0


def read_warc(path: Path, max_bytes: int) -> Iterator[object]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        stream = path.open("rb")
    except OSError as exc:
        yield UnreadableInput(str(path), problem=exc.strerror or type(exc).__name__)
        return
    with stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                if record.format != "warc":  # warcio reads anything as a legacy ARC record, even plain text
                    yield MalformedArchive(str(path), problem=f"no WARC record at offset "
                                                              f"{records.get_record_offset():,} (not a WARC file?)")
                    return
                if not is_html_response(record):
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or f"{path}@{records.get_record_offset()}"
                payload = record.content_stream().read(MAX_PAYLOAD_BYTES)
                if record_is_cut(record):
                    yield MalformedArchive(str(path), problem=f"truncated: the record at offset "
                                                              f"{records.get_record_offset():,} ends early")
                    return
                try:
                    article = read_html(payload, uri, max_bytes)
                except ClaimledgerError as error:
                    yield error
                    continue
                article.url = article.url or uri
                if not article.published:
                    article.published = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
                yield article
            # warcio stops quietly at a cut gzip member: bytes left after the last whole record mean one.
            end = records.get_record_offset() + (records.get_record_length() or 0)
            size = path.stat().st_size
            if end < size:
                yield MalformedArchive(str(path), problem=f"truncated: {size - end:,} bytes after the last whole "
                                                          f"record at offset {end:,} cannot be read")
        except (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError) as exc:
            problem = one_line(exc, limit=200)
            yield MalformedArchive(str(path), problem=problem)
