"""Field extraction speed on one core: articles per second for ~2 KB synthetic articles, as JSON.

    python benchmarks/bench_extract_speed.py [--articles 2000] [--input ARTICLES]

The articles are generated here (invented names, real town and force names as setting), about
2,000 characters each; ``--input`` times real articles instead (anything `caselink.read_articles`
reads, e.g. ``../shared/data/gva_pool/pool.jsonl``; ``--articles`` then caps how many).
Generated articles repeat a small vocabulary, which flatters the extractors' per-run caches: real
news is the fairer test. The gazetteers are loaded before timing starts (a one-off per process,
reported separately). ``articles_per_cpu_s`` divides by the process's CPU time, which is the
fairer figure when other jobs share the machine (the load average is printed with it). The
obvious alternative measured in the same run is the plain regex pass that every extractor must
at least make: one ``re.finditer`` of capitalised words over the same text; the ratio says how
much the field logic costs on top of tokenising.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import time

from caselink import read_articles
from caselink.config import ExtractConfig
from caselink.extract import extract_fields
from caselink.models import Article

_FIRST = ("Dan", "Nicole", "Chad", "Maria", "James", "Aisha", "Tom", "Lucy", "Omar", "Grace")
_LAST = ("Caron", "Couture", "Hill", "Okafor", "Patel", "Nguyen", "Turner", "Walsh", "Reyes")
_TOWNS = (
    ("Bristol", "Conn."),
    ("Salisbury", "N.C."),
    ("Wichita", "Kansas"),
    ("Toledo", "Ohio"),
    ("Katy", "Texas"),
    ("Worksop", ""),
)
_SENTENCES = (
    "{first} {last}, {age}, was shot {day} evening outside a home on Woodland Street in {town}.",
    "Police said {first2} {last2}, a {age2}-year-old neighbour, was arrested at the scene.",
    "The {town} Police Department asked anyone with information to call detectives.",
    "{last} was taken to Hamilton Medical Center, where {pron} was listed in stable condition.",
    "A spokesman for the department said the investigation was at an early stage.",
    "Two people were wounded and one man was killed in the shooting, officers said.",
    "Neighbours described {last} as a friendly man who loved fishing and his family.",
    "Court records show {last2} faces charges of manslaughter and unlawful possession of a gun.",
    "The Independent Office for Police Conduct said on {day} it had been notified.",
    "Sergeant {first3} {last3} said officers arrived within four minutes of the 911 call.",
)


def make_article(rng: random.Random, index: int) -> Article:
    """One synthetic article of about 2 KB."""
    town, state = rng.choice(_TOWNS)
    values = {
        "first": rng.choice(_FIRST),
        "last": rng.choice(_LAST),
        "first2": rng.choice(_FIRST),
        "last2": rng.choice(_LAST),
        "first3": rng.choice(_FIRST),
        "last3": rng.choice(_LAST),
        "age": rng.randint(2, 80),
        "age2": rng.randint(16, 70),
        "day": rng.choice(("Friday", "Saturday", "Monday")),
        "town": town,
        "pron": rng.choice(("he", "she")),
    }
    parts = [f"{town.upper()}, {state} — " if state else f"{town.upper()} — "]
    while sum(map(len, parts)) < 2000:
        parts.append(rng.choice(_SENTENCES).format(**values) + " ")
    published = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
    return Article(f"a{index}", f"Man shot in {town}", "".join(parts), published=published)


def main(argv: list[str] | None = None) -> int:
    """Time extraction and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--input", help="time these articles instead of generated ones")
    args = parser.parse_args(argv)
    if args.input:
        articles = list(read_articles(args.input).articles)[: args.articles]
    else:
        rng = random.Random(7)
        articles = [make_article(rng, i) for i in range(args.articles)]
    cfg = ExtractConfig()
    start = time.perf_counter()
    extract_fields(articles[0], cfg)  # loads the gazetteers
    load = time.perf_counter() - start
    start = time.perf_counter()
    cpu_start = time.process_time()
    for article in articles:
        extract_fields(article, cfg)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    words = re.compile(r"[A-Z][a-z]+")
    start = time.perf_counter()
    for article in articles:
        sum(1 for _ in words.finditer(article.full_text))
    baseline = time.perf_counter() - start
    mean_chars = sum(len(a.full_text) for a in articles) / len(articles)
    result = {
        "benchmark": "extract_fields speed, one core",
        "input": args.input or "generated",
        "articles": len(articles),
        "mean_chars": round(mean_chars),
        "gazetteer_load_s": round(load, 3),
        "seconds": round(seconds, 3),
        "articles_per_s": round(len(articles) / seconds, 1),
        "articles_per_cpu_s": round(len(articles) / cpu_seconds, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "target_articles_per_s": 1000,
        "baseline_regex_scan_articles_per_s": round(len(articles) / baseline, 1),
        "slowdown_vs_regex_scan": round(seconds / baseline, 1),
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
