"""Read articles from .txt, .html/.htm and .jsonl inputs.

Readers yield :class:`Article` records or, for an input that cannot be read,
the :class:`ClaimledgerError` describing why, so a batch can report it in one
line and go on with the rest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator, Union

from ..errors import (BinaryInput, ClaimledgerError, EmptyInput, InputTooLarge, InvalidEncoding,
                      MalformedRecord, NoArticleText, UnknownFormat, UnreadableInput)
from ..schema import Article

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
READABLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

ReadResult = Union[Article, ClaimledgerError]


def decode_text(data: bytes, where: str) -> str:
    """Decode bytes as UTF-8 text or raise the error that says why not."""
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


def read_text_file(path: Path, data: bytes, max_bytes: int) -> Article:
    text = decode_text(data, str(path))
    check_article_text(text, str(path), max_bytes)
    return Article(text=text, source=str(path))


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


def read_jsonl(path: Path, data: bytes, max_bytes: int) -> Iterator[ReadResult]:
    text = decode_text(data, str(path))
    if not text.strip():
        yield EmptyInput(str(path))
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield MalformedRecord(where, problem=f"invalid JSON ({exc.msg})")
            continue
        try:
            yield article_from_record(record, where, max_bytes)
        except ClaimledgerError as error:
            yield error


def read_path(path: Union[str, Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ReadResult]:
    """Yield the articles in one file, or the errors that stopped them."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        yield UnknownFormat(str(path), extension=suffix or "(none)")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield UnreadableInput(str(path), problem=exc.strerror or type(exc).__name__)
        return
    try:
        if suffix in JSONL_SUFFIXES:
            yield from read_jsonl(path, data, max_bytes)
        elif suffix in HTML_SUFFIXES:
            yield read_html(data, str(path), max_bytes)
        else:
            yield read_text_file(path, data, max_bytes)
    except ClaimledgerError as error:
        yield error


def expand_paths(paths: Iterable[Union[str, Path]]) -> Iterator[Path]:
    """Files named directly, and the readable files inside named folders."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*")
                              if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES)
        else:
            yield path


def read_paths(paths: Iterable[Union[str, Path]], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ReadResult]:
    for path in expand_paths(paths):
        yield from read_path(path, max_bytes)
