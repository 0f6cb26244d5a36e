"""RSS/Atom feeds, WARC archives and URLs as inputs, written by the tests."""

import gzip
import http.server
import io
import threading

import pytest

from claimledger.errors import BinaryInput, FetchFailed, MalformedArchive, MalformedFeed, NoArticleText
from claimledger.ingest.readers import read_path, read_paths
from claimledger.schema import Article

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbour Courier</title>
<item><title>Troops seen near border</title><link>https://courier.example/a1</link>
<pubDate>Tue, 22 Oct 2024 08:00:00 GMT</pubDate>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>Officials said the troops had arrived.</p><p>The ministry declined to comment.</p>]]></content:encoded>
</item>
<item><title>Empty one</title><link>https://courier.example/a2</link><description></description></item>
<item><title>Teaser only</title><link>https://courier.example/a3</link>
<description>&lt;b&gt;Police&lt;/b&gt; said the road was closed.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire Desk</title>
<entry><title>Spill</title><link href="https://wire.example/s1"/><updated>2024-03-04T10:00:00Z</updated>
<content type="html">&lt;p&gt;The mayor said the river was safe.&lt;/p&gt;</content></entry>
</feed>"""

PAGE = ("<html><head><title>Flags over a mine</title></head><body><article><h1>Flags over a mine</h1>"
        + "<p>A blogger posted a photo showing two flags over a mine near Pokrovsk, the agency reported "
          "on Monday, and officials said they were checking it.</p>" * 3
        + "</article></body></html>")


def warc_bytes(pages):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for uri, html in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(uri, "response", payload=io.BytesIO(html.encode("utf-8")),
                                           http_headers=headers,
                                           warc_headers_dict={"WARC-Date": "2024-10-23T05:00:00Z"})
        writer.write_record(record)
    return out.getvalue()


def test_rss_entries_become_articles_and_an_empty_entry_an_error(tmp_path):
    path = tmp_path / "courier.rss"
    path.write_text(RSS, encoding="utf-8")
    first, empty, teaser = list(read_path(path))
    assert isinstance(first, Article) and first.outlet == "Harbour Courier"
    assert first.text == "Officials said the troops had arrived.\n\nThe ministry declined to comment."
    assert (first.url, first.published, first.title) == ("https://courier.example/a1", "2024-10-22",
                                                         "Troops seen near border")
    assert isinstance(empty, NoArticleText) and str(empty).startswith(f"{path}#2: [E007]")
    assert teaser.text == "Police said the road was closed."


def test_atom_feed(tmp_path):
    path = tmp_path / "wire.atom"
    path.write_text(ATOM, encoding="utf-8")
    [article] = list(read_path(path))
    assert (article.text, article.published, article.outlet) == ("The mayor said the river was safe.",
                                                                 "2024-03-04", "Wire Desk")


@pytest.mark.parametrize("data", [b"<rss><channel><item><title>x", b"not a feed at all", b""])
def test_malformed_feed_is_one_error_line(tmp_path, data):
    path = tmp_path / "broken.xml"
    path.write_bytes(data)
    [error] = list(read_path(path))
    assert isinstance(error, MalformedFeed) and str(error).startswith(f"{path}: [E012]")


def test_warc_html_responses_become_articles(tmp_path):
    path = tmp_path / "CC-NEWS-1.warc.gz"
    path.write_bytes(warc_bytes([("https://news.example/flags", PAGE), ("https://news.example/flags2", PAGE)]))
    articles = list(read_path(path))
    assert [a.url for a in articles] == ["https://news.example/flags", "https://news.example/flags2"]
    assert articles[0].title == "Flags over a mine" and "two flags over a mine" in articles[0].text
    assert articles[0].published == "2024-10-23"


def test_truncated_warc_keeps_records_before_the_fault(tmp_path):
    whole = warc_bytes([("https://news.example/one", PAGE), ("https://news.example/two", PAGE)])
    first_member = len(warc_bytes([("https://news.example/one", PAGE)]))
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(whole[:first_member + (len(whole) - first_member) // 2])
    results = list(read_path(path))
    assert isinstance(results[0], Article) and results[0].url == "https://news.example/one"
    assert isinstance(results[-1], MalformedArchive) and str(results[-1]).startswith(f"{path}: [E013]")


def test_gzip_that_is_not_a_warc(tmp_path):
    path = tmp_path / "junk.warc.gz"
    path.write_bytes(gzip.compress(b"hello, not an archive\n" * 10))
    [error] = list(read_path(path))
    assert isinstance(error, MalformedArchive)


def test_binary_jsonl_is_one_error(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b"\x00\x01\n" * 100)
    assert [type(e) for e in read_path(path)] == [BinaryInput]


class Pages(http.server.BaseHTTPRequestHandler):
    routes = {"/feed": ("application/rss+xml", RSS), "/page": ("text/html", PAGE)}

    def do_GET(self):  # noqa: N802  (http.server's name)
        if self.path not in self.routes:
            self.send_error(404)
            return
        content_type, body = self.routes[self.path]
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_urls_of_a_feed_and_a_page(server):
    results = list(read_paths([f"{server}/feed", f"{server}/page", f"{server}/missing"]))
    assert [type(r).__name__ for r in results] == ["Article", "NoArticleText", "Article", "Article", "FetchFailed"]
    assert results[3].url == f"{server}/page" or results[3].source == f"{server}/page"
    assert isinstance(results[4], FetchFailed) and "404" in str(results[4])


def test_ingest_reports_broken_inputs_and_a_rerun_picks_up_the_fixed_ones(tmp_path):
    from typer.testing import CliRunner

    from claimledger.interfaces.cli import app

    runner, db = CliRunner(), str(tmp_path / "l.db")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "feed.rss").write_text(RSS[:200], encoding="utf-8")
    whole = warc_bytes([("https://news.example/one", PAGE), ("https://news.example/two", PAGE.replace("two", "three"))])
    (inputs / "crawl.warc.gz").write_bytes(whole[:len(whole) - 200])
    (inputs / "rows.jsonl").write_text('{"title": "no text"}\n{"text": "The mayor said the bridge was safe."}\n',
                                       encoding="utf-8")
    first = runner.invoke(app, ["ingest", "--db", db, str(inputs)])
    assert first.exit_code == 1
    errors = [line for line in first.stderr.splitlines() if line.startswith("error")]
    assert any("feed.rss: [E012]" in e for e in errors) and any("crawl.warc.gz: [E013]" in e for e in errors)
    assert any("rows.jsonl:1: [E005]" in e for e in errors)
    assert "2 added" in first.stderr  # the jsonl row with text and the WARC record before the cut
    (inputs / "feed.rss").write_text(RSS, encoding="utf-8")
    (inputs / "crawl.warc.gz").write_bytes(whole)
    second = runner.invoke(app, ["ingest", "--db", db, str(inputs)])
    # Now the two feed entries with text and the second WARC record come in; the feed's empty entry
    # and the jsonl row without text still fail, and nothing stored before is added twice.
    assert "3 added" in second.stderr and "2 skipped as duplicate, 2 failed" in second.stderr
