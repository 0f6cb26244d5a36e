"""One catalogue of the errors claimledger reports, each with a stable code.

Every failure a user can meet carries a code (``[E003] ...``) so it can be
grepped, documented and tested; interfaces translate them at the edge.
"""

from __future__ import annotations


class ClaimledgerError(Exception):
    """Base class of every error claimledger raises on purpose."""

    code = "E000"
    template = "claimledger error"

    def __init__(self, where: str = "", **details: object) -> None:
        self.where = where
        self.details = details
        message = self.template.format(**details) if details else self.template
        self.reason = f"[{self.code}] {message}"
        super().__init__(f"{where}: {self.reason}" if where else self.reason)

    def __reduce__(self):
        # Errors cross process boundaries (parallel extraction): rebuild them from where and details.
        return rebuild_error, (type(self), self.where, self.details)


def rebuild_error(cls: type, where: str, details: dict) -> "ClaimledgerError":
    return cls(where, **details)


def one_line(exc: BaseException, limit: int = 300) -> str:
    """An exception's message for a one-line report: whitespace runs collapsed, cut at ``limit``."""
    return " ".join(str(exc).split())[:limit] or type(exc).__name__


class EmptyInput(ClaimledgerError):
    """The input holds no text, or only whitespace."""

    code, template = "E001", "empty or whitespace-only input"


class BinaryInput(ClaimledgerError):
    """The input looks like binary data, not text."""

    code, template = "E002", "binary data, not text (UTF-16 needs its byte-order mark)"


class InvalidEncoding(ClaimledgerError):
    """The input is not valid UTF-8."""

    code, template = "E003", "invalid UTF-8 at byte {offset} (re-save the file as UTF-8)"


class UnknownFormat(ClaimledgerError):
    """The file extension names no format claimledger reads."""

    code, template = "E004", ("unknown extension {extension!r} (expected .txt, .html, .htm, .jsonl, "
                              ".xml, .rss, .atom, .warc, .warc.gz or .parquet)")


class MalformedRecord(ClaimledgerError):
    """A JSON Lines row cannot be read as an article."""

    code, template = "E005", "malformed JSON Lines row: {problem}"


class InputTooLarge(ClaimledgerError):
    """The article text is over the configured size limit."""

    code, template = "E006", "article text is {size:,} bytes, over the limit of {limit:,}"


class NoArticleText(ClaimledgerError):
    """An HTML page has no main text that could be extracted."""

    code, template = "E007", "no article text found in the HTML page"


class UnreadableInput(ClaimledgerError):
    """The path does not exist or cannot be read."""

    code, template = "E008", "cannot read: {problem}"


class ModelNotFound(ClaimledgerError):
    """The spaCy pipeline named by --model is not installed."""

    code, template = "E009", "spaCy pipeline {name!r} is not installed (pip install it, or pass a path)"


class LedgerError(ClaimledgerError):
    """The ledger database cannot be opened or written."""

    code, template = "E010", "ledger problem: {problem}"


class ExtractionFailed(ClaimledgerError):
    """A pipeline component failed on this article; the others go on."""

    code, template = "E011", "extraction failed in the pipeline: {problem}"


class MalformedFeed(ClaimledgerError):
    """An RSS or Atom feed cannot be parsed."""

    code, template = "E012", "malformed feed: {problem}"


class MalformedArchive(ClaimledgerError):
    """A WARC file (or its gzip) is truncated or corrupt; records before the fault are kept."""

    code, template = "E013", "malformed WARC archive: {problem}"


class FetchFailed(ClaimledgerError):
    """A URL given as input could not be fetched."""

    code, template = "E014", "cannot fetch: {problem}"


class UsageError(ClaimledgerError):
    """A command-line option or argument names something that does not exist."""

    code, template = "E015", "{problem}"


class ModelUnavailable(ClaimledgerError):
    """A learned model cannot run: torch, transformers or the encoder package is missing.  Each model
    has its own subclass, so the message names the model that could not load."""


class StanceModelUnavailable(ModelUnavailable):
    """The stance model cannot run."""

    code, template = "E016", "stance model unavailable: {problem}"


class EmbedderUnavailable(ModelUnavailable):
    """The sentence embedder (claim re-clustering, headline clustering) cannot run."""

    code, template = "E024", "sentence embedder unavailable: {problem}"


class MalformedDataset(ClaimledgerError):
    """An evaluation file lacks the columns its format requires, or a row cannot be read."""

    code, template = "E017", "malformed evaluation file: {problem}"


class MalformedParquet(ClaimledgerError):
    """A Parquet input shard, or the Parquet output of ``claimledger batch``, cannot be read as expected."""

    code, template = "E018", "malformed Parquet: {problem}"


class SparkUnavailable(ClaimledgerError):
    """PySpark or Java is missing, or the Spark job itself failed."""

    code, template = "E019", "Spark: {problem}"


class TaggerUnavailable(ModelUnavailable):
    """The learned attribution tagger cannot run: torch, transformers or the encoder package is missing."""

    code, template = "E020", "learned attribution tagger unavailable: {problem} (or use --attribution rules)"


class InvalidReview(ClaimledgerError):
    """A verdict or a merge of claims cannot be recorded: an unknown claim or rating, a missing reviewer."""

    code, template = "E021", "cannot record: {problem}"


class InvalidWatch(ClaimledgerError):
    """A watched source or an alert rule cannot be added: a malformed URL, a missing folder, an unknown rule kind."""

    code, template = "E022", "cannot watch: {problem}"


class DeliveryFailed(ClaimledgerError):
    """A webhook did not accept an alert (it is sent again on the next round)."""

    code, template = "E023", "webhook delivery failed: {problem}"
