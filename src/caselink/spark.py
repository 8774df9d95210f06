"""Scale-out on PySpark: the same stage functions as `caselink.resolve`, the same cases.

Install with ``pip install "caselink[spark]"`` (PySpark >= 3.5, pandas, pyarrow; Java 17).

Distributed (on the executors, in ``mapInPandas`` and DataFrame aggregations):

1. validation: every row becomes an `Article` (`Article.from_mapping`, so ids and validation match
   the local engine; invalid rows are dropped); rows sharing an id collapse to one;
2. boilerplate counts: each article's `boilerplate_keys` with its outlet and day, counted per
   outlet and across outlets with the `find_boilerplate` thresholds and day-span rule; the
   resulting `Boilerplate` is broadcast;
3. `clean_text`, and the document frequencies of `term_tokens` over the cleaned texts (the
   `fit_terms` counts), collected and broadcast as a `TermModel`;
4. per article: `extract_fields`, `signatures` (checked against the driver's signature of a known
   text on every partition) and `term_vector`: the article's `Profile`.

On the driver: the compact profiles are collected, and the pairwise stages run exactly as in
`caselink.resolve`: `link_profiles` (blocking into candidate columns, batch comparison and
calibrated Fellegi-Sunter scoring with TF adjustment, a match weight per pair) and
`cluster_articles`. The driver therefore needs memory for every profile (about 2.7 KB pickled per
article on the bundled corpus) and a few bytes per candidate pair, and the pairwise stages run at
the local engine's speed (on the driver's own cores): on 100k generated articles (5.8 million
candidate pairs, ``local[2]``) they take 46 of 159 seconds, so this engine spreads the text work,
not the pairwise work, over the cluster.

On the same input and config, the partition and case ids equal the local engine's (a test checks it).
Rows must have unique ids: of rows sharing an id, only one is kept (locally, the first one read).

On a cluster, install caselink on every executor (same version as the driver) and point the session
at the cluster; nothing else changes::

    spark = SparkSession.builder.master("spark://host:7077").getOrCreate()   # or yarn, k8s://...
    frame = spark.read.json("s3a://bucket/articles/*.jsonl", schema=caselink.spark.article_schema())
    cases = caselink.spark.resolve(frame, Config())
    cases.write.parquet("s3a://bucket/cases/")

or run ``spark-submit --master spark://host:7077`` on a script calling `resolve_files` (the CLI's
``caselink resolve --engine spark`` uses the master given by ``spark-submit``, else ``local[*]``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import pickle
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from caselink.cluster import cluster_articles
from caselink.config import Config
from caselink.errors import CaselinkError, IncompatibleSignatureError, InputError
from caselink.extract import extract_fields
from caselink.models import Article, CleanText, Profile
from caselink.normalize import Boilerplate, boilerplate_keys, clean_text
from caselink.pipeline import link_profiles
from caselink.score import MatchModel
from caselink.shingle import signatures
from caselink.terms import TermModel, term_tokens, term_vector

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.broadcast import Broadcast
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType

__all__ = ["ARTICLE_COLUMNS", "article_schema", "resolve", "resolve_files"]

logger = logging.getLogger(__name__)

ARTICLE_COLUMNS = ("id", "title", "text", "published", "source", "url")
"""The input columns read (all strings); other columns are ignored."""

_NO_SOURCE = "\x00no source"
_CHECK_TEXT = "officer dismissed after gross misconduct hearing in the town of Leeds last week"
_CLEANED = (
    "id string, title string, text string, published string, source string, url string, "
    "clean string, short boolean, removed long, terms array<string>"
)


def _require_pyspark() -> Any:
    try:
        import pyspark.sql  # noqa: PLC0415 - optional dependency, imported on use
    except ImportError as error:
        msg = (
            "caselink.spark needs PySpark (and Java 17); install it with "
            "'pip install \"caselink[spark]\"'"
        )
        raise ImportError(msg) from error
    return pyspark.sql


def article_schema() -> StructType:
    """Return the Spark schema of an articles file: `ARTICLE_COLUMNS`, all strings.

    Examples:
        >>> spark.read.json("articles.jsonl", schema=article_schema())  # doctest: +SKIP
    """
    types = _require_pyspark().types
    schema: StructType = types.StructType(
        [types.StructField(c, types.StringType()) for c in ARTICLE_COLUMNS]
    )
    return schema


# --------------------------------------------------------------------------------------------------
# Functions run on the executors (module level, so they pickle by reference).


def _value(row: Any, key: str) -> Any:
    value = row.get(key)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


def _article(row: Any) -> Article | None:
    try:
        return Article.from_mapping({k: _value(row, k) for k in ARTICLE_COLUMNS if k in row})
    except CaselinkError:
        return None


def _valid_articles(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    import pandas as pd  # noqa: PLC0415 - present wherever PySpark runs Python

    for batch in batches:
        out = []
        for row in batch.to_dict("records"):
            article = _article(row)
            if article is not None:
                published = article.published.isoformat() if article.published else None
                out.append(
                    (
                        article.id,
                        article.title,
                        article.text,
                        published,
                        article.source,
                        article.url,
                        article.content_hash,
                    )
                )
        yield pd.DataFrame(out, columns=[*ARTICLE_COLUMNS, "content_hash"])


def _day(published: Any) -> int | None:
    if not isinstance(published, str):
        return None
    return dt.date.fromisoformat(published).toordinal()


def _sentence_keys(cfg: Config, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """(source, day, key) for every sentence key `find_boilerplate` counts in every article."""
    import pandas as pd  # noqa: PLC0415

    for batch in batches:
        out: list[tuple[str, int | None, str]] = []
        for text, source, published in zip(
            batch["text"], batch["source"], batch["published"], strict=True
        ):
            src = _NO_SOURCE if source is None else str(source)
            day = _day(published)
            out.extend((src, day, key) for key in boilerplate_keys(str(text), cfg.normalize))
        frame = pd.DataFrame(out, columns=["source", "day", "key"])
        yield frame.astype({"day": "Int64"})


def _cleaned(
    cfg: Config, boilerplate: Broadcast[Boilerplate], batches: Iterator[pd.DataFrame]
) -> Iterator[pd.DataFrame]:
    """Every article with its cleaned text and the distinct terms `fit_terms` counts in it."""
    import pandas as pd  # noqa: PLC0415

    rules = boilerplate.value
    for batch in batches:
        out = []
        for row in batch.to_dict("records"):
            article = _article(row)
            if article is None:
                continue
            clean = clean_text(article, rules, cfg.normalize)
            terms = sorted(set(term_tokens(clean.text)))
            out.append(
                (
                    *(_value(row, c) for c in ARTICLE_COLUMNS),
                    clean.text,
                    clean.short,
                    clean.removed,
                    terms,
                )
            )
        yield pd.DataFrame(out, columns=[*ARTICLE_COLUMNS, "clean", "short", "removed", "terms"])


def _profiles(
    cfg: Config,
    check: bytes,
    terms: Broadcast[tuple[int, dict[str, int]]],
    batches: Iterator[pd.DataFrame],
) -> Iterator[pd.DataFrame]:
    """Every article's pickled `Profile`: fields, signature and rare-term vector."""
    import pandas as pd  # noqa: PLC0415

    _check_signatures(cfg, check)
    n_docs, df = terms.value
    model = TermModel(n_docs, df, cfg.terms)
    for batch in batches:
        articles: list[Article] = []
        cleaned: list[CleanText] = []
        for row in batch.to_dict("records"):
            article = _article(row)
            if article is None:
                continue
            articles.append(article)
            cleaned.append(
                CleanText(article.id, str(row["clean"]), bool(row["short"]), int(row["removed"]))
            )
        sigs = signatures(cleaned, cfg.shingle)
        out = []
        for article, clean, sig in zip(articles, cleaned, sigs, strict=True):
            profile = Profile(
                article.id,
                article.published,
                article.source,
                extract_fields(article, cfg.extract),
                sig,
                term_vector(clean, model, title=article.title),
            )
            out.append((article.id, pickle.dumps(profile, protocol=5)))
        yield pd.DataFrame(out, columns=["article_id", "profile"])


