"""Resolve the bundled example corpus into cases and print them (the README quickstart)."""

from __future__ import annotations

from pathlib import Path

import caselink

articles = caselink.read_articles(Path(__file__).parent / "data" / "articles.jsonl")
resolution = caselink.resolve(articles)
print(resolution)

for case in sorted(resolution.cases, key=lambda c: (-len(c.article_ids), c.case_id))[:5]:
    agency = case.field("agency")
    print(f"\n{case.case_id}  {case.headline!r}  ({len(case.article_ids)} articles)")
    print(f"  agency: {agency.value if agency else '-'}  outlets: {', '.join(case.outlets)}")
    for link in resolution.links:
        if link.a in case.article_ids:
            print("  why:", link.explain())
            break
