"""Scale-out on PySpark: the same stage functions as `caselink.resolve`, run on partitions.

Install with ``pip install "caselink[spark]"`` (PySpark >= 3.5, pandas, pyarrow; Java 17). The flow:

1. every row becomes an `Article` (`Article.from_mapping`, so ids and validation match the local
   engine; invalid rows are dropped) inside ``mapInPandas``;
2. boilerplate: sentence keys are counted per outlet and across outlets with the local rule, and the
   resulting `Boilerplate` is broadcast;
3. per article, in ``mapInPandas``: `clean_text`, `extract_fields`, `signature` (shared seed and
   permutations, checked against a known signature on the workers) and the blocking keys: LSH band
   keys with the local band layout and `field_keys`;
4. rows are grouped by key; each LSH bucket yields its pairs, each field-key block its capped pairs
   (the blocking module's own cap);
5. each candidate pair is joined with both profiles and compared and scored with `compare_pairs`
   and `score_pairs` (LSH pairs are verified there, as locally);
6. connected components of the links (probability >= ``cluster.threshold``) by iterative
   large-star / small-star joins (Kiveris et al., 2014), in plain DataFrame operations;
7. every component, with its scored pairs, is clustered by `cluster_incidents`, as locally.

On the same input and config, the partition and case ids equal the local engine's (a test checks it).
Rows must have unique ids: of rows sharing an id, only one is kept (locally, the first one read).

On a cluster, install caselink on every executor (same version as the driver) and point the session
at the cluster; nothing else changes::

    spark = SparkSession.builder.master("spark://host:7077").getOrCreate()   # or yarn, k8s://...
    frame = spark.read.json("s3a://bucket/articles/*.jsonl", schema=caselink.spark.article_schema())
    cases = caselink.spark.resolve(frame, Config())
    cases.write.parquet("s3a://bucket/cases/")
"""

from __future__ import annotations

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

from caselink.blocking import _capped_pairs, field_keys, lsh_params
from caselink.cluster import cluster_incidents
from caselink.compare import compare_pairs, default_comparisons
from caselink.config import Config
from caselink.errors import CaselinkError, IncompatibleSignatureError, InputError
from caselink.extract import extract_fields
from caselink.models import (
    Article,
    ArticleFields,
    CandidatePair,
    CleanText,
    Profile,
    Signature,
)
from caselink.normalize import Boilerplate, _sentence_key, clean_text, normalize_text, sentences
from caselink.score import MatchModel, default_model, score_pairs
from caselink.shingle import signature

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType

__all__ = ["ARTICLE_COLUMNS", "article_schema", "resolve", "resolve_files"]

logger = logging.getLogger(__name__)

ARTICLE_COLUMNS = ("id", "title", "text", "published", "source", "url")
"""The input columns read (all strings); other columns are ignored."""

_NO_SOURCE = "\x00no source"
_CHECK_TEXT = "officer dismissed after gross misconduct hearing in the town"


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