def _check_signature_bytes(cfg: Config) -> bytes:
    return signatures([CleanText("check", _CHECK_TEXT)], cfg.shingle)[0].hashvalues


def _check_signatures(cfg: Config, expected: bytes) -> None:
    """Fail loudly if this worker's signatures differ from the driver's for the run's config."""
    if _check_signature_bytes(cfg) != expected:
        msg = (
            "this Spark worker computes MinHash signatures that differ from the driver's for "
            f"seed {cfg.shingle.seed} and scheme {cfg.shingle.scheme!r}; install the same caselink, "
            "numpy and xxhash versions on the driver and every executor"
        )
        raise IncompatibleSignatureError(msg)


# --------------------------------------------------------------------------------------------------
# Driver.


def _boilerplate(articles: DataFrame, cfg: Config) -> Boilerplate:
    """The local `find_boilerplate` rule, counted by Spark: per outlet, and across outlets.

    A sentence key is boilerplate for an outlet when at least ``boilerplate_min_articles`` of its
    articles hold it, and everywhere when articles of ``boilerplate_min_sources`` outlets (articles
    without an outlet count as one) hold it; either way only if its dated articles span at least
    ``boilerplate_min_span_days`` days (or none is dated).
    """
    functions = _require_pyspark().functions
    col = functions.col
    ncfg = cfg.normalize
    keys = (
        articles.select("text", "source", "published")
        .mapInPandas(functools.partial(_sentence_keys, cfg), "source string, day long, key string")
        .persist()
    )
    first, last = functions.min("day").alias("first"), functions.max("day").alias("last")
    spread = col("last").isNull() | (col("last") - col("first") >= ncfg.boilerplate_min_span_days)
    per_source = (
        keys.where(col("source") != _NO_SOURCE)
        .groupBy("source", "key")
        .agg(functions.count("*").alias("n"), first, last)
        .where((col("n") >= ncfg.boilerplate_min_articles) & spread)
        .select("source", "key")
        .collect()
    )
    across = (
        keys.groupBy("key")
        .agg(functions.countDistinct("source").alias("sources"), first, last)
        .where((col("sources") >= ncfg.boilerplate_min_sources) & spread)
        .select("key")
        .collect()
    )
    keys.unpersist()
    found: dict[str | None, set[str]] = defaultdict(set)
    for row in per_source:
        found[row["source"]].add(row["key"])
    for row in across:
        found[None].add(row["key"])
    return Boilerplate({source: frozenset(values) for source, values in found.items()})


