"""Watched sources and one poll of each: a feed or page URL (conditional GET), a folder or a file
(new or changed files, by modification time and size).

A poll returns what is new and the validators or file states to remember; the watcher stores
them only after the new articles, so a poll cut short is made again in full, and the ledger's
content hash keeps what was already stored from being stored twice."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union
from urllib.parse import urlsplit

from ..errors import ClaimledgerError, FetchFailed, InvalidWatch, MalformedFeed, UnreadableInput
from ..ingest.readers import expand_paths, fetch_response, read_path, read_response
from ..schema import Article

DEFAULT_INTERVAL_S = 15 * 60
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_INTERVAL_S = 7 * 86400
Outcome = Union[Article, ClaimledgerError]


def parse_interval(text: Union[str, int]) -> int:
    """Seconds in "90", "90s", "15m", "1h" or "1d" (1 second to 7 days)."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", str(text).lower())
    seconds = int(match.group(1)) * UNITS[match.group(2) or "s"] if match else 0
    if not 1 <= seconds <= MAX_INTERVAL_S:
        raise InvalidWatch(str(text), problem="the interval must be 1s to 7d, written like 90s, 15m, 1h or 1d")
    return seconds


def interval_text(seconds: int) -> str:
    """An interval as ``parse_interval`` reads it: 900 -> "15m"."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def checked_target(target: str) -> str:
    """A URL to poll, or an existing folder or file as an absolute path; else the error saying why not."""
    target = target.strip()
    if is_url(target):
        if not urlsplit(target).hostname or any(ch.isspace() for ch in target):
            raise InvalidWatch(target, problem="not a valid http(s) URL")
        return target
    if "://" in target:
        raise InvalidWatch(target, problem="only http:// and https:// URLs, folders and files can be watched")
    if not Path(target).expanduser().exists():
        raise InvalidWatch(target, problem="no such folder or file")
    return target_key(target)


def target_key(target: str) -> str:
    """How the watchlist names a target: the URL as given, a path made absolute (it may be gone)."""
    target = target.strip()
    return target if is_url(target) else str(Path(target).expanduser().resolve())


@dataclass
class WatchSource:
    id: int
    target: str
    interval_s: int
    added_at: str
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    files: dict = field(default_factory=dict)  # path -> [modification time ns, size] at the last success
    last_polled_at: Optional[str] = None
    last_success_at: Optional[str] = None
    last_error: Optional[str] = None
    last_error_at: Optional[str] = None
    failures: int = 0  # failed polls in a row
    next_poll_at: Optional[str] = None
    articles_added: int = 0

    @property
    def kind(self) -> str:
        return "url" if is_url(self.target) else "folder" if Path(self.target).is_dir() else "file"


@dataclass
class Poll:
    items: list  # new articles, and errors of single items (a feed entry, a file)
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    files: dict = field(default_factory=dict)
    not_modified: bool = False


def poll(source: WatchSource, timeout: float, max_bytes: int) -> Poll:
    """What is new at a source since its last successful poll; raises the error of a failed poll."""
    return poll_url(source, timeout, max_bytes) if is_url(source.target) else poll_files(source, max_bytes)


def poll_url(source: WatchSource, timeout: float, max_bytes: int) -> Poll:
    validators = {"If-None-Match": source.etag, "If-Modified-Since": source.last_modified}
    status, body, headers = fetch_response(source.target, max_bytes, {k: v for k, v in validators.items() if v},
                                           timeout)
    if status == 304:
        return Poll([], source.etag, source.last_modified, not_modified=True)
    try:
        items = list(read_response(body, headers.get("Content-Type", "").lower(), source.target, max_bytes))
    except ClaimledgerError as error:  # a page with no article text
        raise FetchFailed(source.target, problem=error.reason) from None
    if items and not any(isinstance(item, Article) for item in items):
        first = items[0]  # a malformed feed, or one whose every entry failed: the source failed
        raise first if isinstance(first, MalformedFeed) else FetchFailed(source.target, problem=first.reason)
    return Poll(items, headers.get("ETag"), headers.get("Last-Modified"))


def poll_files(source: WatchSource, max_bytes: int) -> Poll:
    path = Path(source.target)
    if not path.exists():
        raise UnreadableInput(source.target, problem="no such folder or file (any more)")
    files, items = {}, []
    for found in expand_paths([path]):
        try:
            stat = Path(found).stat()
        except OSError:
            items += list(read_path(found, max_bytes))  # a broken link: its read says why
            continue
        seen = [stat.st_mtime_ns, stat.st_size]
        files[str(found)] = seen
        if source.files.get(str(found)) != seen:
            items += list(read_path(found, max_bytes))
    return Poll(items, files=files)