def _sentence_keys(cfg: Config, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Distinct (source, sentence key) of every article, as `find_boilerplate` counts them."""
    import pandas as pd  # noqa: PLC0415

    for batch in batches:
        out: list[tuple[str, str]] = []
        for text, source in zip(batch["text"], batch["source"], strict=True):
            keys = {
                _sentence_key(s)
                for s in sentences(normalize_text(text))
                if len(s) >= cfg.normalize.boilerplate_min_chars
            }
            src = _NO_SOURCE if source is None else source
            out.extend((src, key) for key in keys)
        yield pd.DataFrame(out, columns=["source", "key"])


def _check_signatures(cfg: Config) -> None:
    """Fail loudly if this worker's signatures differ from datasketch's for the run's seed."""
    import xxhash  # noqa: PLC0415
    from datasketch import MinHash  # noqa: PLC0415

    from caselink.shingle import shingles  # noqa: PLC0415

    grams = shingles(_CHECK_TEXT, cfg.shingle)
    mine = signature(CleanText("check", _CHECK_TEXT), cfg.shingle)
    reference = MinHash(
        num_perm=cfg.shingle.num_perm,
        seed=cfg.shingle.seed,
        scheme=cfg.shingle.scheme,
        hashfunc=xxhash.xxh32_intdigest,
    )
    reference.update_batch([g.encode("utf-8") for g in grams])
    expected = np.asarray(reference.hashvalues, dtype="<u4").tobytes()
    if mine.hashvalues != expected:
        msg = (
            "this Spark worker computes MinHash signatures that differ from datasketch's for "
            f"seed {cfg.shingle.seed} and scheme {cfg.shingle.scheme!r}; install the same caselink, "
            "numpy and datasketch versions on the driver and every executor"
        )
        raise IncompatibleSignatureError(msg)


def _profiles(
    cfg: Config, boilerplate: Boilerplate, batches: Iterator[pd.DataFrame]
) -> Iterator[pd.DataFrame]:
    import pandas as pd  # noqa: PLC0415

    _check_signatures(cfg)
    bands, rows = lsh_params(cfg.blocking.lsh_threshold, cfg.shingle.num_perm)
    for batch in batches:
        out = []
        for row in batch.to_dict("records"):
            article = _article(row)
            if article is None:
                continue
            cleaned = clean_text(article, boilerplate, cfg.normalize)
            fields = extract_fields(article, cfg.extract)
            sig = signature(cleaned, cfg.shingle)
            profile = Profile(article.id, article.published, article.source, fields, sig)
            keys = list(dict.fromkeys(field_keys(profile, cfg.blocking)))
            if sig.num_shingles > 0:
                values = np.frombuffer(sig.hashvalues, dtype="<u4")
                keys += [
                    f"lsh:{band}:{values[band * rows : (band + 1) * rows].tobytes().hex()}"
                    for band in range(bands)
                ]
            published = article.published.isoformat() if article.published else None
            out.append((article.id, published, pickle.dumps(profile, protocol=5), keys))
        yield pd.DataFrame(out, columns=["article_id", "published", "profile", "keys"])


def _block_pairs(
    cfg: Config, key: str, members: list[tuple[str, str | None]]
) -> list[tuple[str, str, str]]:
    """All pairs of one LSH bucket, or the capped pairs of one field-key block."""
    import datetime as dt  # noqa: PLC0415

    rule = key.split(":", 1)[0]
    # Locally, blocks list their members in id order; the cap's tie-breaks depend on it.
    members = sorted(members)
    if rule == "lsh":
        ids = [m[0] for m in members]
        return [(x, y, rule) for i, x in enumerate(ids) for y in ids[i + 1 :]]
    stubs = [
        Profile(
            aid,
            dt.date.fromisoformat(pub) if isinstance(pub, str) else None,
            None,
            ArticleFields(aid),
            Signature(aid, b"", 0),
        )
        for aid, pub in members
    ]
    return [(a, b, rule) for a, b in _capped_pairs(stubs, cfg.blocking) if a != b]


def _blocks(cfg: Config, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Pairs of every block (one row per key, its members collected in a list)."""
    import pandas as pd  # noqa: PLC0415

    for batch in batches:
        out: list[tuple[str, str, str]] = []
        for key, members in zip(batch["key"], batch["members"], strict=True):
            listed = [(str(m["article_id"]), m["published"]) for m in members]
            out.extend(_block_pairs(cfg, str(key), listed))
        yield pd.DataFrame(out, columns=["a", "b", "rule"])


def _score(
    cfg: Config, model: MatchModel, batches: Iterator[pd.DataFrame]
) -> Iterator[pd.DataFrame]:
    import pandas as pd  # noqa: PLC0415

    for batch in batches:
        profiles: dict[str, Profile] = {}
        candidates = []
        for a, b, rules, pa, pb in zip(
            batch["a"], batch["b"], batch["rules"], batch["pa"], batch["pb"], strict=True
        ):
            left: Profile = pickle.loads(pa)  # written by _profiles in this job
            right: Profile = pickle.loads(pb)
            profiles[left.article_id] = left
            profiles[right.article_id] = right
            kept = {r for r in rules if r != "lsh"}
            if "lsh" in rules and _lsh_verified(left.signature, right.signature, cfg):
                kept.add("lsh")
            if kept:
                candidates.append(CandidatePair(a, b, tuple(kept)))
        vectors = compare_pairs(candidates, profiles, cfg.compare)
        out = [
            (p.a, p.b, float(p.probability), pickle.dumps(p, protocol=5))
            for p in score_pairs(vectors, model)
        ]
        yield pd.DataFrame(out, columns=["a", "b", "probability", "pair"])


def _lsh_verified(a: Signature, b: Signature, cfg: Config) -> bool:
    if a.num_shingles == 0 or b.num_shingles == 0:
        return False
    va = np.frombuffer(a.hashvalues, dtype="<u4")
    vb = np.frombuffer(b.hashvalues, dtype="<u4")
    return bool(np.count_nonzero(va == vb) / va.size >= cfg.blocking.verify_threshold)


def _cluster_components(cfg: Config, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Cluster every component (one row each: its members and its scored pairs) as locally."""
    import pandas as pd  # noqa: PLC0415

    for batch in batches:
        out: list[tuple[str, str]] = []
        for members, pairs in zip(batch["members"], batch["pairs"], strict=True):
            scored = [pickle.loads(p) for p in pairs] if pairs is not None else []
            incidents = cluster_incidents([str(m) for m in members], scored, cfg.cluster)
            out.extend((aid, i.incident_id) for i in incidents for aid in i.article_ids)
        yield pd.DataFrame(out, columns=["article_id", "case_id"])


def _cluster_singletons(cfg: Config, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    import pandas as pd  # noqa: PLC0415

    for batch in batches:
        incidents = cluster_incidents([str(a) for a in batch["article_id"]], [], cfg.cluster)
        out = [(aid, i.incident_id) for i in incidents for aid in i.article_ids]
        yield pd.DataFrame(out, columns=["article_id", "case_id"])


# --------------------------------------------------------------------------------------------------
# Driver.


def _boilerplate(articles: DataFrame, cfg: Config) -> Boilerplate:
    """The local `find_boilerplate` rule, counted by Spark: per outlet, and across outlets."""
    functions = _require_pyspark().functions
    keys = articles.select("text", "source").mapInPandas(
        functools.partial(_sentence_keys, cfg), "source string, key string"
    )
    keys = keys.persist()
    per_source = (
        keys.where(functions.col("source") != _NO_SOURCE)
        .groupBy("source", "key")
        .count()
        .where(functions.col("count") >= cfg.normalize.boilerplate_min_articles)
        .select("source", "key")
        .collect()
    )
    across = (
        keys.groupBy("key")
        .agg(functions.countDistinct("source").alias("sources"))
        .where(functions.col("sources") >= cfg.normalize.boilerplate_min_sources)
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


def _components(edges: DataFrame, checkpoint: bool = True) -> DataFrame:
    """Connected components by alternating large-star and small-star steps.

    ``edges`` has string columns ``a < b``; returns ``(article_id, component)`` for every node that
    has an edge, ``component`` being the smallest id of its component.
    """
    functions = _require_pyspark().functions
    col = functions.col

    def both_ways(e: DataFrame) -> DataFrame:
        return e.select(col("u").alias("src"), col("v").alias("dst")).unionByName(
            e.select(col("v").alias("src"), col("u").alias("dst"))
        )

    def normalised(e: DataFrame) -> DataFrame:
        return (
            e.where(col("x") != col("y"))
            .select(functions.least("x", "y").alias("u"), functions.greatest("x", "y").alias("v"))
            .distinct()
        )

    current = edges.select(col("a").alias("u"), col("b").alias("v")).distinct()
    current = current.localCheckpoint() if checkpoint else current.cache()
    while True:
        # Large star: link every larger neighbour of a node to the node's smallest neighbour.
        arcs = both_ways(current)
        smallest = arcs.groupBy("src").agg(functions.min("dst").alias("m"))
        smallest = smallest.select("src", functions.least("src", "m").alias("m"))
        large = normalised(
            arcs.join(smallest, "src")
            .where(col("dst") > col("src"))
            .select(col("dst").alias("x"), col("m").alias("y"))
        )
        # Small star: link every node and its smaller neighbours to the smallest of them.
        arcs = both_ways(large).where(col("dst") <= col("src"))
        smallest = arcs.groupBy("src").agg(functions.min("dst").alias("m"))
        small = normalised(
            arcs.join(smallest, "src")
            .select(col("dst").alias("x"), col("m").alias("y"))
            .unionByName(smallest.select(col("src").alias("x"), col("m").alias("y")))
        )
        small = small.localCheckpoint() if checkpoint else small.cache()
        if small.count() == current.count() and small.exceptAll(current).isEmpty():
            break
        current = small
    # Converged: every component is a star around its smallest node.
    return (
        current.select(col("v").alias("article_id"), col("u").alias("component"))
        .unionByName(current.select(col("u").alias("article_id"), col("u").alias("component")))
        .groupBy("article_id")
        .agg(functions.min("component").alias("component"))
    )


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
        config: the run's configuration, as for `caselink.resolve` (``workers`` is ignored: Spark
            decides the parallelism).
        model: a fitted scoring model; the built-in default model when omitted.
        stats: if given, filled with seconds per stage and counts (``candidate_pairs``, ``links``).

    Returns:
        A DataFrame with columns ``article_id`` and ``case_id``, one row per valid article.

    Raises:
        ImportError: when PySpark is not installed.

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
    fitted = model or default_model(
        {c.name: c.labels for c in default_comparisons(cfg.compare)}, cfg.score
    )
    start = time.perf_counter()
    present = set(frame.columns)
    if "text" not in present:
        msg = f"the DataFrame needs a string column 'text', got columns {sorted(present)}"
        raise ValueError(msg)
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
    start = _timed(stats, "boilerplate", start)

    profiles = articles.mapInPandas(
        functools.partial(_profiles, cfg, boilerplate),
        "article_id string, published string, profile binary, keys array<string>",
    ).persist()
    if stats is not None:
        stats["articles"] = profiles.count()
    start = _timed(stats, "profiles", start)

    memberships = profiles.select("article_id", "published", functions.explode("keys").alias("key"))
    # Grouped lists and a plain mapInPandas, not applyInPandas: most keys (LSH buckets above all)
    # have one member, and a pandas frame per group would cost more than the work.
    blocks = (
        memberships.groupBy("key")
        .agg(functions.collect_list(functions.struct("article_id", "published")).alias("members"))
        .where(functions.size("members") > 1)
    )
    block_pairs = blocks.mapInPandas(
        functools.partial(_blocks, cfg), "a string, b string, rule string"
    )
    candidates = block_pairs.groupBy("a", "b").agg(
        functions.array_sort(functions.collect_set("rule")).alias("rules")
    )
    side = profiles.select("article_id", "profile")
    joined = candidates.join(
        side.select(col("article_id").alias("a"), col("profile").alias("pa")), "a"
    ).join(side.select(col("article_id").alias("b"), col("profile").alias("pb")), "b")
    scored = (
        joined.select("a", "b", "rules", "pa", "pb")
        .mapInPandas(
            functools.partial(_score, cfg, fitted),
            "a string, b string, probability double, pair binary",
        )
        .persist()
    )
    if stats is not None:
        stats["candidate_pairs"] = scored.count()
    start = _timed(stats, "pairs", start)

    links = scored.where(col("probability") >= cfg.cluster.threshold).select("a", "b")
    components = _components(links).persist()
    if stats is not None:
        stats["links"] = links.count()
        stats["components"] = components.select("component").distinct().count()
    start = _timed(stats, "components", start)

    component_of = components.select(col("article_id").alias("a"), col("component"))
    inside = (
        scored.join(component_of, "a")
        .join(components.select(col("article_id").alias("b"), col("component").alias("cb")), "b")
        .where(col("component") == col("cb"))
        .groupBy("component")
        .agg(functions.collect_list("pair").alias("pairs"))
    )
    groups = (
        components.groupBy("component")
        .agg(functions.collect_list("article_id").alias("members"))
        .join(inside, "component", "left")
    )
    clustered = groups.mapInPandas(
        functools.partial(_cluster_components, cfg), "article_id string, case_id string"
    )
    alone = (
        profiles.select("article_id")
        .join(components.select("article_id"), "article_id", "left_anti")
        .mapInPandas(
            functools.partial(_cluster_singletons, cfg), "article_id string, case_id string"
        )
    )
    result = clustered.unionByName(alone).persist()
    result.count()
    _timed(stats, "cluster", start)
    articles.unpersist()
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