def _timed(stats: MutableMapping[str, float] | None, name: str, start: float) -> float:
    now = time.perf_counter()
    if stats is not None:
        stats[name] = round(now - start, 3)
    logger.info("spark stage %s took %.2f s", name, now - start)
    return now


def resolve(
    frame: DataFrame,
    config: Config | None = None,
    *,
    model: MatchModel | None = None,
    stats: MutableMapping[str, float] | None = None,
) -> DataFrame:
    """Resolve a DataFrame of articles into cases on Spark.

    Args:
        frame: a DataFrame with string columns ``text`` and, optionally, ``id``, ``title``,
            ``published`` (ISO date), ``source`` and ``url`` (see `article_schema()`).
        config: the run's configuration, as for `caselink.resolve` (``workers`` applies to the
            driver's comparison stage only: Spark decides the rest of the parallelism).
        model: a fitted scoring model; the built-in default model when omitted.
        stats: if given, filled with seconds per stage and counts (``articles``,
            ``boilerplate_sentences``, ``term_vocabulary``, ``candidate_pairs``, ``links``).

    Returns:
        A DataFrame with columns ``article_id`` and ``case_id``, one row per valid article.

    Raises:
        ImportError: when PySpark is not installed.
        InputError: when the DataFrame has no ``text`` column.

    Examples:
        >>> from pyspark.sql import SparkSession  # doctest: +SKIP
        >>> spark = SparkSession.builder.master("local[2]").getOrCreate()  # doctest: +SKIP
        >>> frame = spark.read.json("articles.jsonl", schema=article_schema())  # doctest: +SKIP
        >>> resolve(frame).show()  # doctest: +SKIP
    """
    sql = _require_pyspark()
    functions = sql.functions
    col = functions.col
    cfg = config or Config()
    context = frame.sparkSession.sparkContext
    start = time.perf_counter()
    present = set(frame.columns)
    if "text" not in present:
        msg = (
            f"the DataFrame needs a string column 'text', got columns {sorted(present)}; "
            "read the input with schema=caselink.spark.article_schema()"
        )
        raise InputError(msg)
    columns = [
        (col(c) if c in present else functions.lit(None)).cast("string").alias(c)
        for c in ARTICLE_COLUMNS
    ]
    articles = frame.select(*columns).mapInPandas(
        _valid_articles,
        "id string, title string, text string, published string, source string, url string, "
        "content_hash string",
    )
    # One row per id: identical repeats collapse; of conflicting rows the smallest content hash wins.
    first = functions.min(functions.struct("content_hash", *ARTICLE_COLUMNS)).alias("row")
    articles = articles.groupBy("id").agg(first).select(*[f"row.{c}" for c in ARTICLE_COLUMNS])
    articles = articles.persist()
    boilerplate = _boilerplate(articles, cfg)
    if stats is not None:
        stats["boilerplate_sentences"] = boilerplate.size
    start = _timed(stats, "boilerplate", start)

    shared_rules = context.broadcast(boilerplate)
    cleaned = articles.mapInPandas(
        functools.partial(_cleaned, cfg, shared_rules), _CLEANED
    ).persist()
    n_docs = cleaned.count()
    df = {
        str(row["term"]): int(row["count"])
        for row in cleaned.select(functions.explode("terms").alias("term"))
        .groupBy("term")
        .count()
        .toLocalIterator()
    }
    articles.unpersist()
    if stats is not None:
        stats["articles"] = n_docs
        stats["term_vocabulary"] = len(df)
    start = _timed(stats, "clean_and_terms", start)

    shared_terms = context.broadcast((n_docs, df))
    profile_rows = cleaned.mapInPandas(
        functools.partial(_profiles, cfg, _check_signature_bytes(cfg), shared_terms),
        "article_id string, profile binary",
    )
    profiles: dict[str, Profile] = {}
    for row in profile_rows.toLocalIterator():
        profile: Profile = pickle.loads(row["profile"])  # written by _profiles in this job
        profiles[profile.article_id] = profile
    cleaned.unpersist()
    shared_rules.unpersist()
    shared_terms.unpersist()
    start = _timed(stats, "profiles", start)

    linked = link_profiles(profiles.values(), cfg, model=model)
    if stats is not None:
        stats["candidate_pairs"] = len(linked.candidates)
        stats["links"] = int(np.count_nonzero(linked.pairs.probability >= cfg.cluster.threshold))
    start = _timed(stats, "pairs", start)

    clustering = cluster_articles(sorted(profiles), linked.pairs, cfg.cluster, profiles=profiles)
    rows = [(aid, i.incident_id) for i in clustering.incidents for aid in i.article_ids]
    result = frame.sparkSession.createDataFrame(rows, schema="article_id string, case_id string")
    _timed(stats, "cluster", start)
    return result


