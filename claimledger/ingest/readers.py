"""Read articles from .txt, .html/.htm, .jsonl, RSS/Atom (.xml/.rss/.atom), WARC and Parquet inputs, and URLs.

Readers yield :class:`Article` records or, for an input that cannot be read,
the :class:`ClaimledgerError` describing why, so a batch can report it in one
line and go on with the rest.
"""

from __future__ import annotations

import codecs
import http.client
import json
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Union

from ..errors import (BinaryInput, ClaimledgerError, EmptyInput, FetchFailed, InputTooLarge, InvalidEncoding,
                      MalformedRecord, NoArticleText, UnknownFormat, UnreadableInput)
from ..schema import Article

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
WARC_SUFFIXES = {".warc", ".warc.gz"}
PARQUET_SUFFIXES = {".parquet"}
READABLE_SUFFIXES = (TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES | WARC_SUFFIXES
                     | PARQUET_SUFFIXES)
FETCH_TIMEOUT_S = 30

ReadResult = Union[Article, ClaimledgerError]


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(data: bytes, where: str) -> str:
    """Decode UTF-8 text (or UTF-16 that starts with its byte-order mark), or raise the error that says why not."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16").lstrip("\ufeff")
        except UnicodeDecodeError as exc:
            raise InvalidEncoding(where, offset=exc.start) from None
    if b"\x00" in data[:8192]:
        raise BinaryInput(where)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidEncoding(where, offset=exc.start) from None
    if text.startswith("\ufeff"):
        # A BOM is not article text; dropping it keeps offsets meaningful to readers.
        text = text[1:]
    return text


def check_article_text(text: str, where: str, max_bytes: int) -> None:
    if not text.strip():
        raise EmptyInput(where)
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise InputTooLarge(where, size=size, limit=max_bytes)


HEADLINE_MAX_CHARS = 200


def headline_of(text: str) -> Optional[str]:
    """A plain-text article's first line when it stands alone above a blank line, as headlines do."""
    first, _, rest = text.lstrip().partition("\n")
    first = first.strip()
    if first and len(first) <= HEADLINE_MAX_CHARS and rest.startswith(("\n", "\r\n")):
        return first
    return None


def read_text_file(path: Path, data: bytes, max_bytes: int) -> Article:
    text = decode_text(data, str(path))
    check_article_text(text, str(path), max_bytes)
    return Article(text=text, source=str(path), title=headline_of(text))


def read_html(data: bytes, where: str, max_bytes: int) -> Article:
    """Main text and metadata of an HTML page, through trafilatura."""
    import trafilatura

    html = decode_text(data, where)
    if not html.strip():
        raise EmptyInput(where)
    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                           favor_precision=True)
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        raise NoArticleText(where)
    check_article_text(text, where, max_bytes)
    return Article(text=text, source=where, title=document.title, url=document.url,
                   published=document.date, outlet=document.sitename, author=document.author)


