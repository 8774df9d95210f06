"""Regenerate docs/report.png: the case report of the bundled example corpus in headless Chromium.

    python docs/report_screenshot.py

Needs the dev extra (playwright) and the system Chromium (Debian packages chromium, chromium-driver).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import caselink
from caselink.report import write_report

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    """Resolve the example corpus, write its report, search it and save a screenshot."""
    resolution = caselink.resolve(
        caselink.read_articles(ROOT / "examples" / "data" / "articles.jsonl")
    )
    with tempfile.TemporaryDirectory() as tmp:
        report = write_report(resolution, Path(tmp) / "report.html")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1040, "height": 900})
            page.goto(report.as_uri())
            page.fill("#q", "cordele")
            page.screenshot(path=str(ROOT / "docs" / "report.png"))
            browser.close()


if __name__ == "__main__":
    main()