def resolve_files(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    config: Config | None = None,
    *,
    master: str | None = None,
) -> dict[str, Any]:
    """Resolve JSONL or CSV files on Spark and write ``assignments.jsonl`` and ``manifest.json``.

    The session comes from ``SparkSession.builder.getOrCreate()``: under ``spark-submit`` it uses the
    cluster given there; otherwise ``master`` (default ``local[*]``).

    Returns:
        The run's counts and stage seconds (also written to the manifest).

    Raises:
        InputError: when an input does not exist or is not a ``.jsonl``/``.json``/``.csv`` file.
        ImportError: when PySpark is not installed.
    """
    sql = _require_pyspark()
    cfg = config or Config()
    paths = [Path(p) for p in inputs]
    for path in paths:
        if not path.is_file() or path.suffix.lower() not in (".jsonl", ".json", ".csv"):
            msg = (
                f"the Spark engine reads .jsonl, .json and .csv files, got {str(path)!r}; "
                "use the local engine for directories of .txt articles"
            )
            raise InputError(msg, source=str(path))
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = sql.SparkSession.builder.appName("caselink")
    if master is not None:
        builder = builder.master(master)
    elif not os.environ.get("SPARK_HOME") and "spark.master" not in os.environ.get(
        "PYSPARK_SUBMIT_ARGS", ""
    ):
        builder = builder.master("local[*]")
    spark = builder.getOrCreate()
    schema = article_schema()
    frames = [
        spark.read.csv(str(p), schema=schema, header=True, multiLine=True, escape='"')
        if p.suffix.lower() == ".csv"
        else spark.read.json(str(p), schema=schema)
        for p in paths
    ]
    frame = functools.reduce(lambda x, y: x.unionByName(y), frames)
    stats: dict[str, float] = {}
    cases = resolve(frame, cfg, stats=stats)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    case_ids: set[str] = set()
    with (out / "assignments.jsonl").open("w", encoding="utf-8") as handle:
        for row in cases.orderBy("article_id").toLocalIterator():
            case_ids.add(row["case_id"])
            record = {"article_id": row["article_id"], "case_id": row["case_id"]}
            handle.write(json.dumps(record, sort_keys=True) + "\n")
    stats["cases"] = len(case_ids)
    manifest = {"engine": "spark", "master": spark.sparkContext.master, "config": cfg.to_dict()}
    manifest["stats"] = stats
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return stats
