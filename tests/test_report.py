"""The HTML case report: escaping, contents, the CLI command, and a real headless Chromium check."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings

import caselink
from caselink._html import display_value
from caselink.cli import main
from caselink.report import read_output, render_report, report_html, write_report

from .strategies import hostile_text

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE_TITLE = "<script>window.__pwned = 1; alert('pwned')</script>Kent officer dismissed"
HOSTILE_OUTLET = '<img src=x onerror="window.__pwned = 2">'


def _hostile_resolution(example_articles: Path) -> caselink.Resolution:
    """The example corpus plus two linked articles whose title and outlet carry markup."""
    body = (
        "PC Quentin Marlowe of Kent Police was dismissed without notice on Tuesday after a gross "
        "misconduct hearing in Maidstone found he had lied about a crash. IOPC reference 2022/118822."
    )
    hostile = [
        {
            "id": "zz-1",
            "title": HOSTILE_TITLE,
            "text": body,
            "published": "2022-05-03",
            "source": HOSTILE_OUTLET,
        },
        {
            "id": "zz-2",
            "title": "Maidstone PC sacked",
            "text": body,
            "published": "2022-05-04",
            "source": "kent.example",
        },
    ]
    articles = [
        *caselink.read_articles(example_articles).articles,
        *map(caselink.Article.from_mapping, hostile),
    ]
    return caselink.resolve(articles)


def _tags(page: str) -> list[str]:
    return re.findall(r"<(script|img)\b", page)


class _Page(HTMLParser):
    """Collects every tag, attribute name and text node of a page."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data) -> None:
        self.text.append(data)


_REPORT_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "div", "input",
    "label", "span", "main", "article", "details", "summary", "table", "thead", "tbody", "tr",
    "th", "td", "b", "ol", "li", "time", "footer", "script",
}  # fmt: skip
_REPORT_ATTRIBUTES = {
    "lang", "charset", "http-equiv", "content", "name", "id", "type", "autocomplete",
    "placeholder", "aria-label", "class", "data-size", "title", "open", "style", "aria-hidden",
}  # fmt: skip


@settings(max_examples=40)
@given(title=hostile_text, outlet=hostile_text, value=hostile_text, detail=hostile_text)
def test_every_text_is_escaped(title, outlet, value, detail) -> None:
    """Markup in titles, outlets, field values and link details reaches the page as text, never as tags."""
    case = {
        "case_id": "c1",
        "headline": title,
        "article_ids": ["a", "b"],
        "outlets": [outlet],
        "fields": {"agency": {"value": value, "article_ids": ["a"], "alternatives": []}},
        "timeline": [
            {
                "article_id": "a",
                "date": "2024-01-01",
                "kind": "first report",
                "source": outlet,
                "title": title,
            }
        ],
    }
    link = {
        "a": "a",
        "b": "b",
        "probability": 0.9,
        "match_weight": 3.0,
        "explanation": detail,
        "contributions": [{"field": "officer", "level": "exact", "weight": 2.0, "detail": detail}],
    }
    page = render_report([case], [link])
    parsed = _Page(page)
    assert parsed.tags <= _REPORT_TAGS
    assert parsed.attributes <= _REPORT_ATTRIBUTES
    assert page.count("<script") == 1  # only the report's own script
    text = "\x00".join(parsed.text)
    for shown in (title, outlet, display_value(value), detail):
        assert shown.replace("\r\n", "\n") in text.replace("\r\n", "\n")


def test_report_lists_every_case_with_facts_timeline_and_links(tmp_path, example_articles) -> None:
    """`caselink report` reads a resolve output directory and shows every case, fact and link explanation."""
    out = tmp_path / "out"
    assert main(["resolve", str(example_articles), "--out", str(out), "--quiet"]) == 0
    assert main(["report", str(out), "-o", str(tmp_path / "r" / "report.html")]) == 0
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    cases, links, assignments, manifest = read_output(out)
    assert page.count('<article class="case"') == len(cases)
    # Every link is explained: the strongest few per case with a table, the others in one line each.
    assert page.count('<div class="link">') + page.count('<li class="explanation">') == len(links)
    assert page.count('<div class="link">') < len(links)
    assert set(assignments) == {a for c in cases for a in c["article_ids"]}
    assert f"{manifest['counts']['articles']} articles" in page
    for link in links:
        assert html.escape(link["explanation"]) in page
    assert "https://" not in page
    assert "http://" not in page


def test_report_from_resolution_equals_report_from_files(tmp_path, example_articles) -> None:
    """The report of a Resolution and of the files it wrote are the same page."""
    res = caselink.resolve(caselink.read_articles(example_articles))
    res.write(tmp_path / "out")
    assert (
        write_report(res, tmp_path / "a.html").read_text()
        == write_report(tmp_path / "out", tmp_path / "b.html").read_text()
    )


def test_report_of_a_non_output_dir_exits_2(tmp_path, capsys) -> None:
    """Pointing `caselink report` at a directory without resolve outputs exits 2 naming the missing files."""
    assert main(["report", str(tmp_path), "-o", str(tmp_path / "r.html")]) == 2
    assert "cases.jsonl" in capsys.readouterr().err


def test_hostile_titles_are_escaped_in_the_page(example_articles) -> None:
    """The injected title appears as escaped text and nowhere as a tag."""
    page = report_html(_hostile_resolution(example_articles))
    assert "&lt;script&gt;window.__pwned" in page
    assert "<script>window.__pwned" not in page
    assert _tags(page) == ["script"]


def _chromium():
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("no system Chromium (install the Debian packages chromium and chromium-driver)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
    )
    return sync_api, str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium"))


def test_report_in_headless_chromium(tmp_path, example_articles) -> None:
    """In real Chromium: cases and explanations are visible, search works, the injected script never runs."""
    sync_api, executable = _chromium()
    res = _hostile_resolution(example_articles)
    report = write_report(res, tmp_path / "report.html")
    dialogs: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(report.as_uri())
            cases = page.locator("article.case")
            assert cases.count() == len(res.cases)
            assert cases.first.is_visible()
            first_link = page.locator(".why").first
            assert first_link.is_visible()
            assert re.search(r"p=\d\.\d{3}", first_link.inner_text())
            # The hostile title is shown as text, and its script did not run.
            assert page.get_by_text("<script>window.__pwned", exact=False).first.is_visible()
            assert page.evaluate("typeof window.__pwned") == "undefined"
            # Search (the report's own script, allowed by its CSP hash) filters the list.
            page.fill("#q", "quentin marlowe")
            assert page.locator("article.case:visible").count() == 1
            assert page.locator("#count").inner_text() == f"1 of {len(res.cases)} cases shown"
            page.fill("#q", "")
            page.screenshot(path=str(tmp_path / "report.png"))
        finally:
            browser.close()
    assert dialogs == []
    assert requests == [report.as_uri()]
    assert (tmp_path / "report.png").stat().st_size > 10_000
