"""The PySpark engine: same partition as the local engine, and its building blocks."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from caselink import Config, __version__, read_articles, resolve
from caselink.config import NormalizeConfig
from caselink.models import Article

pytestmark = pytest.mark.spark


def _java_problem() -> str | None:
    java = shutil.which("java", path=os.path.join(os.environ.get("JAVA_HOME", ""), "bin"))
    java = java or shutil.which("java")
    if java is None:
        return (
            "Java is not installed (PySpark needs Java 17: apt-get install openjdk-17-jre-headless)"
        )
    probe = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return f"'java -version' failed: {probe.stderr.strip()[:200]}"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    """A local[2] Spark session; skips when PySpark or Java is missing."""
    pytest.importorskip(
        "pyspark", reason="PySpark is not installed (pip install 'caselink[spark]')"
    )
    pytest.importorskip(
        "pyarrow", reason="pyarrow is not installed (pip install 'caselink[spark]')"
    )
    problem = _java_problem()
    if problem:
        pytest.skip(problem)
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("caselink-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _partition(assignments: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for aid, cid in assignments.items():
        groups.setdefault(cid, set()).add(aid)
    return {frozenset(g) for g in groups.values()}


def test_spark_engine_equals_local_on_example_corpus(
    spark, example_articles: Path, tmp_path: Path
) -> None:
    """`caselink resolve --engine spark` on the bundled corpus (plus a bad row) gives the local cases."""
    from caselink.cli import main

    corpus = tmp_path / "articles.jsonl"
    bad = {"id": "broken", "title": "no body", "text": None, "published": "2023-01-01"}
    corpus.write_text(example_articles.read_text("utf-8") + json.dumps(bad) + "\n", "utf-8")
    out = tmp_path / "out"
    assert main(["resolve", str(corpus), "--out", str(out), "--engine", "spark", "--quiet"]) == 0
    lines = (out / "assignments.jsonl").read_text("utf-8").splitlines()
    got = {row["article_id"]: row["case_id"] for row in map(json.loads, lines)}
    local = resolve(read_articles(corpus), Config(progress=False))
    assert [r.article_id for r in local.rejects] == ["broken"]
    assert got == local.assignments()
    assert _partition(got) == {frozenset(c.article_ids) for c in local.cases}
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["engine"] == "spark"
    assert manifest["stats"]["candidate_pairs"] == local.manifest["counts"]["candidate_pairs"]


def test_distributed_boilerplate_equals_local_rule(spark) -> None:
    """Boilerplate counted by Spark equals `find_boilerplate`: outlets, day spans, missing outlets."""
    from caselink.normalize import find_boilerplate
    from caselink.spark import ARTICLE_COLUMNS, _boilerplate

    rng = random.Random(3)
    notice = "Support our journalism for only one pound a week today."
    wire = "Reporting by the wire service desk, edited for this site."
    story = "The officer was dismissed at the end of a long hearing."
    syndicated = "A spokesperson said the inquiry would report within weeks."
    rows = []
    for i in range(40):
        source = rng.choice(["echo", "post", "herald", "star", "mail", "times", None])
        day = rng.choice([None, *(f"2023-0{m}-1{d}" for m in (1, 2, 5) for d in (0, 5))])
        body = " ".join(rng.sample([notice, wire, story, f"Item {i} is unique to this one."], 3))
        if day is not None and day.startswith("2023-01"):
            body += " " + syndicated  # many outlets, but within 14 days: one story, kept
        rows.append((f"a{i:02d}", f"Title {i}", body, day, source, None))
    articles = [Article.from_mapping(dict(zip(ARTICLE_COLUMNS, r, strict=True))) for r in rows]
    local = find_boilerplate(articles)
    spanless = find_boilerplate(articles, NormalizeConfig(boilerplate_min_span_days=0))
    frame = spark.createDataFrame(rows, schema=", ".join(f"{c} string" for c in ARTICLE_COLUMNS))
    got = _boilerplate(frame, Config())
    assert got.by_source == local.by_source
    assert local.size > 0
    assert spanless.by_source != local.by_source  # the day-span rule matters on this corpus


def test_spark_resolve_edge_inputs(spark) -> None:
    """Invalid rows are dropped and blank ids derived as locally; no text column is an InputError."""
    from caselink.errors import InputError
    from caselink.ingest import read_records
    from caselink.spark import resolve as spark_resolve

    rows = [("x", None), ("", "   ")]
    local = read_records([{"id": i, "text": t} for i, t in rows]).articles
    got = spark_resolve(spark.createDataFrame(rows, schema="id string, text string")).collect()
    assert [r["article_id"] for r in got] == [a.id for a in local]
    assert spark_resolve(spark.createDataFrame(rows[:1], schema="id string, text string")).isEmpty()
    with pytest.raises(InputError, match="column 'text'"):
        spark_resolve(spark.createDataFrame([("x",)], schema="id string"))


def test_cli_spark_engine_without_pyspark_says_what_to_install(
    monkeypatch, example_articles: Path, tmp_path, capsys
) -> None:
    """Without PySpark, `--engine spark` exits with status 2 and names the extra to install."""
    from caselink.cli import main

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    argv = ["resolve", str(example_articles), "--out", str(tmp_path), "--engine", "spark"]
    assert main(argv) == 2
    assert "caselink[spark]" in capsys.readouterr().err


def test_spark_module_imports_without_pyspark(monkeypatch) -> None:
    """Without PySpark the module imports, and using it names the extra to install."""
    from caselink import spark as engine

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(ImportError, match=r"caselink\[spark\]"):
        engine.article_schema()
    assert callable(engine.resolve)
    assert __version__