def article_from_record(record: object, where: str, max_bytes: int) -> Article:
    if not isinstance(record, dict):
        raise MalformedRecord(where, problem=f"expected an object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise MalformedRecord(where, problem="no string field 'text'")
    check_article_text(text, where, max_bytes)
    fields = {}
    for key in ("title", "url", "published", "source"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise MalformedRecord(where, problem=f"field {key!r} must be a string")
        fields[key] = value
    return Article(text=text, source=fields["url"] or where, title=fields["title"], url=fields["url"],
                   published=fields["published"], outlet=fields["source"])


def read_jsonl(path: Path, max_bytes: int) -> Iterator[ReadResult]:
    """One article per line, streamed: a file of any size is read a line at a time."""
    seen_text = False
    with path.open("rb") as lines:
        if b"\x00" in lines.peek(8192)[:8192]:
            yield BinaryInput(str(path))
            return
        for number, raw in enumerate(lines, start=1):
            where = f"{path}:{number}"
            try:
                line = decode_text(raw, where)
            except ClaimledgerError as error:
                yield error
                continue
            if not line.strip():
                continue
            seen_text = True
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield MalformedRecord(where, problem=f"invalid JSON ({exc.msg})")
                continue
            try:
                yield article_from_record(record, where, max_bytes)
            except ClaimledgerError as error:
                yield error
    if not seen_text:
        yield EmptyInput(str(path))


def input_format(path: Path) -> str:
    """The reader for a file, by its extension ("x.warc.gz" counts as .warc.gz)."""
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix.lower() == ".gz" else path.suffix.lower()
    return suffix


USER_AGENT = "claimledger/0.1.0 (claim ledger of news reports)"  # names us to the sites we poll


def fetch(url: str, max_bytes: int) -> tuple[bytes, str]:
    """The body and content type at a URL, cut off past the size limit (x10 for markup)."""
    _status, body, headers = fetch_response(url, max_bytes)
    return body, headers.get("Content-Type", "").lower()


def fetch_response(url: str, max_bytes: int, headers: Optional[dict] = None, timeout: float = FETCH_TIMEOUT_S
                   ) -> tuple[int, bytes, Any]:
    """(status, body, response headers) at a URL, redirects followed; 304 Not Modified comes back
    with an empty body, any other HTTP error raises."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(max_bytes * 10 + 1)
            status, response_headers = response.status, response.headers
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return 304, b"", exc.headers
        raise FetchFailed(url, problem=f"HTTP {exc.code} {exc.reason}") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        problem = str(getattr(exc, "reason", exc)) or type(exc).__name__
        raise FetchFailed(url, problem=problem[:200]) from None
    if len(body) > max_bytes * 10:
        raise InputTooLarge(url, size=len(body), limit=max_bytes * 10)
    return status, body, response_headers


def read_url(url: str, max_bytes: int) -> Iterator[ReadResult]:
    """A feed or an HTML page at a URL, told apart by content type or by its first bytes."""
    body, content_type = fetch(url, max_bytes)
    yield from read_response(body, content_type, url, max_bytes)


def read_response(body: bytes, content_type: str, url: str, max_bytes: int) -> Iterator[ReadResult]:
    """The articles of a fetched feed or page."""
    from .feeds import read_feed

    start = body[:512].lstrip().lower()
    if "xml" in content_type or "rss" in content_type or start.startswith((b"<?xml", b"<rss", b"<feed")):
        yield from read_feed(body, url, max_bytes)
    else:
        yield read_html(body, url, max_bytes)


def read_path(path: Union[str, Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ReadResult]:
    """Yield the articles in one file or URL, or the errors that stopped them."""
    if isinstance(path, str) and path.startswith(("http://", "https://")):
        try:
            yield from read_url(path, max_bytes)
        except ClaimledgerError as error:
            yield error
        return
    path = Path(path)
    suffix = input_format(path)
    if suffix not in READABLE_SUFFIXES:
        yield UnknownFormat(str(path), extension=suffix or "(none)")
        return
    if not path.is_file():
        problem = ("is a directory" if path.is_dir() else "broken or looping symbolic link" if path.is_symlink()
                   and not path.exists() else "no such file" if not path.exists() else "not a regular file")
        yield UnreadableInput(str(path), problem=problem)
        return
    try:
        if suffix in JSONL_SUFFIXES:
            yield from read_jsonl(path, max_bytes)
        elif suffix in WARC_SUFFIXES:
            from .warc import read_warc

            yield from read_warc(path, max_bytes)
        elif suffix in PARQUET_SUFFIXES:
            from .parquet import read_parquet

            yield from read_parquet(path, max_bytes)
        else:
            data = path.read_bytes()
            if suffix in FEED_SUFFIXES:
                from .feeds import read_feed

                yield from read_feed(data, str(path), max_bytes)
            elif suffix in HTML_SUFFIXES:
                yield read_html(data, str(path), max_bytes)
            else:
                yield read_text_file(path, data, max_bytes)
    except OSError as exc:
        yield UnreadableInput(str(path), problem=exc.strerror or type(exc).__name__)
    except ClaimledgerError as error:
        yield error


def expand_paths(paths: Iterable[Union[str, Path]]) -> Iterator[Union[str, Path]]:
    """URLs and files named directly, and the readable files inside named folders (recursively)."""
    for name in paths:
        if isinstance(name, str) and name.startswith(("http://", "https://")):
            yield name
            continue
        path = Path(name)
        if path.is_dir():
            # Broken and looping symbolic links are kept, so that each gets its one-line error.
            yield from sorted(p for p in path.rglob("*") if (p.is_file() or (p.is_symlink() and not p.exists()))
                              and input_format(p) in READABLE_SUFFIXES)
        else:
            yield path


def read_paths(paths: Iterable[Union[str, Path]], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ReadResult]:
    for path in expand_paths(paths):
        yield from read_path(path, max_bytes)


def estimated_count(path: Union[str, Path]) -> int:
    """About how many articles an input holds, cheaply, for progress bars: one per file,
    per non-blank JSON Lines row, per feed item or entry, per WARC response record, per Parquet row."""
    if isinstance(path, str) and path.startswith(("http://", "https://")):
        return 1
    path = Path(path)
    suffix = input_format(path)
    try:
        if suffix in JSONL_SUFFIXES:
            with path.open("rb") as lines:
                return sum(1 for line in lines if line.strip())
        if suffix in FEED_SUFFIXES:
            data = path.read_bytes()
            return max(1, data.count(b"<item") + data.count(b"<entry"))
        if suffix in WARC_SUFFIXES:
            import gzip

            opener = gzip.open if suffix.endswith(".gz") else open
            count = 0
            with opener(path, "rb") as stream:
                for line in stream:
                    count += line.startswith(b"WARC-Type: response")
            return max(1, count)
        if suffix in PARQUET_SUFFIXES:
            from .parquet import row_count

            return max(1, row_count(path))
    except (OSError, EOFError, ValueError):
        return 1  # the reader reports the problem; the estimate only feeds a progress bar
    return 1
