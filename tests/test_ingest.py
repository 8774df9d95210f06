"""Readers: bad lines become rejects with reasons, the rest of the batch is kept."""

from __future__ import annotations

import json
import pickle

import pytest

from caselink import InputError, read_articles, read_records
from caselink.ingest import JsonlArticles, parse_text_article


def _write_lines(path, lines: list[bytes]) -> None:
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_each_kind_of_bad_line_is_rejected_with_a_reason(tmp_path) -> None:
    """Malformed JSON, missing text, conflicting duplicate id and bad UTF-8 are rejected; good lines kept."""
    good = {"id": "a", "title": "T", "text": "Body", "published": "2021-01-02"}
    path = tmp_path / "in.jsonl"
    _write_lines(
        path,
        [
            json.dumps(good).encode(),
            b'{"id": "b", "text": "unterminated',
            json.dumps({"id": "c", "title": "no body"}).encode(),
            json.dumps({"id": "a", "title": "T", "text": "Other body"}).encode(),
            b'{"id": "d", "text": "caf\xe9"}',
            json.dumps(good).encode(),
            json.dumps({"id": "e", "text": "fine"}).encode(),
        ],
    )
    batch = read_articles(path)
    assert [a.id for a in batch.articles] == ["a", "e"]
    assert batch.repeats == 1
    by_line = {r.line: r for r in batch.rejects}
    assert sorted(by_line) == [2, 3, 4, 5]
    assert "not valid JSON" in by_line[2].reason
    assert by_line[3].field == "text"
    assert by_line[3].article_id == "c"
    assert by_line[4].field == "id"
    assert "duplicate id 'a'" in by_line[4].reason
    assert "UTF-8" in by_line[5].reason
    assert all(r.source == str(path) for r in batch.rejects)


def test_missing_file_is_unusable(tmp_path) -> None:
    """A path that does not exist raises InputError naming it."""
    with pytest.raises(InputError, match="does not exist"):
        read_articles(tmp_path / "nope.jsonl")


def test_file_without_any_json_is_unusable(tmp_path) -> None:
    """A file where no line parses as JSON is unusable, not a pile of rejects."""
    path = tmp_path / "in.jsonl"
    path.write_text("hello\nworld\n")
    with pytest.raises(InputError, match="no JSON at all"):
        read_articles(path)


def test_empty_input_is_unusable(tmp_path) -> None:
    """An empty file raises InputError saying the inputs are empty."""
    path = tmp_path / "in.jsonl"
    path.write_text("\n\n")
    with pytest.raises(InputError, match="empty"):
        read_articles(path)


def test_csv_and_text_directory(tmp_path) -> None:
    """CSV rows and seeds-style .txt files become articles; the date line gives the date."""
    (tmp_path / "in.csv").write_text(
        'id,title,text,published\nx,Head,"Body, with comma",2020-05-01\n'
    )
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "001_a.txt").write_text(
        "Officer sacked\n date 2021-10-15 Caption here.\nBody line.\n"
    )
    batch = read_articles(tmp_path / "in.csv", folder)
    by_id = {a.id: a for a in batch}
    assert by_id["x"].text == "Body, with comma"
    assert by_id["001_a"].title == "Officer sacked"
    assert str(by_id["001_a"].published) == "2021-10-15"
    assert "Caption here." in by_id["001_a"].text


def test_date_line_can_be_first() -> None:
    """When the date marker starts the file, the rest of that line becomes the title."""
    parsed = parse_text_article("x", " date 2020-12-17 A caption line.\n\nBody.")
    assert parsed["published"] == "2020-12-17"
    assert parsed["title"] == "A caption line."
    assert parsed["text"] == "Body."


def test_read_records_accepts_mappings_and_rejects_non_mappings() -> None:
    """In-memory records are validated like file lines."""
    batch = read_records([{"id": "a", "text": "x"}, "not a mapping", {"id": "b", "text": 3}])
    assert [a.id for a in batch] == ["a"]
    assert [r.line for r in batch.rejects] == [2, 3]


def test_lazy_reading_keeps_the_same_articles_rejects_and_repeats(tmp_path) -> None:
    """Texts left on disk read back as the same articles; bad lines and repeats are handled alike."""
    rows = [
        {"id": "b", "title": "Two", "text": "Second body.", "published": "2024-01-02", "x": 1},
        {"id": "a", "title": "One", "text": "First body \u00e9.", "source": "echo"},
        {"id": "a", "title": "One", "text": "First body \u00e9.", "source": "echo"},
        {"id": "a", "title": "One", "text": "Other body."},
        {"title": "no text"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\nnot json\n\n",
        encoding="utf-8",
    )
    eager, lazy = read_articles(path), read_articles(path, lazy=True)
    assert isinstance(lazy.articles, JsonlArticles)
    assert list(lazy.articles) == list(eager.articles)
    assert [a.meta for a in lazy.articles] == [a.meta for a in eager.articles]
    assert lazy.rejects == eager.rejects
    assert lazy.repeats == eager.repeats == 1
    assert [h.id for h in lazy.articles.heads] == ["b", "a"]
    assert all(h.text == "" for h in lazy.articles.heads)
    reordered = lazy.articles.in_order([1, 0])
    assert [a.id for a in reordered] == ["a", "b"]
    assert reordered[0] == eager.articles[1]
    assert pickle.loads(pickle.dumps(reordered))[1] == eager.articles[0]


def test_lazy_reading_takes_only_jsonl(tmp_path) -> None:
    """lazy=True with a CSV file is refused with a message naming JSONL."""
    src = tmp_path / "in.csv"
    src.write_text("id,text\na,body\n")
    with pytest.raises(InputError, match="jsonl"):
        read_articles(src, lazy=True)
