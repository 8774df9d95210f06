"""Field extraction quality against the gold fields of a labelled file, as JSON.

    python benchmarks/extraction.py ../shared/data/gvc/dev.jsonl
    python benchmarks/extraction.py ../shared/data/seeds            # a seeds directory
    python benchmarks/extraction.py FILE.jsonl --errors city        # print misses for one field

GVC / GVA gold (``gold.city_or_county``, ``state``, ``date``, ``participants``, ``num_killed``,
``num_injured``) is scored per article:

- ``city``: the article's primary city (the most mentioned city or county, ties to the earliest)
  against the gold city (parenthesised notes dropped, ``"Saint"`` = ``"St."``, ``"X (county)"`` =
  ``"X County"``). Precision over articles with a primary city, recall over articles with a gold
  city. ``city_any_recall``: the gold city is among the article's places at all.
  ``city_in_text``: the same precision, recall and F1 over only the articles whose text names
  the gold city at all (as a whole word, after the same normalisation); the others (an
  article about "Englewood" filed under Chicago, a Houston suburb filed under Houston) no
  extractor can get right from the text, so this is the fairer companion of ``city``.
- ``state``: the primary state (the state of the primary city, else the most mentioned state).
- ``incident_date``: the first day-granular event date is within 1 day of the gold date
  (precision over articles with one, recall over articles with a gold date); ``date_any_1d``: any
  event date within 1 day.
- ``participant_names``: gold participant names found among people and officers (recall); the
  precision is the share of extracted people that are gold participants, a lower bound, since
  articles also name relatives, spokespeople and officials.
- ``killed`` / ``injured``: exact counts (precision over articles with a count, recall over
  articles with a gold count); ``ages``: gold participant ages found among the extracted ages.

The skeleton comparison: the same metrics with the extractor of ``--baseline-ref`` (a git ref)
are not run here; run this script in the other worktree instead.

Seeds gold: agency, oversight body, officer name and rank, outcome, person names; each scored
as found / expected.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from caselink.config import ExtractConfig
from caselink.extract import extract_fields
from caselink.extract._gazetteer import STATE_NAMES, key
from caselink.ingest import read_articles
from caselink.models import Article, ArticleFields


def _prf(tp: int, predicted: int, gold: int) -> dict[str, float | int]:
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "predicted": predicted,
        "gold": gold,
    }


def _gold_city(value: str | None) -> str | None:
    if not value:
        return None
    county = re.search(r"^(.*?)\s*\(county\)", value, re.IGNORECASE)
    if county:
        return key(county.group(1) + " County")
    return key(re.sub(r"\s*\(.*?\)", "", value))


def primary_city(fields: ArticleFields) -> str | None:
    """The most mentioned city or county norm, ties to the earliest mention."""
    cities = [m for m in fields.places if m.role == "city"] or [
        m for m in fields.places if m.role == "county"
    ]
    if not cities:
        return None
    counts = collections.Counter(m.norm for m in cities)
    first = {}
    for m in cities:
        first.setdefault(m.norm, m.start)
    return min(counts, key=lambda n: (-counts[n], first[n]))


def primary_state(fields: ArticleFields) -> str | None:
    """The state of the primary city, else the most mentioned US state."""
    city = primary_city(fields)
    if city and city.endswith("|US"):
        return city.split("|")[1]
    states = [m.norm.split("|")[0] for m in fields.places if m.role == "state"]
    return collections.Counter(states).most_common(1)[0][0] if states else None


def _day(norm: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(norm) if len(norm) == 10 else None
    except ValueError:
        return None


def _name_key(name: str) -> str:
    return " ".join(re.sub(r"[^a-z' -]", "", name.lower()).replace("-", " ").split())


def score_gva(rows: list[dict[str, Any]], show: str | None) -> dict[str, Any]:  # noqa: PLR0915
    """Score GVC / GVA gold fields."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    cfg = ExtractConfig()
    start = time.perf_counter()
    errors: list[str] = []
    for row in rows:
        gold = row.get("gold") or {}
        if not gold.get("has_structured_record", True):
            continue
        article = Article.from_mapping(
            {k: row.get(k) for k in ("id", "title", "text", "published", "source", "url")}
        )
        fields = extract_fields(article, cfg)
        # city
        gcity = _gold_city(gold.get("city_or_county"))
        pcity = primary_city(fields)
        c = counts["city"]
        c["gold"] += gcity is not None
        c["predicted"] += pcity is not None
        ok = bool(gcity and pcity and key(pcity.split("|")[0]) == gcity)
        c["tp"] += ok
        any_city = {
            key(m.norm.split("|")[0]) for m in fields.places if m.role in ("city", "county")
        }
        counts["city_any"]["tp"] += bool(gcity and gcity in any_city)
        counts["city_any"]["gold"] += gcity is not None
        if gcity and re.search(rf"\b{re.escape(gcity)}\b", key(article.full_text)):
            t = counts["city_in_text"]
            t["gold"] += 1
            t["predicted"] += pcity is not None
            t["tp"] += ok
        if show == "city" and gcity and not ok:
            errors.append(
                f"{row['id'][:10]} gold={gcity!r} primary={pcity!r} places={[m.norm for m in fields.places]}"
            )
        # state
        gstate = STATE_NAMES.get(gold.get("state") or "")
        pstate = primary_state(fields)
        s = counts["state"]
        s["gold"] += gstate is not None
        s["predicted"] += pstate is not None
        s["tp"] += bool(gstate and pstate == gstate)
        # date
        gdate = _day(gold.get("date") or "")
        days = [d for d in (_day(m.norm) for m in fields.event_dates) if d]
        d = counts["incident_date"]
        d["gold"] += gdate is not None
        d["predicted"] += bool(days)
        ok = bool(gdate and days and abs((days[0] - gdate).days) <= 1)
        d["tp"] += ok
        counts["date_any_1d"]["gold"] += gdate is not None
        counts["date_any_1d"]["tp"] += bool(gdate and any(abs((x - gdate).days) <= 1 for x in days))
        if show == "date" and gdate and not ok:
            found = [(m.text, m.norm) for m in fields.event_dates]
            errors.append(f"{row['id'][:10]} gold={gdate} published={article.published} {found=}")
        # names
        gnames = {_name_key(p["name"]) for p in gold.get("participants") or [] if p.get("name")}
        pnames = {_name_key(m.norm) for m in (*fields.people, *fields.officers) if m.norm}
        text_lower = article.full_text.lower()
        n = counts["participant_names"]
        n["gold"] += len(gnames)
        n["tp"] += len(gnames & pnames)
        n["predicted"] += len(pnames)
        n["predicted_tp"] += len(pnames & gnames)
        in_text = {g for g in gnames if g in text_lower}
        counts["participant_names_in_text"]["gold"] += len(in_text)
        counts["participant_names_in_text"]["tp"] += len(in_text & pnames)
        if show == "names" and (gnames - pnames or pnames - gnames):
            errors.append(
                f"{row['id'][:10]} missed={sorted(in_text - pnames)} extra={sorted(pnames - gnames)}"
            )
        # ages
        gages = {int(p["age"]) for p in gold.get("participants") or [] if p.get("age") is not None}
        pages = {int(m.norm) for m in fields.ages}
        a = counts["ages"]
        a["gold"] += len(gages)
        a["tp"] += len(gages & pages)
        a["predicted"] += len(pages)
        # counts
        for name, gkey in (("killed", "num_killed"), ("injured", "num_injured")):
            gv = gold.get(gkey)
            pv = getattr(fields, name)
            k = counts[name]
            k["gold"] += gv is not None
            k["predicted"] += pv is not None
            k["tp"] += gv is not None and pv is not None and int(gv) == pv
            k["exact_all"] += gv is not None and int(gv) == (pv or 0)
            if show == name and gv is not None and int(gv) != (pv or 0):
                errors.append(f"{row['id'][:10]} gold={gv} found={pv} title={article.title[:80]!r}")
    seconds = time.perf_counter() - start
    out: dict[str, Any] = {"articles": len(rows), "seconds": round(seconds, 2)}
    for name in ("city", "state", "incident_date", "killed", "injured"):
        c = counts[name]
        out[name] = _prf(c["tp"], c["predicted"], c["gold"])
    for name in ("killed", "injured"):
        out[name]["exact_with_absent_as_0"] = round(
            counts[name]["exact_all"] / max(1, counts[name]["gold"]), 4
        )
    out["city_any_recall"] = round(counts["city_any"]["tp"] / max(1, counts["city_any"]["gold"]), 4)
    c = counts["city_in_text"]
    out["city_in_text"] = _prf(c["tp"], c["predicted"], c["gold"])
    out["date_any_within_1_day"] = round(
        counts["date_any_1d"]["tp"] / max(1, counts["date_any_1d"]["gold"]), 4
    )
    n = counts["participant_names"]
    out["participant_names"] = _prf(n["tp"], n["predicted"], n["gold"])
    out["participant_names"]["note"] = (
        "precision is a lower bound: articles name more people than the participants"
    )
    t = counts["participant_names_in_text"]
    out["participant_names_in_text_recall"] = round(t["tp"] / max(1, t["gold"]), 4)
    a = counts["ages"]
    out["ages"] = _prf(a["tp"], a["predicted"], a["gold"])
    if show:
        sys.stderr.write("\n".join(errors) + "\n")
    return out


