"""Merge the three bundled feeds into cases and write the HTML report (the notebook, as a script).

    python examples/merge_feeds.py [report.html]

Needs ``pip install "caselink[feeds]"``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import caselink
from caselink.report import write_report

FEEDS = sorted((Path(__file__).parent / "feeds").glob("*"))

batch = caselink.read_feeds(*FEEDS)
print(f"{len(batch.articles)} articles from {len(FEEDS)} feeds, {len(batch.rejects)} rejected")
for reject in batch.rejects:
    print(f"  rejected: {reject.reason}")

resolution = caselink.resolve(batch)
print(resolution)
for case in sorted(resolution.cases, key=lambda c: (-len(c.article_ids), c.case_id)):
    print(f"\n{case!r}")
    for entry in case.timeline:
        print(f"  {entry.date}  {entry.source}: {entry.title}")
for link in resolution.links:
    print("\nwhy:", link.explain())

if len(sys.argv) > 1:
    print("\nwrote", write_report(resolution, sys.argv[1]))
