"""Wire copies, syndicated reprints and light rewrites, found with MinHash LSH (datasketch).

Articles are compared on their sets of five-word shingles.  On the example
corpus, reprints of one wire story share 0.72-0.87 of their shingles and
different articles on the same story at most 0.07, so a copy is an article
whose estimated Jaccard similarity to a stored one reaches 0.5.  Signatures are
stored with the articles, so the index is rebuilt when a ledger is reopened
and an incremental ingest still finds copies of what earlier runs stored.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Optional

import numpy

if TYPE_CHECKING:  # datasketch (it imports scipy) loads on first use: reading a ledger needs no signatures
    from datasketch import MinHash

NUM_PERM = 128
SCHEME = "affine32"  # datasketch 2's 32-bit scheme: stored signatures must be read back with the same one
# Shingles are hashed with CRC-32 (stable across processes, twice as fast here as datasketch's SHA-1);
# changing it invalidates stored signatures, which a migration then clears for recomputation.
SHINGLE_HASH = zlib.crc32
SHINGLE_WORDS = 5
COPY_THRESHOLD = 0.5
WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def empty_signature() -> MinHash:
    """Copied for each article: building a MinHash draws its permutations, the costly part."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashfunc=SHINGLE_HASH)


def signature(text: str) -> MinHash:
    words = WORD.findall(text.lower())
    shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    minhash = empty_signature().copy()
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return minhash


def to_blob(minhash: MinHash) -> bytes:
    """The signature in 512 bytes (32-bit hash values)."""
    return minhash.hashvalues.astype("<u4").tobytes()


def from_blob(blob: bytes) -> MinHash:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, hashvalues=numpy.frombuffer(blob, dtype="<u4").astype(numpy.uint32),
                   scheme=SCHEME)


class CopyIndex:
    """The stored articles' signatures, queried for the article a new one copies."""

    def __init__(self, stored: Iterable[tuple[int, bytes, Optional[int]]] = ()) -> None:
        from datasketch import MinHashLSH

        self.lsh = MinHashLSH(threshold=COPY_THRESHOLD, num_perm=NUM_PERM)
        self.signatures: dict[int, MinHash] = {}
        self.originals: dict[int, int] = {}
        for article_id, blob, copy_of in stored:
            self.add(article_id, from_blob(blob), copy_of)

    def add(self, article_id: int, minhash: MinHash, copy_of: Optional[int] = None) -> None:
        self.lsh.insert(article_id, minhash, check_duplication=False)
        self.signatures[article_id] = minhash
        if copy_of is not None:
            self.originals[article_id] = copy_of

    def reroot(self, old_root: int, new_root: int) -> None:
        """A copy group's original arrived after its reprints (``reprinted_from``): they copy it now."""
        for article_id, original in list(self.originals.items()):
            if original == old_root:
                self.originals[article_id] = new_root
        self.originals[old_root] = new_root

    def original_of(self, minhash: MinHash) -> Optional[tuple[int, float]]:
        """The stored article this one copies (the first of a chain of copies) and their similarity."""
        scored = [(minhash.jaccard(self.signatures[i]), i) for i in self.lsh.query(minhash)]
        scored = [(similarity, i) for similarity, i in scored if similarity >= COPY_THRESHOLD]
        if not scored:
            return None
        similarity, closest = max(scored, key=lambda pair: (pair[0], -pair[1]))
        return self.originals.get(closest, closest), round(similarity, 3)


def reprinted_from(outlet_key: str, copy_outlet_key: str, copy_credit_key: str) -> bool:
    """Whether a new article is the wire original of the stored copy it matched, though it came later:
    the copy's dateline credits the new article's outlet ("SEOUL, Oct 23 (BWS) -" in a newspaper's
    reprint) and the copy was published by another outlet.  (Outlets compared by their keys.)"""
    return bool(outlet_key) and outlet_key == copy_credit_key != copy_outlet_key
