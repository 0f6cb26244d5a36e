import json

import pytest

from claimledger.errors import (BinaryInput, EmptyInput, InputTooLarge, InvalidEncoding, MalformedRecord,
                                NoArticleText, UnknownFormat, UnreadableInput)
from claimledger.ingest.dateline import dateline_outlet, read_dateline
from claimledger.ingest.readers import read_path, read_paths
from claimledger.schema import Article


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


@pytest.mark.parametrize("name,data,error", [
    ("empty.txt", b"", EmptyInput),
    ("blank.txt", b"  \n\t\n", EmptyInput),
    ("binary.txt", b"\x00\x01\x02PNG\x00" * 50, BinaryInput),
    ("latin1.txt", "caf\xe9 said".encode("latin-1"), InvalidEncoding),
    ("notes.docx", b"some text", UnknownFormat),
    ("page.html", b"<html><body><script>var a = 1;</script></body></html>", NoArticleText),
])
def test_readers_bad_input_gives_coded_error(tmp_path, name, data, error):
    [result] = list(read_path(write(tmp_path, name, data)))
    assert isinstance(result, error)
    assert str(tmp_path / name) in str(result) and result.code in str(result)


def test_readers_size_limit(tmp_path):
    [result] = list(read_path(write(tmp_path, "big.txt", "word " * 1000), max_bytes=100))
    assert isinstance(result, InputTooLarge) and "5,000 bytes" in str(result)


def test_readers_missing_file(tmp_path):
    [result] = list(read_path(tmp_path / "absent.txt"))
    assert isinstance(result, UnreadableInput)


def test_readers_jsonl_reports_bad_rows_by_line_and_keeps_good_ones(tmp_path):
    rows = [json.dumps({"text": "Kim said no.", "title": "T", "published": "2024-10-22", "source": "Wire"}),
            "{not json", json.dumps(["a list"]), json.dumps({"title": "no text"}), "",
            json.dumps({"text": "Second article.", "url": "https://wire.example/2"})]
    results = list(read_path(write(tmp_path, "feed.jsonl", "\n".join(rows))))
    articles = [r for r in results if isinstance(r, Article)]
    errors = [r for r in results if not isinstance(r, Article)]
    assert [a.text for a in articles] == ["Kim said no.", "Second article."]
    assert articles[0].published == "2024-10-22" and articles[0].outlet == "Wire"
    assert articles[1].source == "https://wire.example/2"
    assert [type(e) for e in errors] == [MalformedRecord] * 3
    assert [e.where.rsplit(":", 1)[1] for e in errors] == ["2", "3", "4"]


def test_readers_html_main_text_and_metadata(tmp_path):
    html = """<html><head><title>Envoy denies report</title><meta name="author" content="Jane Roe">
    <meta name="date" content="2024-10-25"></head><body><nav>Home | World | Sport</nav>
    <article><p>North Korea's envoy dismissed the accusations as groundless rumours on Friday,
    saying the reports were fabricated by hostile forces seeking to isolate the country.</p>
    <p>The envoy spoke at the United Nations in New York after a closed meeting of the council.</p></article>
    <footer>Copyright Example News</footer></body></html>"""
    [article] = list(read_path(write(tmp_path, "page.html", html)))
    assert "groundless rumours" in article.text and "Copyright" not in article.text
    assert article.published == "2024-10-25" and article.title == "Envoy denies report"


def test_readers_folder_is_read_recursively_and_batch_goes_on(tmp_path):
    write(tmp_path, "a.txt", "One said so.")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "b.txt", b"")
    write(tmp_path / "sub", "c.txt", "Two said so.")
    write(tmp_path, "ignored.png", b"\x89PNG")
    results = list(read_paths([tmp_path]))
    assert [type(r).__name__ for r in results] == ["Article", "EmptyInput", "Article"]


@pytest.mark.parametrize("text,meta,expected", [
    ("date 2024-10-22 SEOUL: North Korea has sent troops.", None, ("2024-10-22", "Seoul")),
    ("Envoy summoned\n\nKYIV, Oct 23, 2024 (Wire) - Ukraine said.", None, ("2024-10-23", "Kyiv")),
    ("SEOUL, Oct. 22 (Yonhap) -- The spy agency said.", "2024-10-22T09:00:00", ("2024-10-22", "Seoul")),
    ("No dateline in this text at all.", None, (None, None)),
])
def test_dateline(text, meta, expected):
    assert read_dateline(text, meta) == expected


def test_a_dateline_without_a_year_takes_it_from_the_source_name_and_names_its_outlet():
    text = "Envoy dismisses claims\n\nUNITED NATIONS, Oct 22 (Continental Post) - North Korea's envoy said."
    assert read_dateline(text, None, "corpus/2024-10-22-continental-post.txt") == ("2024-10-22", "United Nations")
    assert read_dateline(text, None, "https://wire.example/2023/10/21/envoy") == ("2023-10-22", "United Nations")
    assert read_dateline(text, None, "notes.txt") == (None, "United Nations")  # no year anywhere: no guess
    assert dateline_outlet(text) == "Continental Post"
    label = "STATEMENT: Danstar rejects claims\n\nBRATOVA, Nov 6 (Danstar) - Danstar today rejects claims."
    assert read_dateline(label, None, "2024-11-06-danstar.txt") == ("2024-11-06", "Bratova")
    assert read_dateline("No dateline here.", None, "2024-11-06-danstar.txt") == ("2024-11-06", None)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_readers_utf16_with_its_byte_order_mark_is_text(tmp_path, encoding):
    text = "Officials said on Monday that “about 1,500” soldiers had arrived.\n"
    mark = "\ufeff".encode(encoding)
    (tmp_path / "with_bom.txt").write_bytes(mark + text.encode(encoding))
    (tmp_path / "without_bom.txt").write_bytes(text.encode(encoding))
    assert next(read_path(tmp_path / "with_bom.txt")).text == text
    assert isinstance(next(read_path(tmp_path / "without_bom.txt")), BinaryInput)