def score_seeds(folder: Path) -> dict[str, Any]:
    """Score the seeds' gold fields (found / expected per field)."""
    gold = {
        Path(row["file"]).stem: row["gold"]
        for row in map(json.loads, (folder / "gold.jsonl").read_text("utf-8").splitlines())
    }
    results: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    details = {}
    for article in read_articles(folder).articles:
        g = gold[article.id]
        f = extract_fields(article)
        checks = {
            "agency": (g.get("agency"), {m.norm for m in f.agencies}),
            "oversight_body": (g.get("oversight_body"), {m.norm for m in f.oversight_bodies}),
            "officer_name": (g.get("officer_name"), {m.norm for m in f.officers}),
            "outcome": (g.get("outcome"), {m.norm for m in f.outcomes}),
        }
        row = {}
        for name, (want, got) in checks.items():
            if not want:
                continue
            ok = want.lower() in got
            results[name]["gold"] += 1
            results[name]["tp"] += ok
            row[name] = {"want": want, "got": sorted(got), "ok": ok}
        rank = g.get("officer_rank")
        if rank:
            ranks = {(m.role or "").lower() for m in f.officers}
            ok = any(rank.lower() in r or r in rank.lower() for r in ranks if r)
            results["officer_rank"]["gold"] += 1
            results["officer_rank"]["tp"] += ok
            row["officer_rank"] = {"want": rank, "got": sorted(ranks), "ok": ok}
        people = {m.norm for m in (*f.people, *f.officers) if m.norm}
        want = {p.lower() for p in g.get("person_names") or []}
        results["person_names"]["gold"] += len(want)
        results["person_names"]["tp"] += len(want & people)
        results["person_names"]["predicted"] += len(people)
        row["person_names"] = {"want": sorted(want), "got": sorted(people)}
        details[article.id] = row
    out: dict[str, Any] = {name: f"{c['tp']}/{c['gold']}" for name, c in sorted(results.items())}
    out["person_names_precision"] = round(
        results["person_names"]["tp"] / max(1, results["person_names"]["predicted"]), 4
    )
    out["details"] = details
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a labelled .jsonl file or the seeds directory")
    parser.add_argument("--errors", choices=("city", "date", "names", "killed", "injured"))
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(json.dumps({"skipped": f"{args.data} not found"}))
        return 0
    if args.data.is_dir():
        result = score_seeds(args.data)
    else:
        rows = [
            json.loads(line) for line in args.data.read_text("utf-8").splitlines() if line.strip()
        ]
        result = score_gva(rows, args.errors)
    result = {"data": str(args.data), **result}
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
