"""A corpus of hostile and broken inputs, generated into a folder, each with its documented outcome.

``CASES`` maps a case name to (builder, outcome).  The builder writes the input under the given
folder and returns the path to pass to ``claimledger ingest``; the outcome is "processed" or the
code of the one-line error the input must get.  README's "Bad input" table documents the same.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path
from typing import Callable

GOOD = ("date 2024-10-22 SEOUL: South Korea's spy agency said on Tuesday that about 1,500 North Korean soldiers "
        "had arrived in Vladivostok.")
SENTENCE = "The ministry said the convoy had crossed the border. "


def variant(n: int) -> str:
    """A good article of its own (another count of soldiers), so no case is skipped as a duplicate."""
    return GOOD.replace("1,500", f"{2000 + n:,}")


def write(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path
    return build


def rss(body: str, doctype: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>{doctype}<rss version="2.0"><channel><title>Feed</title>'
            f"<item><title>Item</title><description>{body}</description></item></channel></rss>")


def laughs() -> str:
    entities = ['<!ENTITY a0 "ha">'] + [f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    return rss(f"&a9; {variant(1)}", f"<!DOCTYPE rss [{''.join(entities)}]>")


def warc(truncate: bool = False, compressed: bool = True) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compressed)
    for n in range(3):
        html = f"<html><body><article><p>{variant(10 + n)} {SENTENCE * 3}</p></article></body></html>"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://example.org/{n}", "response",
                                                      payload=io.BytesIO(html.encode()), http_headers=headers))
    data = out.getvalue()
    return data[:-100] if truncate else data  # cut inside the last record


def symlink_loop(folder: Path) -> Path:
    loop = folder / "loop"
    loop.mkdir()
    (loop / "a.txt").symlink_to(loop / "b.txt")
    (loop / "b.txt").symlink_to(loop / "a.txt")
    return loop


def broken_symlink(folder: Path) -> Path:
    (folder / "gone.txt").symlink_to(folder / "never-there.txt")
    return folder / "gone.txt"


def fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.txt")
    return folder / "pipe.txt"


def directory_named_like_a_file(folder: Path) -> Path:
    inner = folder / "story.txt"
    inner.mkdir()
    (inner / "inside.txt").write_text(GOOD.replace("1,500", "2,000"), encoding="utf-8")
    return inner


def unreadable(folder: Path) -> Path:
    path = folder / "locked.txt"
    path.write_text(GOOD.replace("1,500", "1,700"), encoding="utf-8")
    path.chmod(0)
    return path


def nested_html(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + f"<p>{GOOD}</p>" + "</div>" * depth + "</body></html>"


ROOT_READS_ANYWAY = os.geteuid() == 0 if hasattr(os, "geteuid") else False

CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty file": (write("empty.txt", b""), "E001"),
    "whitespace only": (write("blank.txt", " \n\t\r\n  "), "E001"),
    "binary file": (write("image.txt", bytes(range(256)) * 40), "E002"),
    "png named .html": (write("photo.html", b"\x89PNG\r\n\x1a\n" + bytes(2000)), "E002"),
    "invalid UTF-8": (write("bad.txt", GOOD.encode() + b"\xff\xfe\xfa broken"), "E003"),
    "Latin-1 text": (write("latin1.txt", ("Le ministère a déclaré lundi. " + GOOD).encode("latin-1")), "E003"),
    "UTF-16 with BOM": (write("utf16bom.txt", "\ufeff".encode("utf-16-le") + variant(3).encode("utf-16-le")),
                        "processed"),
    "UTF-16 without BOM": (write("utf16.txt", GOOD.encode("utf-16-le")), "E002"),
    "UTF-8 with BOM": (write("bom.txt", b"\xef\xbb\xbf" + variant(4).encode()), "processed"),
    "unknown extension": (write("story.docx", GOOD), "E004"),
    "50 MB text file": (write("huge.txt", (SENTENCE * 1_000_000)[:50_000_000]), "E006"),
    "a single 5 MB line": (write("line.txt", "x" * 5_000_000), "E006"),
    "deeply nested HTML": (write("nested.html", nested_html(5000)), "E007"),  # past lxml's depth limit
    "nested HTML within limits": (write("nested200.html", nested_html(200).replace("1,500", "1,900")), "processed"),
    "unclosed HTML": (write("unclosed.html", f"<html><body><article><p>{GOOD}<p>{SENTENCE * 4}<div><span>"),
                      "processed"),
    "HTML that is all script": (write("script.html", "<html><head><script>" + "var x = 1;" * 500
                                      + "</script></head><body><script>alert(1)</script></body></html>"), "E007"),
    "HTML with no text at all": (write("bare.html", "<html><head></head><body></body></html>"), "E007"),
    "empty HTML file": (write("empty.html", b""), "E001"),
    "malformed RSS": (write("broken.rss", "<rss><channel><item><title>x</ti"), "E012"),
    "RSS with entity expansion": (write("laughs.rss", laughs()), "processed"),
    "RSS with an external entity": (write("xxe.rss", rss(f"&x; {variant(2)}", '<!DOCTYPE rss [<!ENTITY x SYSTEM '
                                                                          '"file:///etc/passwd">]>')), "processed"),
    "feed of garbage bytes": (write("garbage.xml", bytes(range(1, 256)) * 10), "E012"),
    "feed with no items": (write("noitems.atom", '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
                                                  "<title>Empty</title></feed>"), "E012"),
    "truncated gzip WARC": (write("cut.warc.gz", warc(truncate=True)), "E013"),
    "truncated plain WARC": (write("cut.warc", warc(truncate=True, compressed=False)), "E013"),
    "WARC that is plain text": (write("fake.warc", GOOD), "E013"),
    "gzip of garbage as WARC": (write("junk.warc.gz", gzip.compress(bytes(range(256)) * 20)), "E013"),
    "JSON Lines with broken rows": (write("rows.jsonl", json.dumps({"text": GOOD}) + "\n{not json\n"
                                          + json.dumps({"title": "no text"}) + "\n"), "E005"),
    "JSON Lines rows that are not objects": (write("arrays.jsonl", "[1, 2]\n\"text\"\n42\nnull\n"), "E005"),
    "JSON Lines with a NUL byte": (write("nul.jsonl", b'{"text": "a\x00b"}\n'), "E002"),
    "empty JSON Lines": (write("empty.jsonl", b"\n\n"), "E001"),
    "JSON Lines with a non-string field": (write("typed.jsonl", json.dumps({"text": GOOD, "title": 5}) + "\n"),
                                           "E005"),
    "unreadable file": (unreadable, "processed" if ROOT_READS_ANYWAY else "E008"),
    "broken symlink": (broken_symlink, "E008"),
    "named pipe": (fifo, "E008"),
    "symlink loop": (symlink_loop, "E008"),
    "directory named like a file": (directory_named_like_a_file, "processed"),
    "Korean article": (write("korean.txt", "국가정보원은 월요일 북한군 1,500명이 러시아에 도착했다고 밝혔다."), "processed"),
    "Russian article": (write("russian.txt", "Министерство заявило в понедельник, что войска прибыли."), "processed"),
    "unbalanced quotation marks": (write("quotes.txt", 'The envoy said "the reports are false. He left. "And then'),
                                   "processed"),
    "curly quotation marks": (write("curly.txt", "“The troops have arrived,” the ministry said on Monday. "
                                                 "‘We deny it,’ the envoy said."), "processed"),
    "a 10,000-sentence quote": (write("longquote.txt", 'The official said: "' + SENTENCE * 10_000 + '"'),
                                "processed"),
    "control characters": (write("control.txt", GOOD.replace(" ", "\x0b", 3) + "\x1b[31m red \x07"), "processed"),
    "right-to-left and zero-width marks": (write("bidi.txt", "\u202e" + GOOD + "\u200b\u200f"), "processed"),
    "a 1 MB word": (write("word.txt", "a" * 1_000_000), "processed"),
    "CRLF line endings": (write("crlf.txt", f"Headline here\r\n\r\n{GOOD}\r\n"), "processed"),
    "file name with spaces and accents": (write("rapport spécial №1.txt", GOOD.replace("1,500", "1,600")),
                                          "processed"),
}
